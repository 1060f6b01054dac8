import XCTest
@testable import LoomServices

/// The recording saga over the real services (`RecordingSagaRun`): what each step leaves in the
/// services, and what a failure of video processing makes the saga undo.
final class RecordingSagaRunTests: XCTestCase {
    struct Platform {
        let bench = CrossServiceBench()
        let recording: RecordingService
        let video: VideoProcessingService
        let ai: AIMLService
        let analytics: AnalyticsService
        let run: RecordingSagaRun
        var statuses: [SagaStatus] = []

        init() throws {
            let ctx = bench.context
            recording = try RecordingService(configuration: RecordingConfiguration(), context: ctx)
            video = try VideoProcessingService(configuration: VideoProcessingConfiguration(), context: ctx)
            video.start()
            var aiConfiguration = AIMLConfiguration()
            aiConfiguration.warming.enabled = false
            ai = try AIMLService(configuration: aiConfiguration, context: ctx)
            ai.start()
            analytics = try AnalyticsService(configuration: AnalyticsConfiguration(), context: ctx)
            analytics.start()
            run = try RecordingSagaRun(configuration: SagaCoordinatorConfiguration(), recording: recording, video: video, ai: ai,
                                       analytics: analytics, context: ctx)
        }

        /// Finishes recording `id` (4 minutes, 200 MB) through the recording service's hook.
        func finish(_ id: UInt64) {
            let recording = FinishedRecording(
                sessionID: id, userTier: "business", type: .screen,
                settings: RecordingSettings(qualityLines: 1080, enableAI: true, enableRealTimeTranscription: false),
                length: .minutes(4), sizeBytes: 200e6, dataLost: .zero, finishedAt: bench.context.now)
            self.recording.recordingFinished?(recording)
        }

        func counter(_ key: String) -> Double { bench.context.metrics.snapshot().counter(named: key)?.total ?? .nan }
    }

    func testWithoutFaultsTheSagaStoresEnqueuesTranscribesAndIndexes() throws {
        let p = try Platform()
        p.finish(1)
        p.finish(2)
        try p.bench.runtime.run(until: try .seconds(900))
        XCTAssertEqual(p.run.coordinator.completedCount, 2)
        XCTAssertEqual(p.run.coordinator.inFlight, 0)
        XCTAssertEqual(p.run.participants.stored, ["recording-1", "recording-2"])
        XCTAssertEqual(p.run.participants.transcripts, ["recording-1", "recording-2"])
        XCTAssertGreaterThanOrEqual(p.counter("object-store.bytes_written"), 400e6, "both recordings (and renditions) were written")
        XCTAssertEqual(p.bench.flow("video-processing")?.entered, 2, "one processing job per saga")
        XCTAssertEqual(p.bench.flow("ai-ml")?.entered, 2, "one transcription per saga")
        XCTAssertEqual(p.bench.flow("analytics")?.entered, 2, "one index event per saga")
        XCTAssertEqual(p.counter("saga.started"), 2)
        XCTAssertEqual(p.counter("saga.compensations{step=store-recording}"), 0)
        let flow = try XCTUnwrap(p.bench.flow("saga"))
        XCTAssertEqual(flow.terminal, [.completed: 2])
        XCTAssertTrue(p.bench.context.ledger.holds)
    }

    /// Every call from recording to video processing fails: the enqueue step fails all four
    /// attempts (2 s, 4 s, 8 s backoff) and the saga deletes the stored recording again.
    func testAFailingVideoProcessingCompensatesTheStoredRecording() throws {
        let p = try Platform()
        p.bench.context.faults.begin(ActiveFault(kind: .dependencyErrors, target: "recording->video-processing", magnitude: 1))
        p.finish(7)
        try p.bench.runtime.run(until: try .seconds(120))
        XCTAssertEqual(p.run.coordinator.compensatedCount, 1)
        XCTAssertEqual(p.run.coordinator.completedCount, 0)
        XCTAssertTrue(p.run.participants.stored.isEmpty, "the stored recording was deleted")
        XCTAssertEqual(p.counter("object-store.bytes_written"), 200e6, "it had been stored before")
        XCTAssertEqual(p.counter("saga.compensations{step=store-recording}"), 1)
        XCTAssertEqual(p.counter("saga.compensations{step=enqueue-processing}"), 0, "the failed step is not undone")
        XCTAssertEqual(p.counter("saga.step_failures{step=enqueue-processing}"), 4)
        XCTAssertEqual(p.counter("saga.orphaned_effects"), 0)
        XCTAssertEqual(p.bench.flow("video-processing")?.entered ?? 0, 0, "no job was submitted")
        XCTAssertEqual(p.bench.flow("ai-ml")?.entered ?? 0, 0, "nothing after the failed step ran")
        let flow = try XCTUnwrap(p.bench.flow("saga"))
        XCTAssertEqual(flow.terminal, [.failed(reason: "compensated:enqueue-processing"): 1])
        XCTAssertTrue(p.bench.context.ledger.holds)
    }

    /// Transcription fails (every model's load fails — a `modelLoadFailure` without a model —
    /// so the request is degraded): the
    /// saga cancels the processing job and deletes the recording, most recent first.
    func testAFailedTranscriptionWithdrawsTheJobAndTheRecording() throws {
        let p = try Platform()
        p.bench.context.faults.begin(ActiveFault(kind: .modelLoadFailure, target: "*", magnitude: 1))
        p.finish(3)
        try p.bench.runtime.run(until: try .seconds(600))
        XCTAssertEqual(p.run.coordinator.compensatedCount, 1)
        XCTAssertEqual(p.counter("saga.step_failures{step=transcription}"), 2, "first attempt and one retry")
        XCTAssertEqual(p.counter("saga.compensations{step=enqueue-processing}"), 1)
        XCTAssertEqual(p.counter("saga.compensations{step=store-recording}"), 1)
        XCTAssertTrue(p.run.participants.stored.isEmpty)
        XCTAssertEqual(p.video.jobsInSystem, 0, "the job was withdrawn or had finished")
        XCTAssertEqual(p.run.orphanedEffects, 0)
        XCTAssertEqual(p.bench.flow("saga")?.terminal, [.failed(reason: "compensated:transcription"): 1])
        XCTAssertTrue(p.bench.context.ledger.holds)
    }
}
