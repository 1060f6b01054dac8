/// Why the analytics service dropped an event (`drops{service=analytics,reason=...}` and the
/// ledger's `dropped(reason)`).
public enum AnalyticsDropReason: String, Sendable, CaseIterable {
    /// §5.2.1: a normal event under backpressure whose stable hash is odd (the 50 % sample).
    case sampledOut = "sampled-out"
    /// §5.2.1: a low event (or one downgraded to low) that found the low queue full.
    case lowPriorityBackpressure = "low-priority-backpressure"
    /// Direct ingestion with no ready pod to take the event.
    case noReadyPod = "no-ready-pod"
    /// Held in a pod's memory (queue, batch, retry) when the pod crashed or was lost.
    case podLost = "pod-lost"
    /// Still held by a pod being scaled down when its termination grace period ran out.
    case podTerminated = "pod-terminated"
    case kafkaBrokerUnavailable = "kafka-broker-unavailable"
    case kafkaProducerBufferFull = "kafka-producer-buffer-full"
    case kafkaDeliveryTimeout = "kafka-delivery-timeout"
    case kafkaRetentionExpired = "kafka-retention-expired"

    static let ordered = allCases
    var ordinal: Int { Self.ordered.firstIndex(of: self)! }

    init(_ reason: EventDropReason) {
        switch reason {
        case .sampledOut: self = .sampledOut
        case .lowPriorityBackpressure: self = .lowPriorityBackpressure
        }
    }

    init(_ reason: KafkaDropReason) {
        switch reason {
        case .brokerUnavailable: self = .kafkaBrokerUnavailable
        case .producerBufferFull: self = .kafkaProducerBufferFull
        case .deliveryTimeout: self = .kafkaDeliveryTimeout
        case .retentionExpired: self = .kafkaRetentionExpired
        }
    }
}

/// Why an event went to the dead-letter queue (`dead_letters{service=analytics,reason=...}`).
public enum AnalyticsDeadLetterReason: String, Sendable, CaseIterable {
    /// §5.2.1 `validate_event` failed.
    case invalid
    /// A critical event still found its queue full after `maxCriticalRetries` waits (intended).
    case criticalRetriesExhausted = "critical-retries-exhausted"
    /// The as-written unbounded recursion reached CPython's recursion limit.
    case recursionLimit = "recursion-limit"
    /// A batch the store kept rejecting after every `storageRetry` attempt (intended).
    case storageRetriesExhausted = "storage-retries-exhausted"

    static let ordered = allCases
    var ordinal: Int { Self.ordered.firstIndex(of: self)! }
}

/// What `AnalyticsService.ingest` did with an event right away.
public enum AnalyticsIngestResult: Equatable, Sendable {
    /// Taken: queued at a pod, waiting to retry, or produced to Kafka.
    case accepted
    case dropped(AnalyticsDropReason)
    case deadLettered(AnalyticsDeadLetterReason)
}

/// The analytics service's metric handles and its side of the conservation ledger, registered
/// once so the hot path only adds to integer handles.
final class AnalyticsAccounting {
    static let service = "analytics"
    private let context: PlatformContext
    private let dropCounters: [MetricsRecorder.Counter]
    private let dropStates: [TerminalState]
    private let deadLetterCounters: [MetricsRecorder.Counter]
    private let deadLetterStates: [TerminalState]
    let ingested: MetricsRecorder.Counter
    let downgrades: MetricsRecorder.Counter
    let criticalRetries: MetricsRecorder.Counter
    let storeFailures: MetricsRecorder.Counter
    let batches: [MetricsRecorder.Counter]
    let storedByPriority: [MetricsRecorder.Counter]
    let flushLatency: MetricsRecorder.Latency
    let eventLatency: MetricsRecorder.Latency
    /// Running totals (never reset by the warm-up), for gauges and tests.
    private(set) var arrivals = 0
    private(set) var stored = 0
    private(set) var droppedByReason = Array(repeating: 0, count: AnalyticsDropReason.allCases.count)
    private(set) var deadLetteredByReason = Array(repeating: 0, count: AnalyticsDeadLetterReason.allCases.count)
    var batchesFlushed = Array(repeating: 0, count: EventPriority.allCases.count)
    var eventsFlushed = Array(repeating: 0, count: EventPriority.allCases.count)
    /// Observes every stored batch (tests, the saga's "index analytics" step).
    var onStored: ((EventPriority, [AnalyticsEvent]) -> Void)?

