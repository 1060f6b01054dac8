/// The batch writers of one pod (seed §5.2.1 `BatchEventProcessor.start` / `flush_batch`).
///
/// The seed's loop takes one event at a time from its queue, appends it to the batch, and
/// awaits `storage.store_batch` when the batch is full or the flush interval has passed; while
/// it awaits, nothing leaves the queue, which is what makes the queue fill and backpressure
/// start. The `EventBatchProcessor` policy decides when to flush; this file moves events from
/// the queue into it (as many as can be added without a flush before the last one, so events
/// are never taken and then held outside the batch), writes the batches to the store and
/// handles failures per `AnalyticsStorageFailureVariant`.
extension AnalyticsPodProcessor {
    static let flushKind = EventKind("analytics.flush-timer")
    static let writeFailedKind = EventKind("analytics.write-failed")
    static let writeRetryKind = EventKind("analytics.write-retry")

    /// Feeds priority `p`'s writer from its queue until the writer is busy or the queue empty.
    func pump(_ p: EventPriority) {
        guard state != .gone else { return }
        let i = p.rawValue - 1
        let now = self.now
        while writers[i].write == nil {
            let due = now - writers[i].batcher.lastFlush >= writers[i].batcher.flushInterval
            let room = due ? 1 : max(1, writers[i].batcher.batchSize - writers[i].batcher.pendingBatch.count)
            // `take` mutates in place; reading `count(in:)` first would copy the queues value.
            let events = queues.take(from: p, maxCount: room)
            for event in events { apply(writers[i].batcher.add(event, now: now), i) }
            if events.count < room { break }  // the queue is empty
        }
        if state == .draining, writers[i].write == nil, !writers[i].batcher.pendingBatch.isEmpty {
            // Shutting down: the partial batch goes now rather than at its flush interval.
            let batch = writers[i].batcher.pendingBatch
            let c = service.configuration
            writers[i].batcher = try! EventBatchProcessor(batchSize: c.batchSize(p), flushInterval: c.flushInterval(p), now: now)
            startWrite(batch, i)
        }
    }

    /// The pod's memory: its baseline plus what it holds (updated per batch, not per event).
    private func updateMemory() {
        pod.memoryBytes = service.configuration.baselineMemoryBytes + service.configuration.bytesPerHeldEvent * Double(heldCount)
    }

    private func apply(_ decision: BatchDecision, _ i: Int) {
        switch decision {
        case .flushNow(let batch):
            startWrite(batch, i)
        case .armFlushTimer(let at):
            if let t = writers[i].flushTimer { service.context.runtime.cancel(t) }
            writers[i].flushTimer = service.context.at(at, Self.flushKind, entity: pod.id) { [self] in
                writers[i].flushTimer = nil
                guard state != .gone, writers[i].write == nil else { return }
                apply(writers[i].batcher.flushTimerFired(now: self.now), i)
            }
        case .none:
            break
        }
    }

    private func startWrite(_ batch: [AnalyticsEvent], _ i: Int) {
        if let t = writers[i].flushTimer { service.context.runtime.cancel(t) }
        writers[i].flushTimer = nil
        let write = BatchWrite(batch: batch, flushedAt: now, retry: service.configuration.storageRetry)
        writers[i].write = write
        service.accounting.flushed(batch.count, priority: writers[i].priority)
        updateMemory()
        attempt(write, i)
    }

    /// One `store_batch` call: the store serves it in `writeLatency + perEvent × size` seconds,
    /// rejects it (down, queue full, wait timeout) or answers with an injected error.
    private func attempt(_ write: BatchWrite, _ i: Int) {
        write.inStore = true
        let c = service.configuration.storage
        let seconds = max(0, service.storageStream.sample(c.writeLatency)) + c.perEventWriteSeconds * Double(write.batch.count)
        service.store.submit(entity: pod.id, serviceSeconds: seconds) { [self] outcome in
            switch outcome {
            case .served:
                writeSucceeded(write, i)
            case .failed:
                writeFailed(write, i)
            case .rejected(let reason):
                // A refused connection surfaces after the driver's connect timeout; the
                // deferral also keeps the store's synchronous rejections out of this call stack.
                let delay = reason == .unavailable ? c.unavailableFailureDelay : .zero
                service.context.after(delay, Self.writeFailedKind, entity: pod.id) { [self] in writeFailed(write, i) }
            }
        }
    }

    private func writeSucceeded(_ write: BatchWrite, _ i: Int) {
        write.inStore = false
        if writers[i].write === write { writers[i].write = nil }
        service.accounting.stored(write.batch, priority: writers[i].priority, flushedAt: write.flushedAt)
        guard state != .gone else {
            service.orphanedInStore -= write.batch.count
            return
        }
        pump(writers[i].priority)
        finishDrainIfEmpty()
    }

    private func writeFailed(_ write: BatchWrite, _ i: Int) {
        write.inStore = false
        service.context.metrics.add(service.accounting.storeFailures)
        guard state != .gone else {
            // The pod died with the request outstanding: no one is left to retry it.
            if writers[i].write === write { writers[i].write = nil }
            service.orphanedInStore -= write.batch.count
            service.accounting.drop(write.batch.count, lossReason)
            return
        }
        switch service.configuration.storageFailure {
        case .intended:
            let config = service.configuration.storageRetry
            let draw = config.intervalFunction.isRandomized ? service.storageStream.uniform() : 0
            switch write.retry.record(.failure, uniformDraw: draw) {
            case .retry(let wait, _):
                write.retryHandle = service.context.after(wait, Self.writeRetryKind, entity: pod.id) { [self] in
                    write.retryHandle = nil
                    guard state != .gone else { return }
                    attempt(write, i)
                }
                return
            case .finish:
                writers[i].write = nil
                service.accounting.deadLetter(write.batch.count, .storageRetriesExhausted)
            }
        case .asWritten:
            // `current_batch` is kept and retried by the next event or flush timeout.
            writers[i].write = nil
            apply(writers[i].batcher.flushFailed(write.batch, now: now), i)
        }
        pump(writers[i].priority)
        finishDrainIfEmpty()
    }
}
