import XCTest
@testable import LoomServices

/// The recording saga's view of the service (seed §6.2): idempotent submission and cancellation.
final class SagaEntryPointTests: XCTestCase {
    func testSubmissionIsIdempotentPerKeyAndRejectionCarriesTheRetryAfter() throws {
        var c = VideoHarness.configuration()
        c.queue = ProcessingJobQueue.Configuration(highCapacity: 1, normalCapacity: 1, lowCapacity: 1, batchCapacity: 1)
        c.maxJobsInFlight = 1
        let h = try VideoHarness(c)
        let request = VideoJobRequest(userTier: "free", durationSeconds: 600, sourceHeight: 1080, fileSizeBytes: 1)
        let first = h.service.trySubmitJob(request, idempotencyKey: "recording-1/1")
        XCTAssertEqual(h.service.trySubmitJob(request, idempotencyKey: "recording-1/1"), first, "a resent command is not a new job")
        XCTAssertEqual(h.context.ledger.snapshot.first?.entered, 1)
        for k in 2...4 { _ = h.service.trySubmitJob(request, idempotencyKey: "recording-\(k)/1") }  // normal, low, batch
        let rejected = h.service.trySubmitJob(request, idempotencyKey: "recording-5/1")
        XCTAssertEqual(rejected, .rejected(retryAfter: .zero + .minutes(5)))
        XCTAssertEqual(h.finished.values.first, .dropped(reason: "backpressure"))
        XCTAssertTrue(h.context.ledger.holds)
    }

    func testCancellingARunningJobFreesItsGPUForTheNextJob() throws {
        let h = try VideoHarness(VideoHarness.configuration())
        let a = h.submit()
        let b = h.submit()
        try h.run(until: 10)
        XCTAssertEqual(h.status(b).device, .none)
        XCTAssertTrue(h.service.cancelJob(a))
        XCTAssertFalse(h.service.cancelJob(a))
        XCTAssertEqual(h.finished[a], .dropped(reason: "cancelled"))
        XCTAssertEqual(h.status(b).device, .gpu(type: "rtx-3060", index: 0))
        try h.run(until: 1_000)
        XCTAssertEqual(h.finished[b], .completed)
        XCTAssertTrue(h.context.ledger.holds)
    }

    func testCancellingAQueuedOrValidatingJobLeavesNothingBehind() throws {
        var c = VideoHarness.configuration()
        c.maxJobsInFlight = 1
        let h = try VideoHarness(c)
        let request = VideoJobRequest(userTier: "free", durationSeconds: 60, sourceHeight: 1080, fileSizeBytes: 1)
        guard case let .accepted(validating) = h.service.trySubmitJob(request, idempotencyKey: "a"),
              case let .accepted(queued) = h.service.trySubmitJob(request, idempotencyKey: "b") else { return XCTFail() }
        XCTAssertTrue(h.service.cancelJob(idempotencyKey: "b"))
        XCTAssertTrue(h.service.cancelJob(validating))
        try h.run(until: 100)
        XCTAssertEqual(h.finished[queued], .dropped(reason: "cancelled"))
        XCTAssertEqual(h.service.jobsInSystem, 0)
        XCTAssertEqual(h.service.jobsInFlight, 0)
        XCTAssertTrue(h.service.queue.isBalanced)
        XCTAssertEqual(h.service.queue.queuedCount, 0, "the cancelled job was skipped at the front")
        XCTAssertTrue(h.context.ledger.holds)
    }
}
