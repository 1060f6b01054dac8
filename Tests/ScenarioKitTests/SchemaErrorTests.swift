import XCTest
@testable import ScenarioKit

/// Precise messages, asserted verbatim, for the common schema's kinds of bad input.
final class SchemaErrorTests: XCTestCase {
    private func errors(_ yaml: String) -> [String] { TestSupport.diagnostics(yaml: yaml) }

    func testUnknownKeysWithAndWithoutSuggestion() {
        XCTAssertEqual(errors("name: t\nduraton: 1h\nbanana: 3\n"), [
            "s.yaml:1:1: error: duration: required key is missing; expected a duration from 1ms to 366d, like 1h",
            "s.yaml:2:1: error: duraton: unknown key; did you mean \"duration\"?",
            "s.yaml:3:1: error: banana: unknown key; expected one of name, description, seed, duration, warmUp, replications, mode, load, faults, slos, topology, policies, sweep, plan, cost",
        ])
        XCTAssertEqual(errors(TestSupport.minimal("load:\n  workloads:\n    - {name: a, target: b, rtae: 5/s}\n")), [
            "s.yaml:5:7: error: load.workloads[0]: a rate profile is missing; expected one of rate, diurnal, ramp, steps, trace",
            "s.yaml:5:28: error: load.workloads[0].rtae: unknown key; did you mean \"rate\"?",
        ])
    }

    func testWrongTypes() {
        XCTAssertEqual(errors("name: t\nduration: ninety\n"),
                       ["s.yaml:2:11: error: duration: \"ninety\" is not a duration; expected a duration like 90s, 5m or 1h30m"])
        XCTAssertEqual(errors("name: t\nduration: 90\n"),
                       ["s.yaml:2:11: error: duration: \"90\" has no unit (write 90s for seconds); expected a duration like 90s, 5m or 1h30m"])
        XCTAssertEqual(errors("name: t\nduration: {hours: 1}\n"),
                       ["s.yaml:2:11: error: duration: found a mapping; expected a duration like 90s, 5m or 1h30m"])
        XCTAssertEqual(errors(TestSupport.minimal("load:\n  workloads:\n    - {name: a, target: b, rate: fast}\n")),
                       ["s.yaml:5:34: error: load.workloads[0].rate: \"fast\" is not a rate; expected a rate like 100/s, 5/min or 3600/h"])
        XCTAssertEqual(errors(TestSupport.minimal("load: [a, b]\n")), ["s.yaml:3:7: error: load: found a list; expected a mapping"])
        XCTAssertEqual(errors(TestSupport.minimal("topology: [a]\n")),
                       ["s.yaml:3:11: error: topology: found a list; expected a mapping (the topology section)"])
        XCTAssertEqual(errors(TestSupport.minimal("mode: simulted\n")),
                       ["s.yaml:3:7: error: mode: \"simulted\" is not a known value; did you mean \"simulated\"?"])
        XCTAssertEqual(errors("name: Peak Hour\nduration: 1h\n"),
                       ["s.yaml:1:7: error: name: \"Peak Hour\" is not a valid name; expected a name of lowercase letters, digits and dashes, like peak-hour"])
    }

    func testOutOfRange() {
        XCTAssertEqual(errors(TestSupport.minimal("replications: 0\n")),
                       ["s.yaml:3:15: error: replications: 0 is out of range; expected an integer from 1 to 10000"])
        XCTAssertEqual(errors(TestSupport.minimal("replications: 2.5\n")),
                       ["s.yaml:3:15: error: replications: 2.5 is not a whole number; expected an integer from 1 to 10000"])
        XCTAssertEqual(errors(TestSupport.minimal("seed: -3\n")),
                       ["s.yaml:3:7: error: seed: -3 is negative; expected an integer from 0 to 18446744073709551615"])
        XCTAssertEqual(errors(TestSupport.minimal("seed: 18446744073709551616\n")),
                       ["s.yaml:3:7: error: seed: 18446744073709551616 is too large; expected an integer from 0 to 18446744073709551615"])
        XCTAssertEqual(errors("name: t\nduration: 0s\n"),
                       ["s.yaml:2:11: error: duration: the duration is zero; expected a duration greater than 0s, like 90s or 5m"])
        XCTAssertEqual(errors("name: t\nduration: 400d\n"),
                       ["s.yaml:2:11: error: duration: 400d is longer than 366d; expected a duration from 1ms to 366d, like 1h"])
    }

