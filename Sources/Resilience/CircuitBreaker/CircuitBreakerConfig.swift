/// How a circuit breaker judges calls and when it changes state.
///
/// Mirrors Resilience4j's `io.github.resilience4j.circuitbreaker.CircuitBreakerConfig`: the same
/// field names, the same defaults (`DEFAULT_*` constants) and the same builder validation, so a
/// scenario can copy a Spring `resilience4j.circuitbreaker` block field for field. Durations are
/// kernel `TimeAmount`s; the wait in the open state is an `IntervalFunction` of the number of
/// times the breaker has opened in a row (upstream `waitIntervalFunctionInOpenState`).
///
/// Not carried over: exception/result predicates (`recordExceptions`, `ignoreExceptions`,
/// `recordResult`), which classify Java throwables — the caller classifies a call as
/// success/failure/ignored and passes a `CircuitBreakerOutcome` instead; `clock` and the
/// scheduler, because the breaker takes `now` and asks its caller to arm timers; and
/// `slidingWindowSynchronizationStrategy`, because a pure value type has no concurrency (the
/// SYNCHRONIZED windows are modelled, reference §8 pitfall 14).
///
/// Build one with `var config = CircuitBreakerConfig()`, set fields, and pass it to
/// `CircuitBreaker(config:now:)`, which calls `validate()` and throws a `CircuitBreakerConfigError`.
public struct CircuitBreakerConfig: Hashable, Sendable {
    /// `COUNT_BASED` (the last N calls) or `TIME_BASED` (the calls of the last N epoch seconds).
    public enum SlidingWindowType: String, Hashable, Sendable, CaseIterable {
        case countBased = "COUNT_BASED"
        case timeBased = "TIME_BASED"
    }

    /// Failure rate, in percent, at or above which the breaker opens (`>=`). Default 50.
    public var failureRateThreshold: Float = 50
    /// Slow-call rate, in percent, at or above which the breaker opens. Default 100.
    public var slowCallRateThreshold: Float = 100
    /// A call is slow when it takes strictly longer than this. Default 60 s.
    public var slowCallDurationThreshold: TimeAmount = .wholeSeconds(60)
    /// Probe calls admitted in the half-open state. Default 10.
    public var permittedNumberOfCallsInHalfOpenState: Int = 10
    /// How long the half-open state may last before `transitionToStateAfterWaitDuration` is
    /// taken; under 1 ms (the default, 0) means "stay half-open until the probes decide".
    public var maxWaitDurationInHalfOpenState: TimeAmount = .zero
    /// Where the half-open max wait leads: `.open` (default) or `.closed`.
    public var transitionToStateAfterWaitDuration: CircuitBreakerState = .open
    public var slidingWindowType: SlidingWindowType = .countBased
    /// Calls (count-based) or seconds (time-based) in the window. Default 100.
    public var slidingWindowSize: Int = 100
    /// Rates are not computed (reported as -1) until the window holds this many calls.
    /// Default 100; a count-based window clamps it to `slidingWindowSize`.
    public var minimumNumberOfCalls: Int = 100
    /// The wait in the open state as a function of consecutive openings (`attempts`, from 1).
    /// Default: a fixed 60 s (`IntervalFunction.of(60 s)`). Randomized schedules are rejected:
    /// the breaker draws no random numbers and its transitions take no draw.
    public var waitIntervalFunctionInOpenState: IntervalFunction = IntervalFunction(unchecked: .fixed(milliseconds: 60_000))
    /// Whether the open state arms a timer that moves it to half-open when the wait ends.
    public var automaticTransitionFromOpenToHalfOpenEnabled: Bool = false
    /// The state a new breaker starts in (any of the six). Default closed.
    public var initialState: CircuitBreakerState = .closed

    public init() {}

    /// Sets a fixed wait in the open state (`waitDurationInOpenState(d)`); at least 1 ms.
    public mutating func setWaitDurationInOpenState(_ wait: TimeAmount) throws {
        guard R4JTime.wholeMilliseconds(wait) >= 1 else { throw CircuitBreakerConfigError.waitDurationInOpenStateTooShort(wait) }
        waitIntervalFunctionInOpenState = IntervalFunction(unchecked: .fixed(milliseconds: R4JTime.wholeMilliseconds(wait)))
    }

    /// The minimum number of calls the closed-state window really uses: count-based windows clamp
    /// it to their size (`CircuitBreakerConfig.Builder.slidingWindow` and `CircuitBreakerMetrics`),
    /// time-based windows do not.
    public var effectiveMinimumNumberOfCalls: Int {
        slidingWindowType == .countBased ? min(minimumNumberOfCalls, slidingWindowSize) : minimumNumberOfCalls
    }

    /// The half-open window's minimum: `min(minimumNumberOfCalls, permitted)` (`forHalfOpen`).
    public var halfOpenMinimumNumberOfCalls: Int { min(minimumNumberOfCalls, permittedNumberOfCallsInHalfOpenState) }

