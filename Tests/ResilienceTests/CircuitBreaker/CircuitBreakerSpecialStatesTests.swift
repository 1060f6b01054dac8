import Resilience
import XCTest

/// FORCED_OPEN, DISABLED, METRICS_ONLY, manual-transition legality and reset.
final class CircuitBreakerSpecialStatesTests: XCTestCase {
    typealias F = BreakerFixtures

    func testForcedOpenRejectsForeverAndCountsRejections() throws {
        var breaker = try CircuitBreaker(config: F.upstreamFixture(), now: .zero)
        _ = try breaker.transition(to: .forcedOpen, now: .zero)
        XCTAssertFalse(breaker.acquire(at: .zero))
        XCTAssertFalse(breaker.acquire(at: F.t(3600)))
        breaker.record(.failure, times: 10, at: F.t(3600))
        let m = breaker.metrics(at: F.t(3600))
        XCTAssertEqual(breaker.state, .forcedOpen)
        XCTAssertEqual(m.numberOfNotPermittedCalls, 2)
        XCTAssertEqual(m.numberOfBufferedCalls, 0, "FORCED_OPEN records nothing")
        XCTAssertEqual(m.failureRate, -1)
    }

    func testDisabledPermitsEverythingAndRecordsNothing() throws {
        var breaker = try CircuitBreaker(config: F.countBased(size: 2, minimumCalls: 2), now: .zero)
        _ = try breaker.transition(to: .disabled, now: .zero)
        breaker.record(.failure, times: 100, at: .zero)
        XCTAssertTrue(breaker.acquire(at: .zero))
        XCTAssertEqual(breaker.state, .disabled)
        XCTAssertEqual(breaker.metrics(at: .zero).numberOfBufferedCalls, 0)
    }

    func testMetricsOnlyEvaluatesButNeverTripsAndReportsEachRateOnce() throws {
        var breaker = try CircuitBreaker(config: F.countBased(size: 2, minimumCalls: 2), now: .zero)
        breaker.record(.success, times: 2, at: .zero)
        _ = try breaker.transition(to: .metricsOnly, now: .zero)
        XCTAssertEqual(breaker.metrics(at: .zero).numberOfBufferedCalls, 0, "METRICS_ONLY starts fresh")
        _ = breaker.onResult(.failure, duration: .zero, now: .zero)
        let first = breaker.onResult(.failure, duration: .zero, now: .zero)
        XCTAssertEqual(first, [.failureRateExceeded(100)])
        let second = breaker.onResult(.failure, duration: .zero, now: .zero)
        XCTAssertEqual(second, [], "published once per METRICS_ONLY period")
        XCTAssertEqual(breaker.state, .metricsOnly)
        XCTAssertTrue(breaker.acquire(at: .zero))
        XCTAssertEqual(breaker.metrics(at: .zero).failureRate, 100)
    }

    func testIllegalTransitionsThrowAndLeaveTheStateAlone() throws {
        var breaker = try CircuitBreaker(config: F.upstreamFixture(), now: .zero)
        XCTAssertThrowsError(try breaker.transition(to: .halfOpen, now: .zero)) { error in
            XCTAssertEqual(error as? IllegalStateTransition, IllegalStateTransition(from: .closed, to: .halfOpen))
        }
        XCTAssertEqual(breaker.state, .closed)
        _ = try breaker.transition(to: .metricsOnly, now: .zero)
        XCTAssertThrowsError(try breaker.transition(to: .open, now: .zero))
        XCTAssertThrowsError(try breaker.transitionToOpenState(for: .wholeSeconds(1), now: .zero))
        XCTAssertThrowsError(try breaker.transition(to: .halfOpen, now: .zero))
        XCTAssertEqual(breaker.state, .metricsOnly)
        for from in CircuitBreakerState.allCases {
            for to in [CircuitBreakerState.closed, .disabled, .metricsOnly, .forcedOpen] {
                XCTAssertTrue(from.canTransition(to: to), "\(from)→\(to)")
            }
        }
    }

    func testSelfTransitionsPublishNoEventButRebuildTheState() throws {
        var breaker = try CircuitBreaker(config: F.countBased(size: 5, minimumCalls: 5), now: .zero)
        breaker.record(.success, times: 3, at: .zero)
        XCTAssertEqual(try breaker.transition(to: .closed, now: .zero), [])
        XCTAssertEqual(breaker.metrics(at: .zero).numberOfBufferedCalls, 0)
        _ = try breaker.transition(to: .open, now: .zero)
        XCTAssertEqual(breaker.attempts, 1)
        XCTAssertEqual(try breaker.transition(to: .open, now: .zero), [])
        XCTAssertEqual(breaker.attempts, 2, "OPEN→OPEN counts another opening")
    }

    func testForcedOpenCountsAsAnOpeningForTheNextWait() throws {
        var config = try F.countBased(size: 2, minimumCalls: 2)
        config.waitIntervalFunctionInOpenState = try .exponentialBackoff(initial: .wholeSeconds(1), multiplier: 2)
        var breaker = try CircuitBreaker(config: config, now: .zero)
        _ = try breaker.transition(to: .forcedOpen, now: .zero)   // attempts 1
        _ = try breaker.transition(to: .halfOpen, now: .zero)     // keeps 1
        _ = try breaker.transition(to: .open, now: .zero)         // 2: waits 2 s
        XCTAssertEqual(breaker.retryAfter, F.t(2))
    }

    func testResetInstallsFreshClosedAndCancelsTimers() throws {
        var breaker = try CircuitBreaker(config: F.upstreamFixture(), now: .zero)
        _ = try breaker.transition(to: .open, now: .zero)
        _ = try breaker.transition(to: .halfOpen, now: .zero)
        let timer = try XCTUnwrap(breaker.pendingTimer)
        _ = breaker.onResult(.failure, duration: .zero, now: .zero)
        let events = breaker.reset(now: .zero)
        XCTAssertEqual(events, [.cancelTimer(timer), .stateTransition(from: .halfOpen, to: .closed), .reset])
        XCTAssertEqual(breaker.metrics(at: .zero).numberOfBufferedCalls, 0)
        breaker.advance(to: F.t(5))
        XCTAssertEqual(breaker.state, .closed, "the cancelled max-wait timer cannot open a reset breaker")
        XCTAssertEqual(breaker.reset(now: .zero), [.reset], "no transition event from CLOSED")
    }
}
