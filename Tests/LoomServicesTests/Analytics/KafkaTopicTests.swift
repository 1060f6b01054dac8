import XCTest
@testable import LoomServices

/// The Kafka topic model on its own (Int messages) and as the analytics ingestion path.
final class KafkaTopicTests: XCTestCase {
    func makeTopic(_ configure: (inout KafkaTopicConfiguration) -> Void = { _ in }) throws
        -> (SimulatedRuntime, PlatformContext, KafkaTopic<Int>, () -> (delivered: [Int], dropped: [KafkaDropReason])) {
        let rt = SimulatedRuntime(seed: 5)
        let ctx = PlatformContext(runtime: rt)
        var c = KafkaTopicConfiguration(name: "t", group: "g", produceLatency: try .constant(0.005))
        c.partitions = 4
        c.consumerThroughput = 1_000
        configure(&c)
        let topic = try KafkaTopic<Int>(configuration: c, context: ctx)
        var delivered: [Int] = [], dropped: [KafkaDropReason] = []
        topic.onDeliver = { _, m in delivered += m }
        topic.onDrop = { _, r in dropped.append(r) }
        topic.start()
        return (rt, ctx, topic, { (delivered, dropped) })
    }

    func testRangeAssignmentAndRebalancePause() throws {
        let (rt, _, topic, seen) = try makeTopic { $0.partitions = 5 }
        let a = topic.join(), b = topic.join()
        for i in 0..<100 { topic.produce(i, key: UInt64(i)) }
        try rt.run(until: try .seconds(2.9))
        XCTAssertTrue(seen().delivered.isEmpty, "nobody consumes during the 3 s rebalance")
        try rt.run(until: try .seconds(10))
        XCTAssertEqual(topic.partitions(of: a), [0, 1, 2])
        XCTAssertEqual(topic.partitions(of: b), [3, 4])
        XCTAssertEqual(seen().delivered.sorted(), Array(0..<100))
        XCTAssertEqual(topic.lag, 0)
    }

    /// A crashed member keeps its partitions until the session times out (45 s); its undelivered
    /// poll was never committed and is delivered again by the member that takes over.
    func testCrashedMemberIdlesItsPartitionsUntilSessionTimeoutThenRecordsAreRedelivered() throws {
        let (rt, ctx, topic, seen) = try makeTopic { $0.consumerThroughput = 10 }
        let a = topic.join()
        _ = topic.join()
        try rt.run(until: try .seconds(5))
        for i in 0..<200 { topic.produce(i, key: UInt64(i)) }
        try rt.run(until: try .seconds(6))
        topic.leave(a, graceful: false)
        let lagAtCrash = topic.lag
        try rt.run(until: try .seconds(40))
        XCTAssertEqual(topic.consumerCount, 1)
        XCTAssertGreaterThan(topic.lag, 0, "the dead member's partitions are not consumed before the session timeout")
        try rt.run(until: try .seconds(200))
        XCTAssertEqual(seen().delivered.sorted(), Array(0..<200), "each record delivered exactly once")
        XCTAssertGreaterThan(lagAtCrash, 0)
        XCTAssertTrue(ctx.ledger.holds)
        XCTAssertEqual(ctx.ledger.snapshot.first?.count("completed"), 200)
    }

    func testBrokerOutageFailsOrBuffersProducers() throws {
        for behavior in KafkaOutageBehavior.allCases {
            let (rt, ctx, topic, seen) = try makeTopic {
                $0.outageBehavior = behavior
                $0.producerBufferLimit = 30
                $0.deliveryTimeout = .wholeSeconds(20)
            }
            _ = topic.join()
            let outage = ActiveFault(kind: .datastoreOutage, target: "kafka")
            // 10 records a second for 60 s; the brokers are down from 10 s to 40 s.
            var n = 0
            ctx.every(.milliseconds(100), EventKind("load")) { if rt.now < Instant.zero + .minutes(1) { topic.produce(n, key: UInt64(n)); n += 1 } }
            ctx.after(.wholeSeconds(10), EventKind("f")) { ctx.faults.begin(outage) }
            ctx.after(.wholeSeconds(40), EventKind("f")) { ctx.faults.end(outage) }
            try rt.run(until: try .seconds(120))
            let dropped = seen().dropped
            switch behavior {
            case .fail:
                XCTAssertEqual(dropped.count, 300)
                XCTAssertEqual(Set(dropped), [.brokerUnavailable])
            case .buffer:
                // 10.0–12.9 s fill the buffer of 30; 13.0–29.9 s are refused (170); from 30 s the
                // first 30 expire one by one (20 s timeout) and 30.0–32.9 s take their places;
                // 33.0–39.9 s are refused again (70); the 30 in the buffer are sent at 40 s.
                XCTAssertEqual(dropped.filter { $0 == .producerBufferFull }.count, 240)
                XCTAssertEqual(dropped.filter { $0 == .deliveryTimeout }.count, 30)
            }
            XCTAssertEqual(seen().delivered.count + dropped.count, n, "\(behavior): every record delivered or dropped")
            XCTAssertTrue(ctx.ledger.holds)
        }
    }

    func testRetentionDeletesUnconsumedRecords() throws {
        let (rt, _, topic, seen) = try makeTopic {
            $0.retention = .minutes(1)
            $0.retentionCheckInterval = .minutes(1)
        }
        for i in 0..<10 { topic.produce(i, key: UInt64(i)) }
        try rt.run(until: try .seconds(121))
        XCTAssertEqual(seen().dropped, Array(repeating: .retentionExpired, count: 10))
        XCTAssertEqual(topic.lag, 0)
    }
}
