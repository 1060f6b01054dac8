import Resilience
import XCTest

/// `IntervalFunction` against upstream's `IntervalFunctionTest` and the derived truncation rule.
final class IntervalFunctionTests: XCTestCase {
    private func millis(_ f: IntervalFunction, _ attempts: ClosedRange<Int>, draw: Double = 0) -> [Int64] {
        attempts.map { f.milliseconds(afterAttempt: $0, uniformDraw: draw) }
    }

    func testFixedIsConstant() throws {
        XCTAssertEqual(millis(try .fixed(.milliseconds(500)), 1...4), [500, 500, 500, 500])
        XCTAssertEqual(millis(.default, 1...2), [500, 500])
    }

    func testExponentialTruncatesAtEveryStep() throws {
        let f = try IntervalFunction.exponentialBackoff(initial: .milliseconds(100), multiplier: 1.5)
        XCTAssertEqual(millis(f, 1...7), [100, 150, 225, 337, 505, 757, 1135])
    }

    func testExponentialCapIsAFinalMin() throws {
        let f = try IntervalFunction.exponentialBackoff(initial: .milliseconds(100), multiplier: 2, maxInterval: .wholeSeconds(100))
        XCTAssertEqual(millis(f, 1...13), [100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 100_000, 100_000, 100_000])
        XCTAssertEqual(f.milliseconds(afterAttempt: 1_000_000, uniformDraw: 0), 100_000)
    }

    func testHugeAttemptsSaturateInsteadOfOverflowing() throws {
        let f = try IntervalFunction.exponentialBackoff(initial: .wholeSeconds(1), multiplier: 2)
        XCTAssertEqual(f.milliseconds(afterAttempt: 10_000, uniformDraw: 0), Int64.max)
        XCTAssertGreaterThan(f.interval(afterAttempt: 10_000, uniformDraw: 0), .hours(24 * 365 * 100))
    }

    func testRandomizedStaysWithinUpstreamBounds() throws {
        let f = try IntervalFunction.randomized(.milliseconds(1000), randomizationFactor: 0.5)
        XCTAssertTrue(f.isRandomized)
        XCTAssertEqual(f.milliseconds(afterAttempt: 1, uniformDraw: 0), 500)
        XCTAssertEqual(f.milliseconds(afterAttempt: 1, uniformDraw: 0.5), 1000)
        // The range is [v(1-f), v(1+f)+1) in exact arithmetic; in doubles, as upstream computes
        // it, a draw just below 1 rounds up to v(1+f)+1 itself.
        XCTAssertEqual(f.milliseconds(afterAttempt: 1, uniformDraw: 0.999), 1499)
        XCTAssertEqual(f.milliseconds(afterAttempt: 1, uniformDraw: 1.0.nextDown), 1501)
        for i in 0..<100 {
            let ms = f.milliseconds(afterAttempt: 1, uniformDraw: Double(i) / 100)
            XCTAssertTrue((500...1501).contains(ms), "\(ms)")
        }
        // Out-of-range draws are clamped into [0, 1), not trusted.
        XCTAssertEqual(f.milliseconds(afterAttempt: 1, uniformDraw: 7), 1501)
        XCTAssertEqual(f.milliseconds(afterAttempt: 1, uniformDraw: .nan), 500)
    }

    func testZeroFactorRandomizationIsDeterministic() throws {
        let f = try IntervalFunction.exponentialRandomBackoff(initial: .milliseconds(100), multiplier: 1.5, randomizationFactor: 0)
        XCTAssertEqual(millis(f, 1...5, draw: 0.99), [100, 150, 225, 337, 505])
    }

    func testExponentialRandomRandomizesBeforeTheCap() throws {
        let f = try IntervalFunction.exponentialRandomBackoff(
            initial: .milliseconds(1000), multiplier: 2, randomizationFactor: 0.5, maxInterval: .milliseconds(2500))
        XCTAssertEqual(f.milliseconds(afterAttempt: 2, uniformDraw: 0), 1000)   // 2000 × 0.5
        XCTAssertEqual(f.milliseconds(afterAttempt: 2, uniformDraw: 0.9), 2500)  // 2000 × 1.4 → capped
        XCTAssertEqual(f.milliseconds(afterAttempt: 5, uniformDraw: 0), 2500)   // 16000 × 0.5 → capped
    }

    func testInvalidSchedulesThrow() {
        XCTAssertThrowsError(try IntervalFunction.fixed(.microseconds(999)))
        XCTAssertThrowsError(try IntervalFunction.exponentialBackoff(initial: .wholeSeconds(1), multiplier: 0))
        XCTAssertThrowsError(try IntervalFunction.exponentialBackoff(initial: .wholeSeconds(1), multiplier: .nan))
        XCTAssertThrowsError(try IntervalFunction.exponentialBackoff(initial: .wholeSeconds(1), maxInterval: .zero))
        XCTAssertThrowsError(try IntervalFunction.randomized(.wholeSeconds(1), randomizationFactor: 1.1))
        XCTAssertThrowsError(try IntervalFunction.randomized(.wholeSeconds(1), randomizationFactor: -0.1))
    }
}
