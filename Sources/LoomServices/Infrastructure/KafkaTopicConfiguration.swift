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

/// A Kafka topic configuration that cannot be modelled; the message names the first bad field.
public struct KafkaTopicConfigurationError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
