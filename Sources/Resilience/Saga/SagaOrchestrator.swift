#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An unfinished saga found in the store after a restart, with the actions that re-establish
/// what it was waiting for.
public struct PendingSaga: Equatable, Sendable {
    public var sagaID: String
    public var actions: [SagaAction]

    public init(sagaID: String, actions: [SagaAction]) {
        self.sagaID = sagaID
        self.actions = actions
    }
}

/// The saga orchestrator (seed §6.2 `SagaOrchestrator`) over a `StateStore`.
///
/// The store is the only place a saga's state lives: every call loads the state, applies one
/// pure transition of `SagaState`, and saves the result (JSON, sorted keys, so the bytes are
/// the same on every run) *before* returning the actions, so an action is never issued that
/// the store does not know about. An orchestrator therefore holds nothing but the store: a
/// "restarted" one is simply a new `SagaOrchestrator` over the same store, and `resume(now:)`
/// tells it what every unfinished saga was waiting for.
///
/// The seed executes steps and sleeps inside `ExecuteSaga`; here the caller does both,
/// driven by the returned `SagaAction`s, and reports back with `SagaEvent`s.
public struct SagaOrchestrator {
    /// Saga states live under `keyPrefix + sagaID`.
    public static let keyPrefix = "saga/"

    /// Where the sagas' states are persisted (simulated: `InMemoryStateStore`; real: SQLite).
    public let store: any StateStore

    public init(store: any StateStore) {
        self.store = store
    }

    /// Creates saga `sagaID`, saves it, and returns its first actions (seed `ExecuteSaga`).
    /// Throws `SagaError` for an invalid definition or an id already in the store, and
    /// whatever the store throws.
    public func start(
        sagaID: String, steps: [SagaStepDefinition], configuration: SagaConfiguration = SagaConfiguration(),
        now: Instant
    ) throws -> [SagaAction] {
        guard !sagaID.isEmpty else { throw SagaError.emptySagaID }
        try configuration.validate(steps: steps)
        guard try store.value(forKey: Self.key(for: sagaID)) == nil else { throw SagaError.sagaAlreadyExists(sagaID) }
        let (state, actions) = SagaState.started(id: sagaID, steps: steps, configuration: configuration, now: now)
        try save(state)
        return actions
    }

    /// Applies `event` to saga `sagaID` at `now`, saves the new state if it changed, and
    /// returns the resulting actions (none for a stale event).
    public func handle(_ event: SagaEvent, sagaID: String, now: Instant) throws -> [SagaAction] {
        guard var state = try state(of: sagaID) else { throw SagaError.unknownSaga(sagaID) }
        let before = state
        let actions = state.handle(event, now: now)
        if state != before { try save(state) }
        return actions
    }

    /// The stored state of `sagaID`, or nil if the store has none.
    public func state(of sagaID: String) throws -> SagaState? {
        guard let bytes = try store.value(forKey: Self.key(for: sagaID)) else { return nil }
        do {
            return try JSONDecoder().decode(SagaState.self, from: Data(bytes))
        } catch {
            throw SagaError.undecodableState(sagaID: sagaID, detail: String(describing: error))
        }
    }

    /// The ids of every stored saga, in ascending byte order (the store's listing order).
    public func sagaIDs() throws -> [String] {
        try store.keys(withPrefix: Self.keyPrefix).map { String($0.dropFirst(Self.keyPrefix.count)) }
    }

    /// What each unfinished saga in the store is waiting for, in saga-id order: the actions
    /// the caller must re-issue after a restart (see `SagaState.pendingActions()`).
    public func resume() throws -> [PendingSaga] {
        var pending: [PendingSaga] = []
        for id in try sagaIDs() {
            guard let state = try state(of: id), !state.status.isTerminal else { continue }
            pending.append(PendingSaga(sagaID: id, actions: state.pendingActions()))
        }
        return pending
    }

    /// Removes a saga's record, e.g. once a terminal saga has been reported.
    public func forget(sagaID: String) throws {
        try store.removeValue(forKey: Self.key(for: sagaID))
    }

    static func key(for sagaID: String) -> String { keyPrefix + sagaID }

    private func save(_ state: SagaState) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try store.setValue(Array(try encoder.encode(state)), forKey: Self.key(for: state.id))
    }
}
