import Histogram
import XCTest
@testable import SimKernel

/// The recorder's per-interval p50/p99 from raw values must equal what an HdrHistogram of the
/// same values answers (the series were computed that way before, and reports compare them).
final class IntervalPercentilesTests: XCTestCase {
    let shape = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 30 * 86_400 * 1_000_000,
                                  numberOfSignificantValueDigits: .three)

    func testRawPercentilesEqualTheHistogramsOnManyIntervals() {
        var rng = SplitMix(state: 42)
        for trial in 0..<400 {
            let n = [1, 2, 3, 5, 7, 10, 33, 100, 101, 999][trial % 10]
            // Latencies from 1 µs to hours, with ties, as microseconds.
            var values = (0..<n).map { _ -> UInt64 in
                let scale = [1.0, 1e3, 1e6, 1e9][Int.random(in: 0..<4, using: &rng)]
                return UInt64(max(1, Double.random(in: 0...1, using: &rng) * scale))
            }
            if trial % 7 == 0 { values += values.prefix(3) }
            var h = shape
            for v in values { _ = h.record(v) }
            var raw = values
            let (p50, p99) = IntervalPercentiles.medianAnd99th(of: &raw, spilled: nil, shape: shape)
            XCTAssertEqual(p50, h.valueAtPercentile(50), "n=\(values.count) \(values.sorted())")
            XCTAssertEqual(p99, h.valueAtPercentile(99), "n=\(values.count) \(values.sorted())")
        }
        var empty: [UInt64] = []
        XCTAssertTrue(IntervalPercentiles.medianAnd99th(of: &empty, spilled: nil, shape: shape) == (nil, nil))
    }

    func testTheRecordersSeriesMatchAHistogramPerIntervalAcrossTheSpillLimit() {
        let recorder = MetricsRecorder()
        let latency = recorder.registerLatency("x.wait")
        var rng = SplitMix(state: 42)
        var expected50: [Double] = [], expected99: [Double] = []
        // Intervals of 0 values, a few, and more than the exact limit (kept as a histogram).
        for (k, n) in [0, 3, 50, IntervalPercentiles.exactLimit + 10, 2, 0].enumerated() {
            var h = shape
            for _ in 0..<n {
                let micros = UInt64.random(in: 1...5_000_000, using: &rng)
                _ = h.record(micros)
                recorder.record(latency, .nanoseconds(Int64(micros) * 1_000))
            }
            recorder.sample(at: Instant.zero + .wholeSeconds(Int64(k + 1) * 10))
            expected50.append(n == 0 ? .nan : Double(h.valueAtPercentile(50)) / 1e6)
            expected99.append(n == 0 ? .nan : Double(h.valueAtPercentile(99)) / 1e6)
        }
        let snapshot = recorder.snapshot()
        let p50 = snapshot.series(named: "x.wait.p50")!.values, p99 = snapshot.series(named: "x.wait.p99")!.values
        XCTAssertEqual(p50.map { $0.isNaN ? -1 : $0 }, expected50.map { $0.isNaN ? -1 : $0 })
        XCTAssertEqual(p99.map { $0.isNaN ? -1 : $0 }, expected99.map { $0.isNaN ? -1 : $0 })
    }
}

/// A seeded generator, so the test draws the same values every time.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
