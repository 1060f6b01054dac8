import OrderedCollections
import Resilience
import XCTest

private func event(_ id: String, _ priority: EventPriority, user: String = "u1") -> AnalyticsEvent {
    AnalyticsEvent(eventID: id, eventType: "page_view", userID: user, timestamp: .zero, priority: priority)
}

private func queues(capacity: Int, criticalRetry: CriticalRetryVariant = .intended) throws -> EventIngestionQueues {
    try EventIngestionQueues(
        configuration: .init(
            capacities: OrderedDictionary(uniqueKeysWithValues: EventPriority.allCases.map { ($0, capacity) }),
            criticalRetry: criticalRetry))
}

final class EventIngestionQueuesTests: XCTestCase {
    func testSeedDefaults() throws {
        let q = try EventIngestionQueues()
        XCTAssertEqual(EventPriority.allCases.map { q.configuration.capacity(of: $0) }, [1_000, 5_000, 10_000, 20_000])
        XCTAssertEqual(q.configuration.criticalRetryDelay, .milliseconds(10))
    }

    func testEventsQueueByPriorityWhileThereIsRoom() throws {
        var q = try queues(capacity: 2)
        XCTAssertEqual(q.ingest(event("a", .high), now: .zero), .queued(.high))
        XCTAssertEqual(q.ingest(event("b", .low), now: .zero), .queued(.low))
        XCTAssertEqual(q.take(from: .high).map(\.eventID), ["a"])
        XCTAssertEqual(q.ledger.queuedByPriority[.low], 1)
        XCTAssertTrue(q.isBalanced)
    }

    func testFullHighQueueDowngradesToNormal() throws {
        var q = try queues(capacity: 1)
        _ = q.ingest(event("h1", .high), now: .zero)
        XCTAssertEqual(q.ingest(event("h2", .high), now: .zero), .queued(.normal))
        XCTAssertEqual(q.take(from: .normal).first?.priority, .normal)
        XCTAssertEqual(q.ledger.downgrades, 1)
    }

    func testNormalSamplingKeepsExactlyTheSameEventsOnEveryRun() throws {
        // Golden values from an independent implementation (FNV-1a 64, then SplitMix64's
        // finaliser, keep when even): they must never change between runs or processes.
        let ids = (0..<20).map { "evt-\($0)" }
        XCTAssertEqual(
            ids.filter(EventSampling.keepsUnderBackpressure),
            ["evt-0", "evt-4", "evt-5", "evt-14", "evt-15", "evt-16", "evt-17", "evt-18"])

        func run() throws -> (kept: [String], q: EventIngestionQueues) {
            var q = try queues(capacity: 1)
            _ = q.ingest(event("fill-normal", .normal), now: .zero)
            var kept: [String] = []
            for i in 0..<1_000 {
                if case .queued(.low) = q.ingest(event("evt-\(i)", .normal), now: .zero) { kept.append("evt-\(i)") }
                _ = q.take(from: .low)  // keep the low queue empty so only the sample decides
            }
            return (kept, q)
        }
        let first = try run()
        let second = try run()
        XCTAssertEqual(first.kept, second.kept)
        XCTAssertEqual(first.kept.count, 500)
        XCTAssertEqual(first.q.ledger.droppedByReason[.sampledOut], 500)
        XCTAssertEqual(first.q.ledger.droppedByPriority[.normal], 500)
        XCTAssertTrue(first.q.isBalanced)
    }

    func testFullLowQueueDropsAndCountsByReason() throws {
        var q = try queues(capacity: 1)
        _ = q.ingest(event("l1", .low), now: .zero)
        XCTAssertEqual(q.ingest(event("l2", .low), now: .zero), .dropped(.lowPriorityBackpressure))
        // A kept normal event demoted into a full low queue is dropped there too.
        _ = q.ingest(event("n-fill", .normal), now: .zero)
        XCTAssertEqual(q.ingest(event("evt-0", .normal), now: .zero), .dropped(.lowPriorityBackpressure))
        XCTAssertEqual(q.ledger.droppedByReason[.lowPriorityBackpressure], 2)
        XCTAssertEqual(q.ledger.droppedByPriority[.low], 2)
        XCTAssertTrue(q.isBalanced)
    }

