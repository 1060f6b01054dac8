/// The saga that finishes a recording (issue 4 item 8, seed §6.2): store the recording →
/// enqueue its processing → transcribe it → notify the user → index it in analytics, each step
/// undone in reverse order if a later one fails.
///
/// The seed gives the saga machinery (§6.2) but neither this saga's steps nor their timeouts and
/// retries; the defaults below are chosen per step and documented with their reason. Steps are
/// executed by participants the platform plugs in (`SagaParticipant`), keyed by step name.
public enum RecordingSaga {
    /// Upload the finished recording to object storage and record it in the database.
    public static let storeRecording = "store-recording"
    /// Submit the transcoding job to video processing (§2).
    public static let enqueueProcessing = "enqueue-processing"
    /// Transcribe the audio with the AI/ML service (§3).
    public static let transcription = "transcription"
    /// Tell the owner the recording is ready.
    public static let notify = "notify"
    /// Index the recording's metadata in analytics (§5).
    public static let indexAnalytics = "index-analytics"

    /// The step names in order.
    public static let stepNames = [storeRecording, enqueueProcessing, transcription, notify, indexAnalytics]

    /// The five steps with their timeouts (per attempt by default), retries and compensations:
    /// - store: 30 s, 3 retries (a multi-part upload of a few hundred MB at ≥ 100 MB/s, plus a
    ///   database write); undone by deleting the object and its row;
    /// - enqueue: 10 s, 3 retries (a queue insert); undone by cancelling the job;
    /// - transcription: 10 min, 1 retry (whisper-class models run at several times real time on
    ///   a GPU, so a 30-minute recording finishes in minutes; a failed attempt is costly to
    ///   repeat); undone by deleting the transcript;
    /// - notify: 10 s, 3 retries; no compensation (a sent notification cannot be recalled, and
    ///   the seed skips steps without one);
    /// - index: 10 s, 3 retries; no compensation (it is the last step: if it fails nothing
    ///   after it has completed, and it is never undone).
    public static let steps: [SagaStepDefinition] = [
        SagaStepDefinition(
            name: storeRecording, service: "recording", action: "store", timeout: .wholeSeconds(30), retries: 3,
            compensation: SagaCompensation(name: "delete-recording", service: "recording", action: "delete")),
        SagaStepDefinition(
            name: enqueueProcessing, service: "video-processing", action: "enqueue", timeout: .wholeSeconds(10), retries: 3,
            compensation: SagaCompensation(name: "cancel-processing", service: "video-processing", action: "cancel")),
        SagaStepDefinition(
            name: transcription, service: "ai-ml", action: "transcribe", timeout: .minutes(10), retries: 1,
            compensation: SagaCompensation(name: "delete-transcript", service: "ai-ml", action: "delete-transcript")),
        SagaStepDefinition(name: notify, service: "notification", action: "notify", timeout: .wholeSeconds(10), retries: 3),
        SagaStepDefinition(name: indexAnalytics, service: "analytics", action: "index", timeout: .wholeSeconds(10), retries: 3),
    ]

    /// The saga id of recording `id` (`recording-<id>`), which is also the idempotency key the
    /// participants see with each command.
    public static func sagaID(forRecording id: UInt64) -> String { "recording-\(id)" }
}

/// Why a saga step or compensation failed, as its participant reports it.
public struct SagaStepFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// A short, low-cardinality reason (`unavailable`, `rejected`, `model-load-failed`).
    public var reason: String
    /// The seed's `isRetryableError`: whether another attempt may succeed.
    public var retryable: Bool

    public init(reason: String, retryable: Bool = true) {
        self.reason = reason
        self.retryable = retryable
    }

    public var description: String { "\(reason)\(retryable ? "" : " (not retryable)")" }
}

/// Executes one attempt of a step: `(sagaID, attempt, completion)`. The pair (saga id, attempt)
/// identifies the command: after an orchestrator restart the same attempt may be sent again, and
/// the participant should answer it without doing the work twice. Call `completion` once.
public typealias SagaStepExecutor = (_ sagaID: String, _ attempt: Int,
                                     _ completion: @escaping (Result<Void, SagaStepFailure>) -> Void) -> Void

/// Undoes a completed step for a saga; call `completion` once.
public typealias SagaCompensator = (_ sagaID: String, _ completion: @escaping (Result<Void, SagaStepFailure>) -> Void) -> Void

/// The service side of one saga step: how to do it and, if the step has a compensation, how
/// to undo it.
public struct SagaParticipant {
    public var execute: SagaStepExecutor
    public var compensate: SagaCompensator?

    public init(execute: @escaping SagaStepExecutor, compensate: SagaCompensator? = nil) {
        self.execute = execute
        self.compensate = compensate
    }
}

/// When a coordinator's saga states are written to the state store.
///
/// Both modes run the same state machine (`SagaState`'s transitions from Resilience) and leave the
/// store in the same condition at the instant the coordinator crashes (`halt()`), so a successor
/// resumes the same sagas at the same points. They differ in cost and in what survives a *real*
/// process crash, which a simulation never has.
public enum SagaPersistence: String, Sendable, CaseIterable {
    /// `SagaOrchestrator` as it is: every transition loads the state from the store and saves the
    /// new one before its actions are issued (JSON both ways, tens of microseconds per transition).
    /// The mode for real mode, where the process can really die.
    case writeThrough
    /// States are held in memory and written to the store when the coordinator halts (the
    /// simulated crash) — exactly what write-through would have stored by then — so the hot path
    /// does no encoding. Sagas resumed from the store are removed from it when they finish.
    case inMemory
}

/// How the saga coordinator runs its sagas.
public struct SagaCoordinatorConfiguration: Sendable {
    /// The ledger service every saga is admitted to and finished in. Default `saga`.
    public var ledgerService: String
    /// The steps, in order. Default: the recording saga (`RecordingSaga.steps`).
    public var steps: [SagaStepDefinition]
    /// Timeout scope and backoff: `.perAttempt` (the intent, default) or `.wholeStep` (the seed
    /// as written, one deadline across retries); backoff 2^k × 1 s (the seed's `math.Pow(2, attempt)`).
    public var saga: SagaConfiguration
    /// Remove a saga's record from the state store once it is terminal (it stays in the ledger
    /// and the counters), so the store does not grow over a long run. Default true.
    public var forgetFinishedSagas: Bool
    /// When saga states reach the state store. Default `.inMemory` (see `SagaPersistence`).
    public var persistence: SagaPersistence

    public init(ledgerService: String = "saga", steps: [SagaStepDefinition] = RecordingSaga.steps,
                saga: SagaConfiguration = SagaConfiguration(timeoutScope: .perAttempt, backoffUnit: .wholeSeconds(1)),
                forgetFinishedSagas: Bool = true, persistence: SagaPersistence = .inMemory) {
        self.ledgerService = ledgerService
        self.steps = steps
        self.saga = saga
        self.forgetFinishedSagas = forgetFinishedSagas
        self.persistence = persistence
    }

    /// Throws `CrossServiceConfigurationError` naming the field at fault.
    public func validate() throws {
        guard !ledgerService.isEmpty else { throw CrossServiceConfigurationError("saga: ledgerService must not be empty") }
        guard !steps.isEmpty else { throw CrossServiceConfigurationError("saga: at least one step is needed") }
        do {
            _ = try SagaOrchestrator(store: InMemoryStateStore())
                .start(sagaID: "validation", steps: steps, configuration: saga, now: .zero)
        } catch {
            throw CrossServiceConfigurationError("saga: \(error)")
        }
    }
}
