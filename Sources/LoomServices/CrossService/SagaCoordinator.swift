/// Runs sagas (seed §6.2) on the platform's runtime: the real `SagaOrchestrator` from
/// Resilience decides, this coordinator carries out its actions.
///
/// - `startStep`: calls the step's participant with `(sagaID, attempt)`; its answer becomes
///   `stepSucceeded` / `stepFailed`;
/// - `armTimeout`: a timer at the deadline (`context.at`) that reports `stepTimedOut` unless the
///   step answered first (then it is cancelled);
/// - `waitBackoff`: a timer at the end of the backoff (2^k × unit) reporting `backoffElapsed`;
/// - `compensate`: calls the participant's compensation, most recent step first;
/// - `completed` / `compensated` / `failed`: the saga's terminal state, written to the ledger.
///
/// States persist in the orchestrator's store, by default `context.runtime.backends.stateStore`
/// (in-memory in simulation, SQLite in real mode): saved before every action is issued
/// (`SagaPersistence.writeThrough`), or held in memory and written when the coordinator crashes
/// (`.inMemory`, the default: the same store contents at the crash, no JSON on the hot path).
/// A coordinator can therefore crash (`halt()`) at any point and a new one built over the same
/// store (`init(..., takingOverFrom:)`) picks up every unfinished saga with `resume()`: the
/// in-flight command is sent again with the same attempt number (participants deduplicate by saga
/// id and attempt), deadlines and backoffs are re-armed at their original instants, and a pending
/// compensation is re-issued.
///
/// Ledger: every saga is admitted to `configuration.ledgerService` (`saga`) under a stable hash
/// of its id and ends exactly once as `completed`, `failed(compensated:<failed step>)` (every
/// completed step undone) or `failed(compensation-failed:<step>)` (needs an operator).
/// Metrics: gauge `saga.in_flight`, counters `saga.finished{status=...}`, latency `saga.duration`,
/// notable events `saga.failed` (a compensation failed), `saga.halted`, `saga.resumed`,
/// `saga.store_error`.
public final class SagaCoordinator {
    /// Counts shared by a coordinator and those that take over from it (one gauge per run).
    final class Tally {
        var inFlight = 0
        var started = 0
        var completed = 0
        var compensated = 0
        var failed = 0
    }

    public let configuration: SagaCoordinatorConfiguration
    public let orchestrator: SagaOrchestrator
    /// Called when a saga reaches a terminal status.
    public var onSagaFinished: ((String, SagaStatus) -> Void)?

    let participants: [String: SagaParticipant]
    let context: PlatformContext
    let tally: Tally
    var halted = false
    /// `.inMemory`: the state of every saga this coordinator runs.
    var states: [String: SagaState] = [:]
    /// `.inMemory`: sagas resumed from the store, whose stored record must go when they finish.
    var resumedFromStore: Set<String> = []
    let factory: SagaStateFactory?
    /// Whether the tally came from a predecessor (which counted the stored sagas as in flight).
    let tallyInherited: Bool
    var resumed = false
    /// The armed deadline of each saga's current attempt, to cancel when the step answers.
    var timeouts: [String: (step: Int, attempt: Int, ticket: DeadlineQueue.Ticket)] = [:]
    /// Deadlines by step: each step has one timeout, so its deadlines arrive in time order.
    let deadlines: [DeadlineQueue]
    var backoffs: [String: EventHandle] = [:]
    let finishedCounters: (completed: MetricsRecorder.Counter, compensated: MetricsRecorder.Counter, failed: MetricsRecorder.Counter)
    let duration: MetricsRecorder.Latency
    static let timeoutKind = EventKind("xs.saga.timeout")
    static let backoffKind = EventKind("xs.saga.backoff")

