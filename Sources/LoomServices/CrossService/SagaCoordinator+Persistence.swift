#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where saga states live: the orchestrator's store on every transition (`.writeThrough`), or
/// memory with the store written at a crash (`.inMemory`).
extension SagaCoordinator {
    /// Creates the saga (in the store, or in memory) and returns its first actions.
    func begin(_ sagaID: String) throws -> [SagaAction] {
        guard let factory else {
            return try orchestrator.start(sagaID: sagaID, steps: configuration.steps, configuration: configuration.saga, now: context.now)
        }
        guard !sagaID.isEmpty else { throw SagaError.emptySagaID }
        guard states[sagaID] == nil, try orchestrator.store.value(forKey: SagaOrchestrator.keyPrefix + sagaID) == nil else {
            throw SagaError.sagaAlreadyExists(sagaID)
        }
        let (state, actions) = try factory.make(id: sagaID, now: context.now)
        states[sagaID] = state
        return actions
    }

    /// Applies one event to the saga's state (stored or in memory) and returns its actions.
    func transition(_ event: SagaEvent, sagaID: String) throws -> [SagaAction] {
        guard factory != nil else { return try orchestrator.handle(event, sagaID: sagaID, now: context.now) }
        guard var state = states[sagaID] else { throw SagaError.unknownSaga(sagaID) }
        let actions = state.handle(event, now: context.now)
        states[sagaID] = state
        return actions
    }

    /// A terminal saga leaves the store (and memory) or, when finished sagas are kept, is stored
    /// as it ended.
    func forgetOrKeep(_ sagaID: String, final state: SagaState?) {
        guard factory != nil else {
            if configuration.forgetFinishedSagas { try? orchestrator.forget(sagaID: sagaID) }
            return
        }
        let wasStored = resumedFromStore.remove(sagaID) != nil
        if configuration.forgetFinishedSagas {
            states[sagaID] = nil
            if wasStored { try? orchestrator.forget(sagaID: sagaID) }
        } else if wasStored, let state {
            persist(state)  // replace the stale record a crash left behind
        }
    }

    /// Writes a state where `SagaOrchestrator` keeps it, in its format (JSON, sorted keys).
    func persist(_ state: SagaState) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            try orchestrator.store.setValue(Array(try encoder.encode(state)), forKey: SagaOrchestrator.keyPrefix + state.id)
        } catch {
            context.metrics.note("saga.store_error", subject: state.id, detail: "\(error)", at: context.now)
        }
    }
}
