import XCTest
@testable import LoomServices

/// Breakers with the deferred retry queue (§1.3.1) and graceful degradation (§1.3.2).
final class RecordingResilienceTests: XCTestCase {
    private func smallBreaker(_ c: inout RecordingConfiguration) {
        c.autoscalingEnabled = false
        c.breaker.slidingWindowSize = 10
        c.breaker.minimumNumberOfCalls = 10
        c.breaker.permittedNumberOfCallsInHalfOpenState = 3
        try! c.breaker.setWaitDurationInOpenState(.wholeSeconds(30))
    }

    func testBreakerToVideoProcessingOpensUnderInjectedErrorsAndDeferredRetriesDeliverAfterItCloses() throws {
        let bench = try RecordingTestBench(seed: 7, smallBreaker)
        var handed: [UInt64] = []
        bench.service.videoProcessingHandoff = { recording in
            handed.append(recording.sessionID)
            return true
        }
        try bench.arrive(rate: 1, from: 0, until: 300, length: 30)
        try bench.begin(.dependencyErrors, on: "recording->video-processing", magnitude: 1, at: 20, for: 180)
        try bench.run(until: 150)
        XCTAssertEqual(bench.service.breakerState(to: "video-processing"), .open)
        XCTAssertEqual(bench.service.breakerState(to: "notification"), .closed, "one breaker per dependency")
        XCTAssertGreaterThan(bench.service.pendingRetries, 20, "failed and refused calls wait in the retry queue")
        let opened = bench.notes("breaker.opened").filter { $0.subject == "recording->video-processing" }
        XCTAssertGreaterThanOrEqual(opened.first?.time.seconds ?? 0, 20)
        XCTAssertEqual(bench.terminal(.completed), bench.service.statistics.completed, "recordings complete although video processing fails")

        try bench.run(until: 2_000)
        XCTAssertEqual(bench.service.breakerState(to: "video-processing"), .closed)
        let closed = bench.notes("breaker.closed").filter { $0.subject == "recording->video-processing" }
        XCTAssertGreaterThan(closed.last?.time.seconds ?? 0, 200, "closes after the errors stop")
        XCTAssertEqual(bench.service.pendingRetries, 0)
        let downstream = try XCTUnwrap(bench.downstream)
        XCTAssertEqual(downstream.terminal[.completed], downstream.entered, "every deferred call was delivered")
        XCTAssertEqual(bench.service.statistics.downstreamDeadLettered, 0)
        XCTAssertEqual(handed.count, bench.service.statistics.completed, "every finished recording reached video processing")
        XCTAssertEqual(Set(handed).count, handed.count, "exactly once")
        XCTAssertTrue(bench.context.ledger.holds)
    }

    func testAsWrittenRetryQueueRetriesInLockStepAndNeverGivesUp() throws {
        let bench = try RecordingTestBench(seed: 7) {
            self.smallBreaker(&$0)
            $0.retryQueue = .asWritten
        }
        try bench.arrive(rate: 1, from: 0, until: 100, length: 10)
        try bench.begin(.datastoreOutage, on: "recording->analytics", at: 0, for: 4_000)
        try bench.run(until: 3_900)
        XCTAssertGreaterThan(bench.service.pendingRetries, 50, "still queued after an hour: no back-off, no expiry")
        XCTAssertEqual(bench.service.statistics.downstreamDeadLettered, 0)
        try bench.run(until: 4_200)
        XCTAssertEqual(bench.service.pendingRetries, 0, "delivered once the endpoint is back")
        XCTAssertTrue(bench.context.ledger.holds)
    }

    func testIntendedRetryQueueDeadLettersAfterMaxAge() throws {
        let bench = try RecordingTestBench(seed: 7, smallBreaker)
        try bench.arrive(rate: 1, from: 0, until: 100, length: 10)
        try bench.begin(.datastoreOutage, on: "recording->analytics", at: 0, for: 10_000)
        try bench.run(until: 5_000)
        XCTAssertEqual(bench.service.pendingRetries, 0)
        let downstream = try XCTUnwrap(bench.downstream)
        let deadLettered = downstream.count("dead_lettered")
        XCTAssertEqual(deadLettered, bench.service.statistics.completed, "one analytics call per recording, none delivered")
        XCTAssertEqual(bench.service.statistics.downstreamDeadLettered, deadLettered)
        XCTAssertTrue(bench.context.ledger.holds)
    }

