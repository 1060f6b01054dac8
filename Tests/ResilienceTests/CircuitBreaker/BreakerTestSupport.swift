import Resilience
import XCTest

/// Shared helpers for the circuit-breaker tests: seconds as instants, and a breaker driver that
/// fires due timers the way an event loop would.
enum BreakerFixtures {
    static func t(_ seconds: Double) -> Instant { Instant(nanoseconds: Int64((seconds * 1e9).rounded())) }
    static func d(_ seconds: Double) -> TimeAmount { TimeAmount(nanoseconds: Int64((seconds * 1e9).rounded())) }

    /// `CircuitBreakerStateMachineTest.setUp()`'s fixture `F` (reference §7).
    static func upstreamFixture() throws -> CircuitBreakerConfig {
        var c = CircuitBreakerConfig()
        c.failureRateThreshold = 50
        c.slowCallRateThreshold = 50
        c.slowCallDurationThreshold = .wholeSeconds(4)
        c.permittedNumberOfCallsInHalfOpenState = 4
        c.maxWaitDurationInHalfOpenState = .wholeSeconds(1)
        c.slidingWindowType = .timeBased
        c.slidingWindowSize = 20
        c.minimumNumberOfCalls = 5
        try c.setWaitDurationInOpenState(.wholeSeconds(5))
        return c
    }

    static func countBased(size: Int, minimumCalls: Int, threshold: Float = 50, wait: Double = 10) throws -> CircuitBreakerConfig {
        var c = CircuitBreakerConfig()
        c.slidingWindowSize = size
        c.minimumNumberOfCalls = minimumCalls
        c.failureRateThreshold = threshold
        try c.setWaitDurationInOpenState(d(wait))
        return c
    }
}

extension CircuitBreaker {
    /// Fires every timer due at or before `now`, each at its due instant, as an event loop would.
    mutating func advance(to now: Instant) {
        while let timer = pendingTimer, timer.due <= now { _ = timerFired(timer, now: timer.due) }
    }

    /// Records `count` results with zero duration at `now`.
    mutating func record(_ outcome: CircuitBreakerOutcome, times count: Int, at now: Instant, duration: TimeAmount = .zero) {
        for _ in 0..<count { _ = onResult(outcome, duration: duration, now: now) }
    }

    mutating func acquire(at now: Instant) -> Bool { tryAcquirePermission(now: now).isPermitted }
}
