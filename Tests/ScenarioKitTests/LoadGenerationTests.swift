import XCTest
@testable import ScenarioKit

/// Arrival generation: counts match the integral of the rate within 5σ (Poisson: σ = √mean),
/// the shape shows where it should, and the same seed gives the same instants.
final class LoadGenerationTests: XCTestCase {
    private func rate(_ perSecond: Double) -> Rate { Rate(perSecond: perSecond) }

    private func instants(_ profile: RateProfile, seconds: Int64, seed: UInt64 = 1) -> [Instant] {
        ArrivalProcess.instants(of: .poisson(profile), horizon: .wholeSeconds(seconds),
                                using: RandomStream(name: "arrivals.test", seed: seed))
    }

    private func assertPoisson(_ count: Int, mean: Double, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(Double(count), mean, accuracy: 5 * mean.squareRoot(), "count \(count) vs mean \(mean)", file: file, line: line)
    }

    private func count(_ xs: [Instant], from a: Double, to b: Double) -> Int {
        xs.filter { $0.seconds >= a && $0.seconds < b }.count
    }

    func testConstantRate() {
        let profile = RateProfile(.constant(rate(10)))
        let xs = instants(profile, seconds: 1000)
        assertPoisson(xs.count, mean: 10_000)
        XCTAssertEqual(profile.expectedArrivals(until: .wholeSeconds(1000)), 10_000, accuracy: 1e-9)
        XCTAssertEqual(xs, xs.sorted())
        XCTAssertTrue(xs.allSatisfy { $0 >= .zero && $0.nanoseconds < 1000 * 1_000_000_000 })
        // Inter-arrival gaps of a Poisson process are exponential with mean 1/λ.
        let gaps = zip(xs.dropFirst(), xs).map { ($0.0 - $0.1).seconds }
        XCTAssertEqual(gaps.reduce(0, +) / Double(gaps.count), 0.1, accuracy: 0.005)
    }

    func testSameSeedSameInstantsDifferentSeedDifferent() {
        let profile = RateProfile(.ramp(.init(from: rate(1), to: rate(20), start: .wholeSeconds(10), end: .wholeSeconds(100))),
                                  spikes: [.init(at: .wholeSeconds(50), duration: .wholeSeconds(10), multiplier: 2)])
        XCTAssertEqual(instants(profile, seconds: 200, seed: 7), instants(profile, seconds: 200, seed: 7))
        XCTAssertNotEqual(instants(profile, seconds: 200, seed: 7), instants(profile, seconds: 200, seed: 8))
    }

    func testRampIntegratesCorrectly() {
        let profile = RateProfile(.ramp(.init(from: rate(0), to: rate(20), start: .zero, end: .wholeSeconds(1000))))
        XCTAssertEqual(profile.expectedArrivals(until: .wholeSeconds(1000)), 10_000, accuracy: 1e-6)
        XCTAssertEqual(profile.rate(at: .wholeSeconds(250)), 5, accuracy: 1e-12)
        let xs = instants(profile, seconds: 1000)
        assertPoisson(xs.count, mean: 10_000)
        assertPoisson(count(xs, from: 0, to: 500), mean: 2_500)
        assertPoisson(count(xs, from: 500, to: 1000), mean: 7_500)
        // Before the start and after the end the ramp holds its end values.
        let held = RateProfile(.ramp(.init(from: rate(2), to: rate(8), start: .wholeSeconds(100), end: .wholeSeconds(200))))
        let heldExpected: Double = 2 * 100 + 5 * 100 + 8 * 100
        XCTAssertEqual(held.expectedArrivals(until: .wholeSeconds(300)), heldExpected, accuracy: 1e-6)
    }

    func testSpikeShowsUp() {
        let profile = RateProfile(.constant(rate(10)), spikes: [.init(at: .wholeSeconds(500), duration: .wholeSeconds(100), multiplier: 5)])
        XCTAssertEqual(profile.expectedArrivals(until: .wholeSeconds(1000)), 14_000, accuracy: 1e-6)
        let xs = instants(profile, seconds: 1000)
        assertPoisson(xs.count, mean: 14_000)
        assertPoisson(count(xs, from: 500, to: 600), mean: 5_000)
        assertPoisson(count(xs, from: 400, to: 500), mean: 1_000)
        // Overlapping spikes multiply.
        let twice = RateProfile(.constant(rate(1)), spikes: [.init(at: .zero, duration: .wholeSeconds(10), multiplier: 2),
                                                             .init(at: .wholeSeconds(5), duration: .wholeSeconds(10), multiplier: 3)])
        XCTAssertEqual(twice.rate(at: .wholeSeconds(7)), 6)
        let twiceExpected: Double = 2 * 5 + 6 * 5 + 3 * 5 + 1 * 5
        XCTAssertEqual(twice.expectedArrivals(until: .wholeSeconds(20)), twiceExpected, accuracy: 1e-9)
    }

