import XCTest
@testable import LoomServices

/// The multi-tier queue with backpressure (seed §2.2.1) and the adaptive strategy (§2.4.1),
/// each in its intended and as-written variant.
final class QueueAndStrategyTests: XCTestCase {
    /// One worker, tiers of two: a job in flight, then ten normal jobs.
    private func flood(_ cascade: CascadeVariant, retries: Int = 0) throws -> VideoHarness {
        var c = VideoHarness.configuration()
        c.queue = ProcessingJobQueue.Configuration(highCapacity: 2, normalCapacity: 2, lowCapacity: 2, batchCapacity: 2,
                                                   cascade: cascade)
        c.maxJobsInFlight = 1
        c.clientMaxRetries = retries
        let h = try VideoHarness(c)
        for _ in 0..<11 { h.submit(seconds: 6_000) }
        return h
    }

    func testIntendedCascadeRespectsEveryTiersCapacity() throws {
        let h = try flood(.intended)
        let q = h.service.queue
        XCTAssertEqual([q.count(in: .high), q.count(in: .normal), q.count(in: .low), q.count(in: .batch)], [0, 2, 2, 2])
        XCTAssertEqual(q.ledger.cascaded, 4)
        XCTAssertEqual(q.ledger.overfilled, 0)
        XCTAssertEqual(h.finished.values.filter { $0 == .dropped(reason: "backpressure") }.count, 4)
        XCTAssertEqual(h.counter("drops{reason=backpressure,service=video-processing}"), 4)
        XCTAssertTrue(q.isBalanced)
        XCTAssertTrue(h.context.ledger.holds)
    }

    func testAsWrittenCascadeOverfillsTheNextTier() throws {
        let h = try flood(.asWritten)
        let q = h.service.queue
        XCTAssertEqual(q.count(in: .normal), 2)
        XCTAssertEqual(q.count(in: .low), 8, "pushed into the low tier without checking its capacity of 2")
        XCTAssertEqual(q.ledger.overfilled, 6)
        XCTAssertTrue(h.finished.isEmpty, "nothing is rejected")
    }

    /// A rejected client retries after the 5-minute retry-after, then gives up.
    func testRejectedClientRetriesAfterRetryAfterThenIsDropped() throws {
        let h = try flood(.intended, retries: 1)
        XCTAssertTrue(h.finished.isEmpty)
        try h.run(until: 299)
        XCTAssertTrue(h.finished.isEmpty)
        try h.run(until: 300)
        XCTAssertEqual(h.finished.count, 4, "the retries found the tiers still full")
        XCTAssertEqual(Set(h.finishTimes.values), [300])
        XCTAssertTrue(h.context.ledger.holds)
    }

    /// A full high tier holds the job 100 ms while workers scale up; then the intended variant
    /// cascades it into the normal tier, the as-written one overfills the high tier.
    func testFullHighTierHoldsThenCascadesOrOverfills() throws {
        for cascade in CascadeVariant.allCases {
            var c = VideoHarness.configuration(cpuPods: 0)
            c.cpuWorkers = CPUWorkerConfiguration(initialReplicas: 0)
            c.queue = ProcessingJobQueue.Configuration(highCapacity: 1, normalCapacity: 5, lowCapacity: 5, batchCapacity: 5,
                                                       cascade: cascade)
            c.maxJobsInFlight = 1
            let h = try VideoHarness(c)
            for _ in 0..<3 { h.submit(tier: "premium", seconds: 6_000) }
            XCTAssertEqual(h.service.queue.heldJobs.count, 1)
            XCTAssertEqual(h.service.cpuWorkers.replicas, 1, "scale-up requested for the held job")
            try h.run(until: 0.1)
            let q = h.service.queue
            switch cascade {
            case .intended: XCTAssertEqual([q.count(in: .high), q.count(in: .normal)], [1, 1])
            case .asWritten: XCTAssertEqual([q.count(in: .high), q.count(in: .normal)], [2, 0])
            }
        }
    }

    /// CPU workers saturated (a fallback job on the only pod) is extreme load: intended, a
    /// low-priority job is deferred and comes back after the deferral delay, a normal one gets
    /// fast settings, a premium one optimal; as written, nothing is deferred.
    func testAdaptiveStrategyDefersLowPriorityJobsUnderExtremeLoad() throws {
        for order in StrategyCheckOrder.allCases {
            var c = VideoHarness.configuration(cpuPods: 1)
            c.gpuWaitBudget = .zero
            c.adaptive = try AdaptiveProcessingPolicy(checkOrder: order)
            c.maxDeferrals = 2
            let h = try VideoHarness(c)
            h.submit(seconds: 6_000)
            h.submit(seconds: 6_000)
            try h.run(until: 2)
            XCTAssertEqual(h.service.systemLoad.cpuPercent, 100)
            let low = h.submit(seconds: 6_000, size: 2 << 30)
            let normal = h.submit(seconds: 6_000)
            let premium = h.submit(tier: "premium", seconds: 6_000)
            XCTAssertEqual(h.status(normal).strategy, .fast)
            XCTAssertEqual(h.status(premium).strategy, .optimal)
            switch order {
            case .intended:
                XCTAssertEqual(h.status(low).deferrals, 1)
                XCTAssertNil(h.status(low).strategy)
                try h.run(until: 302)
                XCTAssertEqual(h.status(low).deferrals, 2, "still extreme after the 5-minute delay")
                try h.run(until: 602)
                XCTAssertEqual(h.status(low).strategy, .fast, "after maxDeferrals it is processed anyway")
                XCTAssertEqual(h.counter("video-processing.strategy{strategy=deferred}"), 2)
            case .asWritten:
                XCTAssertEqual(h.status(low).deferrals, 0)
                XCTAssertEqual(h.status(low).strategy, .fast, "StrategyDeferred is unreachable")
            }
        }
    }

    /// The strategy changes the work: fast (720p cap, ultrafast) finishes a 1080p source much
    /// sooner than optimal (source resolution, slow preset).
    func testStrategySettingsChangeTheWork() throws {
        let h = try VideoHarness(VideoHarness.configuration(gpus: [(.rtx3060, 2)]))
        let premium = h.submit(tier: "premium")
        let normal = h.submit()
        try h.run(until: 1_000)
        // Validation ends at 1 s; the upload takes 0.1 s.
        let optimal = h.finishTimes[premium]! - 1.1
        let balanced = h.finishTimes[normal]! - 1.1
        XCTAssertEqual(balanced, Reference3060.totalSeconds, accuracy: 0.05)
        XCTAssertEqual(optimal, Reference3060.transcodeSeconds * 1.6 + Reference3060.optimizationSeconds, accuracy: 0.05)
    }
}
