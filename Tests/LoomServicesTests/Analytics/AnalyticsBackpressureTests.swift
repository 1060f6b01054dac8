import XCTest
import OrderedCollections
@testable import LoomServices

/// Seed §5.2.1 `handle_backpressure` driven through `EventIngestionQueues` on a pod whose store
/// is too slow for the flood.
final class AnalyticsBackpressureTests: XCTestCase {
    /// A slow single-slot store and small queues, so a burst at t = 0 overflows every tier.
    func floodHarness(seed: UInt64 = 1) throws -> AnalyticsHarness {
        try AnalyticsHarness(seed: seed) { c in
            c.queueCapacities = [.critical: 10, .high: 20, .normal: 40, .low: 40]
            c.batchSizes = [.critical: 5, .high: 5, .normal: 5, .low: 5]
            c.storage.writeLatency = try .constant(1)
            c.storage.perEventWriteSeconds = 0
            c.storage.concurrentWrites = 1
        }
    }

    struct FloodOutcome: Equatable {
        var results: [AnalyticsIngestResult]
        var stored: [String: EventPriority]
    }

    func flood(seed: UInt64 = 1) throws -> (AnalyticsHarness, FloodOutcome) {
        let h = try floodHarness(seed: seed)
        var stored: [String: EventPriority] = [:]
        h.service.onBatchStored = { p, batch in for e in batch { stored[e.eventID] = p } }
        var results: [AnalyticsIngestResult] = []
        for i in 0..<300 {
            results.append(h.service.ingest(eventType: i < 100 ? "video_view" : "page_view", priority: i < 100 ? .high : .normal, userID: UInt64(i)))
        }
        try h.run(until: 600)
        return (h, FloodOutcome(results: results, stored: stored))
    }

    func testFloodDowngradesHighAndSamplesNormalByStableHash() throws {
        let (h, outcome) = try flood()
        let s = h.service
        // High events beyond the high queue were downgraded to normal and some were stored there.
        let highStoredAsNormal = (1...100).filter { outcome.stored["e\($0)"] == .normal }
        XCTAssertFalse(highStoredAsNormal.isEmpty, "a full high queue downgrades to normal")
        XCTAssertGreaterThan(h.context.metrics.total(h.context.metrics.registerCounter("analytics.downgrades", unit: "events")), 0)

        // Every sampled-out event is one the stable hash drops; every event that reached the low
        // tier after being normal is one it keeps.
        var sampled = 0
        for (i, r) in outcome.results.enumerated() where r == .dropped(.sampledOut) {
            sampled += 1
            XCTAssertFalse(EventSampling.keepsUnderBackpressure("e\(i + 1)"), "e\(i + 1) was sampled out but its hash is even")
        }
        XCTAssertGreaterThan(sampled, 0)
        for (id, p) in outcome.stored where p == .low {
            XCTAssertTrue(EventSampling.keepsUnderBackpressure(id), "\(id) reached the low tier but its hash is odd")
        }
        XCTAssertGreaterThan(outcome.stored.values.filter { $0 == .low }.count, 0)

        // Drops are counted by reason, in the service, the metrics and the ledger alike.
        let lowDrops = outcome.results.filter { $0 == .dropped(.lowPriorityBackpressure) }.count
        XCTAssertGreaterThan(lowDrops, 0, "the low tier overflows too")
        XCTAssertEqual(s.dropped(.sampledOut), sampled)
        XCTAssertEqual(s.dropped(.lowPriorityBackpressure), lowDrops)
        let counter = h.context.metrics.registerCounter(metricKey("drops", [("service", "analytics"), ("reason", "sampled-out")]), unit: "events")
        XCTAssertEqual(h.context.metrics.total(counter), Double(sampled))
        XCTAssertEqual(h.flow?.count("dropped"), sampled + lowDrops)
        // Nothing lost: every event was stored or dropped, and the queues bounded what was held.
        XCTAssertEqual(outcome.stored.count + sampled + lowDrops, 300)
        h.assertConserved()
    }

    func testTheSameEventsAreKeptOnEveryRun() throws {
        let (_, first) = try flood(seed: 1)
        let (_, again) = try flood(seed: 1)
        let (_, otherSeed) = try flood(seed: 99)
        XCTAssertEqual(first, again)
        // The sample depends on the event id only, not on the run's seed.
        XCTAssertEqual(first.results, otherSeed.results)
        XCTAssertEqual(Set(first.stored.keys), Set(otherSeed.stored.keys))
    }

    /// A critical queue of 2 held full by a 1 s write: each waiting event retries every 10 ms
    /// and is dead-lettered at its sixth try (5 retries), 50 ms after it arrived.
    func testCriticalRetriesAreBoundedThenDeadLettered() throws {
        let h = try AnalyticsHarness { c in
            c.queueCapacities = [.critical: 2]
            c.batchSizes = [.critical: 1]
            c.storage.writeLatency = try .constant(1)
            c.storage.perEventWriteSeconds = 0
            c.storage.concurrentWrites = 1
        }
        for i in 0..<10 { XCTAssertEqual(h.service.ingest(eventType: "error", userID: UInt64(i)), .accepted) }
        try h.run(until: 0.049)
        XCTAssertEqual(h.service.deadLettered(.criticalRetriesExhausted), 0)
        XCTAssertEqual(h.service.eventsInFlight, 10)
        try h.run(until: 0.05)
        XCTAssertEqual(h.service.deadLettered(.criticalRetriesExhausted), 7, "1 writing + 2 queued; the other 7 exhaust 5 retries")
        XCTAssertEqual(h.flow?.count("dead_lettered"), 7)
        try h.run(until: 600)
        XCTAssertEqual(h.service.storedCount, 3)
        h.assertConserved()
    }

    /// The as-written recursion retries far longer: until CPython's recursion limit (500
    /// retries, 5 s at 10 ms), where `except Exception` dead-letters the event.
    func testAsWrittenCriticalRecursionRunsUntilTheRecursionLimit() throws {
        let h = try AnalyticsHarness { c in
            c.criticalRetry = .asWritten
            c.queueCapacities = [.critical: 2]
            c.batchSizes = [.critical: 1]
            c.storage.writeLatency = try .constant(30)
            c.storage.perEventWriteSeconds = 0
            c.storage.concurrentWrites = 1
        }
        for i in 0..<10 { h.service.ingest(eventType: "error", userID: UInt64(i)) }
        try h.run(until: 4.99)
        XCTAssertEqual(h.service.deadLettered(.recursionLimit), 0, "still recursing after 499 retries")
        XCTAssertEqual(h.service.eventsInFlight, 10)
        try h.run(until: 5.0)
        XCTAssertEqual(h.service.deadLettered(.recursionLimit), 7)
        XCTAssertEqual(h.service.deadLettered(.criticalRetriesExhausted), 0)
        let retries = h.context.metrics.registerCounter("analytics.critical_retries", unit: "retries")
        XCTAssertEqual(h.context.metrics.total(retries), 7 * 500)
        h.assertConserved()
    }

    func testInvalidEventsAreDeadLettered() throws {
        let h = try AnalyticsHarness()
        XCTAssertEqual(h.service.ingest(eventType: "", priority: .normal, userID: 1), .deadLettered(.invalid))
        XCTAssertEqual(h.service.deadLettered(.invalid), 1)
        h.assertConserved()
    }
}
