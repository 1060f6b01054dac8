/// The six states of a Resilience4j circuit breaker (`CircuitBreaker.State`).
///
/// CLOSED, OPEN and HALF_OPEN are the automatic states; DISABLED (always permit, record nothing),
/// FORCED_OPEN (always reject) and METRICS_ONLY (always permit, record and evaluate but never
/// trip) are entered only by hand. Raw values are upstream's names, as the conformance cases use.
public enum CircuitBreakerState: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case closed = "CLOSED"
    case open = "OPEN"
    case halfOpen = "HALF_OPEN"
    case disabled = "DISABLED"
    case forcedOpen = "FORCED_OPEN"
    case metricsOnly = "METRICS_ONLY"

    public var description: String { rawValue }

    /// Whether a manual transition from `self` to `target` is legal
    /// (`CircuitBreaker.StateTransition.transitionBetween`). Every state may go to itself and to
    /// CLOSED, DISABLED, METRICS_ONLY and FORCED_OPEN; every state but METRICS_ONLY may go to OPEN;
    /// only OPEN, FORCED_OPEN, DISABLED and HALF_OPEN itself may go to HALF_OPEN.
    public func canTransition(to target: CircuitBreakerState) -> Bool {
        switch target {
        case .closed, .disabled, .metricsOnly, .forcedOpen: return true
        case .open: return self != .metricsOnly
        case .halfOpen: return self == .open || self == .forcedOpen || self == .disabled || self == .halfOpen
        }
    }
}

/// How one call ended, as the breaker should count it.
///
/// Upstream classifies a Java throwable with `ignoreExceptions`/`recordExceptions` predicates and a
/// result with `recordResult` (`CircuitBreakerStateMachine.handleThrowable`, `onResult`); here the
/// caller applies its own classification and reports the verdict.
public enum CircuitBreakerOutcome: String, Hashable, Sendable, CaseIterable {
    /// `onSuccess`: counts as a successful call (slow if it took longer than the threshold).
    /// An exception outside `recordExceptions` is reported upstream as a success too.
    case success
    /// `onError` with a recorded exception, or a result matching `recordResult`.
    case failure
    /// An exception matching `ignoreExceptions`: nothing is recorded and the permission is
    /// released (`releasePermission()`), which returns a half-open permit.
    case ignored
}

/// Why the breaker wants to be woken up at an instant.
public enum CircuitBreakerTimerPurpose: String, Hashable, Sendable {
    /// `OpenState`'s scheduled `toHalfOpenState` (automaticTransitionFromOpenToHalfOpenEnabled).
    case openToHalfOpen
    /// `HalfOpenState`'s scheduled move after `maxWaitDurationInHalfOpenState`.
    case halfOpenMaxWait
}

/// A one-shot timer the breaker asks its caller to arm; hand it back to
/// `CircuitBreaker.timerFired(_:now:)` when it is due.
///
/// Upstream schedules these on a `ScheduledExecutorService` and cancels them in
/// `preTransitionHook`. A pure breaker cannot, so it names each timer with a serial number: at most
/// one timer is live (`CircuitBreaker.pendingTimer`), a state change emits `.cancelTimer` for it,
/// and a stale timer handed back later is ignored — so a caller that cannot cancel is still correct.
public struct CircuitBreakerTimer: Hashable, Sendable, CustomStringConvertible {
    /// When the timer is due.
    public var due: Instant
    public var purpose: CircuitBreakerTimerPurpose
    /// Distinguishes this timer from every earlier one of the same breaker.
    public var serial: UInt64

    public var description: String { "\(purpose) timer #\(serial) due at \(due)" }
}

/// Something the breaker did or asks for, returned from every mutating call so the caller can
/// publish, trace or act on it (upstream publishes `CircuitBreakerEvent`s and owns a scheduler).
public enum CircuitBreakerEvent: Hashable, Sendable {
    /// The breaker changed state (`CircuitBreakerOnStateTransitionEvent`). Self-transitions,
    /// which upstream treats as internal, produce none.
    case stateTransition(from: CircuitBreakerState, to: CircuitBreakerState)
    /// Arm a timer; call `timerFired(_:now:)` at `timer.due`.
    case armTimer(CircuitBreakerTimer)
    /// The timer is no longer wanted (its state was left); firing it anyway is harmless.
    case cancelTimer(CircuitBreakerTimer)
    /// The failure rate reached the threshold (`CircuitBreakerOnFailureRateExceededEvent`):
    /// published when CLOSED trips, and once per METRICS_ONLY period.
    case failureRateExceeded(Float)
    /// The slow-call rate reached its threshold (`CircuitBreakerOnSlowCallRateExceededEvent`).
    case slowCallRateExceeded(Float)
    /// `reset()` was called (`CircuitBreakerOnResetEvent`).
    case reset
}

/// A manual transition that upstream refuses (`IllegalStateTransitionException`); the state is
/// left unchanged.
public struct IllegalStateTransition: Error, Hashable, Sendable, CustomStringConvertible {
    public var from: CircuitBreakerState
    public var to: CircuitBreakerState
    public init(from: CircuitBreakerState, to: CircuitBreakerState) {
        self.from = from
        self.to = to
    }
    public var description: String { "illegal circuit breaker state transition from \(from) to \(to)" }
}

/// The answer to `tryAcquirePermission`: whether the call may proceed, and what the breaker did
/// on the way (the acquire that ends an OPEN wait moves the breaker to HALF_OPEN and arms the
/// half-open max-wait timer).
public struct CircuitBreakerPermission: Hashable, Sendable {
    public var isPermitted: Bool
    public var events: [CircuitBreakerEvent]
}
