import XCTest
@testable import ScenarioKit

final class ExtendsTests: XCTestCase {
    private let base = """
    seed: 7
    duration: 2h
    replications: 3
    load:
      workloads:
        - {name: base-load, target: recording, rate: 5/s}
    slos:
      - nothingLost: true
    faults:
      - {kind: podLoss, service: recording, count: 2, at: 5m}
    topology:
      regions: [us-east-1]
      services: {recording: {replicas: 4, memory: 2Gi}}

    """

    func testChildOverridesByDeepMergeAndPositionsPointToTheirFile() throws {
        let child = """
        extends: bases/platform.yaml
        name: child
        replications: 5
        faults: ~
        slos+:
          - rto: {below: 5m}
        topology:
          services: {recording: {replicas: 6}}
        """
        let scenario = try XCTUnwrap(TestSupport.load(child, bases: ["bases/platform.yaml": base]))
        XCTAssertEqual(scenario.sourceFiles, ["s.yaml", "bases/platform.yaml"])
        XCTAssertEqual(scenario.seed, 7)
        XCTAssertEqual(scenario.replications, 5)
        XCTAssertEqual(scenario.duration, .hours(2))
        XCTAssertTrue(scenario.faults.faults.isEmpty, "faults: ~ deletes the base's faults")
        XCTAssertEqual(scenario.slos.map(\.name), ["nothingLost", "rto < 5m"])
        XCTAssertEqual(scenario.workloads.map(\.name), ["base-load"])
        XCTAssertEqual(scenario.document["duration"]?.location, SourceLocation(file: "bases/platform.yaml", line: 2, column: 11))
        XCTAssertEqual(scenario.document["replications"]?.location, SourceLocation(file: "s.yaml", line: 3, column: 15))
        let services = try XCTUnwrap(scenario.sections.topology?["services"]?["recording"])
        XCTAssertEqual(services["replicas"]?.scalar?.text, "6")
        XCTAssertEqual(services["replicas"]?.location.file, "s.yaml")
        XCTAssertEqual(services["memory"]?.scalar?.text, "2Gi")
        XCTAssertEqual(services["memory"]?.location, SourceLocation(file: "bases/platform.yaml", line: 13, column: 47))
        XCTAssertEqual(scenario.sections.topology?["regions"]?.location.file, "bases/platform.yaml")
    }

    func testListsAreReplacedWhole() throws {
        let child = "extends: b.yaml\nname: c\nload:\n  workloads:\n    - {name: mine, target: streaming, rate: 1/s}\n"
        let scenario = try XCTUnwrap(TestSupport.load(child, bases: ["b.yaml": base]))
        XCTAssertEqual(scenario.workloads.map(\.name), ["mine"])
        let appended = "extends: b.yaml\nname: c\nload:\n  workloads+:\n    - {name: mine, target: streaming, rate: 1/s}\n"
        XCTAssertEqual(TestSupport.load(appended, bases: ["b.yaml": base])?.workloads.map(\.name), ["base-load", "mine"])
    }

    func testAChainAcrossDirectories() throws {
        let files = [
            "scenarios/peak.yaml": "extends: ../bases/region.yaml\nname: peak\n",
            "bases/region.yaml": "extends: common/root.yaml\nreplications: 2\n",
            "bases/common/root.yaml": "duration: 30m\nreplications: 1\nseed: 9\n",
        ]
        let scenario = try ScenarioLoader(provider: InMemorySources(files)).load(path: "scenarios/peak.yaml")
        XCTAssertEqual(scenario.sourceFiles, ["scenarios/peak.yaml", "bases/region.yaml", "bases/common/root.yaml"])
        XCTAssertEqual(scenario.replications, 2)
        XCTAssertEqual(scenario.seed, 9)
        XCTAssertEqual(scenario.duration, .minutes(30))
    }

    func testCyclesAreReportedWhereTheyClose() {
        XCTAssertEqual(TestSupport.diagnostics(["a.yaml": "extends: b.yaml\nname: a\n", "b.yaml": "extends: a.yaml\n"], "a.yaml"),
                       ["b.yaml:1:10: error: extends: \"a.yaml\" closes a cycle: a.yaml → b.yaml → a.yaml; expected a chain of base files that ends"])
        XCTAssertEqual(TestSupport.diagnostics(["a.yaml": "extends: ./a.yaml\n"], "a.yaml"),
                       ["a.yaml:1:10: error: extends: \"./a.yaml\" closes a cycle: a.yaml → a.yaml; expected a chain of base files that ends"])
    }