    func testMissingKeysAreReportedAtTheParentMapping() {
        XCTAssertEqual(errors("description: nothing else\n"), [
            "s.yaml:1:1: error: duration: required key is missing; expected a duration from 1ms to 366d, like 1h",
            "s.yaml:1:1: error: name: required key is missing; expected a name of lowercase letters, digits and dashes, like peak-hour",
        ])
        XCTAssertEqual(errors(TestSupport.minimal("load:\n  workloads:\n    - name: a\n      rate: 5/s\n")),
                       ["s.yaml:5:7: error: load.workloads[0].target: required key is missing; expected the name of the service that receives the load"])
        XCTAssertEqual(errors(TestSupport.minimal("load: {}\n")),
                       ["s.yaml:3:7: error: load.workloads: required key is missing; expected a list of workloads"])
    }

    func testImpossibleCombinations() {
        XCTAssertEqual(errors(TestSupport.minimal("warmUp: 2h\n")),
                       ["s.yaml:3:9: error: warmUp: warmUp 2h is not shorter than duration 1h; expected a warm-up shorter than the run"])
        XCTAssertEqual(errors(TestSupport.minimal("load:\n  workloads:\n    - {name: a, target: b, ramp: {from: 1/s, to: 9/s, start: 10m, end: 5m}}\n")),
                       ["s.yaml:5:72: error: load.workloads[0].ramp.end: end 5m is before start 10m; expected a ramp that ends after it starts"])
        XCTAssertEqual(errors(TestSupport.minimal("load:\n  workloads:\n    - {name: a, target: b, rate: 1/s, diurnal: {base: 1/s, peak: 2/s, peakAt: 1h}}\n")),
                       ["s.yaml:5:39: error: load.workloads[0].diurnal: diurnal cannot be combined with rate; expected only one of rate, diurnal, ramp, steps, trace as a rate profile"])
        XCTAssertEqual(errors(TestSupport.minimal("load:\n  workloads:\n    - {name: a, target: b, diurnal: {base: 5/s, peak: 2/s, peakAt: 1h}}\n")),
                       ["s.yaml:5:55: error: load.workloads[0].diurnal.peak: peak 2/s is below base 5/s; expected a peak rate at least the base rate"])
        XCTAssertEqual(errors(TestSupport.minimal("faults:\n  - {kind: regionOutage, region: r1, at: 10m, until: 5m}\n")),
                       ["s.yaml:4:54: error: faults[0].until: until 5m is before at 10m; expected a fault that ends after it starts"])
        XCTAssertEqual(errors(TestSupport.minimal("faults:\n  - {kind: dependencyErrors, dependency: d, errorRate: 150%, at: 1m}\n")),
                       ["s.yaml:4:56: error: faults[0].errorRate: 150% is more than 100%; expected a percentage like 5% or a fraction from 0 to 1 like 0.05"])
        XCTAssertEqual(errors(TestSupport.minimal("load:\n  workloads:\n    - name: a\n      target: b\n      steps: [{at: 0s, rate: 1/s}, {at: 10m, rate: 2/s}, {at: 5m, rate: 3/s}]\n")),
                       ["s.yaml:7:63: error: load.workloads[0].steps[2].at: 5m is not after the previous step's 10m; expected steps in increasing time order"])
        XCTAssertEqual(errors(TestSupport.minimal("load:\n  workloads:\n    - {name: a, target: b, rate: 1/s}\n    - {name: a, target: c, rate: 1/s}\n")),
                       ["s.yaml:6:14: error: load.workloads[1].name: workload \"a\" is already defined at s.yaml:5:14; expected a unique workload name"])
    }

