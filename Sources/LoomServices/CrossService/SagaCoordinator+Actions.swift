/// Carrying out the orchestrator's actions: timers, participant calls, compensations and the
/// terminal bookkeeping (ledger, counters, notable events).
extension SagaCoordinator {
    func perform(_ actions: [SagaAction], sagaID: String) {
        let entity = Self.ledgerID(of: sagaID)
        // Timers first: a participant that answers synchronously must find its deadline armed.
        for action in actions {
            switch action {
            case let .armTimeout(step, attempt, at):
                if let old = timeouts[sagaID] { old.ticket.cancel() }
                let ticket = deadlines[step].arm(at: at) { [weak self] in
                    guard let self, !self.halted else { return }
                    if let t = self.timeouts[sagaID], t.step == step, t.attempt == attempt { self.timeouts[sagaID] = nil }
                    self.deliver(.stepTimedOut(step: step, attempt: attempt), sagaID: sagaID)
                }
                timeouts[sagaID] = (step, attempt, ticket)
            case let .waitBackoff(step, attempt, until):
                backoffs[sagaID] = context.at(until, Self.backoffKind, entity: entity) { [weak self] in
                    guard let self, !self.halted else { return }
                    self.backoffs[sagaID] = nil
                    self.deliver(.backoffElapsed(step: step, attempt: attempt), sagaID: sagaID)
                }
            default:
                break
            }
        }
        for action in actions {
            switch action {
            case let .startStep(step, name, attempt):
                participants[name]!.execute(sagaID, attempt) { [weak self] result in
                    switch result {
                    case .success:
                        self?.deliver(.stepSucceeded(step: step, attempt: attempt), sagaID: sagaID)
                    case .failure(let failure):
                        self?.deliver(.stepFailed(step: step, attempt: attempt, retryable: failure.retryable, reason: failure.reason),
                                      sagaID: sagaID)
                    }
                }
            case let .compensate(step, name):
                guard let compensate = participants[name]?.compensate else {
                    deliver(.compensationFailed(step: step, reason: "no compensator"), sagaID: sagaID)
                    continue
                }
                compensate(sagaID) { [weak self] result in
                    switch result {
                    case .success: self?.deliver(.compensationSucceeded(step: step), sagaID: sagaID)
                    case .failure(let failure): self?.deliver(.compensationFailed(step: step, reason: failure.reason), sagaID: sagaID)
                    }
                }
            case .completed:
                finish(sagaID, status: .completed)
            case .compensated:
                finish(sagaID, status: .compensated)
            case .failed(let reason):
                finish(sagaID, status: .failed, reason: reason)
            case .armTimeout, .waitBackoff:
                break
            }
        }
    }

    /// Hands an outcome to the orchestrator and carries out what it answers.
    func deliver(_ event: SagaEvent, sagaID: String) {
        guard !halted else { return }
        switch event {
        case let .stepSucceeded(step, attempt):
            cancelTimeout(sagaID, step: step, attempt: attempt)
        case let .stepFailed(step, attempt, _, _) where configuration.saga.timeoutScope == .perAttempt:
            // With one deadline for the whole step (as written) it stays armed through the backoff.
            cancelTimeout(sagaID, step: step, attempt: attempt)
        default:
            break
        }
        do {
            perform(try transition(event, sagaID: sagaID), sagaID: sagaID)
        } catch {
            context.metrics.note("saga.store_error", subject: sagaID, detail: "\(error)", at: context.now)
        }
    }

    func cancelTimeout(_ sagaID: String, step: Int, attempt: Int) {
        guard let t = timeouts[sagaID], t.step == step, t.attempt == attempt else { return }
        t.ticket.cancel()
        timeouts[sagaID] = nil
    }

    func finish(_ sagaID: String, status: SagaStatus, reason: String? = nil) {
        let now = context.now
        if let t = timeouts.removeValue(forKey: sagaID) { t.ticket.cancel() }
        if let b = backoffs.removeValue(forKey: sagaID) { context.runtime.cancel(b) }
        let state = factory == nil ? try? orchestrator.state(of: sagaID) : states[sagaID]
        if let state { context.metrics.record(duration, now - state.startTime) }
        let failedStep = state.map { $0.steps[min($0.currentStep, $0.steps.count - 1)].name } ?? "unknown"
        let terminal: TerminalState
        switch status {
        case .completed:
            tally.completed += 1
            context.metrics.add(finishedCounters.completed)
            terminal = .completed
        case .compensated:
            tally.compensated += 1
            context.metrics.add(finishedCounters.compensated)
            terminal = .failed(reason: "compensated:\(failedStep)")
        default:
            tally.failed += 1
            context.metrics.add(finishedCounters.failed)
            let step = state.flatMap { $0.compensationCursor >= 0 ? $0.completedSteps[$0.compensationCursor] : nil } ?? failedStep
            terminal = .failed(reason: "compensation-failed:\(step)")
            context.metrics.note("saga.failed", subject: sagaID, detail: reason ?? "compensation failed", at: now)
        }
        tally.inFlight -= 1
        context.ledger.finish(configuration.ledgerService, id: Self.ledgerID(of: sagaID), terminal, at: now)
        forgetOrKeep(sagaID, final: state)
        onSagaFinished?(sagaID, status)
    }
}