    func testMissingBaseAndBadExtendsValue() {
        XCTAssertEqual(TestSupport.diagnostics(["d/s.yaml": "name: s\nextends: ../nowhere.yaml\n"], "d/s.yaml"),
                       ["d/s.yaml:2:10: error: extends: base file \"../nowhere.yaml\" (nowhere.yaml): file not found; expected a path to a scenario file, relative to this file's directory"])
        XCTAssertEqual(TestSupport.diagnostics(yaml: "extends: [a.yaml, b.yaml]\nname: s\n"),
                       ["s.yaml:1:10: error: extends: found a list; expected the path of one base scenario file, like base.yaml"])
        XCTAssertEqual(TestSupport.diagnostics(["s.yaml": "extends: b.yaml\nname: s\n", "b.yaml": "- a\n"]),
                       ["b.yaml:1:1: error: the top level is a list; expected a YAML mapping of scenario keys (name, duration, load, ...)"])
    }

    func testErrorsInsideABaseCarryTheBasePosition() {
        XCTAssertEqual(TestSupport.diagnostics(["s.yaml": "extends: b.yaml\nname: s\n", "b.yaml": "duration: 1h\nwarmUp: [1m]\nreplicas: 3\n"]), [
            "b.yaml:2:9: error: warmUp: found a list; expected a duration like 5m, or auto (MSER-5 truncation)",
            "b.yaml:3:1: error: replicas: unknown key; did you mean \"replications\"?",
        ])
        XCTAssertEqual(TestSupport.diagnostics(["s.yaml": "extends: b.yaml\nname: s\n", "b.yaml": "duration: 1h\n  x: : y\n"]),
                       ["b.yaml:2:4: error: invalid YAML: mapping values are not allowed in this context; expected well-formed YAML"])
        // A combination that is only impossible after merging is reported at the value that came from the base.
        XCTAssertEqual(TestSupport.diagnostics(["s.yaml": "extends: b.yaml\nname: s\nduration: 10m\n", "b.yaml": "duration: 1h\nwarmUp: 15m\n"]),
                       ["b.yaml:2:9: error: warmUp: warmUp 15m is not shorter than duration 10m; expected a warm-up shorter than the run"])
    }

    func testAppendingToSomethingThatIsNotAList() {
        XCTAssertEqual(TestSupport.diagnostics(["s.yaml": "extends: b.yaml\nname: s\ntopology+: [x]\n", "b.yaml": "duration: 1h\ntopology: {a: 1}\n"]),
                       ["s.yaml:3:1: error: topology+: the base's \"topology\" is a mapping, not a list; expected \"topology+\" only where the base has a list"])
    }

    func testTheFixtureLoadsFromDisk() throws {
        let scenario = try ScenarioLoader.load(path: TestSupport.fixtures + "/valid-peak-hour.yaml")
        XCTAssertEqual(scenario.name, "peak-hour-failover")
        XCTAssertEqual(scenario.seed, 42)
        XCTAssertEqual(scenario.replications, 3)
        XCTAssertEqual(scenario.warmUp, .minutes(5))
        XCTAssertEqual(scenario.workloads.map(\.name), ["recordings", "replays"])
        XCTAssertEqual(scenario.faults.faults.map(\.name), ["regionOutage-0", "dependencyErrors-1"])
        XCTAssertEqual(scenario.slos.map(\.name), ["nothingLost", "p99(video.queue_wait) < 30s on upper95",
                                                   "p50(recording.latency) < 250ms", "rto < 5m"])
        XCTAssertEqual(scenario.sections.topology?["services"]?["recording"]?["replicas"]?.scalar?.text, "6")
        guard case .trace(let trace) = scenario.workloads[1].pattern else { return XCTFail("expected a trace") }
        XCTAssertEqual(trace.counts, [1, 2, 1, 4])
        XCTAssertTrue(scenario.warnings.isEmpty)
    }
}
