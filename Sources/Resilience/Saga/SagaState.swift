/// Where a saga stands overall (seed §6.2 `SagaStatus*`).
public enum SagaStatus: String, Sendable, Codable, CaseIterable {
    case running
    case compensating
    /// Terminal: every step succeeded.
    case completed
    /// Terminal: a step failed and every completed step was undone.
    case compensated
    /// Terminal: a compensation failed; the system is left inconsistent and needs an operator.
    case failed

    public var isTerminal: Bool { self == .completed || self == .compensated || self == .failed }
}

/// What the saga is waiting for (the state-machine form of the seed's blocking calls).
public enum SagaPhase: String, Sendable, Codable {
    /// The result or the timeout of `attempt` of `currentStep`.
    case awaitingStep
    /// The end of the backoff before `attempt` of `currentStep`.
    case awaitingBackoff
    /// The result of the compensation of `compensatingStep`.
    case awaitingCompensation
    /// Nothing: the saga reached a terminal status.
    case finished
}

/// An outcome the caller reports to the saga (the replies the seed's `eventBus.SendCommand`
/// and `executeCompensation` return, and the timers the caller armed).
public enum SagaEvent: Equatable, Sendable {
    case stepSucceeded(step: Int, attempt: Int)
    /// `retryable` is the seed's `isRetryableError(err)`.
    case stepFailed(step: Int, attempt: Int, retryable: Bool, reason: String)
    /// The timer of an `armTimeout` action fired.
    case stepTimedOut(step: Int, attempt: Int)
    /// The timer of a `waitBackoff` action fired.
    case backoffElapsed(step: Int, attempt: Int)
    case compensationSucceeded(step: Int)
    case compensationFailed(step: Int, reason: String)
}

/// What the saga asks its caller to do. Timers are never cancelled: an event that no longer
/// matches the saga's state (an old attempt's timeout, a duplicate reply) is ignored.
public enum SagaAction: Equatable, Sendable {
    /// Send the step's command; `(sagaID, step name, attempt)` identifies it, so a command
    /// re-sent after a restart can be deduplicated by the service.
    case startStep(step: Int, name: String, attempt: Int)
    /// Report `.stepTimedOut(step:attempt:)` at this instant unless the step answered first.
    case armTimeout(step: Int, attempt: Int, at: Instant)
    /// Report `.backoffElapsed(step:attempt:)` at this instant; `attempt` is the next one.
    case waitBackoff(step: Int, attempt: Int, until: Instant)
    /// Run the compensation of completed step `step`; report its success or failure.
    case compensate(step: Int, name: String)
    case completed
    case compensated
    case failed(reason: String)
}

/// The persisted state of one saga (seed §6.2 `SagaState`), and the pure state machine that
/// advances it: `SagaState+Transitions.swift`.
///
/// Every field a restarted orchestrator needs is here, including the step definitions and
/// the configuration, so the store alone is enough to resume. Instants are stored as
/// nanoseconds so that the synthesized `Codable` conformance gives stable JSON.
public struct SagaState: Equatable, Sendable, Codable {
    public let id: String
    public let steps: [SagaStepDefinition]
    public let configuration: SagaConfiguration
    public internal(set) var status: SagaStatus
    public internal(set) var phase: SagaPhase
    /// The step being executed (seed `CurrentStep`).
    public internal(set) var currentStep: Int
    /// The attempt of `currentStep` in flight or next (0 = first).
    public internal(set) var attempt: Int
    /// Names of the steps that succeeded, in order (seed `CompletedSteps`).
    public internal(set) var completedSteps: [String]
    /// Index into `completedSteps` of the next compensation to run, counting down; -1 when done.
    public internal(set) var compensationCursor: Int
    /// Why the saga is compensating or failed (seed `Error`).
    public internal(set) var error: String?
    private var startNanoseconds: Int64
    private var endNanoseconds: Int64?
    /// The instant the awaited timer is due: the attempt's timeout or the backoff's end.
    private var dueNanoseconds: Int64?
    /// The deadline of the whole current step (`wholeStep` scope only).
    private var stepDeadlineNanoseconds: Int64?

    init(id: String, steps: [SagaStepDefinition], configuration: SagaConfiguration, now: Instant) {
        self.id = id
        self.steps = steps
        self.configuration = configuration
        self.status = .running
        self.phase = .awaitingStep
        self.currentStep = 0
        self.attempt = 0
        self.completedSteps = []
        self.compensationCursor = -1
        self.error = nil
        self.startNanoseconds = now.nanoseconds
    }

    public var startTime: Instant { Instant(nanoseconds: startNanoseconds) }
    public internal(set) var endTime: Instant? {
        get { endNanoseconds.map(Instant.init(nanoseconds:)) }
        set { endNanoseconds = newValue?.nanoseconds }
    }
    /// When the awaited timer is due, if the saga awaits one.
    public internal(set) var dueAt: Instant? {
        get { dueNanoseconds.map(Instant.init(nanoseconds:)) }
        set { dueNanoseconds = newValue?.nanoseconds }
    }
    /// The deadline covering all attempts of the current step (`wholeStep` scope).
    public internal(set) var stepDeadline: Instant? {
        get { stepDeadlineNanoseconds.map(Instant.init(nanoseconds:)) }
        set { stepDeadlineNanoseconds = newValue?.nanoseconds }
    }
    /// The step whose compensation is awaited, if any.
    public var compensatingStep: Int? {
        guard phase == .awaitingCompensation, compensationCursor >= 0 else { return nil }
        return steps.firstIndex { $0.name == completedSteps[compensationCursor] }
    }
}
