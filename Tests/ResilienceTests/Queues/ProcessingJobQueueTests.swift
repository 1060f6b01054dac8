import Resilience
import XCTest

private func at(milliseconds ms: Int64) -> Instant { Instant.zero + .milliseconds(ms) }

private func job(_ id: String, tier: String = "free", live: Bool = false, size: Int64 = 1_000, created: Instant = .zero)
    -> ProcessingJob
{
    ProcessingJob(id: id, jobType: "transcode", userTier: tier, isLiveRecording: live, fileSizeBytes: size, createdAt: created)
}

private func queue(_ cascade: CascadeVariant, capacity: Int = 1) throws -> ProcessingJobQueue {
    try ProcessingJobQueue(
        configuration: .init(
            highCapacity: capacity, normalCapacity: capacity, lowCapacity: capacity, batchCapacity: capacity,
            cascade: cascade))
}

final class ProcessingJobQueueTests: XCTestCase {
    func testPriorityFollowsTheSeedsRulesInOrder() {
        let rules = JobPriorityRules()
        let now = Instant.zero + .hours(5)
        XCTAssertEqual(rules.priority(of: job("a", tier: "premium", size: 5 << 30), now: now), .high)
        XCTAssertEqual(rules.priority(of: job("b", tier: "enterprise"), now: now), .high)
        XCTAssertEqual(rules.priority(of: job("c", live: true, size: 5 << 30), now: now), .high)
        XCTAssertEqual(rules.priority(of: job("d", size: (1 << 30) + 1, created: now), now: now), .low)
        XCTAssertEqual(rules.priority(of: job("e", size: 1 << 30, created: now), now: now), .normal, "exactly 1 GiB is not large")
        XCTAssertEqual(rules.priority(of: job("f", created: now - .minutes(59)), now: now), .normal)
        XCTAssertEqual(rules.priority(of: job("g", created: now - .hours(1)), now: now), .low, "an hour old is no longer recent")
    }

    func testDequeueServesTheMostUrgentTierFirstAndFIFOWithin() throws {
        var q = try queue(.intended, capacity: 10)
        _ = q.enqueue(job("batch"), priority: .batch, now: .zero)
        _ = q.enqueue(job("low"), priority: .low, now: .zero)
        _ = q.enqueue(job("normal-1"), priority: .normal, now: .zero)
        _ = q.enqueue(job("normal-2"), priority: .normal, now: .zero)
        _ = q.enqueue(job("high"), priority: .high, now: .zero)
        var order: [String] = []
        while let next = q.dequeue() { order.append(next.id) }
        XCTAssertEqual(order, ["high", "normal-1", "normal-2", "low", "batch"])
        XCTAssertTrue(q.isBalanced)
    }

    func testIntendedCascadeRespectsEveryTiersCapacityThenRejectsWithRetryAfter() throws {
        var q = try queue(.intended)
        XCTAssertEqual(q.enqueue(job("n1"), priority: .normal, now: .zero), .queued(tier: .normal, requested: .normal, overCapacity: false))
        XCTAssertEqual(q.enqueue(job("n2"), priority: .normal, now: .zero), .queued(tier: .low, requested: .normal, overCapacity: false))
        XCTAssertEqual(q.enqueue(job("n3"), priority: .normal, now: .zero), .queued(tier: .batch, requested: .normal, overCapacity: false))
        let now = at(milliseconds: 1_500)
        XCTAssertEqual(q.enqueue(job("n4"), priority: .normal, now: now), .rejected(retryAfter: now + .minutes(5)))
        for tier in JobPriority.allCases where tier != .high { XCTAssertEqual(q.count(in: tier), 1) }
        XCTAssertEqual(q.ledger.rejected, 1)
        XCTAssertEqual(q.ledger.overfilled, 0)
        XCTAssertTrue(q.isBalanced)
    }

    func testAsWrittenCascadeOverfillsTheNextTier() throws {
        var intended = try queue(.intended)
        var asWritten = try queue(.asWritten)
        for i in 0..<3 {
            _ = intended.enqueue(job("low-\(i)"), priority: .low, now: .zero)
            _ = asWritten.enqueue(job("low-\(i)"), priority: .low, now: .zero)
        }
        // Low (1) and batch (1) are full; the third low job is rejected by the intent, but
        // the seed pushes it into the full batch tier.
        XCTAssertEqual(intended.count(in: .batch), 1)
        XCTAssertEqual(intended.ledger.rejected, 1)
        XCTAssertEqual(asWritten.count(in: .batch), 2)
        XCTAssertGreaterThan(asWritten.count(in: .batch), asWritten.configuration.batchCapacity)
        XCTAssertEqual(asWritten.ledger.overfilled, 1)
        XCTAssertEqual(asWritten.ledger.rejected, 0)
        // The seed cascades one tier only: a normal job facing full normal and low tiers lands
        // in low (overfilled), never in batch.
        var oneTier = try queue(.asWritten)
        _ = oneTier.enqueue(job("n"), priority: .normal, now: .zero)
        _ = oneTier.enqueue(job("l"), priority: .low, now: .zero)
        XCTAssertEqual(
            oneTier.enqueue(job("n2"), priority: .normal, now: .zero), .queued(tier: .low, requested: .normal, overCapacity: true))
        XCTAssertTrue(intended.isBalanced && asWritten.isBalanced && oneTier.isBalanced)
    }

