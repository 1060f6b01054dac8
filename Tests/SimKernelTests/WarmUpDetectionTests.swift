import XCTest
@testable import SimKernel

final class WarmUpDetectionTests: XCTestCase {
    /// A series that starts far from its steady state and relaxes to it: MSER-5 deletes the
    /// transient and not much more.
    func testDeletesAnInitialTransient() {
        let noise = RandomStream(name: "noise", seed: 11)
        var series: [Double] = []
        for i in 0..<2_000 {
            let transient = 50 * exp(-Double(i) / 60)
            series.append(10 + transient + noise.sample(try! .normal(mean: 0, standardDeviation: 1)))
        }
        let t = MSER5.truncation(of: series)!
        XCTAssertTrue(t.isReliable)
        // 50·e^(−i/60) falls below the noise (σ = 1) around i ≈ 235.
        XCTAssertGreaterThan(t.deleteCount, 150)
        XCTAssertLessThan(t.deleteCount, 450)
    }

    func testStationarySeriesKeepsAlmostEverything() {
        let noise = RandomStream(name: "noise", seed: 12)
        let series = (0..<1_000).map { _ in 5 + noise.uniform() }
        XCTAssertLessThan(MSER5.truncation(of: series)!.deleteCount, 100)
    }

    func testTooShortOrTrendingSeries() {
        XCTAssertNil(MSER5.truncation(of: Array(repeating: 1, count: 40)))
        // A series that never settles (a linear drift, MSER ∝ remaining length): the minimum sits
        // at the edge of the searched half.
        let trend = (0..<500).map { Double(500 - $0) }
        XCTAssertFalse(MSER5.truncation(of: trend)!.isReliable)
    }
}
