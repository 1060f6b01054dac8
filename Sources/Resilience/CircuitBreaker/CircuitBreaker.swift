/// A Resilience4j circuit breaker as a pure state machine.
///
/// Follows `io.github.resilience4j.circuitbreaker.internal.CircuitBreakerStateMachine` and its
/// inner state classes (`ClosedState`, `OpenState`, `HalfOpenState`, `DisabledState`,
/// `ForcedOpenState`, `MetricsOnlyState`) rule for rule — see
/// `shared/reference/resilience4j-circuit-breaker.md` for the rules and their sources. It holds no
/// clock, timer or random generator (DESIGN.md §1): every call takes `now`, and what upstream does
/// with a scheduler (the automatic OPEN→HALF_OPEN move, the half-open max wait) comes back as
/// `.armTimer` events that the caller schedules and hands back through `timerFired(_:now:)`.
///
/// Typical use by a service model:
/// ```
/// let permission = breaker.tryAcquirePermission(now: now)   // handle permission.events
/// guard permission.isPermitted else { return fallback() }
/// ... call the dependency ...
/// let events = breaker.onResult(.failure, duration: elapsed, now: later)
/// ```
public struct CircuitBreaker: Sendable {
    /// The state-specific part of upstream's `CircuitBreakerState` objects.
    enum Phase: Hashable, Sendable {
        case closed
        /// Rejects until `now > retryAfter` (strictly, `Instant.isAfter`).
        case open(retryAfter: Instant)
        /// `permits` is the `AtomicInteger` of remaining probe permissions.
        case halfOpen(permits: Int)
        case disabled
        case forcedOpen
        /// Each *RateExceeded event is published once per METRICS_ONLY period.
        case metricsOnly(failureRatePublished: Bool, slowCallRatePublished: Bool)

        var state: CircuitBreakerState {
            switch self {
            case .closed: return .closed
            case .open: return .open
            case .halfOpen: return .halfOpen
            case .disabled: return .disabled
            case .forcedOpen: return .forcedOpen
            case .metricsOnly: return .metricsOnly
            }
        }
    }

    public let config: CircuitBreakerConfig
    var phase: Phase
    /// Consecutive openings: drives `waitIntervalFunctionInOpenState` (reference §4.3).
    public internal(set) var attempts: Int
    var metricsObject: BreakerStateMetrics
    /// The one live timer, if the current state wants one; hand it to `timerFired` when due.
    public internal(set) var pendingTimer: CircuitBreakerTimer?
    var lastTimerSerial: UInt64 = 0

    /// A breaker in `config.initialState` at `now`. Throws `CircuitBreakerConfigError` for a
    /// configuration upstream's builder would refuse. If the initial state wants a timer (OPEN
    /// with automatic transition, HALF_OPEN with a max wait), it is in `pendingTimer`.
    public init(config: CircuitBreakerConfig, now: Instant) throws {
        try config.validate()
        self.config = config
        phase = .closed
        attempts = 0
        metricsObject = .closed(config, now: now)
        var ignored: [CircuitBreakerEvent] = []
        switch config.initialState {
        case .closed: break
        // Upstream starts OPEN as the first opening: attempts 1, waiting from construction.
        case .open: enterOpen(attempts: 1, retryAfter: nil, keeping: metricsObject, now: now, events: &ignored)
        case .halfOpen: enterHalfOpen(attempts: 1, now: now, events: &ignored)
        case .forcedOpen: install(.forcedOpen, attempts: 1, metrics: .empty(config), now: now, events: &ignored)
        case .disabled: install(.disabled, attempts: 0, metrics: .empty(config), now: now, events: &ignored)
        case .metricsOnly:
            install(.metricsOnly(failureRatePublished: false, slowCallRatePublished: false), attempts: 0,
                    metrics: .closed(config, now: now), now: now, events: &ignored)
        }
    }

    /// The current state (`getState()`): a plain read that never moves OPEN to HALF_OPEN.
    public var state: CircuitBreakerState { phase.state }

    /// When an OPEN breaker starts admitting a probe (the first instant strictly after it), or nil.
    public var retryAfter: Instant? {
        if case .open(let t) = phase { return t }
        return nil
    }

    /// Probe permissions left in HALF_OPEN, or nil in other states.
    public var remainingHalfOpenPermits: Int? {
        if case .halfOpen(let n) = phase { return n }
        return nil
    }

    /// The current state's metrics as they read at `now` (`getMetrics()`; a time-based window is
    /// moved to `now` first, so calls older than the window are gone).
    public func metrics(at now: Instant) -> CircuitBreakerMetrics { metricsObject.snapshot(at: now) }

    // MARK: Calls

