import DequeModule

/// What a producer does with a record while the brokers are unreachable (a `datastoreOutage`
/// fault on the topic's `brokerTarget`).
public enum KafkaOutageBehavior: String, Sendable, CaseIterable {
    /// `send()` fails at once (a producer with `max.block.ms` 0, or one that treats the error as
    /// final): the record is dropped as `broker-unavailable`.
    case fail
    /// The producer keeps records in its accumulator (`buffer.memory`) and retries until
    /// `delivery.timeout.ms`: records beyond the buffer are dropped as `producer-buffer-full`,
    /// records still unsent after the timeout as `delivery-timeout`.
    case buffer
}

/// Why a record never reached a consumer.
public enum KafkaDropReason: String, Sendable, CaseIterable {
    case brokerUnavailable = "broker-unavailable"
    case producerBufferFull = "producer-buffer-full"
    case deliveryTimeout = "delivery-timeout"
    /// Deleted by the log cleaner (`retention.ms`) before the group consumed it.
    case retentionExpired = "retention-expired"
}

/// A Kafka topic and one consumer group. Defaults are Kafka's own (3.x client and broker
/// defaults) where one exists; the seed gives no Kafka figures.
public struct KafkaTopicConfiguration: Sendable {
    /// Topic name (metric label `topic`, ledger flow `kafka.<name>`).
    public var name: String
    /// Consumer group id (metric label `group`).
    public var group: String
    /// The `datastoreOutage` target that takes the brokers down.
    public var brokerTarget: String = "kafka"
    /// Partitions: the most consumers that can share the work.
    public var partitions: Int = 12
    /// Seconds from `send()` to the record being appended and fetchable (acks=all round trip).
    public var produceLatency: Distribution
    /// How long the log keeps a record (`retention.ms`, 7 days).
    public var retention: TimeAmount = .hours(168)
    /// How often the log cleaner deletes expired records (`log.retention.check.interval.ms`, 5 min).
    public var retentionCheckInterval: TimeAmount = .minutes(5)
    /// Records one poll returns at most (`max.poll.records`, 500).
    public var maxPollRecords: Int = 500
    /// How long an idle consumer's fetch waits for records to accumulate (`fetch.max.wait.ms`,
    /// 500 ms); it bounds poll events to about two per idle consumer-second.
    public var fetchWait: TimeAmount = .milliseconds(500)
    /// Records per second one consumer processes (its poll loop's throughput).
    public var consumerThroughput: Double = 2_000
    /// The stop-the-world pause of an eager rebalance when membership changes (seconds; the
    /// broker's `group.initial.rebalance.delay.ms` is 3 s).
    public var rebalanceDelay: TimeAmount = .wholeSeconds(3)
    /// How long a crashed consumer keeps its partitions before the group notices
    /// (`session.timeout.ms`, 45 s since Kafka 3.0).
    public var sessionTimeout: TimeAmount = .wholeSeconds(45)
    public var outageBehavior: KafkaOutageBehavior = .buffer
    /// Records the producer can hold during an outage (`buffer.memory` 32 MiB / 1 KiB records).
    public var producerBufferLimit: Int = 32_768
    /// How long a buffered record may wait for the brokers (`delivery.timeout.ms`, 120 s).
    public var deliveryTimeout: TimeAmount = .wholeSeconds(120)

    public init(name: String, group: String, produceLatency: Distribution? = nil) {
        self.name = name
        self.group = group
        // 5 ms mean, a literal that cannot fail.
        self.produceLatency = produceLatency ?? (try! .lognormal(mean: 0.005, coefficientOfVariation: 0.5))
    }

    /// Throws a message naming the first bad field.
    public func validate() throws {
        func fail(_ m: String) -> KafkaTopicConfigurationError { KafkaTopicConfigurationError(message: "kafka topic \(name): \(m)") }
        if name.isEmpty { throw fail("name must not be empty") }
        if partitions < 1 { throw fail("partitions must be at least 1, got \(partitions)") }
        if maxPollRecords < 1 { throw fail("maxPollRecords must be at least 1, got \(maxPollRecords)") }
        if !(consumerThroughput > 0 && consumerThroughput.isFinite) { throw fail("consumerThroughput must be a positive number of records per second, got \(consumerThroughput)") }
        if retention <= .zero { throw fail("retention must be positive, got \(retention)") }
        if retentionCheckInterval <= .zero { throw fail("retentionCheckInterval must be positive, got \(retentionCheckInterval)") }
        if fetchWait < .zero || rebalanceDelay < .zero || sessionTimeout < .zero || deliveryTimeout < .zero {
            throw fail("fetchWait, rebalanceDelay, sessionTimeout and deliveryTimeout must not be negative")
        }
        if producerBufferLimit < 0 { throw fail("producerBufferLimit must not be negative, got \(producerBufferLimit)") }
    }
}

