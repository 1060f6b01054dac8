import XCTest
@testable import LoomServices

/// Session snapshots and restore after pod loss (§1.4.1).
final class RecordingRecoveryTests: XCTestCase {
    /// 100 sessions on 10 pods, snapshotted at start and every 30 s; two pods die at 100 s.
    private func podLossRun(_ adjust: @escaping (inout RecordingConfiguration) -> Void = { _ in },
                            faults: (RecordingTestBench) throws -> Void = { _ in }) throws -> (RecordingTestBench, [FinishedRecording]) {
        let bench = try RecordingTestBench(seed: 3) {
            $0.autoscalingEnabled = false
            adjust(&$0)
        }
        var finished: [FinishedRecording] = []
        bench.service.videoProcessingHandoff = { finished.append($0); return true }
        bench.startSessions(100, length: 600)
        try faults(bench)
        try bench.begin(.podLoss, on: "recording", magnitude: 2, at: 100)
        try bench.run(until: 99)
        return (bench, finished)
    }

    func testSessionsOfALostPodAreRestoredOnOtherPodsFromTheirLastSnapshot() throws {
        let (bench, _) = try podLossRun()
        XCTAssertEqual(bench.service.sessionsPerPod.map(\.sessions), Array(repeating: 10, count: 10))
        try bench.run(until: 110)
        let stats = bench.service.statistics
        XCTAssertEqual(stats.restored, 20, "both pods' sessions came back")
        XCTAssertEqual(stats.lost, 0)
        XCTAssertEqual(bench.service.sessionsOnPods, 100)
        let rpo = try XCTUnwrap(bench.context.metrics.snapshot().latency(named: "recording.restore.rpo"))
        XCTAssertEqual(rpo.count, 20)
        XCTAssertEqual(rpo.max, 10, accuracy: 0.1, "the last snapshot was taken at the 90 s tick")
        let duration = try XCTUnwrap(bench.context.metrics.snapshot().latency(named: "recording.restore.duration"))
        XCTAssertLessThanOrEqual(duration.max, 5.1, "reconnect back-off (1–5 s) plus the Redis read")

        try bench.run(until: 700)
        XCTAssertEqual(bench.terminal(.completed), 100)
        XCTAssertTrue(bench.context.ledger.holds)
    }

    func testRestoredRecordingsReportTheirDataLoss() throws {
        let bench = try RecordingTestBench(seed: 3) { $0.autoscalingEnabled = false }
        var finished: [FinishedRecording] = []
        bench.service.videoProcessingHandoff = { finished.append($0); return true }
        bench.startSessions(100, length: 600)
        try bench.begin(.podLoss, on: "recording", magnitude: 2, at: 100)
        try bench.run(until: 800)
        XCTAssertEqual(finished.count, 100)
        let damaged = finished.filter { $0.dataLost > .zero }
        XCTAssertEqual(damaged.count, 20)
        XCTAssertTrue(damaged.allSatisfy { abs($0.dataLost.seconds - 10) < 0.1 })
        XCTAssertTrue(finished.allSatisfy { abs($0.length.seconds - 600) < 1e-6 })
    }

    func testWithoutSnapshotsTheSessionsOfALostPodAreLostAndCounted() throws {
        let (bench, _) = try podLossRun { $0.snapshots.enabled = false }
        try bench.run(until: 700)
        XCTAssertEqual(bench.service.statistics.lost, 20)
        XCTAssertEqual(bench.service.statistics.restored, 0)
        XCTAssertEqual(bench.terminal(.failed(reason: "session-lost")), 20)
        XCTAssertEqual(bench.terminal(.completed), 80)
        XCTAssertEqual(bench.context.metrics.snapshot().counter(named: "recording.sessions_lost{reason=no-snapshot,service=recording}")?.total, 20)
        XCTAssertTrue(bench.context.ledger.holds)
    }

