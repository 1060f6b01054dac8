/// A downstream call waiting for its retry: which dependency, what to redo, and the ledger unit.
struct PendingDownstreamCall {
    var unit: UInt64
    /// Index into `RecordingService.dependencies`.
    var dependency: Int
    /// Seed `RetryTask.Type` (`notify_video_processing`, `process_recording`...).
    var kind: String
    var sessionID: UInt64
    /// The recording to hand to video processing (`process_recording` only).
    var recording: FinishedRecording?
}

/// Calls to video processing, notification and analytics through their breakers, with the
/// deferred retry queue of seed §1.3.1: a failed or refused call is not an error for the
/// session; it is queued (`RetryTask{Attempts: 0, NextRetry: now + 5 s}`) and retried by a timer
/// that wakes at the queue's next due time. Each call is a unit of the `recording.downstream`
/// ledger flow: it completes, or the queue dead-letters it (retries exhausted, too old, queue full).
extension RecordingService {
    func callDownstream(_ dependency: Int, kind: String, sessionID: UInt64, recording: FinishedRecording?) {
        nextCallID += 1
        let call = PendingDownstreamCall(unit: nextCallID, dependency: dependency, kind: kind, sessionID: sessionID, recording: recording)
        context.ledger.admit(Self.downstreamFlow, id: call.unit, at: context.now)
        attempt(call, task: nil)
    }

    private func attempt(_ call: PendingDownstreamCall, task: DeferredRetryQueue.RetryTask?) {
        let accept: (() -> Bool)? = call.recording.map { recording in { [unowned self] in self.handOff(recording) } }
        dependencies[call.dependency].call(entity: call.unit, session: call.sessionID, accept: accept) { [unowned self] result in
            let outcome: DeferredRetryQueue.AttemptOutcome
            switch result {
            case .succeeded: outcome = .succeeded
            case .failed: outcome = .failed
            case .notPermitted(let retryAfter): outcome = .notPermitted(notBefore: retryAfter)
            }
            if let task {
                self.complete(task, call, outcome: outcome)
            } else if outcome == .succeeded {
                self.context.ledger.finish(Self.downstreamFlow, id: call.unit, .completed, at: self.context.now)
            } else {
                self.enqueue(call)
            }
        }
    }

    private func handOff(_ recording: FinishedRecording) -> Bool {
        let accepted = videoProcessingHandoff?(recording) ?? true
        if accepted { statistics.handedToVideoProcessing += 1 }
        return accepted
    }

    private func enqueue(_ call: PendingDownstreamCall) {
        switch retryQueue.add(kind: call.kind, sessionID: String(call.sessionID), now: context.now) {
        case .queued(let task):
            pendingCalls[task.id] = call
            armRetryTimer()
        case .coalesced:
            // The same (kind, session) is already queued: this call is merged into it.
            context.ledger.finish(Self.downstreamFlow, id: call.unit, .dropped(reason: "coalesced"), at: context.now)
        case let .deadLettered(_, reason):
            deadLetter(call, reason)
        case .completed, .rescheduled:
            break
        }
    }

    private func complete(_ task: DeferredRetryQueue.RetryTask, _ call: PendingDownstreamCall,
                          outcome: DeferredRetryQueue.AttemptOutcome) {
        let event = retryQueue.complete(task, outcome: outcome, now: context.now, uniformDraw: retryStream.uniform())
        switch event {
        case .completed:
            pendingCalls[task.id] = nil
            context.ledger.finish(Self.downstreamFlow, id: call.unit, .completed, at: context.now)
        case let .deadLettered(_, reason):
            pendingCalls[task.id] = nil
            deadLetter(call, reason)
        case .rescheduled:
            armRetryTimer()
        case .queued, .coalesced, nil:
            break
        }
    }

    private func deadLetter(_ call: PendingDownstreamCall, _ reason: DeferredRetryQueue.DeadLetterReason) {
        statistics.downstreamDeadLettered += 1
        count("dead_letters", reason: reason.rawValue)
        context.ledger.finish(Self.downstreamFlow, id: call.unit, .deadLettered(reason: reason.rawValue), at: context.now)
    }

    /// Keeps one timer armed for the queue's earliest due task.
    private func armRetryTimer() {
        guard let due = retryQueue.nextRetryDue else { return }
        if let armed = retryTimerDue, armed <= due { return }
        if let timer = retryTimer { context.runtime.cancel(timer) }
        retryTimerDue = due
        retryTimer = context.at(due, Self.retryKind) { [unowned self] in
            self.retryTimer = nil
            self.retryTimerDue = nil
            self.runDueRetries()
        }
    }

    private func runDueRetries() {
        for task in retryQueue.takeDue(now: context.now) {
            guard let call = pendingCalls[task.id] else { continue }
            attempt(call, task: task)
        }
        armRetryTimer()
    }
}