    init(context: PlatformContext) {
        self.context = context
        let m = context.metrics, s = Self.service
        dropCounters = AnalyticsDropReason.allCases.map {
            m.registerCounter(metricKey("drops", [("service", s), ("reason", $0.rawValue)]), unit: "events")
        }
        dropStates = AnalyticsDropReason.allCases.map { .dropped(reason: $0.rawValue) }
        deadLetterCounters = AnalyticsDeadLetterReason.allCases.map {
            m.registerCounter(metricKey("dead_letters", [("service", s), ("reason", $0.rawValue)]), unit: "events")
        }
        deadLetterStates = AnalyticsDeadLetterReason.allCases.map { .deadLettered(reason: $0.rawValue) }
        ingested = m.registerCounter("analytics.ingested", unit: "events")
        downgrades = m.registerCounter("analytics.downgrades", unit: "events")
        criticalRetries = m.registerCounter("analytics.critical_retries", unit: "retries")
        storeFailures = m.registerCounter("analytics.store_failures", unit: "batches")
        batches = EventPriority.allCases.map { m.registerCounter(metricKey("analytics.batches", [("priority", $0.description)]), unit: "batches") }
        storedByPriority = EventPriority.allCases.map { m.registerCounter(metricKey("analytics.stored", [("priority", $0.description)]), unit: "events") }
        flushLatency = m.registerLatency("analytics.flush_latency")
        eventLatency = m.registerLatency("analytics.event_latency")
    }

    /// An event enters the service.
    @inline(__always) func admit() {
        arrivals += 1
        context.ledger.admit(Self.service, count: 1)
    }

    func drop(_ count: Int, _ reason: AnalyticsDropReason) {
        guard count > 0 else { return }
        let i = reason.ordinal
        droppedByReason[i] += count
        context.metrics.add(dropCounters[i], Double(count))
        context.ledger.finish(Self.service, count: count, dropStates[i], at: context.now)
    }

    func deadLetter(_ count: Int, _ reason: AnalyticsDeadLetterReason) {
        guard count > 0 else { return }
        let i = reason.ordinal
        deadLetteredByReason[i] += count
        context.metrics.add(deadLetterCounters[i], Double(count))
        context.ledger.finish(Self.service, count: count, deadLetterStates[i], at: context.now)
    }

    /// A batch reached the store: its events are complete.
    func stored(_ batch: [AnalyticsEvent], priority: EventPriority, flushedAt: Instant) {
        let now = context.now
        stored += batch.count
        context.metrics.add(storedByPriority[priority.rawValue - 1], Double(batch.count))
        context.metrics.record(flushLatency, now - flushedAt)
        for e in batch { context.metrics.record(eventLatency, now - e.timestamp) }
        context.ledger.finish(Self.service, count: batch.count, .completed, at: now)
        onStored?(priority, batch)
    }

    func flushed(_ count: Int, priority: EventPriority) {
        let i = priority.rawValue - 1
        batchesFlushed[i] += 1
        eventsFlushed[i] += count
        context.metrics.add(batches[i])
    }

    func dropped(_ reason: AnalyticsDropReason) -> Int { droppedByReason[reason.ordinal] }
    func deadLettered(_ reason: AnalyticsDeadLetterReason) -> Int {
        deadLetteredByReason[reason.ordinal]
    }
}
