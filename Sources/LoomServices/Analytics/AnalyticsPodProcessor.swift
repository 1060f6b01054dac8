/// One analytics pod running the seed's `HighThroughputEventProcessor` (§5.2.1): its own
/// bounded per-priority `EventIngestionQueues` with backpressure (downgrade, deterministic 50 %
/// sample, drop, critical retries), and one `EventBatchProcessor` writer per priority that
/// flushes batches to the store (see `AnalyticsPodProcessor+Writing.swift`).
///
/// Everything a pod holds lives in its memory: a crash or loss drops it (`pod-lost`); a pod
/// being scaled down stops taking events and writes out what it holds within its termination
/// grace period (`pod-terminated` for what is left).
final class AnalyticsPodProcessor {
    enum State { case serving, draining, gone }

    /// One priority's batch writer: the seed's `BatchEventProcessor`, which awaits each
    /// `store_batch` before taking the next event, so at most one write is outstanding.
    struct Writer {
        let priority: EventPriority
        var batcher: EventBatchProcessor
        var flushTimer: EventHandle?
        var write: BatchWrite?
    }

    /// A batch between its flush and its end (stored, dead-lettered or lost), with its retries.
    final class BatchWrite {
        let batch: [AnalyticsEvent]
        let flushedAt: Instant
        var retry: RetryContext
        /// A store request is outstanding (its outcome decides the batch even if the pod dies).
        var inStore = false
        var retryHandle: EventHandle?
        init(batch: [AnalyticsEvent], flushedAt: Instant, retry: RetryConfig) {
            self.batch = batch
            self.flushedAt = flushedAt
            self.retry = RetryContext(config: retry)
        }
    }

    unowned let service: AnalyticsService
    let pod: Pod
    /// The Kafka group member id (`.kafka` ingestion).
    var member: UInt64?
    var queues: EventIngestionQueues
    var writers: [Writer]
    var state = State.serving
    /// Why held events are dropped once the pod is gone.
    var lossReason = AnalyticsDropReason.podLost
    private var retryTimer: EventHandle?
    private var retryTimerAt = Instant.distantFuture
    private var graceTimer: EventHandle?
    static let retryKind = EventKind("analytics.critical-retry")
    static let graceKind = EventKind("analytics.grace-expired")

    init(service: AnalyticsService, pod: Pod) {
        self.service = service
        self.pod = pod
        let c = service.configuration, now = service.context.now
        // Both were validated with the configuration.
        queues = try! EventIngestionQueues(configuration: c.queueConfiguration)
        writers = EventPriority.allCases.map { p in
            Writer(priority: p, batcher: try! EventBatchProcessor(batchSize: c.batchSize(p), flushInterval: c.flushInterval(p), now: now))
        }
        pod.baselineCores = c.baselineCores
        pod.memoryBytes = c.baselineMemoryBytes
    }

    var now: Instant { service.context.now }

    /// Events this pod holds: queued, waiting to retry, in a batch, or in a write not yet decided.
    var heldCount: Int {
        writers.reduce(queues.queuedCount + queues.pendingRetries.count) {
            $0 + $1.batcher.pendingBatch.count + ($1.write?.batch.count ?? 0)
        }
    }

    // MARK: Ingestion (seed `ingest_event`)

    /// Runs `ingest_event` on one event: validation, the §5.1 aggregation stage (the sliding
    /// windows see every valid event before queueing), then the queue or its backpressure.
    ///
    /// With `pumping` false the writers are not fed until the caller pumps: a Kafka poll's
    /// records are all put before the batch processors run, as in asyncio, where `queue.put`
    /// on a queue with room does not yield to the event loop.
    func accept(_ event: AnalyticsEvent, type: Int, user: UInt64, pumping: Bool = true) -> AnalyticsIngestResult {
        if event.isValid { service.windows.record(type: type, user: user, at: event.timestamp, now: now) }
        let outcome = queues.ingest(event, now: now)
        // Downgrades are one tier at a time, so the tier the event ended in tells how many it
        // took (reading the queues' ledger instead would copy the whole queues value per event).
        let finalTier: EventPriority?
        switch outcome {
        case .queued(let p): finalTier = p
        case .dropped(.sampledOut): finalTier = .normal
        case .dropped(.lowPriorityBackpressure): finalTier = .low
        case .retryScheduled, .deadLettered: finalTier = nil
        }
        if let finalTier, finalTier.rawValue > event.priority.rawValue {
            service.context.metrics.add(service.accounting.downgrades, Double(finalTier.rawValue - event.priority.rawValue))
        }
        return handle(outcome, pumping: pumping)
    }