    func testStepsAreZeroBeforeTheFirstStep() {
        let profile = RateProfile(.steps([.init(at: .wholeSeconds(100), rate: rate(5)), .init(at: .wholeSeconds(300), rate: rate(20))]))
        let stepsExpected: Double = 5 * 200 + 20 * 300
        XCTAssertEqual(profile.expectedArrivals(until: .wholeSeconds(600)), stepsExpected, accuracy: 1e-9)
        let xs = instants(profile, seconds: 600)
        XCTAssertEqual(count(xs, from: 0, to: 100), 0)
        assertPoisson(count(xs, from: 100, to: 300), mean: 1_000)
        assertPoisson(count(xs, from: 300, to: 600), mean: 6_000)
    }

    func testDiurnalFollowsItsSinusoid() {
        let d = RateProfile.Diurnal(base: rate(10), peak: rate(30), peakAt: .wholeSeconds(250), period: .wholeSeconds(1000))
        let profile = RateProfile(.diurnal(d))
        XCTAssertEqual(profile.rate(at: .wholeSeconds(250)), 30, accuracy: 1e-9)
        XCTAssertEqual(profile.rate(at: .wholeSeconds(750)), 10, accuracy: 1e-9)
        XCTAssertEqual(profile.expectedArrivals(until: .wholeSeconds(1000)), 20_000, accuracy: 1e-6)
        // The analytic integral over a part of the period agrees with Simpson's rule.
        let n = 10_000
        let h = 333.0 / Double(n)
        var simpson = profile.rate(atSeconds: 0) + profile.rate(atSeconds: 333)
        for i in 1..<n { simpson += Double(i % 2 == 0 ? 2 : 4) * profile.rate(atSeconds: Double(i) * h) }
        XCTAssertEqual(profile.expectedArrivals(until: .wholeSeconds(333)), simpson * h / 3, accuracy: 1e-6)
        let xs = instants(profile, seconds: 1000)
        assertPoisson(xs.count, mean: 20_000)
        let peak = profile.expectedArrivals(until: .wholeSeconds(300)) - profile.expectedArrivals(until: .wholeSeconds(200))
        assertPoisson(count(xs, from: 200, to: 300), mean: peak)
        let trough = profile.expectedArrivals(until: .wholeSeconds(800)) - profile.expectedArrivals(until: .wholeSeconds(700))
        assertPoisson(count(xs, from: 700, to: 800), mean: trough)
    }

    func testTraceReplayInOrderWithSpeed() {
        let trace = TraceReplay(file: "t.csv", speed: 2, offsets: [.zero, .milliseconds(1500), .milliseconds(1500), .wholeSeconds(10)],
                                counts: [1, 2, 0, 4])
        let random = RandomStream(name: "unused", seed: 1)
        XCTAssertEqual(ArrivalProcess.instants(of: .trace(trace), horizon: .wholeSeconds(60), using: random).map(\.seconds),
                       [0, 0.75, 0.75, 5, 5, 5, 5])
        XCTAssertEqual(ArrivalProcess.instants(of: .trace(trace), horizon: .wholeSeconds(3), using: random).map(\.seconds),
                       [0, 0.75, 0.75])
    }

    func testTraceCSVParsing() throws {
        let csv = "timestamp,count\n2025-01-30T14:00:00Z,2\n\n# comment\n2025-01-30T14:00:01.5Z\n2025-01-30T15:00:02+01:00,3\n"
        let sink = DiagnosticSink()
        let trace = TraceReplay.parse(Array(csv.utf8), file: "t.csv", speed: 1, path: "load.workloads[0].trace", sink: sink)
        XCTAssertEqual(sink.diagnostics, [])
        guard let trace else { return XCTFail("no trace") }
        XCTAssertEqual(trace.offsets, [.zero, .milliseconds(1500), .wholeSeconds(2)])
        XCTAssertEqual(trace.counts, [2, 1, 3])
        XCTAssertEqual(ISO8601.nanoseconds("1970-01-02T00:00:00Z"), 86_400_000_000_000)
        XCTAssertEqual(ISO8601.nanoseconds("2000-03-01 00:00:00"), 951_868_800_000_000_000)
        XCTAssertNil(ISO8601.nanoseconds("2025-13-01T00:00:00Z"))
    }

