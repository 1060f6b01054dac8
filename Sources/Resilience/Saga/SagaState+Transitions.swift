/// The saga state machine (seed §6.2 `ExecuteSaga`, `executeStep`, `compensate`) as pure
/// transitions: each takes `now` and an event and returns the actions for the caller. Nothing
/// here calls a service, sleeps or persists; `SagaOrchestrator` persists after each transition.
extension SagaState {
    /// A new running saga and its first actions (start step 0, or complete at once if empty).
    static func started(
        id: String, steps: [SagaStepDefinition], configuration: SagaConfiguration, now: Instant
    ) -> (SagaState, [SagaAction]) {
        var state = SagaState(id: id, steps: steps, configuration: configuration, now: now)
        let actions = steps.isEmpty ? state.complete(now: now) : state.startAttempt(step: 0, attempt: 0, now: now)
        return (state, actions)
    }

    /// Applies `event` at `now`. Events that do not match what the saga awaits (stale
    /// timers, duplicate or late replies, anything after a terminal status) change nothing
    /// and return no actions.
    public mutating func handle(_ event: SagaEvent, now: Instant) -> [SagaAction] {
        switch event {
        case let .stepSucceeded(step, attempt):
            guard awaits(step: step, attempt: attempt, in: .awaitingStep) else { return [] }
            completedSteps.append(steps[step].name)
            return step + 1 < steps.count ? startAttempt(step: step + 1, attempt: 0, now: now) : complete(now: now)

        case let .stepFailed(step, attempt, retryable, reason):
            guard awaits(step: step, attempt: attempt, in: .awaitingStep) else { return [] }
            return failAttempt(retryable: retryable, reason: reason, now: now)

        case let .stepTimedOut(step, attempt):
            switch configuration.timeoutScope {
            case .perAttempt:
                guard awaits(step: step, attempt: attempt, in: .awaitingStep), let due = dueAt, now >= due else { return [] }
                return failAttempt(retryable: true, reason: "attempt \(attempt) timed out", now: now)
            case .wholeStep:
                // One deadline for all attempts and backoffs; it may fire during a backoff.
                guard status == .running, step == currentStep, phase == .awaitingStep || phase == .awaitingBackoff,
                    let deadline = stepDeadline, now >= deadline
                else { return [] }
                return beginCompensation(reason: "step \(steps[step].name) timed out after \(attempt + 1) attempt(s)", now: now)
            }

        case let .backoffElapsed(step, attempt):
            guard awaits(step: step, attempt: attempt, in: .awaitingBackoff), let due = dueAt, now >= due else { return [] }
            return startAttempt(step: step, attempt: attempt, now: now)

        case let .compensationSucceeded(step):
            guard status == .compensating, compensatingStep == step else { return [] }
            compensationCursor -= 1
            return advanceCompensation(now: now)

        case let .compensationFailed(step, reason):
            guard status == .compensating, compensatingStep == step else { return [] }
            let why = "compensation failed for step \(steps[step].name): \(reason)"
            status = .failed
            error = why
            return finish(now: now, with: .failed(reason: why))
        }
    }

    /// The actions that re-establish what the saga awaits, for an orchestrator restarted from
    /// the store: the in-flight command is sent again (same attempt, so the service can
    /// deduplicate) with its original deadline, a backoff or a compensation is re-issued.
    public func pendingActions() -> [SagaAction] {
        switch phase {
        case .awaitingStep:
            guard let due = dueAt else { return [] }
            return [
                .startStep(step: currentStep, name: steps[currentStep].name, attempt: attempt),
                .armTimeout(step: currentStep, attempt: attempt, at: due),
            ]
        case .awaitingBackoff:
            guard let due = dueAt else { return [] }
            return [.waitBackoff(step: currentStep, attempt: attempt, until: due)]
        case .awaitingCompensation:
            guard let step = compensatingStep else { return [] }
            return [.compensate(step: step, name: steps[step].name)]
        case .finished:
            return []
        }
    }

    private func awaits(step: Int, attempt: Int, in expected: SagaPhase) -> Bool {
        status == .running && phase == expected && step == currentStep && attempt == self.attempt
    }

    private mutating func startAttempt(step: Int, attempt: Int, now: Instant) -> [SagaAction] {
        currentStep = step
        self.attempt = attempt
        let timeout = steps[step].timeout
        let due: Instant
        switch configuration.timeoutScope {
        case .perAttempt:
            stepDeadline = nil
            due = now + timeout
        case .wholeStep:
            if attempt == 0 { stepDeadline = now + timeout }
            let deadline = stepDeadline ?? now + timeout
            // The seed sends with an already expired context: the attempt cannot succeed.
            if now >= deadline {
                return beginCompensation(reason: "step \(steps[step].name) timed out before attempt \(attempt)", now: now)
            }
            due = deadline
        }
        phase = .awaitingStep
        dueAt = due
        return [
            .startStep(step: step, name: steps[step].name, attempt: attempt),
            .armTimeout(step: step, attempt: attempt, at: due),
        ]
    }

    /// The current attempt failed: back off and retry while the budget allows, otherwise
    /// compensate (seed: the retry loop, then `compensate(sagaState, i)`).
    private mutating func failAttempt(retryable: Bool, reason: String, now: Instant) -> [SagaAction] {
        let step = steps[currentStep]
        let next = attempt + 1
        guard retryable, next <= step.retries else {
            return beginCompensation(reason: "step \(step.name) failed after \(attempt + 1) attempt(s): \(reason)", now: now)
        }
        let until = now + configuration.backoff(beforeAttempt: next)
        attempt = next
        phase = .awaitingBackoff
        dueAt = until
        return [.waitBackoff(step: currentStep, attempt: next, until: until)]
    }

    /// Starts undoing the completed steps, most recent first (seed `compensate`).
    private mutating func beginCompensation(reason: String, now: Instant) -> [SagaAction] {
        status = .compensating
        error = reason
        compensationCursor = completedSteps.count - 1
        stepDeadline = nil
        return advanceCompensation(now: now)
    }

    /// Issues the next compensation, skipping steps that have none (seed: `if compensation != nil`).
    private mutating func advanceCompensation(now: Instant) -> [SagaAction] {
        while compensationCursor >= 0 {
            let name = completedSteps[compensationCursor]
            if let index = steps.firstIndex(where: { $0.name == name }), steps[index].compensation != nil {
                phase = .awaitingCompensation
                dueAt = nil
                return [.compensate(step: index, name: name)]
            }
            compensationCursor -= 1
        }
        status = .compensated
        return finish(now: now, with: .compensated)
    }

    private mutating func complete(now: Instant) -> [SagaAction] {
        status = .completed
        return finish(now: now, with: .completed)
    }

    private mutating func finish(now: Instant, with action: SagaAction) -> [SagaAction] {
        phase = .finished
        dueAt = nil
        stepDeadline = nil
        endTime = now
        return [action]
    }
}
