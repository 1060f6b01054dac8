import XCTest
@testable import LoomServices

/// Kafka ingestion: the analytics pods are the consumer group; lag and the HPA on it.
final class AnalyticsKafkaTests: XCTestCase {
    /// Kafka ingestion at 100 records/s per pod, `replicas` pods, optionally an HPA on lag.
    func harness(replicas: Int, autoscaler: HorizontalPodAutoscalerSpec? = nil, seed: UInt64 = 1) throws -> AnalyticsHarness {
        try AnalyticsHarness(seed: seed) { c in
            c.ingestionPath = .kafka
            c.replicas = replicas
            c.autoscaler = autoscaler
            c.kafka.consumerThroughput = 100
        }
    }

    /// 300 events/s for a minute from 3,000 users.
    func load(_ h: AnalyticsHarness, until end: Double) {
        var rng = AnalyticsTestRandom(state: 42)
        h.every(0.1, until: end) {
            for _ in 0..<30 { h.service.ingest(eventType: "page_view", userID: UInt64(rng.below(3_000))) }
        }
    }

    func testConsumerLagGrowsWhenConsumersAreFewer() throws {
        var lags: [Int: Int] = [:]
        for replicas in [1, 4] {
            let h = try harness(replicas: replicas)
            load(h, until: 60)
            try h.run(until: 60)
            lags[replicas] = h.service.topic!.lag
            XCTAssertEqual(h.service.topic!.consumerCount, replicas)
            h.assertConserved()
        }
        // 18,000 produced; one pod drains 100/s after the 3 s rebalance, in polls of 500.
        XCTAssertEqual(Double(lags[1]!), 18_000 - 100 * 57, accuracy: 600)
        XCTAssertLessThan(lags[4]!, 500, "four pods (400/s) keep up with 300/s")
    }

    /// The lag HPA (External metric, 1,000 records per pod) scales one pod out until the group
    /// keeps up, and the lag is worked off.
    func testHPAScalesConsumersOnLag() throws {
        let hpa = AnalyticsConfiguration.lagAutoscaler(averageLagPerPod: 1_000, minReplicas: 1, maxReplicas: 12)
        let h = try harness(replicas: 1, autoscaler: hpa)
        load(h, until: 900)
        var peakLag = 0
        h.every(1, until: 900) { peakLag = max(peakLag, h.service.topic!.lag) }
        try h.run(until: 900)
        let topic = h.service.topic!
        XCTAssertGreaterThan(peakLag, 5_000, "one pod falls behind before the HPA reacts")
        XCTAssertGreaterThanOrEqual(h.service.deployment.replicas, 4, "scaled out to at least the 3 pods 300/s needs")
        XCTAssertGreaterThanOrEqual(topic.consumerCount, 4)
        XCTAssertLessThan(topic.lag, 1_000, "the backlog is worked off")
        let desired = h.context.metrics.snapshot().series(named: "analytics.hpa_desired{region=us-east-1}")?.values ?? []
        XCTAssertGreaterThan(desired.max() ?? 0, 1)
        h.assertConserved()
    }

    /// Brokers down with the buffering producer: nothing is lost for a 30 s outage; with the
    /// failing producer, exactly what was sent during the outage is dropped.
    func testBrokerOutageBuffersOrDropsAnalyticsEvents() throws {
        for behavior in KafkaOutageBehavior.allCases {
            let h = try AnalyticsHarness { c in
                c.ingestionPath = .kafka
                c.kafka.outageBehavior = behavior
            }
            h.every(0.1, until: 60) { h.service.ingest(eventType: "click", userID: 5) }
            h.fault(ActiveFault(kind: .datastoreOutage, target: "kafka"), from: 20, to: 50)
            try h.run(until: 200)
            let s = h.service
            switch behavior {
            case .buffer: XCTAssertEqual(s.storedCount, s.arrivals)
            case .fail:
                XCTAssertEqual(s.dropped(.kafkaBrokerUnavailable), 300)
                XCTAssertEqual(s.storedCount, s.arrivals - 300)
            }
            h.assertConserved()
        }
    }
}
