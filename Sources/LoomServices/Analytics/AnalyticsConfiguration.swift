import OrderedCollections

/// How events reach the analytics pods (seed §5.1 "Event Collector — High Throughput Ingestion").
public enum AnalyticsIngestionPath: String, Sendable, CaseIterable {
    /// The seed as written (§5.2.1): the collector calls `ingest_event` in process; a load
    /// balancer spreads events over the ready pods round-robin.
    case direct
    /// Events are produced to a Kafka topic keyed by user; the analytics pods are the topic's
    /// consumer group and run `ingest_event` on what they poll, so consumer lag absorbs bursts
    /// and an HPA can scale the pods on it.
    case kafka
}

/// What a batch writer does when the store rejects a batch (seed §5.2.1 `flush_batch`).
public enum AnalyticsStorageFailureVariant: String, Sendable, CaseIterable {
    /// Retry the batch with back-off (`storageRetry`), then move its events to the dead-letter
    /// queue with reason `storage-retries-exhausted`; the writer waits meanwhile, so the queue
    /// fills and the §5.2.1 backpressure sheds load instead of memory growing.
    case intended
    /// The seed as written: `except: logger.error(...)  # Could implement retry logic here`
    /// keeps `current_batch`, so the next event (or the flush timeout) retries the whole,
    /// ever-growing batch with no bound and no back-off; nothing is dead-lettered
    /// (`EventBatchProcessor.flushFailed`).
    case asWritten
}

/// How the §5.3 sliding windows report their counts.
public enum WindowAccountingVariant: String, Sendable, CaseIterable {
    /// Counts of the events inside each window (bucketed ring buffers, expired as time moves).
    case intended
    /// The seed as written (§5.3 `SlidingWindow.update_metrics`): the `metrics` counters only
    /// ever increase (pruning `self.events` never decrements them), so a "1 m" count is the
    /// count since start and `get_rate` divides it by 60 s.
    case asWritten
}

/// One sliding window of §5.3 (`get_or_create_window(name, duration_seconds)`).
public struct SlidingWindowSpec: Sendable, Equatable {
    /// Label value (`window=1m`).
    public var name: String
    public var duration: TimeAmount

    public init(name: String, duration: TimeAmount) {
        self.name = name
        self.duration = duration
    }

    /// The seed's three windows: 1 m, 5 m and 1 h.
    public static let seed: [SlidingWindowSpec] = [
        SlidingWindowSpec(name: "1m", duration: .minutes(1)),
        SlidingWindowSpec(name: "5m", duration: .minutes(5)),
        SlidingWindowSpec(name: "1h", duration: .hours(1)),
    ]
}

/// The store the batch writers flush to: the raw-event store of seed §5.1 ("MongoDB — Raw
/// Events"; a columnar warehouse behaves alike), a `QueueingResource` whose service time is the
/// write latency of one batch: `writeLatency + perEventWriteSeconds × batch size`.
public struct AnalyticsStorageConfiguration: Sendable {
    /// Resource name: the target of `datastoreOutage`, `dependencyErrors`, `dependencyLatency`.
    public var name: String = "analytics-store"
    /// Batch writes the store serves at once (connections; assumed 32).
    public var concurrentWrites: Int = 32
    /// Writes that may wait for a connection (assumed 1,000).
    public var queueLimit: Int = 1_000
    /// Longest wait for a connection before the write fails (assumed 30 s).
    public var maxWait: TimeAmount = .wholeSeconds(30)
    /// Seconds per batch write, before the per-event part (assumed lognormal, mean 20 ms, cv 0.5).
    public var writeLatency: Distribution
    /// Seconds added per event in the batch (assumed 20 µs: 1,000 events add 20 ms).
    public var perEventWriteSeconds: Double = 0.000_02
    /// How long a write to an unavailable store takes to fail (the driver's connect timeout;
    /// assumed 1 s). It paces retries of a store that is down, as in a real client.
    public var unavailableFailureDelay: TimeAmount = .wholeSeconds(1)