    func testTraceCSVErrorsPointIntoTheCSV() {
        let files = [
            "s.yaml": TestSupport.minimal("load:\n  workloads:\n    - {name: replay, target: streaming, trace: traces/t.csv}\n"),
            "traces/t.csv": "0\n1.5,2\nsoon\n1,1\n3,-1\n2025-01-30T14:00:00Z\n",
        ]
        XCTAssertEqual(TestSupport.diagnostics(files), [
            "traces/t.csv:3:1: error: load.workloads[0].trace: \"soon\" is not a timestamp; expected seconds (12.5) or an ISO-8601 date-time (2025-01-30T14:00:00Z)",
            "traces/t.csv:4:1: error: load.workloads[0].trace: \"1\" is earlier than the row before it; expected rows in non-decreasing time order",
            "traces/t.csv:5:3: error: load.workloads[0].trace: \"-1\" is not a count; expected a whole number of arrivals of at least 0",
            "traces/t.csv:6:1: error: load.workloads[0].trace: \"2025-01-30T14:00:00Z\" mixes ISO-8601 with numeric timestamps; expected timestamps of one kind",
        ])
        XCTAssertEqual(TestSupport.diagnostics(["s.yaml": files["s.yaml"]!]),
                       ["s.yaml:5:48: error: load.workloads[0].trace: trace file \"traces/t.csv\" (traces/t.csv): file not found; expected the path of a CSV trace, relative to this scenario file"])
        XCTAssertEqual(TestSupport.diagnostics(["s.yaml": files["s.yaml"]!, "traces/t.csv": "# nothing\n"]),
                       ["traces/t.csv:1:1: error: load.workloads[0].trace: the trace has no rows; expected CSV rows of timestamp[,count]"])
    }

    func testMixSamplingFollowsTheWeights() throws {
        let yaml = TestSupport.minimal("""
        load:
          workloads:
            - name: rec
              target: recording
              rate: 1/s
              mix:
                tier: {categorical: {free: 70%, business: 25%, enterprise: 5%}}
                length: {lognormal: {mean: 5m, cv: 1.2}}
                size: {uniform: {low: 1Mi, high: 3Mi}}
                resolution: {empirical: {values: [720, 1080, 2160], weights: [5, 4, 1]}}
        """)
        let scenario = try XCTUnwrap(TestSupport.load(yaml))
        let mix = scenario.workloads[0].mix
        XCTAssertEqual(mix.attributes.map(\.name), ["tier", "length", "size", "resolution"])
        let random = RandomStream(name: scenario.workloads[0].mixStreamName, seed: 3)
        var tiers: [String: Int] = [:]
        var lengths = 0.0
        var sizes = 0.0
        let n = 40_000
        for _ in 0..<n {
            let sample = mix.sample(using: random)
            if case .category(let tier) = sample[0].value { tiers[tier, default: 0] += 1 }
            if case .measure(let m) = sample[1].value { lengths += m.value; XCTAssertEqual(m.dimension, .duration) }
            if case .measure(let m) = sample[2].value { sizes += m.value; XCTAssertEqual(m.dimension, .size) }
        }
        for (tier, p) in [("free", 0.7), ("business", 0.25), ("enterprise", 0.05)] {
            let sigma = (Double(n) * p * (1 - p)).squareRoot()
            XCTAssertEqual(Double(tiers[tier] ?? 0), Double(n) * p, accuracy: 5 * sigma, tier)
        }
        XCTAssertEqual(lengths / Double(n), 300, accuracy: 5 * 360 / Double(n).squareRoot())
        XCTAssertEqual(sizes / Double(n), 2 * 1_048_576, accuracy: 20_000)
    }

    func testMixErrors() {
        func errors(_ mix: String) -> [String] {
            TestSupport.diagnostics(yaml: TestSupport.minimal("load:\n  workloads:\n    - name: a\n      target: b\n      rate: 1/s\n      mix:\n" + mix))
        }
        XCTAssertEqual(errors("        tier: {categorical: {free: 70%, paid: 25%}}\n"),
                       ["s.yaml:9:29: error: load.workloads[0].mix.tier.categorical: the percentages add up to 95%; expected a total of 100%"])
        XCTAssertEqual(errors("        length: {lognormel: {mean: 5m, cv: 1}}\n"),
                       ["s.yaml:9:18: error: load.workloads[0].mix.length.lognormel: unknown distribution family; did you mean \"lognormal\"?"])
        XCTAssertEqual(errors("        size: {uniform: {low: 1s, high: 2Gi}}\n"),
                       ["s.yaml:9:41: error: load.workloads[0].mix.size.uniform.high: 2Gi is a size but low is a duration; expected the same unit as low"])
        XCTAssertEqual(errors("        length: {lognormal: {mean: 5m}}\n"),
                       ["s.yaml:9:29: error: load.workloads[0].mix.length.lognormal.cv: required key is missing; expected a number greater than 0"])
        XCTAssertEqual(errors("        length: {lognormal: {mean: 5m, cv: 1, sigma: 2}}\n"),
                       ["s.yaml:9:47: error: load.workloads[0].mix.length.lognormal.sigma: sigma cannot be combined with mean and cv; expected {mean, cv} or {mu, sigma}"])
        XCTAssertEqual(errors("        length: {uniform: {low: 5m, high: 1m}}\n"),
                       ["s.yaml:9:43: error: load.workloads[0].mix.length.uniform.high: high 1m is not above low 5m; expected low < high"])
        XCTAssertEqual(errors("        res: {empirical: {values: [1, 2], weights: [1]}}\n"),
                       ["s.yaml:9:26: error: load.workloads[0].mix.res.empirical: an empirical distribution needs one weight per value, got 2 values and 1 weights; expected valid parameters for an empirical distribution"])
    }
}
