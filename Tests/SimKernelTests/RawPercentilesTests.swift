import Histogram
import XCTest
@testable import SimKernel

/// The recorder's statistics from raw values must equal what an HdrHistogram of the same values
/// answers (they were computed that way before, and reports and digests of results compare them).
final class RawPercentilesTests: XCTestCase {
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
            let (p50, p99) = RawPercentiles.medianAnd99th(of: &raw, spilled: nil, shape: shape)
            XCTAssertEqual(p50, h.valueAtPercentile(50), "n=\(values.count) \(values.sorted())")
            XCTAssertEqual(p99, h.valueAtPercentile(99), "n=\(values.count) \(values.sorted())")
        }
        var empty: [UInt64] = []
        XCTAssertTrue(RawPercentiles.medianAnd99th(of: &empty, spilled: nil, shape: shape) == (nil, nil))
    }

    func testTheRunSummaryEqualsTheHistogramsMeanPercentilesAndMax() {
        var rng = SplitMix(state: 7)
        for n in [1, 2, 9, 100, 5_000] {
            let values = (0..<n).map { _ in UInt64.random(in: 1...3_600_000_000, using: &rng) >> UInt64.random(in: 0...24, using: &rng) + 1 }
            var h = shape
            for v in values { _ = h.record(v) }
            let s = RawPercentiles.summary(key: "k", values: values, shape: shape)
            XCTAssertEqual(s.count, h.totalCount)
            XCTAssertEqual(s.mean, h.mean / 1e6, "exactly, not approximately: n=\(n)")
            for (q, v) in [(50.0, s.p50), (90, s.p90), (95, s.p95), (99, s.p99), (99.9, s.p999)] {
                XCTAssertEqual(v, Double(h.valueAtPercentile(q)) / 1e6, "p\(q) n=\(n)")
            }
            XCTAssertEqual(s.max, Double(h.max) / 1e6)
        }
        XCTAssertTrue(RawPercentiles.summary(key: "k", values: [], shape: shape).mean.isNaN)
    }

    func testTheRecordersSeriesMatchAHistogramPerIntervalAcrossTheSpillLimit() {
        let recorder = MetricsRecorder()
        let latency = recorder.registerLatency("x.wait")
        var rng = SplitMix(state: 42)
        var expected50: [Double] = [], expected99: [Double] = []
        var whole = shape
        // Intervals of 0 values, a few, and more than the exact limit (kept as a histogram).
        for (k, n) in [0, 3, 50, RawPercentiles.intervalLimit + 10, 2, 0].enumerated() {
            var h = shape
            for _ in 0..<n {
                let micros = UInt64.random(in: 1...5_000_000, using: &rng)
                _ = h.record(micros)
                _ = whole.record(micros)
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
        let summary = snapshot.latencies[0]
        XCTAssertEqual(summary.count, whole.totalCount)
        XCTAssertEqual(summary.mean, whole.mean / 1e6)
        XCTAssertEqual(summary.p999, Double(whole.valueAtPercentile(99.9)) / 1e6)
        XCTAssertEqual(summary.max, Double(whole.max) / 1e6)
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