    /// Redis is down from 50 s: the intent backs snapshots up to persistent storage regardless
    /// and restores from there; the seed as written stores nothing while Redis fails and loses
    /// the sessions when the Redis read errors.
    func testRestoreFallsBackToPersistentStorageWhenRedisIsDown() throws {
        let redisDown: (RecordingTestBench) throws -> Void = { try $0.begin(.datastoreOutage, on: "recording.redis", at: 50, for: 400) }
        let (intended, _) = try podLossRun(faults: redisDown)
        try intended.run(until: 200)
        XCTAssertEqual(intended.service.statistics.restored, 20)
        let rpo = try XCTUnwrap(intended.context.metrics.snapshot().latency(named: "recording.restore.rpo"))
        XCTAssertEqual(rpo.max, 10, accuracy: 0.2, "the 90 s snapshot reached persistent storage")

        let (asWritten, _) = try podLossRun({ $0.snapshots.variant = .asWritten }, faults: redisDown)
        try asWritten.run(until: 200)
        XCTAssertEqual(asWritten.service.statistics.restored, 0)
        XCTAssertEqual(asWritten.service.statistics.lost, 20)
        XCTAssertEqual(asWritten.context.metrics.snapshot().counter(named: "recording.sessions_lost{reason=snapshot-retrieve-failed,service=recording}")?.total, 20)
        try asWritten.run(until: 800)
        XCTAssertTrue(asWritten.context.ledger.holds)
    }

    /// A copy that fails its checksum: the intent reads the persistent copy instead (lost only
    /// when both copies are bad); as written, a bad Redis copy loses the session.
    func testCorruptRedisCopiesFallBackToStorageOrAreLostAsWritten() throws {
        let (intended, _) = try podLossRun { $0.snapshots.corruptionProbability = 0.3 }
        try intended.run(until: 200)
        let i = intended.service.statistics
        XCTAssertEqual(i.restored + i.lost, 20)
        XCTAssertGreaterThan(i.snapshotChecksumFailures, 0)
        XCTAssertLessThan(i.lost, i.snapshotChecksumFailures, "most bad Redis copies were replaced by the stored copy")
        let (asWritten, _) = try podLossRun {
            $0.snapshots.corruptionProbability = 0.3
            $0.snapshots.variant = .asWritten
        }
        try asWritten.run(until: 200)
        let a = asWritten.service.statistics
        XCTAssertEqual(a.restored + a.lost, 20)
        XCTAssertGreaterThan(a.lost, 0)
        XCTAssertEqual(a.lost, a.snapshotChecksumFailures, "as written, every checksum mismatch loses its session")
    }

    func testScaleDownDrainsSessionsToOtherPodsWithoutLoss() throws {
        let bench = try RecordingTestBench(seed: 5) { $0.autoscalingEnabled = false }
        bench.startSessions(50, length: 300)
        try bench.run(until: 45)
        bench.service.deployment.scale(to: 5)
        try bench.run(until: 60)
        XCTAssertEqual(bench.service.statistics.migrated, 25, "the five newest pods' sessions moved")
        XCTAssertEqual(bench.service.statistics.restored, 0)
        XCTAssertEqual(bench.service.sessionsOnPods, 50)
        let rpo = try XCTUnwrap(bench.context.metrics.snapshot().latency(named: "recording.restore.rpo"))
        XCTAssertLessThanOrEqual(rpo.max, 1e-6, "a drained pod snapshots first: nothing lost")
        try bench.run(until: 400)
        XCTAssertEqual(bench.terminal(.completed), 50)
        XCTAssertTrue(bench.context.ledger.holds)
    }

    func testSessionsWaitForRoomAndAreDroppedAfterTheRestoreTimeout() throws {
        let bench = try RecordingTestBench(seed: 5) {
            $0.autoscalingEnabled = false
            $0.initialReplicas = 2
            $0.maxSessionsPerPod = 10
            $0.degradationEnabled = false
            $0.pod.startupLatency = try! .constant(120)  // the replacement pod is slow to start
        }
        bench.startSessions(20, length: 600)
        try bench.begin(.podLoss, on: "recording", magnitude: 1, at: 50)
        try bench.run(until: 55)
        XCTAssertEqual(bench.service.sessionsOnPods, 10, "the surviving pod is full")
        try bench.run(until: 200)
        XCTAssertEqual(bench.service.statistics.restoreTimeouts, 10)
        XCTAssertEqual(bench.terminal(.dropped(reason: "restore-timeout")), 10)
        try bench.run(until: 700)
        XCTAssertTrue(bench.context.ledger.holds)
    }
}