    /// Checks every field as `CircuitBreakerConfig.Builder.build()` does, plus what Java's types
    /// rule out (NaN thresholds) and what a pure breaker cannot do (randomized open waits).
    public func validate() throws {
        guard failureRateThreshold > 0, failureRateThreshold <= 100 else {
            throw CircuitBreakerConfigError.failureRateThresholdOutOfRange(failureRateThreshold)
        }
        guard slowCallRateThreshold > 0, slowCallRateThreshold <= 100 else {
            throw CircuitBreakerConfigError.slowCallRateThresholdOutOfRange(slowCallRateThreshold)
        }
        guard slowCallDurationThreshold.nanoseconds >= 1 else {
            throw CircuitBreakerConfigError.slowCallDurationThresholdTooShort(slowCallDurationThreshold)
        }
        guard permittedNumberOfCallsInHalfOpenState >= 1 else {
            throw CircuitBreakerConfigError.permittedNumberOfCallsInHalfOpenStateBelowOne(permittedNumberOfCallsInHalfOpenState)
        }
        guard maxWaitDurationInHalfOpenState.nanoseconds >= 0 else {
            throw CircuitBreakerConfigError.maxWaitDurationInHalfOpenStateNegative(maxWaitDurationInHalfOpenState)
        }
        guard transitionToStateAfterWaitDuration == .open || transitionToStateAfterWaitDuration == .closed else {
            throw CircuitBreakerConfigError.transitionToStateAfterWaitDurationInvalid(transitionToStateAfterWaitDuration)
        }
        guard slidingWindowSize >= 1 else { throw CircuitBreakerConfigError.slidingWindowSizeBelowOne(slidingWindowSize) }
        guard minimumNumberOfCalls >= 1 else {
            throw CircuitBreakerConfigError.minimumNumberOfCallsBelowOne(minimumNumberOfCalls)
        }
        if waitIntervalFunctionInOpenState.isRandomized {
            throw CircuitBreakerConfigError.randomizedWaitIntervalInOpenState(waitIntervalFunctionInOpenState)
        }
        if case .fixed(let ms) = waitIntervalFunctionInOpenState.kind, ms < 1 {
            throw CircuitBreakerConfigError.waitDurationInOpenStateTooShort(R4JTime.amount(milliseconds: ms))
        }
    }
}

/// A circuit-breaker configuration the builder would refuse (upstream `IllegalArgumentException`).
public enum CircuitBreakerConfigError: Error, Equatable, CustomStringConvertible {
    case failureRateThresholdOutOfRange(Float)
    case slowCallRateThresholdOutOfRange(Float)
    case slowCallDurationThresholdTooShort(TimeAmount)
    case permittedNumberOfCallsInHalfOpenStateBelowOne(Int)
    case maxWaitDurationInHalfOpenStateNegative(TimeAmount)
    case transitionToStateAfterWaitDurationInvalid(CircuitBreakerState)
    case slidingWindowSizeBelowOne(Int)
    case minimumNumberOfCallsBelowOne(Int)
    case waitDurationInOpenStateTooShort(TimeAmount)
    case randomizedWaitIntervalInOpenState(IntervalFunction)
    /// Both `waitDurationInOpenState` and `waitIntervalFunctionInOpenState` were given.
    case conflictingWaitInOpenState

    public var description: String {
        switch self {
        case .failureRateThresholdOutOfRange(let v):
            return "failureRateThreshold is \(v); it must be in (0, 100]"
        case .slowCallRateThresholdOutOfRange(let v):
            return "slowCallRateThreshold is \(v); it must be in (0, 100]"
        case .slowCallDurationThresholdTooShort(let d):
            return "slowCallDurationThreshold is \(d); it must be at least 1 ns"
        case .permittedNumberOfCallsInHalfOpenStateBelowOne(let n):
            return "permittedNumberOfCallsInHalfOpenState is \(n); it must be at least 1"
        case .maxWaitDurationInHalfOpenStateNegative(let d):
            return "maxWaitDurationInHalfOpenState is \(d); it must not be negative"
        case .transitionToStateAfterWaitDurationInvalid(let s):
            return "transitionToStateAfterWaitDuration is \(s); it must be OPEN or CLOSED"
        case .slidingWindowSizeBelowOne(let n):
            return "slidingWindowSize is \(n); it must be at least 1"
        case .minimumNumberOfCallsBelowOne(let n):
            return "minimumNumberOfCalls is \(n); it must be at least 1"
        case .waitDurationInOpenStateTooShort(let d):
            return "waitDurationInOpenState is \(d); it must be at least 1 ms"
        case .randomizedWaitIntervalInOpenState(let f):
            return "waitIntervalFunctionInOpenState is \(f); a randomized wait needs a random draw, which the breaker does not take"
        case .conflictingWaitInOpenState:
            return "set either waitDurationInOpenState or waitIntervalFunctionInOpenState, not both"
        }
    }
}