    func testFullHighTierHoldsTheJobAndAsksForScaleUp() throws {
        var q = try queue(.intended)
        _ = q.enqueue(job("h1", tier: "premium"), now: .zero)
        let now = at(milliseconds: 7)
        XCTAssertEqual(
            q.enqueue(job("h2", tier: "premium"), now: now), .held(retryAt: now + .milliseconds(100), scaleUpJobType: "transcode"))
        XCTAssertEqual(q.nextHeldRetry, at(milliseconds: 107))
        XCTAssertEqual(q.releaseHeldJobs(now: at(milliseconds: 106)), [], "not due yet")
        XCTAssertTrue(q.isBalanced)
    }

    func testHeldHighJobCascadesUnderTheIntentButOverfillsAsWritten() throws {
        for variant in CascadeVariant.allCases {
            var q = try queue(variant)
            _ = q.enqueue(job("h1", live: true), now: .zero)
            _ = q.enqueue(job("h2", live: true), now: .zero)
            let releases = q.releaseHeldJobs(now: at(milliseconds: 100))
            switch variant {
            case .intended:
                XCTAssertEqual(releases, [JobRelease(jobID: "h2", admission: .queued(tier: .normal, requested: .high, overCapacity: false))])
                XCTAssertEqual(q.count(in: .high), 1)
            case .asWritten:
                XCTAssertEqual(releases, [JobRelease(jobID: "h2", admission: .queued(tier: .high, requested: .high, overCapacity: true))])
                XCTAssertEqual(q.count(in: .high), 2, "the seed pushes regardless of capacity after 100 ms")
            }
            XCTAssertTrue(q.isBalanced)
        }
    }

    func testHeldHighJobTakesTheHighTierWhenRoomFreedUp() throws {
        var q = try queue(.intended)
        _ = q.enqueue(job("h1", live: true), now: .zero)
        _ = q.enqueue(job("h2", live: true), now: .zero)
        XCTAssertEqual(q.dequeue()?.id, "h1")
        XCTAssertEqual(
            q.releaseHeldJobs(now: at(milliseconds: 100)),
            [JobRelease(jobID: "h2", admission: .queued(tier: .high, requested: .high, overCapacity: false))])
    }

    func testFailingJobIsRequeuedThenDeadLettered() throws {
        var q = try queue(.intended, capacity: 5)
        _ = q.enqueue(job("j"), now: .zero)
        var current = try XCTUnwrap(q.dequeue())
        for attempt in 1...2 {
            XCTAssertEqual(
                q.recordProcessingFailure(current, reason: "encoder crashed", now: .zero),
                .queued(tier: .normal, requested: .normal, overCapacity: false), "attempt \(attempt)")
            current = try XCTUnwrap(q.dequeue())
            XCTAssertEqual(current.failedAttempts, attempt)
        }
        XCTAssertEqual(
            q.recordProcessingFailure(current, reason: "encoder crashed", now: .zero),
            .deadLettered(reason: "failed 3 of 3 attempts: encoder crashed"))
        XCTAssertEqual(q.ledger.entered, 4)
        XCTAssertEqual(q.ledger.dequeued, 3)
        XCTAssertEqual(q.ledger.deadLettered, 1)
        XCTAssertEqual(q.drainDeadLetters().map(\.job.id), ["j"])
        XCTAssertTrue(q.deadLetters.isEmpty)
        XCTAssertTrue(q.isBalanced)
    }

    /// A long deterministic mix of every operation: after each one, and once drained, every
    /// entry is in exactly one place.
    func testEveryJobEndsInExactlyOneTerminalState() throws {
        for variant in CascadeVariant.allCases {
            var q = try queue(variant, capacity: 3)
            var lcg: UInt64 = 42
            func next(_ n: UInt64) -> UInt64 {
                lcg = lcg &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return (lcg >> 33) % n
            }
            var now = Instant.zero
            for i in 0..<2_000 {
                now = now + .milliseconds(Int64(next(40)))
                switch next(6) {
                case 0, 1, 2:
                    _ = q.enqueue(job("j\(i)"), priority: JobPriority(rawValue: Int(next(4)))!, now: now)
                case 3:
                    if let j = q.dequeue(), next(3) == 0 { _ = q.recordProcessingFailure(j, reason: "x", now: now) }
                case 4:
                    _ = q.releaseHeldJobs(now: now)
                default:
                    _ = q.dequeue()
                }
                XCTAssertTrue(q.isBalanced, "\(variant) after operation \(i)")
            }
            _ = q.releaseHeldJobs(now: .distantFuture)
            while q.dequeue() != nil {}
            let l = q.ledger
            XCTAssertEqual(l.entered, l.dequeued + l.rejected + l.deadLettered, "\(variant)")
            XCTAssertGreaterThan(l.rejected, 0)
            XCTAssertGreaterThan(l.held, 0)
        }
    }

    func testInvalidConfigurationThrowsPreciseErrors() {
        XCTAssertThrowsError(
            try ProcessingJobQueue(configuration: .init(highCapacity: 1, normalCapacity: 0, lowCapacity: 1, batchCapacity: 1))
        ) { XCTAssertEqual($0 as? ProcessingJobQueueError, .nonPositiveCapacity(tier: .normal, capacity: 0)) }
        XCTAssertThrowsError(
            try ProcessingJobQueue(
                configuration: .init(
                    highCapacity: 1, normalCapacity: 1, lowCapacity: 1, batchCapacity: 1, retryAfter: .milliseconds(-1)))
        ) { XCTAssertEqual($0 as? ProcessingJobQueueError, .negativeDelay(name: "retryAfter", amount: .milliseconds(-1))) }
        XCTAssertThrowsError(
            try ProcessingJobQueue(
                configuration: .init(highCapacity: 1, normalCapacity: 1, lowCapacity: 1, batchCapacity: 1, maxProcessingAttempts: 0))
        ) { XCTAssertEqual($0 as? ProcessingJobQueueError, .nonPositiveMaxProcessingAttempts(0)) }
    }
}