/// The trace kinds of the topic's events (a generic type cannot hold static stored properties).
private enum KafkaEventKinds {
    static let poll = EventKind("kafka.poll")
    static let deliver = EventKind("kafka.deliver")
    static let rebalance = EventKind("kafka.rebalance")
    static let sessionTimeout = EventKind("kafka.session-timeout")
    static let deliveryTimeout = EventKind("kafka.delivery-timeout")
    static let retention = EventKind("kafka.retention")
}

public struct KafkaTopicConfigurationError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
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

    private struct Record {
        var message: Message
        var producedAt: Instant
        var visibleAt: Instant
    }
    private final class Member {
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

    private let context: PlatformContext
    private let stream: RandomStream
    private let ledgerService: String
    private var log: [Deque<Record>]
    private var tail: [Instant]
    private var owner: [Member?]
    private var members: [Member] = []
    /// Records held by the producer during an outage, with the partition their key chose.
    private var buffer: Deque<(record: Record, partition: Int)> = []
    private var bufferTimer: EventHandle?
    private var pausedUntil = Instant.zero
    private var resumeHandle: EventHandle?
    private var nextMemberID: UInt64 = 1
    private var recordsInLog = 0
    private let produced: MetricsRecorder.Counter
    private let consumed: MetricsRecorder.Counter
    private var dropCounters: [MetricsRecorder.Counter] = []
    private var dropStates: [TerminalState] = []
    private let deliveryLatency: MetricsRecorder.Latency

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

    // MARK: Producing

    /// Sends `message` keyed by `key` (records with one key keep their order in one partition).
    /// Returns the drop reason if the record was dropped at once (also reported to `onDrop`).
    @discardableResult
    public func produce(_ message: Message, key: UInt64) -> KafkaDropReason? {
        let now = context.now
        context.ledger.admit(ledgerService, count: 1)
        context.metrics.add(produced)
        let partition = Int(StableHash.mix(key) % UInt64(log.count))
        let record = Record(message: message, producedAt: now, visibleAt: now)
        if isBrokerDown {
            guard configuration.outageBehavior == .buffer else { return drop(message, .brokerUnavailable) }
            guard buffer.count < configuration.producerBufferLimit else { return drop(message, .producerBufferFull) }
            buffer.append((record, partition))
            armBufferTimer()
            return nil
        }
        append(record, partition: partition)
        return nil
    }

    private func append(_ record: Record, partition p: Int) {
        var r = record
        let latency = TimeAmount.saturatingSeconds(max(0, stream.sample(configuration.produceLatency)))
        r.visibleAt = max(tail[p], context.now + latency)
        tail[p] = r.visibleAt
        log[p].append(r)
        recordsInLog += 1
        if let m = owner[p], m.alive, !m.processing, m.pending == nil, context.now >= pausedUntil {
            schedulePoll(m, at: max(r.visibleAt, context.now + configuration.fetchWait))
        }
    }

    @discardableResult
    private func drop(_ message: Message, _ reason: KafkaDropReason) -> KafkaDropReason {
        let i = KafkaDropReason.allCases.firstIndex(of: reason)!
        context.metrics.add(dropCounters[i])
        context.ledger.finish(ledgerService, count: 1, dropStates[i], at: context.now)
        onDrop(message, reason)
        return reason
    }

    private func armBufferTimer() {
        guard bufferTimer == nil, let head = buffer.first?.record else { return }
        bufferTimer = context.at(head.producedAt + configuration.deliveryTimeout, KafkaEventKinds.deliveryTimeout) { [unowned self] in
            self.bufferTimer = nil
            let now = self.context.now
            while let head = self.buffer.first?.record, head.producedAt + self.configuration.deliveryTimeout <= now {
                self.buffer.removeFirst()
                self.drop(head.message, .deliveryTimeout)
            }
            self.armBufferTimer()
        }
    }

    private func brokersRecovered() {
        if let t = bufferTimer { context.runtime.cancel(t); bufferTimer = nil }
        while let (record, partition) = buffer.popFirst() { append(record, partition: partition) }
        for m in members where m.alive && !m.processing && m.pending == nil { poll(m) }
    }

    private func enforceRetention() {
        let cutoff = context.now - configuration.retention
        for p in log.indices {
            while let head = log[p].first, head.producedAt <= cutoff {
                log[p].removeFirst()
                recordsInLog -= 1
                drop(head.message, .retentionExpired)
            }
        }
    }
}

// MARK: - The consumer group

extension KafkaTopic {
    /// Whether the group is in a rebalance pause (nobody consumes).
    public var isRebalancing: Bool { context.now < pausedUntil }

    /// A consumer joins the group (a consumer pod became ready) and gets a fresh member id, as a
    /// restarted consumer does; the group rebalances.
    public func join() -> UInt64 {
        let m = Member(id: nextMemberID)
        nextMemberID += 1
        members.append(m)
        rebalance()
        return m.id
    }