    public init(writeLatency: Distribution? = nil) {
        self.writeLatency = writeLatency ?? (try! .lognormal(mean: 0.02, coefficientOfVariation: 0.5))
    }
}

/// Everything that shapes the analytics service (seed §5): its pods, how events reach them,
/// the per-priority queues and batch writers of §5.2.1, the store, and the §5.3 windows.
/// Defaults are the seed's where it gives a value (cited); the rest are stated assumptions.
public struct AnalyticsConfiguration: Sendable {
    // MARK: Pods

    /// Region the deployment runs in (target of `regionOutage`, `nodeLoss`).
    public var region: String = "us-east-1"
    /// Initial replicas (assumed 2: one pod keeps up with 2,000 events/s, the seed's peak is
    /// ~280/s, and two survive a pod loss).
    public var replicas: Int = 2
    /// Each pod's requests and start-up (assumed 1 core, 2 GiB, 20 s image pull, 10 s readiness).
    public var pod: PodTemplate
    /// The HPA for the pods; nil: fixed replicas. Default: Kafka consumer lag as an External
    /// metric (`lagMetricName`), 5,000 records per pod (2.5 s of one pod's throughput), 2…20 pods.
    public var autoscaler: HorizontalPodAutoscalerSpec?
    /// The External metric name the HPA reads consumer lag under (kafka-exporter's name).
    public var lagMetricName: String = "kafka_consumergroup_lag"
    /// Metrics pipeline of the autoscaler: scrape period and publication delay (seconds).
    public var scrapeInterval: TimeAmount = .wholeSeconds(15)
    public var metricsDelay: TimeAmount = .wholeSeconds(30)
    /// CPU core-seconds a pod spends per event (validate, enrich, route; assumed 0.5 ms).
    public var cpuSecondsPerEvent: Double = 0.000_5
    /// Idle CPU of a pod, cores (assumed 0.05).
    public var baselineCores: Double = 0.05
    /// Memory of an idle pod and per event held in memory, bytes (assumed 256 MiB and 1 KiB).
    public var baselineMemoryBytes: Double = 256 * 1_048_576
    public var bytesPerHeldEvent: Double = 1_024
    /// How long a pod being scaled down may keep writing what it holds before it is killed
    /// (Kubernetes `terminationGracePeriodSeconds`, 30 s). Zero: the seed as written, whose
    /// asyncio tasks die with the process and lose what they hold.
    public var terminationGracePeriod: TimeAmount = .wholeSeconds(30)

    // MARK: Ingestion (§5.2.1)

    public var ingestionPath: AnalyticsIngestionPath = .kafka
    /// The events topic (used with `.kafka`).
    public var kafka: KafkaTopicConfiguration
    /// Per-pod queue bounds by priority (seed: `asyncio.Queue(maxsize=1000/5000/10000/20000)`).
    public var queueCapacities: OrderedDictionary<EventPriority, Int> =
        OrderedDictionary(uniqueKeysWithValues: EventPriority.allCases.map { ($0, $0.defaultCapacity) })
    /// How long a critical event waits before retrying a full queue (seed: `asyncio.sleep(0.01)`).
    public var criticalRetryDelay: TimeAmount = .milliseconds(10)
    /// `.intended`: at most `maxCriticalRetries` waits, then the dead-letter queue.
    /// `.asWritten`: the seed's unbounded recursion, capped at `asWrittenRecursionLimit`.
    public var criticalRetry: CriticalRetryVariant = .intended
    /// Retries before a critical event is dead-lettered (intended; assumed 5, i.e. 50 ms).
    public var maxCriticalRetries: Int = 5
    /// Where the as-written recursion stops: CPython's default recursion limit (1,000 frames)
    /// over the two coroutine frames each retry nests (`ingest_event` → `handle_backpressure`).
    /// The `RecursionError` is caught by `ingest_event`'s `except Exception`, which dead-letters
    /// the event: reason `recursion-limit`.
    public var asWrittenRecursionLimit: Int = 500