    /// Asks to make a call (`tryAcquirePermission()`).
    ///
    /// CLOSED, DISABLED and METRICS_ONLY always permit. FORCED_OPEN never does. OPEN rejects until
    /// `now` is strictly after the end of its wait; the first acquire after that moves the breaker
    /// to HALF_OPEN and takes one of its permits. HALF_OPEN permits while permits remain. Every
    /// rejection is counted in the current metrics' `numberOfNotPermittedCalls`.
    public mutating func tryAcquirePermission(now: Instant) -> CircuitBreakerPermission {
        var events: [CircuitBreakerEvent] = []
        switch phase {
        case .closed, .disabled, .metricsOnly:
            return CircuitBreakerPermission(isPermitted: true, events: [])
        case .forcedOpen:
            metricsObject.recordNotPermitted()
            return CircuitBreakerPermission(isPermitted: false, events: [])
        case .open(let retryAfter):
            guard now > retryAfter else {
                metricsObject.recordNotPermitted()
                return CircuitBreakerPermission(isPermitted: false, events: [])
            }
            enterHalfOpen(attempts: attempts, now: now, events: &events)
            return CircuitBreakerPermission(isPermitted: takeHalfOpenPermit(), events: events)
        case .halfOpen:
            return CircuitBreakerPermission(isPermitted: takeHalfOpenPermit(), events: [])
        }
    }

    private mutating func takeHalfOpenPermit() -> Bool {
        guard case .halfOpen(let permits) = phase else { return false }
        if permits > 0 {
            phase = .halfOpen(permits: permits - 1)
            return true
        }
        metricsObject.recordNotPermitted()
        return false
    }

    /// Gives back a permission that was not used (`releasePermission()`). Only HALF_OPEN counts
    /// permits; it adds one back **without an upper bound**, as upstream's `incrementAndGet`.
    public mutating func releasePermission() {
        if case .halfOpen(let permits) = phase { phase = .halfOpen(permits: permits + 1) }
    }

    /// Reports how a call ended (`onSuccess` / `onError` / an ignored exception).
    ///
    /// CLOSED records and opens when a threshold is reached; HALF_OPEN records and opens when a
    /// threshold is reached or closes when both rates are below theirs; OPEN records without
    /// evaluating (a call admitted before the trip may finish late); METRICS_ONLY records and only
    /// reports exceeded rates; FORCED_OPEN and DISABLED record nothing. Results are not tied to
    /// the state that permitted them: a late result counts wherever it lands, as upstream.
    public mutating func onResult(_ outcome: CircuitBreakerOutcome, duration: TimeAmount, now: Instant) -> [CircuitBreakerEvent] {
        if outcome == .ignored {
            releasePermission()
            return []
        }
        let failed = outcome == .failure
        var events: [CircuitBreakerEvent] = []
        switch phase {
        case .disabled, .forcedOpen:
            break
        case .open:
            _ = metricsObject.record(failed: failed, duration: duration, now: now)
        case .closed:
            let result = metricsObject.record(failed: failed, duration: duration, now: now)
            if result.hasExceededThresholds {
                let rates = metricsObject.rates(at: now)
                if result.hasFailureRateExceeded { events.append(.failureRateExceeded(rates.failure)) }
                if result.hasSlowCallRateExceeded { events.append(.slowCallRateExceeded(rates.slow)) }
                enterOpen(attempts: attempts + 1, retryAfter: nil, keeping: metricsObject, now: now, events: &events)
            }
        case .halfOpen:
            let result = metricsObject.record(failed: failed, duration: duration, now: now)
            if result.hasExceededThresholds {
                enterOpen(attempts: attempts + 1, retryAfter: nil, keeping: metricsObject, now: now, events: &events)
            } else if result == .belowThresholds {
                install(.closed, attempts: 0, metrics: .closed(config, now: now), now: now, events: &events)
            }
        case let .metricsOnly(failurePublished, slowPublished):
            let result = metricsObject.record(failed: failed, duration: duration, now: now)
            let rates = metricsObject.rates(at: now)
            var newFailure = failurePublished, newSlow = slowPublished
            if result.hasFailureRateExceeded && !failurePublished {
                events.append(.failureRateExceeded(rates.failure))
                newFailure = true
            }
            if result.hasSlowCallRateExceeded && !slowPublished {
                events.append(.slowCallRateExceeded(rates.slow))
                newSlow = true
            }
            phase = .metricsOnly(failureRatePublished: newFailure, slowCallRatePublished: newSlow)
        }
        return events
    }

    // MARK: Timers

    /// The caller's timer fired. A timer that is no longer `pendingTimer` (its state was left) is
    /// ignored. OPEN's timer moves to HALF_OPEN without taking a permit; HALF_OPEN's max-wait timer
    /// moves to `transitionToStateAfterWaitDuration` (OPEN counts as another opening).
    public mutating func timerFired(_ timer: CircuitBreakerTimer, now: Instant) -> [CircuitBreakerEvent] {
        guard timer == pendingTimer else { return [] }
        pendingTimer = nil
        var events: [CircuitBreakerEvent] = []
        switch (timer.purpose, phase) {
        case (.openToHalfOpen, .open):
            enterHalfOpen(attempts: attempts, now: now, events: &events)
        case (.halfOpenMaxWait, .halfOpen):
            if config.transitionToStateAfterWaitDuration == .closed {
                install(.closed, attempts: 0, metrics: .closed(config, now: now), now: now, events: &events)
            } else {
                enterOpen(attempts: attempts + 1, retryAfter: nil, keeping: metricsObject, now: now, events: &events)
            }
        default:
            break
        }
        return events
    }
}
