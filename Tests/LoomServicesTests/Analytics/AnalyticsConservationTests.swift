import XCTest
@testable import LoomServices

/// Every event ends stored, dropped(reason), dead-lettered(reason) or is still held, under
/// every fault the service reacts to; and the same seed gives the same run.
final class AnalyticsConservationTests: XCTestCase {
    /// 25 minutes of mixed events (about 30/s) through every fault: store outage, store errors,
    /// store latency, broker outage, pod loss, node loss, region outage, a scale-down.
    func faultScenario(seed: UInt64, path: AnalyticsIngestionPath, storage: AnalyticsStorageFailureVariant,
                       critical: CriticalRetryVariant) throws -> AnalyticsHarness {
        let h = try AnalyticsHarness(seed: seed) { c in
            c.ingestionPath = path
            c.replicas = 3
            c.storageFailure = storage
            c.criticalRetry = critical
            c.queueCapacities = [.critical: 50, .high: 100, .normal: 200, .low: 400]
            c.kafka.consumerThroughput = 150
            c.pod.crashesPerHour = 2
            if path == .kafka {
                c.autoscaler = AnalyticsConfiguration.lagAutoscaler(averageLagPerPod: 500, minReplicas: 2, maxReplicas: 8)
            }
        }
        var rng = AnalyticsTestRandom(state: seed)
        let types = ["user_action", "video_view", "page_view", "heartbeat", ""]
        h.every(0.1, until: 1_500) {
            for _ in 0..<(1 + rng.below(5)) {
                let k = rng.below(100)
                h.service.ingest(eventType: types[k < 10 ? 0 : k < 40 ? 1 : k < 80 ? 2 : k < 99 ? 3 : 4], userID: UInt64(rng.below(10_000)))
            }
        }
        let region = "us-east-1"
        h.fault(ActiveFault(kind: .datastoreOutage, target: "analytics-store"), from: 120, to: 240)
        h.fault(ActiveFault(kind: .dependencyErrors, target: "analytics-store", magnitude: 0.4), from: 300, to: 420)
        h.fault(ActiveFault(kind: .dependencyLatency, target: "analytics-store", magnitude: 2), from: 480, to: 540)
        h.fault(ActiveFault(kind: .datastoreOutage, target: "kafka"), from: 600, to: 660)
        h.fault(ActiveFault(kind: .podLoss, target: "analytics", magnitude: 1), from: 720)
        h.fault(ActiveFault(kind: .nodeLoss, target: region, magnitude: 2), from: 780)
        h.fault(ActiveFault(kind: .regionOutage, target: region), from: 900, to: 960)
        h.context.after(.minutes(18), EventKind("test.scale")) { h.service.deployment.scale(to: 1) }
        h.context.after(.minutes(21), EventKind("test.scale")) { h.service.deployment.scale(to: 3) }
        // The ledger must balance at every instant, not only at the end.
        h.every(7, until: 1_600) { h.assertConserved() }
        try h.run(until: 1_600)
        return h
    }

    func testLedgerHoldsUnderEveryFault() throws {
        for path in AnalyticsIngestionPath.allCases {
            for storage in AnalyticsStorageFailureVariant.allCases {
                let critical: CriticalRetryVariant = storage == .intended ? .intended : .asWritten
                let h = try faultScenario(seed: 11, path: path, storage: storage, critical: critical)
                let s = h.service
                h.assertConserved()
                XCTAssertTrue(h.context.ledger.snapshot.allSatisfy(\.isBalanced), "\(path)/\(storage): every flow balances")
                XCTAssertGreaterThan(s.storedCount, s.arrivals / 2, "\(path)/\(storage)")
                XCTAssertGreaterThan(s.dropped(.podLost), 0, "\(path)/\(storage): pod and region loss drop what pods held")
                XCTAssertGreaterThan(s.deadLettered(.invalid), 0)
                if storage == .intended {
                    XCTAssertGreaterThan(s.deadLettered(.storageRetriesExhausted), 0, "\(path)")
                } else {
                    XCTAssertEqual(s.deadLettered(.storageRetriesExhausted), 0, "\(path): the seed never dead-letters a batch")
                }
                if path == .direct { XCTAssertGreaterThan(s.dropped(.noReadyPod), 0, "the region outage leaves no pod") }
                let flow = h.flow!
                XCTAssertEqual(flow.entered, flow.count("completed") + flow.count("dropped") + flow.count("dead_lettered") + flow.inFlight)
            }
        }
    }

    func testSameSeedSameDigestAndMetrics() throws {
        func run(_ seed: UInt64) throws -> (TraceDigest, [String], Int) {
            let h = try faultScenario(seed: seed, path: .kafka, storage: .intended, critical: .intended)
            return (h.runtime.digest, h.context.metrics.snapshot().analyticsBitExact, h.service.storedCount)
        }
        let a = try run(3), b = try run(3), c = try run(4)
        XCTAssertEqual(a.0, b.0)
        XCTAssertEqual(a.1, b.1)
        XCTAssertEqual(a.2, b.2)
        XCTAssertNotEqual(a.0, c.0, "another seed is another run")
    }

    func testConfigurationErrorsNameTheField() {
        var c = AnalyticsConfiguration()
        c.windows = [SlidingWindowSpec(name: "90s", duration: .milliseconds(90_500))]
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("window 90s"), "\($0)") }
        c = AnalyticsConfiguration()
        c.batchSizes = [.low: 0]
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("low priority"), "\($0)") }
        c = AnalyticsConfiguration()
        c.kafka.partitions = 0
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("partitions"), "\($0)") }
        c = AnalyticsConfiguration()
        c.storage.concurrentWrites = 0
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("storage.concurrentWrites"), "\($0)") }
        XCTAssertNoThrow(try AnalyticsConfiguration().validate())
    }
}
