/// The undo of one saga step (seed §6.2 `CompensationStep`).
public struct SagaCompensation: Equatable, Sendable, Codable {
    public var name: String
    public var service: String
    public var action: String

    public init(name: String, service: String, action: String) {
        self.name = name
        self.service = service
        self.action = action
    }
}

/// One step of a saga: a command to a service with a timeout and a retry budget, and how to
/// undo it once it has completed (seed §6.2 `SagaStep`; the seed keeps compensations in a
/// separate list looked up by step name, loomsim keeps each with its step).
///
/// The seed's opaque `Payload` is not modelled: the caller maps the step name to the work.
public struct SagaStepDefinition: Equatable, Sendable, Codable {
    /// Unique within the saga; also the idempotency key of the step's commands.
    public var name: String
    public var service: String
    public var action: String
    /// Retries after the first attempt (seed: `for attempt := 0; attempt <= step.Retries`).
    public var retries: Int
    public var compensation: SagaCompensation?
    /// Stored as nanoseconds so the persisted JSON needs no custom coding.
    private var timeoutNanoseconds: Int64

    /// The seed's `step.Timeout`; what it bounds depends on `SagaTimeoutScope`.
    public var timeout: TimeAmount {
        get { TimeAmount(nanoseconds: timeoutNanoseconds) }
        set { timeoutNanoseconds = newValue.nanoseconds }
    }

    public init(
        name: String, service: String, action: String, timeout: TimeAmount, retries: Int,
        compensation: SagaCompensation? = nil
    ) {
        self.name = name
        self.service = service
        self.action = action
        self.timeoutNanoseconds = timeout.nanoseconds
        self.retries = retries
        self.compensation = compensation
    }
}

/// What a saga step's timeout bounds (seed §6.2 `executeStep`).
public enum SagaTimeoutScope: String, CaseIterable, Sendable, Codable {
    /// The intent of a per-step `Timeout` field: each attempt gets the full timeout, and an
    /// attempt that times out is retried like any transient failure.
    case perAttempt
    /// The seed as written (§6.2): `context.WithTimeout` is created once, outside the retry
    /// loop, so one deadline covers every attempt *and* the backoff sleeps between them; once
    /// it passes, the remaining attempts cannot run and the step fails.
    case wholeStep
}

/// Timing policy shared by the steps of one saga.
public struct SagaConfiguration: Equatable, Sendable, Codable {
    public var timeoutScope: SagaTimeoutScope
    private var backoffUnitNanoseconds: Int64

    /// The wait before retry `k` is `backoffUnit × 2^k` (seed: `math.Pow(2, attempt) * time.Second`,
    /// so 2 s, 4 s, 8 s, ...).
    public var backoffUnit: TimeAmount {
        get { TimeAmount(nanoseconds: backoffUnitNanoseconds) }
        set { backoffUnitNanoseconds = newValue.nanoseconds }
    }

    public init(timeoutScope: SagaTimeoutScope = .perAttempt, backoffUnit: TimeAmount = .wholeSeconds(1)) {
        self.timeoutScope = timeoutScope
        self.backoffUnitNanoseconds = backoffUnit.nanoseconds
    }

    /// The wait before attempt `attempt` (≥ 1), saturating instead of overflowing.
    public func backoff(beforeAttempt attempt: Int) -> TimeAmount {
        let unit = backoffUnitNanoseconds
        guard attempt < 62 else { return TimeAmount(nanoseconds: .max / 2) }
        let (product, overflow) = unit.multipliedReportingOverflow(by: Int64(1) << attempt)
        return TimeAmount(nanoseconds: overflow ? .max / 2 : min(product, .max / 2))
    }
}

/// A saga that cannot be started, or an orchestrator asked about a saga it cannot handle.
public enum SagaError: Error, Equatable, CustomStringConvertible {
    case emptySagaID
    case emptyStepName(index: Int)
    case duplicateStepName(String)
    case negativeRetries(step: String, retries: Int)
    case nonPositiveTimeout(step: String, timeout: TimeAmount)
    case nonPositiveBackoffUnit(TimeAmount)
    case sagaAlreadyExists(String)
    case unknownSaga(String)
    case undecodableState(sagaID: String, detail: String)

    public var description: String {
        switch self {
        case .emptySagaID: return "saga: the saga id must not be empty"
        case let .emptyStepName(index): return "saga: step \(index) has an empty name"
        case let .duplicateStepName(name):
            return "saga: step name '\(name)' is used twice; names identify steps and their compensations"
        case let .negativeRetries(step, retries): return "saga: step '\(step)' has negative retries (\(retries))"
        case let .nonPositiveTimeout(step, timeout): return "saga: step '\(step)' needs a positive timeout, got \(timeout)"
        case let .nonPositiveBackoffUnit(unit): return "saga: the backoff unit must be positive, got \(unit)"
        case let .sagaAlreadyExists(id): return "saga: '\(id)' already exists in the state store"
        case let .unknownSaga(id): return "saga: no saga '\(id)' in the state store"
        case let .undecodableState(id, detail): return "saga: the stored state of '\(id)' cannot be decoded: \(detail)"
        }
    }
}

extension SagaConfiguration {
    func validate(steps: [SagaStepDefinition]) throws {
        guard backoffUnit > .zero else { throw SagaError.nonPositiveBackoffUnit(backoffUnit) }
        var seen: Set<String> = []  // membership only, never iterated
        for (index, step) in steps.enumerated() {
            guard !step.name.isEmpty else { throw SagaError.emptyStepName(index: index) }
            guard !seen.contains(step.name) else { throw SagaError.duplicateStepName(step.name) }
            seen.insert(step.name)
            guard step.retries >= 0 else { throw SagaError.negativeRetries(step: step.name, retries: step.retries) }
            guard step.timeout > .zero else { throw SagaError.nonPositiveTimeout(step: step.name, timeout: step.timeout) }
        }
    }
}