    /// CPU above 90 % puts the service in emergency mode (§1.3.2): only screen recordings are
    /// accepted, at most 480p, without AI or real-time transcription; when the load is gone the
    /// service returns to full service.
    func testDegradationShedsFeaturesAndRejectsNewSessionsAtTheEmergencyLevel() throws {
        let bench = try RecordingTestBench {
            $0.autoscalingEnabled = false
            $0.initialReplicas = 2
            $0.coresPerSession = 0.05  // heavy sessions: 17 per pod exceed 90 % of a core
        }
        let first = bench.service.startSession(userTier: "enterprise", length: .wholeSeconds(100), resolution: 1080, type: .screen)
        try bench.run(until: 1)
        XCTAssertEqual(bench.service.settings(ofSession: first),
                       RecordingSettings(qualityLines: 1080, enableAI: true, enableRealTimeTranscription: true))
        for _ in 0..<33 { bench.service.startSession(userTier: "enterprise", length: .wholeSeconds(100), resolution: 1080, type: .screen) }
        try bench.run(until: 15)
        XCTAssertGreaterThan(bench.service.lastHealth.cpuPercent, 90)
        XCTAssertEqual(bench.service.degradationLevel, .emergencyMode)

        let camera = bench.service.startSession(userTier: "enterprise", length: .wholeSeconds(30), resolution: 1080, type: .camera)
        XCTAssertEqual(bench.terminal(.failed(reason: "degraded-rejected")), 1)
        XCTAssertNil(bench.service.podID(ofSession: camera))
        let screen = bench.service.startSession(userTier: "enterprise", length: .wholeSeconds(30), resolution: 1080, type: .screen)
        XCTAssertEqual(bench.service.settings(ofSession: screen),
                       RecordingSettings(qualityLines: 480, enableAI: false, enableRealTimeTranscription: false))
        XCTAssertEqual(bench.notes("degradation.level").first?.detail.hasPrefix("full-service → emergency-mode"), true)

        try bench.run(until: 130)
        XCTAssertEqual(bench.service.degradationLevel, .fullService, "load gone, features back")
        let later = bench.service.startSession(userTier: "enterprise", length: .wholeSeconds(30), resolution: 1080, type: .camera)
        XCTAssertEqual(bench.service.settings(ofSession: later)?.enableAI, true)
        try bench.run(until: 300)
        XCTAssertTrue(bench.context.ledger.holds)
    }

    func testCoreOnlyShedsAIAndTranscriptionButKeepsQuality() throws {
        let bench = try RecordingTestBench {
            $0.autoscalingEnabled = false
            $0.initialReplicas = 2
            $0.coresPerSession = 0.05
        }
        for _ in 0..<28 { bench.service.startSession(userTier: "enterprise", length: .wholeSeconds(100), resolution: 1080, type: .screen) }
        try bench.run(until: 15)
        XCTAssertEqual(bench.service.degradationLevel, .coreOnly, "14 sessions per pod: between 80 % and 90 % CPU")
        let id = bench.service.startSession(userTier: "enterprise", length: .wholeSeconds(30), resolution: 1080, type: .camera)
        XCTAssertEqual(bench.service.settings(ofSession: id),
                       RecordingSettings(qualityLines: 1080, enableAI: false, enableRealTimeTranscription: false))
    }

    func testAsWrittenEmergencyModeKeepsTranscriptionAndForces480p() throws {
        let bench = try RecordingTestBench {
            $0.autoscalingEnabled = false
            $0.initialReplicas = 2
            $0.coresPerSession = 0.05
            $0.degradation.variant = .asWritten
        }
        for _ in 0..<34 { bench.service.startSession(userTier: "enterprise", length: .wholeSeconds(100), resolution: 1080, type: .screen) }
        try bench.run(until: 15)
        XCTAssertEqual(bench.service.degradationLevel, .emergencyMode)
        let id = bench.service.startSession(userTier: "enterprise", length: .wholeSeconds(30), resolution: 360, type: .screen)
        XCTAssertEqual(bench.service.settings(ofSession: id),
                       RecordingSettings(qualityLines: 480, enableAI: false, enableRealTimeTranscription: true))
    }
}
