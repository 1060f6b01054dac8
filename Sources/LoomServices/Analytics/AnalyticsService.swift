import OrderedCollections

/// One analytics event as it travels before a pod turns it into the seed's `AnalyticsEvent`
/// (through Kafka, say): 40 bytes instead of three strings.
public struct AnalyticsEventRecord: Sendable {
    /// The service's sequence number (the event id is `e<sequence>`).
    public var sequence: UInt64
    public var userID: UInt64
    /// Index of the event type in the service's type table.
    public var type: Int32
    public var priority: EventPriority
    /// When the event was emitted (the §5.3 windows place it by this).
    public var timestamp: Instant
}

/// The analytics service of seed §5: events are ingested (directly, or through a Kafka topic
/// whose consumer group is the service's pods), each pod runs the §5.2.1 priority queues with
/// backpressure and per-priority batch writers into the raw-event store, failed batches are
/// retried and dead-lettered, and the §5.3 1 m / 5 m / 1 h sliding windows aggregate counts per
/// event type and distinct users in real time.
///
/// Every event that enters (`ingest`) ends stored (`completed`), `dropped(reason)`,
/// `deadLettered(reason)`, or is still held when the run ends; the ledger flow is `analytics`.
public final class AnalyticsService {
    public let configuration: AnalyticsConfiguration
    public let context: PlatformContext
    public let deployment: Deployment
    /// The HPA loop, when `configuration.autoscaler` is set.
    public let autoscaler: AutoscalerLoop?
    /// The raw-event store the batch writers flush to.
    public let store: QueueingResource
    /// The events topic (`.kafka` ingestion).
    public let topic: KafkaTopic<AnalyticsEventRecord>?
    /// The §5.3 real-time aggregates.
    public let windows: SlidingWindowAggregator
    let accounting: AnalyticsAccounting
    let storageStream: RandomStream

    /// Pods' processors by pod id, in the order pods became ready.
    private var processors: OrderedDictionary<UInt64, AnalyticsPodProcessor> = [:]
    /// Processors of pods being scaled down, still writing out what they hold.
    private var draining: [AnalyticsPodProcessor] = []
    /// Serving processors for direct ingestion's round-robin.
    private var serving: [AnalyticsPodProcessor] = []
    private var nextServing = 0
    private var byMember: [UInt64: AnalyticsPodProcessor] = [:]
    private var typeIndex: [String: Int32] = [:]
    private(set) var typeNames: [String] = []
    private var nextSequence: UInt64 = 0
    /// Events in store requests of pods that are gone (the store's answer still decides them).
    var orphanedInStore = 0
    private var typeGaugesRegistered = 0

    public init(configuration: AnalyticsConfiguration, context: PlatformContext) throws {
        try configuration.validate()
        self.configuration = configuration
        self.context = context
        accounting = AnalyticsAccounting(context: context)
        storageStream = context.stream("analytics.storage")
        let s = configuration.storage
        store = QueueingResource(name: s.name, capacity: s.concurrentWrites, queueLimit: s.queueLimit, maxWait: s.maxWait,
                                 serviceTime: s.writeLatency, context: context)
        windows = SlidingWindowAggregator(windows: configuration.windows, bucketWidth: configuration.windowBucket,
                                          accounting: configuration.windowAccounting)
        let deployment = Deployment(service: AnalyticsAccounting.service, region: configuration.region, template: configuration.pod,
                                    replicas: configuration.replicas, context: context)
        self.deployment = deployment
        topic = configuration.ingestionPath == .kafka ? try KafkaTopic(configuration: configuration.kafka, context: context) : nil
        autoscaler = configuration.autoscaler.map {
            AutoscalerLoop(hpa: HorizontalPodAutoscaler(spec: $0), deployment: deployment, context: context,
                           scrapeInterval: configuration.scrapeInterval, metricsDelay: configuration.metricsDelay)
        }
        if let topic, let autoscaler {
            autoscaler.objectMetrics[configuration.lagMetricName] = { [unowned topic] in Double(topic.lag) }
        }
        registerGauges()
    }

    /// Wires pods, the consumer group and the autoscaler, and starts the initial pods warm.
    public func start() {
        deployment.onPodReady = { [unowned self] pod in self.podReady(pod) }
        deployment.onPodLost = { [unowned self] pod, reason in self.podLost(pod, reason: reason) }
        if let topic {
            topic.onDeliver = { [unowned self] member, records in self.deliver(records, to: member) }
            topic.onDrop = { [unowned self] _, reason in self.accounting.drop(1, AnalyticsDropReason(reason)) }
            topic.start()
        }
        deployment.startWarm()
        autoscaler?.start()
    }

    // MARK: Entry points

    /// One analytics event from the workload or another service, with the catalog's priority
    /// for its type.
    @discardableResult
    public func ingest(eventType: String, userID: UInt64) -> AnalyticsIngestResult {
        ingest(eventType: eventType, priority: configuration.catalog.priority(of: eventType), userID: userID)
    }