    func testIntendedCriticalRetriesAreBoundedThenDeadLettered() throws {
        var q = try queues(capacity: 1)
        _ = q.ingest(event("c-fill", .critical), now: .zero)
        var now = Instant.zero
        XCTAssertEqual(q.ingest(event("c", .critical), now: now), .retryScheduled(at: now + .milliseconds(10)))
        var outcomes: [EventIngestOutcome] = []
        while let due = q.nextRetryAt {
            now = due
            outcomes += q.retryDueEvents(now: now).map(\.outcome)
        }
        XCTAssertEqual(outcomes.count, 5, "five retries")
        XCTAssertEqual(outcomes.last, .deadLettered(.criticalRetriesExhausted))
        XCTAssertEqual(now, Instant.zero + .milliseconds(50))
        XCTAssertEqual(q.drainDeadLetters().map(\.event.retryCount), [5])
        XCTAssertTrue(q.isBalanced)
    }

    func testAsWrittenCriticalRetriesNeverEnd() throws {
        var q = try queues(capacity: 1, criticalRetry: .asWritten)
        _ = q.ingest(event("c-fill", .critical), now: .zero)
        _ = q.ingest(event("c", .critical), now: .zero)
        for _ in 0..<1_000 {
            let results = q.retryDueEvents(now: try XCTUnwrap(q.nextRetryAt))
            XCTAssertEqual(results.count, 1)
            guard case .retryScheduled = results[0].outcome else { return XCTFail("as written, a critical event only waits") }
        }
        XCTAssertEqual(q.pendingRetries.count, 1)
        XCTAssertEqual(q.ledger.deadLettered, 0)
        XCTAssertEqual(q.ledger.criticalRetries, 1_001)
        XCTAssertTrue(q.isBalanced)
    }

    func testCriticalRetrySucceedsOnceTheQueueDrains() throws {
        var q = try queues(capacity: 1)
        _ = q.ingest(event("c-fill", .critical), now: .zero)
        _ = q.ingest(event("c", .critical), now: .zero)
        _ = q.take(from: .critical)
        XCTAssertEqual(
            q.retryDueEvents(now: Instant.zero + .milliseconds(10)), [EventRetryResult(eventID: "c", outcome: .queued(.critical))])
    }

    func testInvalidEventsAreDeadLettered() throws {
        var q = try queues(capacity: 5)
        XCTAssertEqual(q.ingest(event("x", .high, user: ""), now: .zero), .deadLettered(.invalid))
        XCTAssertEqual(q.ledger.deadLetteredByReason[.invalid], 1)
        XCTAssertTrue(q.isBalanced)
    }

    func testEveryEventEndsInExactlyOneTerminalState() throws {
        for variant in CriticalRetryVariant.allCases {
            var q = try queues(capacity: 4, criticalRetry: variant)
            var lcg: UInt64 = 7
            func next(_ n: UInt64) -> UInt64 {
                lcg = lcg &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return (lcg >> 33) % n
            }
            var now = Instant.zero
            for i in 0..<3_000 {
                now = now + .milliseconds(Int64(next(4)))
                switch next(5) {
                case 0, 1, 2:
                    let priority = EventPriority(rawValue: Int(next(4)) + 1)!
                    _ = q.ingest(event("e\(i)", priority, user: next(50) == 0 ? "" : "u"), now: now)
                case 3:
                    _ = q.retryDueEvents(now: now)
                default:
                    _ = q.take(from: EventPriority(rawValue: Int(next(4)) + 1)!, maxCount: 2)
                }
                XCTAssertTrue(q.isBalanced, "\(variant) after operation \(i)")
            }
            for priority in EventPriority.allCases { _ = q.take(from: priority) }
            while let due = q.nextRetryAt {
                _ = q.retryDueEvents(now: due)
                _ = q.take(from: .critical)
            }
            let l = q.ledger
            XCTAssertEqual(l.offered, l.taken + l.dropped + l.deadLettered, "\(variant)")
            XCTAssertGreaterThan(l.dropped, 0)
            XCTAssertGreaterThan(l.criticalRetries, 0)
        }
    }

    func testInvalidConfigurationThrows() {
        XCTAssertThrowsError(try EventIngestionQueues(configuration: .init(capacities: [.high: 0]))) {
            XCTAssertEqual($0 as? EventIngestionQueuesError, .nonPositiveCapacity(priority: .high, capacity: 0))
        }
        XCTAssertThrowsError(try EventIngestionQueues(configuration: .init(maxCriticalRetries: -1))) {
            XCTAssertEqual($0 as? EventIngestionQueuesError, .negativeMaxCriticalRetries(-1))
        }
    }
}
