import XCTest
@testable import LoomServices

/// Checkpoints and recovery (seed §2.3.1, §7.2): lost intermediates restart an earlier stage,
/// failed attempts are retried and dead-lettered, pods lost under a CPU job.
final class RecoveryTests: XCTestCase {
    /// The preempted job's transcoding intermediates are gone: it restarts from validation
    /// (seed `restartFromEarlierStage`: transcoding → validation).
    func testLostIntermediatesRestartFromAnEarlierStage() throws {
        var c = VideoHarness.configuration()
        c.intermediateLossProbability = 1
        let h = try VideoHarness(c)
        let a = h.submit()
        try h.run(until: 46)
        let b = h.submit(tier: "premium")
        try h.run(until: 47)
        let victim = h.status(a)
        XCTAssertEqual(victim.preemptions, 1)
        XCTAssertEqual(victim.restarts, 1)
        XCTAssertEqual(victim.checkpointStage, .validation)
        XCTAssertEqual(victim.deviceWorkDone, 0)
        XCTAssertEqual(h.counter("video-processing.restarts{from=transcoding}"), 1)
        try h.run(until: 48)
        XCTAssertEqual(h.status(a).validations, 2, "validated again")
        try h.run(until: 2_000)
        XCTAssertEqual(h.finished[a], .completed)
        XCTAssertEqual(h.finished[b], .completed)
        // A redid all its device work after B.
        XCTAssertEqual(h.finishTimes[a]! - h.finishTimes[b]!, Reference3060.totalSeconds, accuracy: 0.05)
    }

    /// An object-store outage fails the upload after its retries; the attempt goes back to the
    /// queue and, the outputs being unreadable, the job restarts from optimization (upload →
    /// optimization), then uploads once the store is back.
    func testObjectStoreOutageRestartsTheUploadFromOptimization() throws {
        var c = VideoHarness.configuration()
        c.uploadRetry = try RetryConfig(maxAttempts: 2, intervalFunction: .fixed(.wholeSeconds(1)))
        let h = try VideoHarness(c)
        let a = h.submit(seconds: 60)
        try h.run(until: 5)
        let outage = ActiveFault(kind: .datastoreOutage, target: "object-store")
        h.context.faults.begin(outage)
        let renditions: [Double] = [1_800.0 / 450, 1_800.0 / 945, 1_800.0 / 1_800, 1_800.0 / 2_700]
        let deviceEnd: Double = 1 + renditions.reduce(0, +) + 60.0 / 20 + 2
        try h.run(until: deviceEnd + 1.5)
        let s = h.status(a)
        XCTAssertEqual(s.failedAttempts, 1)
        XCTAssertEqual(s.restarts, 1)
        XCTAssertEqual(s.checkpointStage, .optimization)
        XCTAssertEqual(h.counter("video-processing.restarts{from=upload}"), 1)
        h.context.faults.end(outage)
        try h.run(until: 100)
        XCTAssertEqual(h.finished[a], .completed)
        // The redone optimization: 3 s of enhancement and 2 s of packaging after the second failure.
        XCTAssertEqual(h.finishTimes[a]!, deviceEnd + 1 + 5 + 0.1, accuracy: 0.01)
    }

    /// A store that stays down: every attempt fails; after the queue's three attempts the job is
    /// dead-lettered.
    func testJobIsDeadLetteredAfterMaxAttempts() throws {
        var c = VideoHarness.configuration()
        c.uploadRetry = try RetryConfig(maxAttempts: 1)
        let h = try VideoHarness(c)
        h.context.faults.begin(ActiveFault(kind: .datastoreOutage, target: "object-store"))
        let a = h.submit(seconds: 60)
        try h.run(until: 1_000)
        guard case let .deadLettered(reason)? = h.finished[a] else { return XCTFail("got \(String(describing: h.finished[a]))") }
        XCTAssertTrue(reason.contains("failed 3 of 3 attempts"), reason)
        XCTAssertEqual(h.counter("dead_letters{reason=max-attempts,service=video-processing}"), 1)
        XCTAssertEqual(h.service.queue.ledger.deadLettered, 1)
        XCTAssertTrue(h.context.ledger.holds)
    }

    func testInvalidSourceFailsWithoutRetry() throws {
        var c = VideoHarness.configuration()
        c.invalidSourceProbability = 1
        let h = try VideoHarness(c)
        let a = h.submit()
        try h.run(until: 10)
        XCTAssertEqual(h.finished[a], .failed(reason: "invalid-source"))
    }

    /// Losing the pod under a CPU job: it rolls back to its checkpoint (the third rendition's end,
    /// 44 s into its 49 s) and continues on the replacement pod once it is ready.
    func testPodLossInterruptsACPUJobWhichResumes() throws {
        let h = try VideoHarness(VideoHarness.configuration(gpus: [], cpuPods: 1))
        let a = h.submit(seconds: 60)
        try h.run(until: 50)
        guard case .cpu = h.status(a).device else { return XCTFail("no GPU here: the job runs on CPU") }
        h.context.faults.begin(ActiveFault(kind: .podLoss, target: "video-processing", magnitude: 1))
        XCTAssertEqual(h.status(a).deviceLosses, 1)
        XCTAssertEqual(h.status(a).device, .none)
        XCTAssertEqual(h.status(a).lostDeviceSeconds, 5, accuracy: 0.1)
        XCTAssertEqual(h.counter("video-processing.interruptions{reason=pod-lost}"), 1)
        try h.run(until: 2_000)
        XCTAssertEqual(h.finished[a], .completed)
        XCTAssertTrue(h.context.ledger.holds)
    }

    /// With state-store persistence the checkpoint a recovery uses is written and read back.
    func testCheckpointsArePersistedInTheStateStore() throws {
        var c = VideoHarness.configuration()
        c.checkpointPersistence = .stateStore
        let h = try VideoHarness(c)
        let a = h.submit()
        try h.run(until: 46)
        h.submit(tier: "premium")
        try h.run(until: 47)
        let store = h.runtime.backends.stateStore
        let bytes = try XCTUnwrap(try store.value(forKey: "video-processing/checkpoint/\(a)"))
        let decoded = try XCTUnwrap(VideoProcessingService.decodeCheckpoint(String(decoding: bytes, as: UTF8.self)))
        XCTAssertEqual(decoded.stage, .transcoding)
        XCTAssertEqual(decoded.encode.filter { $0 == 0 }.count, 2, "the two smallest renditions are done")
        XCTAssertEqual(VideoJob.workDone(encode: decoded.encode, optimization: decoded.optimization),
                       h.status(a).checkpointWorkDone, accuracy: 1e-12)
        try h.run(until: 2_000)
        XCTAssertEqual(try store.keys(withPrefix: "video-processing/"), [], "finished jobs leave no checkpoint behind")
    }
}