    /// One analytics event of `eventType` by `userID` at `priority` (seed `ingest_event`; an
    /// empty type fails validation and is dead-lettered).
    @discardableResult
    public func ingest(eventType: String, priority: EventPriority, userID: UInt64) -> AnalyticsIngestResult {
        accounting.admit()
        nextSequence += 1
        let record = AnalyticsEventRecord(sequence: nextSequence, userID: userID, type: type(named: eventType),
                                          priority: priority, timestamp: context.now)
        if let topic {
            if let reason = topic.produce(record, key: userID) { return .dropped(AnalyticsDropReason(reason)) }
            return .accepted
        }
        guard !serving.isEmpty else {
            accounting.drop(1, .noReadyPod)
            return .dropped(.noReadyPod)
        }
        if nextServing >= serving.count { nextServing = 0 }
        let processor = serving[nextServing]
        nextServing += 1
        processor.pod.busySeconds += configuration.cpuSecondsPerEvent
        return processor.accept(event(from: record), type: Int(record.type), user: record.userID)
    }

    /// The seed's `AnalyticsEvent` for a record (ids `e<sequence>` and `u<user>`).
    func event(from r: AnalyticsEventRecord) -> AnalyticsEvent {
        AnalyticsEvent(eventID: "e" + String(r.sequence), eventType: typeNames[Int(r.type)], userID: "u" + String(r.userID),
                       timestamp: r.timestamp, priority: r.priority)
    }

    private func type(named name: String) -> Int32 {
        if let i = typeIndex[name] { return i }
        let i = Int32(typeNames.count)
        typeIndex[name] = i
        typeNames.append(name)
        let w = windows.addType()
        precondition(w == Int(i))
        if !name.isEmpty { registerTypeGauges(name, index: w) }
        return i
    }

    /// Records a Kafka poll hands to a pod: the pod runs `ingest_event` on each.
    private func deliver(_ records: [AnalyticsEventRecord], to member: UInt64) {
        guard let processor = byMember[member], processor.state == .serving else {
            accounting.drop(records.count, .podLost)
            return
        }
        processor.pod.busySeconds += configuration.cpuSecondsPerEvent * Double(records.count)
        for r in records { _ = processor.accept(event(from: r), type: Int(r.type), user: r.userID, pumping: false) }
        for p in EventPriority.allCases { processor.pump(p) }
    }

    // MARK: Pods

    private func podReady(_ pod: Pod) {
        let processor = AnalyticsPodProcessor(service: self, pod: pod)
        processors[pod.id] = processor
        serving.append(processor)
        if let topic {
            let member = topic.join()
            processor.member = member
            byMember[member] = processor
        }
    }

    private func podLost(_ pod: Pod, reason: String) {
        guard let processor = processors.removeValue(forKey: pod.id) else { return }
        serving.removeAll { $0 === processor }
        let graceful = reason == "scale-down"
        if let topic, let member = processor.member {
            topic.leave(member, graceful: graceful)
            byMember[member] = nil
        }
        if graceful && configuration.terminationGracePeriod > .zero {
            draining.append(processor)
            processor.drain()
        } else {
            processor.lose(graceful ? .podTerminated : .podLost)
        }
    }

    /// A processor has nothing left (drained) or was lost.
    func processorGone(_ processor: AnalyticsPodProcessor) {
        draining.removeAll { $0 === processor }
    }

    // MARK: State

    /// Pods' processors: serving first (ready order), then draining.
    var allProcessors: [AnalyticsPodProcessor] { Array(processors.values) + draining }
    /// Events queued at the pods, by priority.
    public func queueDepth(_ priority: EventPriority) -> Int { allProcessors.reduce(0) { $0 + $1.queues.count(in: priority) } }
    /// Events entered and not yet ended: in Kafka, or held by a pod.
    public var eventsInFlight: Int {
        allProcessors.reduce((topic?.undeliveredCount ?? 0) + orphanedInStore) { $0 + $1.heldCount }
    }
    /// Events that entered the service.
    public var arrivals: Int { accounting.arrivals }
    /// Events stored.
    public var storedCount: Int { accounting.stored }
    public func dropped(_ reason: AnalyticsDropReason) -> Int { accounting.dropped(reason) }
    public func deadLettered(_ reason: AnalyticsDeadLetterReason) -> Int { accounting.deadLettered(reason) }
    /// Batches flushed and events in them so far, by priority.
    public func batchesFlushed(_ priority: EventPriority) -> Int { accounting.batchesFlushed[priority.rawValue - 1] }
    public func eventsFlushed(_ priority: EventPriority) -> Int { accounting.eventsFlushed[priority.rawValue - 1] }
    /// Observes every stored batch (tests; the finish-recording saga's "index analytics" step).
    public var onBatchStored: ((EventPriority, [AnalyticsEvent]) -> Void)? {
        get { accounting.onStored }
        set { accounting.onStored = newValue }
    }
    /// Index of `eventType` for `windows` queries (registering it if new).
    public func typeIndex(of eventType: String) -> Int { Int(type(named: eventType)) }
}
