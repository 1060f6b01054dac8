/// Manual transitions, `reset()` and the state-entry rules every transition shares.
///
/// Upstream: `CircuitBreakerStateMachine.transitionTo*State()`, `transitionToOpenStateFor/Until`,
/// `reset()` and `stateTransition(newState, generator)`. The entry rules (reference §3.5, §4.3):
///
/// | entered state | attempts | metrics |
/// | --- | --- | --- |
/// | CLOSED (any cause, also CLOSED→CLOSED and reset) | 0 | fresh closed window |
/// | OPEN by `transitionToOpenState` / a trip / half-open max wait | current + 1 | carried over |
/// | OPEN by `transitionToOpenStateFor/Until` | current | carried over |
/// | HALF_OPEN | current | fresh count window of the permitted probes |
/// | FORCED_OPEN | current + 1 | empty (rates -1) |
/// | DISABLED | 0 | empty |
/// | METRICS_ONLY | 0 | fresh closed window |
///
/// A self-transition builds a new state like any other but publishes no transition event.
extension CircuitBreaker {
    /// `transitionTo<Target>State()`. Throws `IllegalStateTransition` (state unchanged) for
    /// CLOSED→HALF_OPEN, METRICS_ONLY→OPEN and METRICS_ONLY→HALF_OPEN.
    public mutating func transition(to target: CircuitBreakerState, now: Instant) throws(IllegalStateTransition) -> [CircuitBreakerEvent] {
        try checkTransition(to: target)
        var events: [CircuitBreakerEvent] = []
        switch target {
        case .closed:
            install(.closed, attempts: 0, metrics: .closed(config, now: now), now: now, events: &events)
        case .open:
            enterOpen(attempts: attempts + 1, retryAfter: nil, keeping: metricsObject, now: now, events: &events)
        case .halfOpen:
            enterHalfOpen(attempts: attempts, now: now, events: &events)
        case .disabled:
            install(.disabled, attempts: 0, metrics: .empty(config), now: now, events: &events)
        case .forcedOpen:
            install(.forcedOpen, attempts: attempts + 1, metrics: .empty(config), now: now, events: &events)
        case .metricsOnly:
            install(.metricsOnly(failureRatePublished: false, slowCallRatePublished: false), attempts: 0,
                    metrics: .closed(config, now: now), now: now, events: &events)
        }
        return events
    }

    /// `transitionToOpenStateFor(waitDuration)`: OPEN until `now + wait`, keeping the attempts
    /// count (the interval function is not consulted) and the current metrics.
    public mutating func transitionToOpenState(for wait: TimeAmount, now: Instant) throws(IllegalStateTransition) -> [CircuitBreakerEvent] {
        try checkTransition(to: .open)
        var events: [CircuitBreakerEvent] = []
        enterOpen(attempts: attempts, retryAfter: R4JTime.adding(wait, to: now), keeping: metricsObject, now: now, events: &events)
        return events
    }

    /// `transitionToOpenStateUntil(instant)`: OPEN until `until`, keeping attempts and metrics.
    public mutating func transitionToOpenState(until: Instant, now: Instant) throws(IllegalStateTransition) -> [CircuitBreakerEvent] {
        try checkTransition(to: .open)
        var events: [CircuitBreakerEvent] = []
        enterOpen(attempts: attempts, retryAfter: until, keeping: metricsObject, now: now, events: &events)
        return events
    }

    /// `reset()`: a fresh CLOSED from any state, with a transition event unless already CLOSED,
    /// then a reset event. Unlike upstream — whose `reset()` skips `preTransitionHook`, so a pending
    /// half-open max-wait timer can still fire and open a freshly reset breaker — the pending timer
    /// is cancelled here.
    public mutating func reset(now: Instant) -> [CircuitBreakerEvent] {
        var events: [CircuitBreakerEvent] = []
        install(.closed, attempts: 0, metrics: .closed(config, now: now), now: now, events: &events)
        events.append(.reset)
        return events
    }

    private func checkTransition(to target: CircuitBreakerState) throws(IllegalStateTransition) {
        guard state.canTransition(to: target) else { throw IllegalStateTransition(from: state, to: target) }
    }

    // MARK: State entry

    /// Enters OPEN (`new OpenState(attempts, metrics)`): the wait ends at `retryAfter`, or at
    /// `now + waitIntervalFunctionInOpenState(attempts)` (whole ms); with automatic transition a
    /// timer is armed for the end of the wait (at once if `retryAfter` already passed).
    mutating func enterOpen(
        attempts newAttempts: Int, retryAfter explicitEnd: Instant?, keeping metrics: BreakerStateMetrics,
        now: Instant, events: inout [CircuitBreakerEvent]
    ) {
        let end = explicitEnd ?? R4JTime.adding(
            config.waitIntervalFunctionInOpenState.interval(afterAttempt: newAttempts, uniformDraw: 0), to: now)
        install(.open(retryAfter: end), attempts: newAttempts, metrics: metrics, now: now, events: &events)
        if config.automaticTransitionFromOpenToHalfOpenEnabled {
            arm(.openToHalfOpen, due: max(now, end), events: &events)
        }
    }

    /// Enters HALF_OPEN (`new HalfOpenState(attempts)`): all permits, a fresh probe window, and a
    /// max-wait timer when `maxWaitDurationInHalfOpenState` is at least 1 ms (it is cut to whole ms).
    mutating func enterHalfOpen(attempts newAttempts: Int, now: Instant, events: inout [CircuitBreakerEvent]) {
        install(.halfOpen(permits: config.permittedNumberOfCallsInHalfOpenState), attempts: newAttempts,
                metrics: .halfOpen(config), now: now, events: &events)
        let maxWaitMillis = R4JTime.wholeMilliseconds(config.maxWaitDurationInHalfOpenState)
        if maxWaitMillis >= 1 {
            arm(.halfOpenMaxWait, due: R4JTime.adding(R4JTime.amount(milliseconds: maxWaitMillis), to: now), events: &events)
        }
    }

    /// Replaces the current state: cancels its timer (`preTransitionHook`), installs the new phase,
    /// attempts and metrics, and reports the transition unless it is a self-transition.
    mutating func install(
        _ newPhase: Phase, attempts newAttempts: Int, metrics: BreakerStateMetrics,
        now: Instant, events: inout [CircuitBreakerEvent]
    ) {
        let from = state
        if let timer = pendingTimer {
            events.append(.cancelTimer(timer))
            pendingTimer = nil
        }
        phase = newPhase
        attempts = newAttempts
        metricsObject = metrics
        if from != newPhase.state { events.append(.stateTransition(from: from, to: newPhase.state)) }
    }

    private mutating func arm(_ purpose: CircuitBreakerTimerPurpose, due: Instant, events: inout [CircuitBreakerEvent]) {
        lastTimerSerial += 1
        let timer = CircuitBreakerTimer(due: due, purpose: purpose, serial: lastTimerSerial)
        pendingTimer = timer
        events.append(.armTimer(timer))
    }
}