    /// A coordinator over `store` (default: the runtime's state store). With `previous`, it
    /// replaces that coordinator after a crash: `previous` is halted, and its counters and gauge
    /// carry over. Throws `CrossServiceConfigurationError` for an invalid configuration or a step
    /// without a participant (or a compensation without a compensator).
    public init(configuration: SagaCoordinatorConfiguration, participants: [String: SagaParticipant],
                context: PlatformContext, store: (any StateStore)? = nil,
                takingOverFrom previous: SagaCoordinator? = nil) throws {
        try configuration.validate()
        for step in configuration.steps {
            guard let participant = participants[step.name] else {
                throw CrossServiceConfigurationError("saga: step '\(step.name)' has no participant")
            }
            if step.compensation != nil && participant.compensate == nil {
                throw CrossServiceConfigurationError("saga: step '\(step.name)' has a compensation but its participant cannot compensate")
            }
        }
        self.configuration = configuration
        self.participants = participants
        self.context = context
        orchestrator = SagaOrchestrator(store: store ?? previous?.orchestrator.store ?? context.runtime.backends.stateStore)
        deadlines = configuration.steps.map { _ in DeadlineQueue(context: context, kind: Self.timeoutKind) }
        factory = configuration.persistence == .inMemory
            ? try SagaStateFactory(steps: configuration.steps, configuration: configuration.saga) : nil
        let metrics = context.metrics
        func finished(_ status: String) -> MetricsRecorder.Counter {
            metrics.registerCounter(metricKey("saga.finished", [("status", status)]), unit: "sagas")
        }
        finishedCounters = (finished("completed"), finished("compensated"), finished("failed"))
        duration = metrics.registerLatency("saga.duration")
        if let previous {
            previous.halt()
            tally = previous.tally
            tallyInherited = true
        } else {
            tally = Tally()
            tallyInherited = false
            metrics.registerGauge("saga.in_flight", unit: "sagas") { [tally] in Double(tally.inFlight) }
        }
    }

    /// Sagas started and not yet terminal (across restarts).
    public var inFlight: Int { tally.inFlight }
    public var startedCount: Int { tally.started }
    public var completedCount: Int { tally.completed }
    public var compensatedCount: Int { tally.compensated }
    public var failedCount: Int { tally.failed }
    /// False once this coordinator crashed (`halt()`) or was replaced.
    public var isRunning: Bool { !halted }

    /// The ledger id of a saga: a stable hash of its id, so a restarted coordinator finds it.
    public static func ledgerID(of sagaID: String) -> UInt64 { StableHash.fnv1a(sagaID) }

    /// Starts the recording saga for recording `id` (issue 4 item 8). False if it could not start.
    @discardableResult
    public func finishRecording(recordingID id: UInt64) -> Bool { start(sagaID: RecordingSaga.sagaID(forRecording: id)) }

    /// Starts saga `sagaID` with the configured steps. Returns false (and admits nothing) when
    /// the id is already in the store, the store fails, or the coordinator is halted.
    @discardableResult
    public func start(sagaID: String) -> Bool {
        guard !halted else { return false }
        let actions: [SagaAction]
        do {
            actions = try begin(sagaID)
        } catch {
            context.metrics.note("saga.store_error", subject: sagaID, detail: "\(error)", at: context.now)
            return false
        }
        tally.started += 1
        tally.inFlight += 1
        context.ledger.admit(configuration.ledgerService, id: Self.ledgerID(of: sagaID), at: context.now)
        perform(actions, sagaID: sagaID)
        return true
    }

    /// Re-issues what every unfinished saga in the store was waiting for (after a restart).
    /// Returns the number of sagas resumed.
    @discardableResult
    public func resume() throws -> Int {
        guard !halted else { return 0 }
        let pending = try orchestrator.resume()
        if let _ = factory {
            for saga in pending {
                guard let state = try orchestrator.state(of: saga.sagaID) else { continue }
                states[saga.sagaID] = state
                resumedFromStore.insert(saga.sagaID)
            }
        }
        if !tallyInherited && !resumed {
            // A coordinator started cold over a store of unfinished sagas: count them as in flight.
            tally.inFlight += pending.count
        }
        resumed = true
        context.metrics.note("saga.resumed", subject: configuration.ledgerService, detail: "\(pending.count) sagas", at: context.now)
        for saga in pending { perform(saga.actions, sagaID: saga.sagaID) }
        return pending.count
    }

    /// The coordinator crashes: its timers are cancelled and every answer still on its way to it
    /// is ignored. The sagas stay in the store, in flight in the ledger, until a successor resumes them.
    public func halt() {
        guard !halted else { return }
        halted = true
        if factory != nil {
            // The store gets what write-through would hold at this instant.
            for id in states.keys.sorted() { persist(states[id]!) }
            states = [:]
            resumedFromStore = []
        }
        for entry in timeouts.values { entry.ticket.cancel() }
        for handle in backoffs.values { context.runtime.cancel(handle) }
        timeouts = [:]
        backoffs = [:]
        context.metrics.note("saga.halted", subject: configuration.ledgerService, at: context.now)
    }
}
