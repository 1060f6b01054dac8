import XCTest
@testable import LoomServices

/// Seed §5.2.1 `BatchEventProcessor` through `EventBatchProcessor`, and `flush_batch` failures.
final class AnalyticsBatchingTests: XCTestCase {
    struct Stored: Equatable {
        var priority: EventPriority
        var size: Int
        var at: Double
    }

    func harness(_ configure: (inout AnalyticsConfiguration) throws -> Void = { _ in }) throws -> (AnalyticsHarness, () -> [Stored]) {
        let h = try AnalyticsHarness { c in
            c.storage.writeLatency = try .constant(0.01)
            c.storage.perEventWriteSeconds = 0
            try configure(&c)
        }
        var stored: [Stored] = []
        let rt = h.runtime
        h.service.onBatchStored = { p, batch in stored.append(Stored(priority: p, size: batch.count, at: rt.now.seconds)) }
        return (h, { stored })
    }

    /// 25 critical events at once: two full batches of 10 (seed `get_batch_size`), each written
    /// as soon as the one before is stored, then the last 5 at the 1 s flush interval.
    func testBatchesFlushAtSizeAndAtTheInterval() throws {
        let (h, stored) = try harness()
        for i in 0..<25 { h.service.ingest(eventType: "error", userID: UInt64(i)) }
        try h.run(until: 1.0)
        XCTAssertEqual(stored().map(\.size), [10, 10])
        XCTAssertEqual(stored().map(\.at), [0.01, 0.02])
        XCTAssertEqual(h.service.queueDepth(.critical), 0, "the writer took the last 5 into its batch")
        try h.run(until: 2)
        // The timer runs from the last flush (0.01 s): flushed at 1.01 s, stored at 1.02 s.
        XCTAssertEqual(stored().last, Stored(priority: .critical, size: 5, at: 1.02))
        XCTAssertEqual(h.service.batchesFlushed(.critical), 3)
        h.assertConserved()
    }

    /// High events (batch 50, interval 5 s): a trickle waits for the interval; an event after an
    /// idle spell longer than the interval is flushed at once, in a batch of one (as the seed's
    /// `time.time() - self.last_flush >= self.flush_interval` check does).
    func testTrickleWaitsForTheIntervalAndAnEventAfterIdlenessFlushesAtOnce() throws {
        let (h, stored) = try harness()
        h.context.after(.wholeSeconds(2), EventKind("t")) { for i in 0..<3 { h.service.ingest(eventType: "video_view", userID: UInt64(i)) } }
        h.context.after(.wholeSeconds(20), EventKind("t")) { h.service.ingest(eventType: "video_view", userID: 9) }
        try h.run(until: 30)
        XCTAssertEqual(stored(), [Stored(priority: .high, size: 3, at: 5.01), Stored(priority: .high, size: 1, at: 20.01)])
    }

    /// Seed §5.3/§5.2.1 priorities each have their own writer: a slow low batch does not hold
    /// back critical events.
    func testEachPriorityHasItsOwnWriter() throws {
        let (h, stored) = try harness { c in c.batchSizes = [.low: 2] }
        h.service.ingest(eventType: "heartbeat", userID: 1)
        h.service.ingest(eventType: "heartbeat", userID: 2)
        for i in 0..<10 { h.service.ingest(eventType: "error", userID: UInt64(i)) }
        try h.run(until: 0.5)
        XCTAssertEqual(Set(stored().map(\.priority)), [.low, .critical])
    }

    /// A 60 s store outage with the intended handling: each batch is tried 5 times (1 s connect
    /// timeout each, back-off 1, 2, 4, 8 s), then dead-lettered whole; the writer waits
    /// meanwhile, later batches queue behind it, and writing resumes when the store returns.
    func testStorageOutageRetriesThenDeadLettersWithoutLosingEvents() throws {
        let (h, stored) = try harness()
        h.every(0.05, until: 120) { h.service.ingest(eventType: "video_view", userID: 7) }
        h.fault(ActiveFault(kind: .datastoreOutage, target: "analytics-store"), from: 30, to: 90)
        var deadBatches = 0
        var lastDead = 0
        h.every(0.5, until: 100) {
            let d = h.service.deadLettered(.storageRetriesExhausted)
            if d > lastDead { deadBatches += 1; lastDead = d }
        }
        try h.run(until: 89)
        let s = h.service
        let dead = s.deadLettered(.storageRetriesExhausted)
        XCTAssertGreaterThan(dead, 0)
        // Each batch takes 5 attempts: 5 × 1 s to fail plus 1 + 2 + 4 + 8 s of back-off = 20 s.
        let failures = h.context.metrics.total(h.context.metrics.registerCounter("analytics.store_failures", unit: "batches"))
        XCTAssertGreaterThanOrEqual(deadBatches, 2, "batches at about 30 s and 50 s were dead-lettered by 89 s")
        XCTAssertGreaterThanOrEqual(failures, Double(5 * deadBatches))
        XCTAssertLessThan(failures, Double(5 * (deadBatches + 1)), "only the batch being retried has other failures")
        XCTAssertFalse(stored().contains { $0.at > 30.02 && $0.at < 90 }, "nothing is stored while the store is down")
        XCTAssertGreaterThan(s.queueDepth(.high), 0, "the blocked writer leaves events queued")
        h.assertConserved()
        try h.run(until: 200)
        XCTAssertTrue(stored().contains { $0.at > 90 }, "writing resumes after the outage")
        XCTAssertEqual(s.storedCount + dead, s.arrivals, "every event stored or dead-lettered, none lost")
        XCTAssertEqual(s.eventsInFlight, 0)
        h.assertConserved()
    }

    /// The seed as written keeps the failed batch and retries it with the next event: nothing is
    /// dead-lettered, the batch grows during the outage, and one oversized batch is stored after.
    func testAsWrittenStorageFailureGrowsTheBatchAndStoresItAfterRecovery() throws {
        let (h, stored) = try harness { c in c.storageFailure = .asWritten }
        h.every(0.05, until: 120) { h.service.ingest(eventType: "video_view", userID: 7) }
        h.fault(ActiveFault(kind: .datastoreOutage, target: "analytics-store"), from: 30, to: 90)
        try h.run(until: 200)
        let s = h.service
        XCTAssertEqual(s.deadLettered(.storageRetriesExhausted), 0)
        let biggest = stored().map(\.size).max() ?? 0
        XCTAssertGreaterThan(biggest, 50, "the retried batch grew past the batch size")
        XCTAssertEqual(s.storedCount, s.arrivals)
        h.assertConserved()
    }

    /// Injected store errors (a 50 % error rate) are retried; with enough attempts nothing is lost.
    func testStoreErrorsAreRetried() throws {
        let (h, _) = try harness()
        h.every(0.1, until: 60) { h.service.ingest(eventType: "error", userID: 3) }
        h.fault(ActiveFault(kind: .dependencyErrors, target: "analytics-store", magnitude: 0.5), from: 0, to: 60)
        try h.run(until: 120)
        let s = h.service
        XCTAssertGreaterThan(h.context.metrics.total(h.context.metrics.registerCounter("analytics.store_failures", unit: "batches")), 0)
        XCTAssertEqual(s.storedCount + s.deadLettered(.storageRetriesExhausted), s.arrivals)
        h.assertConserved()
    }
}
