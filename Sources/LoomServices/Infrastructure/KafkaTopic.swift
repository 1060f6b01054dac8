import DequeModule

/// The trace kinds of the topic's events (a generic type cannot hold static stored properties).
enum KafkaEventKinds {
    static let poll = EventKind("kafka.poll")
    static let deliver = EventKind("kafka.deliver")
    static let rebalance = EventKind("kafka.rebalance")
    static let sessionTimeout = EventKind("kafka.session-timeout")
    static let deliveryTimeout = EventKind("kafka.delivery-timeout")
    static let retention = EventKind("kafka.retention")
}

/// A Kafka topic with one consumer group, as the analytics pipeline (and any service) uses it:
/// producers append keyed records to partitions after a produce latency; the group's members
/// poll their partitions (range assignment, eager rebalances when members join or leave, a
/// crashed member's partitions idle until its session times out), process up to
/// `maxPollRecords` per poll at `consumerThroughput`, and hand the records to `onDeliver`.
/// Consumer lag (records appended and not yet committed) is the gauge an HPA scales consumer
/// pods on, through `AutoscalerLoop.objectMetrics` as an External metric.
///
/// Records polled but not yet delivered are uncommitted (auto-commit commits a poll's offsets
/// at the next poll): if their member leaves they go back to the head of their partitions and
/// are delivered again. Every produced record is delivered once (`completed` in the ledger flow
/// `kafka.<topic>`) or dropped with a `KafkaDropReason`, reported to `onDrop` exactly once.
public final class KafkaTopic<Message> {
    public let configuration: KafkaTopicConfiguration
    /// Receives each poll's records when their processing is done, with the member that took them.
    public var onDeliver: (_ member: UInt64, _ messages: [Message]) -> Void = { _, _ in }
    /// Receives every dropped record once (synchronous drops in `produce` too).
    public var onDrop: (_ message: Message, _ reason: KafkaDropReason) -> Void = { _, _ in }

    struct Record {
        var message: Message
        var producedAt: Instant
        var visibleAt: Instant
    }
    final class Member {
        let id: UInt64
        var alive = true
        var partitions: [Int] = []
        var cursor = 0
        var pending: EventHandle?
        var processing = false
        var inFlight: [(partition: Int, records: [Record])] = []
        var inFlightCount = 0
        init(id: UInt64) { self.id = id }
    }

    let context: PlatformContext
    let stream: RandomStream
    let ledgerService: String
    var log: [Deque<Record>]
    var tail: [Instant]
    var owner: [Member?]
    var members: [Member] = []
    /// Records held by the producer during an outage, with the partition their key chose.
    var buffer: Deque<(record: Record, partition: Int)> = []
    var bufferTimer: EventHandle?
    var pausedUntil = Instant.zero
    var resumeHandle: EventHandle?
    var nextMemberID: UInt64 = 1
    var recordsInLog = 0
    let produced: MetricsRecorder.Counter
    let consumed: MetricsRecorder.Counter
    var dropCounters: [MetricsRecorder.Counter] = []
    var dropStates: [TerminalState] = []
    let deliveryLatency: MetricsRecorder.Latency

    public init(configuration: KafkaTopicConfiguration, context: PlatformContext) throws {
        try configuration.validate()
        self.configuration = configuration
        self.context = context
        let name = configuration.name
        stream = context.stream("kafka.\(name)")
        ledgerService = "kafka.\(name)"
        log = Array(repeating: [], count: configuration.partitions)
        tail = Array(repeating: .zero, count: configuration.partitions)
        owner = Array(repeating: nil, count: configuration.partitions)
        let labels = [("group", configuration.group), ("topic", name)]
        produced = context.metrics.registerCounter(metricKey("kafka.produced", [("topic", name)]), unit: "records")
        consumed = context.metrics.registerCounter(metricKey("kafka.consumed", labels), unit: "records")
        for reason in KafkaDropReason.allCases {
            dropCounters.append(context.metrics.registerCounter(metricKey("kafka.dropped", [("reason", reason.rawValue), ("topic", name)]), unit: "records"))
            dropStates.append(.dropped(reason: reason.rawValue))
        }
        deliveryLatency = context.metrics.registerLatency("kafka.\(name).delivery")
        context.metrics.registerGauge(metricKey("kafka.consumer_lag", labels), unit: "records") { [unowned self] in Double(self.lag) }
        context.metrics.registerGauge(metricKey("kafka.consumers", labels), unit: "consumers") { [unowned self] in Double(self.consumerCount) }
        context.faults.observe(.datastoreOutage, onStart: { _ in }, onEnd: { [unowned self] fault in
            if fault.target == self.configuration.brokerTarget, !self.isBrokerDown { self.brokersRecovered() }
        })
    }

    /// Starts the log cleaner.
    public func start() {
        context.every(configuration.retentionCheckInterval, KafkaEventKinds.retention, startingAfter: configuration.retentionCheckInterval) { [unowned self] in
            self.enforceRetention()
        }
    }

    // MARK: State

    public var isBrokerDown: Bool { context.faults.isActive(.datastoreOutage, on: configuration.brokerTarget) }
    /// Records appended and not yet committed by the group: in the log or in an undelivered poll.
    public var lag: Int { recordsInLog + members.reduce(0) { $0 + $1.inFlightCount } }
    /// Records waiting in the producer's buffer for the brokers to return.
    public var bufferedCount: Int { buffer.count }
    /// Records not yet delivered or dropped (buffered, in the log, in a poll).
    public var undeliveredCount: Int { lag + buffer.count }
    /// Live members of the group.
    public var consumerCount: Int { members.reduce(0) { $0 + ($1.alive ? 1 : 0) } }
    /// The partitions `member` currently owns.
    public func partitions(of member: UInt64) -> [Int] { members.first { $0.id == member }?.partitions ?? [] }
}