    func testAllErrorsOfAFileAtOnceSorted() {
        let path = TestSupport.fixtures + "/invalid-many-errors.yaml"
        let file = path
        XCTAssertEqual(ScenarioLoader.validate(paths: [path]).map(\.description), [
            "\(file):1:1: error: duration: required key is missing; expected a duration from 1ms to 366d, like 1h",
            "\(file):1:7: error: name: \"Peak Hour\" is not a valid name; expected a name of lowercase letters, digits and dashes, like peak-hour",
            "\(file):2:1: error: duraton: unknown key; did you mean \"duration\"?",
            "\(file):3:7: error: seed: -3 is negative; expected an integer from 0 to 18446744073709551615",
            "\(file):4:15: error: replications: 0 is out of range; expected an integer from 1 to 10000",
            "\(file):5:9: error: warmUp: \"ninety\" is not a duration; expected a duration like 5m, or auto (MSER-5 truncation)",
            "\(file):6:7: error: mode: \"simulted\" is not a known value; did you mean \"simulated\"?",
            "\(file):11:13: error: load.workloads[0].rate: \"100\" has no unit (write 100/s for per second); expected a rate like 100/s, 5/min or 3600/h",
            "\(file):14:52: error: load.workloads[1].ramp.end: end 5m is before start 10m; expected a ramp that ends after it starts",
            "\(file):19:12: error: faults[0].until: until 5m is before at 10m; expected a fault that ends after it starts",
            "\(file):22:16: error: faults[1].errorRate: 150% is more than 100%; expected a percentage like 5% or a fraction from 0 to 1 like 0.05",
            "\(file):25:59: error: slos[0].on: \"upper96\" is not a known value; did you mean \"upper95\"?",
        ])
    }

    func testValidateCollectsAllFilesSortedByFile() {
        let files = ["b.yaml": "name: b\nduration: 1x\n", "a.yaml": "name: A\nduration: 1h\n", "ok.yaml": "name: ok\nduration: 1h\n"]
        let result = ScenarioLoader(provider: InMemorySources(files)).validate(paths: ["b.yaml", "ok.yaml", "a.yaml"])
        XCTAssertEqual(result.map(\.description), [
            "a.yaml:1:7: error: name: \"A\" is not a valid name; expected a name of lowercase letters, digits and dashes, like peak-hour",
            "b.yaml:2:11: error: duration: \"1x\" has an unknown unit \"x\" (use d, h, m, s, ms, us or ns); expected a duration like 90s, 5m or 1h30m",
        ])
    }

    func testWarningsDoNotStopLoading() throws {
        let yaml = TestSupport.minimal("load:\n  workloads:\n    - {name: a, target: b, rate: 1/s, spikes: [{at: 2h, duration: 1m, multiplier: 2}]}\n")
        XCTAssertEqual(TestSupport.diagnostics(yaml: yaml),
                       ["s.yaml:5:53: warning: load.workloads[0].spikes[0].at: this spike starts at 2h, after the run ends (1h); it has no effect"])
        let scenario = try ScenarioLoader.load(yaml: yaml)
        XCTAssertEqual(scenario.warnings.count, 1)
        XCTAssertEqual(TestSupport.diagnostics(yaml: TestSupport.minimal("replications: 1e3\n")), [])
    }

    func testLoadThrowsAllErrorsAndDefaultsApply() throws {
        XCTAssertThrowsError(try ScenarioLoader.load(yaml: "name: x\n")) { error in
            XCTAssertEqual((error as? ScenarioValidationError)?.errors.count, 1)
        }
        let scenario = try ScenarioLoader.load(yaml: "name: defaults\nduration: 10m\n")
        XCTAssertEqual(scenario.seed, 1)
        XCTAssertEqual(scenario.warmUp, .zero)
        XCTAssertEqual(scenario.replications, 1)
        XCTAssertEqual(scenario.mode, .simulated)
        XCTAssertTrue(scenario.workloads.isEmpty)
        XCTAssertTrue(scenario.faults.events.isEmpty)
    }
}