    @discardableResult
    private func handle(_ outcome: EventIngestOutcome, pumping: Bool = true) -> AnalyticsIngestResult {
        let accounting = service.accounting
        switch outcome {
        case .queued(let p):
            service.context.metrics.add(accounting.ingested)
            if pumping { pump(p) }
            return .accepted
        case .retryScheduled(let at):
            service.context.metrics.add(accounting.criticalRetries)
            armRetryTimer(at)
            return .accepted
        case .dropped(let reason):
            let r = AnalyticsDropReason(reason)
            accounting.drop(1, r)
            return .dropped(r)
        case .deadLettered(let reason):
            let r: AnalyticsDeadLetterReason
            switch reason {
            case .invalid: r = .invalid
            case .criticalRetriesExhausted:
                r = service.configuration.criticalRetry == .intended ? .criticalRetriesExhausted : .recursionLimit
            }
            // The seed's dead-letter consumer is not shown; the events are counted and released.
            _ = queues.drainDeadLetters()
            accounting.deadLetter(1, r)
            return .deadLettered(r)
        }
    }

    /// Arms the critical-retry timer for `at` unless one is armed no later.
    private func armRetryTimer(_ at: Instant) {
        guard at < retryTimerAt else { return }
        if let t = retryTimer { service.context.runtime.cancel(t) }
        retryTimerAt = at
        retryTimer = service.context.at(at, Self.retryKind, entity: pod.id) { [unowned self] in self.retryFired() }
    }

    /// The seed's `await asyncio.sleep(0.01); return await self.ingest_event(event)` for every
    /// critical event whose wait is over.
    private func retryFired() {
        retryTimer = nil
        retryTimerAt = .distantFuture
        guard state != .gone else { return }
        for result in queues.retryDueEvents(now: now) { handle(result.outcome) }
        if let next = queues.nextRetryAt { armRetryTimer(next) }
        if state == .draining { finishDrainIfEmpty() }
    }

    // MARK: Leaving

    /// The pod crashed or was lost: everything it held that is not in a store request is dropped.
    func lose(_ reason: AnalyticsDropReason) {
        guard state != .gone else { return }
        state = .gone
        lossReason = reason
        var count = queues.queuedCount + queues.pendingRetries.count
        for i in writers.indices {
            count += writers[i].batcher.pendingBatch.count
            if let t = writers[i].flushTimer { service.context.runtime.cancel(t) }
            writers[i].flushTimer = nil
            if let w = writers[i].write {
                if w.inStore {
                    // The store decides these; until it answers they are in flight, held by no pod.
                    service.orphanedInStore += w.batch.count
                } else {
                    count += w.batch.count
                    if let h = w.retryHandle { service.context.runtime.cancel(h) }
                    w.retryHandle = nil
                    writers[i].write = nil
                }
            }
        }
        if let t = retryTimer { service.context.runtime.cancel(t) }
        retryTimer = nil
        if let t = graceTimer { service.context.runtime.cancel(t) }
        graceTimer = nil
        service.accounting.drop(count, reason)
        service.processorGone(self)
    }

    /// The pod is being scaled down: it takes no new events, flushes its partial batches now
    /// and keeps writing until it holds nothing or `terminationGracePeriod` runs out.
    func drain() {
        guard state == .serving else { return }
        state = .draining
        graceTimer = service.context.after(service.configuration.terminationGracePeriod, Self.graceKind, entity: pod.id) { [unowned self] in
            self.graceTimer = nil
            self.lose(.podTerminated)
        }
        for p in EventPriority.allCases { pump(p) }
        finishDrainIfEmpty()
    }

    func finishDrainIfEmpty() {
        guard state == .draining, heldCount == 0 else { return }
        state = .gone
        if let t = graceTimer { service.context.runtime.cancel(t) }
        graceTimer = nil
        service.processorGone(self)
    }
}