    /// A member leaves: `graceful` (scale-down: `LeaveGroup`, the group rebalances at once) or
    /// crashed (its partitions stay assigned to it, unconsumed, until `sessionTimeout`). Its
    /// undelivered poll was never committed, so the records go back to the head of their partitions.
    public func leave(_ id: UInt64, graceful: Bool) {
        guard let m = members.first(where: { $0.id == id && $0.alive }) else { return }
        m.alive = false
        if let h = m.pending { context.runtime.cancel(h) }
        m.pending = nil
        m.processing = false
        for chunk in m.inFlight.reversed() { log[chunk.partition].prepend(contentsOf: chunk.records) }
        recordsInLog += m.inFlightCount
        m.inFlight = []
        m.inFlightCount = 0
        if graceful {
            remove(m)
        } else {
            context.after(configuration.sessionTimeout, KafkaEventKinds.sessionTimeout, entity: id) { [unowned self] in self.remove(m) }
        }
    }

    private func remove(_ m: Member) {
        members.removeAll { $0 === m }
        rebalance()
    }

    /// An eager rebalance: every member stops fetching for `rebalanceDelay`, then partitions are
    /// reassigned (polls already being processed finish and are delivered).
    private func rebalance() {
        pausedUntil = context.now + configuration.rebalanceDelay
        if let h = resumeHandle { context.runtime.cancel(h) }
        for m in members where !m.processing {
            if let h = m.pending { context.runtime.cancel(h) }
            m.pending = nil
        }
        resumeHandle = context.at(pausedUntil, KafkaEventKinds.rebalance) { [unowned self] in
            self.resumeHandle = nil
            self.assign()
        }
    }

    /// Kafka's `RangeAssignor`: members by id, each gets ⌊P/n⌋ consecutive partitions and the
    /// first P mod n one more; members beyond P get none.
    private func assign() {
        for p in owner.indices { owner[p] = nil }
        let total = owner.count, n = members.count
        var start = 0
        for (i, m) in members.enumerated() {
            let count = n == 0 ? 0 : total / n + (i < total % n ? 1 : 0)
            m.partitions = Array(start..<(start + count))
            m.cursor = 0
            for p in m.partitions { owner[p] = m }
            start += count
        }
        for m in members where m.alive && !m.processing && m.pending == nil { poll(m) }
    }

    private func schedulePoll(_ m: Member, at time: Instant) {
        m.pending = context.at(time, KafkaEventKinds.poll, entity: m.id) { [unowned self] in
            m.pending = nil
            self.poll(m)
        }
    }

    /// One poll: up to `maxPollRecords` fetchable records from the member's partitions, starting
    /// one partition further each time so none starves; the member is then busy processing them.
    private func poll(_ m: Member) {
        let now = context.now
        guard m.alive, !m.processing, m.pending == nil, !isBrokerDown, now >= pausedUntil, !m.partitions.isEmpty else { return }
        var budget = configuration.maxPollRecords
        var taken: [(partition: Int, records: [Record])] = []
        let n = m.partitions.count
        for i in 0..<n where budget > 0 {
            let p = m.partitions[(m.cursor + i) % n]
            var chunk: [Record] = []
            while budget > 0, let head = log[p].first, head.visibleAt <= now {
                chunk.append(log[p].removeFirst())
                budget -= 1
            }
            if !chunk.isEmpty { taken.append((p, chunk)) }
        }
        m.cursor = (m.cursor + 1) % n
        let count = configuration.maxPollRecords - budget
        guard count > 0 else {
            // A long poll: the fetch waits for records to accumulate (or become fetchable).
            let next = m.partitions.compactMap { log[$0].first?.visibleAt }.min()
            if let next { schedulePoll(m, at: max(next, now + configuration.fetchWait)) }
            return
        }
        recordsInLog -= count
        m.inFlight = taken
        m.inFlightCount = count
        m.processing = true
        let busy = TimeAmount.saturatingSeconds(Double(count) / configuration.consumerThroughput)
        m.pending = context.after(busy, KafkaEventKinds.deliver, entity: m.id) { [unowned self] in self.deliver(m) }
    }

    private func deliver(_ m: Member) {
        let now = context.now
        let chunks = m.inFlight, count = m.inFlightCount
        m.pending = nil
        m.processing = false
        m.inFlight = []
        m.inFlightCount = 0
        var messages: [Message] = []
        messages.reserveCapacity(count)
        for chunk in chunks {
            for r in chunk.records {
                messages.append(r.message)
                context.metrics.record(deliveryLatency, now - r.producedAt)
            }
        }
        context.metrics.add(consumed, Double(count))
        context.ledger.finish(ledgerService, count: count, .completed, at: now)
        onDeliver(m.id, messages)
        poll(m)
    }
}