    // MARK: Batching and storage (§5.2.1)

    /// Events per batch by priority (seed `get_batch_size`: 10, 50, 200, 1,000).
    public var batchSizes: OrderedDictionary<EventPriority, Int> =
        OrderedDictionary(uniqueKeysWithValues: EventPriority.allCases.map { ($0, $0.defaultBatchSize) })
    /// Flush interval by priority (seed `get_flush_interval`: 1 s, 5 s, 15 s, 60 s).
    public var flushIntervals: OrderedDictionary<EventPriority, TimeAmount> =
        OrderedDictionary(uniqueKeysWithValues: EventPriority.allCases.map { ($0, $0.defaultFlushInterval) })
    public var storage = AnalyticsStorageConfiguration()
    public var storageFailure: AnalyticsStorageFailureVariant = .intended
    /// Back-off for a failed batch (intended; assumed 5 attempts, 1 s doubling to at most 30 s).
    public var storageRetry: RetryConfig

    // MARK: Real-time windows (§5.3)

    public var windows: [SlidingWindowSpec] = SlidingWindowSpec.seed
    /// Bucket width of the window ring buffers: windows are exact to this granularity.
    public var windowBucket: TimeAmount = .wholeSeconds(1)
    public var windowAccounting: WindowAccountingVariant = .intended
    /// Default priority of each event type (used by `ingest(eventType:userID:)`).
    public var catalog = AnalyticsEventCatalog()

    public init() {
        pod = PodTemplate(cpuRequestCores: 1, memoryRequestBytes: 2 * 1_073_741_824,
                          startupLatency: try! .constant(20), readinessDelay: try! .constant(10), costPerHour: 0.05)
        kafka = KafkaTopicConfiguration(name: "analytics-events", group: "analytics")
        storageRetry = try! RetryConfig(maxAttempts: 5, waitDuration: .wholeSeconds(1), multiplier: 2, maxWaitDuration: .wholeSeconds(30))
        autoscaler = Self.lagAutoscaler(averageLagPerPod: 5_000, minReplicas: 2, maxReplicas: 20)
    }

    /// An HPA that keeps `averageLagPerPod` records of consumer lag per pod (External metric,
    /// `AverageValue` target), with the API's default behavior.
    public static func lagAutoscaler(averageLagPerPod: Int64, minReplicas: Int32, maxReplicas: Int32,
                                     metricName: String = "kafka_consumergroup_lag") -> HorizontalPodAutoscalerSpec {
        HorizontalPodAutoscalerSpec(
            scaleTargetRef: CrossVersionObjectReference(kind: "Deployment", name: "analytics", apiVersion: "apps/v1"),
            minReplicas: minReplicas, maxReplicas: maxReplicas,
            metrics: [.external(ExternalMetricSource(metric: MetricIdentifier(name: metricName),
                                                     target: .averageValue(Quantity(milliValue: averageLagPerPod * 1_000))))])
    }

    public func batchSize(_ p: EventPriority) -> Int { batchSizes[p] ?? p.defaultBatchSize }
    public func flushInterval(_ p: EventPriority) -> TimeAmount { flushIntervals[p] ?? p.defaultFlushInterval }

    /// The ingestion queues' configuration: the as-written recursion runs the queues' bounded
    /// policy with the bound at the recursion limit, which is where the seed's code stops.
    var queueConfiguration: EventIngestionQueues.Configuration {
        EventIngestionQueues.Configuration(
            capacities: queueCapacities, criticalRetryDelay: criticalRetryDelay,
            maxCriticalRetries: criticalRetry == .intended ? maxCriticalRetries : asWrittenRecursionLimit,
            criticalRetry: .intended)
    }
}
