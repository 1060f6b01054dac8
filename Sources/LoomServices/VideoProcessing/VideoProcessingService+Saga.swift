/// The answer to one submission attempt from a caller that retries by itself.
public enum VideoJobSubmission: Sendable, Equatable {
    /// The job is queued (or held for the high tier's retry): it will reach a terminal state.
    case accepted(id: UInt64)
    /// The tiers were full (seed `BackpressureError`); the caller may try again after `retryAfter`.
    case rejected(retryAfter: Instant)
}

/// Entry points for the recording saga (seed §6.2: "enqueue processing", compensated by
/// "cancel processing"): idempotent submission keyed by the saga's command id, and cancellation.
extension VideoProcessingService {
    /// One submission attempt, idempotent per `idempotencyKey`: a key already accepted returns
    /// the same job without submitting again (a saga orchestrator may resend an attempt after a
    /// restart). The caller does its own retrying, so a rejection is final for this attempt: the
    /// job is recorded as dropped(backpressure) and the answer carries the retry-after.
    public func trySubmitJob(_ request: VideoJobRequest, idempotencyKey: String) -> VideoJobSubmission {
        if let id = acceptedKeys[idempotencyKey] { return .accepted(id: id) }
        let id = admit(request, clientMaxRetries: 0)
        guard jobs[id] != nil else {
            return .rejected(retryAfter: context.now + queue.configuration.retryAfter)
        }
        acceptedKeys[idempotencyKey] = id
        return .accepted(id: id)
    }

    /// Cancels the job accepted under `idempotencyKey` (the saga's compensation); false when
    /// there is none or it has already ended.
    @discardableResult
    public func cancelJob(idempotencyKey: String) -> Bool {
        guard let id = acceptedKeys[idempotencyKey] else { return false }
        return cancelJob(id)
    }

    /// Cancels job `id` wherever it is — queued, deferred, waiting, validating, on a device or
    /// uploading — freeing what it holds; it ends as dropped(cancelled). False when it has
    /// already ended. (A job still in a tier is skipped when it reaches the front, since the
    /// seed's queue has no removal; the queue counts it as dequeued then.)
    @discardableResult
    public func cancelJob(_ id: UInt64) -> Bool {
        guard let job = jobs[id] else { return false }
        stopWaiting(job)
        if let e = job.deviceEvent {
            workBackend.cancel(e)
            job.deviceEvent = nil
        }
        job.segment = nil
        freeDevice(job)
        context.metrics.add(metrics.cancelled)
        finish(job, .dropped(reason: "cancelled"))
        return true
    }
}
