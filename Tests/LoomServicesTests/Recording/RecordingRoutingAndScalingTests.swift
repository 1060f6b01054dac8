import XCTest
@testable import LoomServices

/// Session affinity, per-pod capacity and the seed's HPA (§1.2.1).
final class RecordingRoutingAndScalingTests: XCTestCase {
    func testStickyRoutingKeepsEverySessionOnItsPodWhileTheDeploymentScales() throws {
        let bench = try RecordingTestBench { $0.autoscalingEnabled = false }
        let ids = bench.startSessions(60, length: 600)
        try bench.run(until: 1)
        let placed = ids.map { bench.service.podID(ofSession: $0) }
        XCTAssertTrue(placed.allSatisfy { $0 != nil })
        XCTAssertEqual(bench.service.sessionsPerPod.map(\.sessions), Array(repeating: 6, count: 10), "least-sessions spreads evenly")

        bench.service.deployment.scale(to: 20)
        try bench.run(until: 120)
        XCTAssertEqual(bench.service.deployment.servingCount, 20)
        XCTAssertEqual(ids.map { bench.service.podID(ofSession: $0) }, placed, "existing sessions never move to the new pods")
        let newcomers = bench.startSessions(10, length: 600)
        let original = Set(placed.compactMap { $0 })
        XCTAssertTrue(newcomers.allSatisfy { !original.contains(bench.service.podID(ofSession: $0)!) },
                      "new sessions go to the empty pods")
        try bench.run(until: 500)
        XCTAssertEqual(ids.map { bench.service.podID(ofSession: $0) }, placed, "still on their pods after many progress ticks")
        try bench.run(until: 1_000)
        XCTAssertEqual(bench.terminal(.completed), 70)
        XCTAssertTrue(bench.context.ledger.holds)
    }

    func testSessionsBeyondEveryPodsConnectionLimitAreDropped() throws {
        let bench = try RecordingTestBench {
            $0.autoscalingEnabled = false
            $0.initialReplicas = 2
            $0.maxSessionsPerPod = 5
            $0.degradationEnabled = false
        }
        bench.startSessions(12, length: 60)
        XCTAssertEqual(bench.service.sessionsOnPods, 10)
        XCTAssertEqual(bench.terminal(.dropped(reason: "no-capacity")), 2)
        try bench.run(until: 200)
        XCTAssertEqual(bench.terminal(.completed), 10)
        XCTAssertTrue(bench.context.ledger.holds)
    }

    /// The seed's HPA: scale out while `active_recording_sessions` averages above 100 per pod
    /// (at most +50 % per minute after a 60 s window), and scale in only after the 300 s
    /// scale-down stabilization window, by at most 10 % per minute.
    func testHPAScalesOutOnActiveSessionsAndInAfterTheStabilizationWindow() throws {
        let bench = try RecordingTestBench()
        var timeline: [(t: Double, replicas: Int)] = []
        bench.context.every(.wholeSeconds(15), EventKind("test.watch")) {
            timeline.append((bench.now, bench.service.deployment.replicas))
        }
        // 2,000 sessions of 30 minutes arriving over 15 minutes: 200 per pod on the 10 pods.
        try bench.arrive(rate: 2_000.0 / 900, from: 0, until: 900, length: 1_800)
        try bench.run(until: 600)
        XCTAssertGreaterThan(bench.service.deployment.replicas, 10, "scaled out while sessions grow")
        try bench.run(until: 1_800)
        let peak = bench.service.deployment.replicas
        let sessions = bench.service.sessionsOnPods
        XCTAssertEqual(Double(peak), Double(sessions) / 100, accuracy: 0.15 * Double(peak), "about 100 sessions per pod (±10 % tolerance)")
        XCTAssertLessThanOrEqual(bench.service.sessionsPerPod.map(\.sessions).max() ?? 0, 150, "never above the connection limit")
        XCTAssertEqual(bench.service.statistics.droppedNoCapacity, 0, "the HPA kept up")
        let ups = zip(timeline, timeline.dropFirst()).filter { $1.replicas > $0.replicas }
        XCTAssertTrue(ups.allSatisfy { Double($1.replicas) <= ceil(1.5 * Double($0.replicas)) }, "at most +50 % per step")

        // Sessions end from 1,800 s on. Metrics lag 30 s and the HPA keeps the highest
        // recommendation of the last 300 s, so nothing is removed before 2,100 s.
        try bench.run(until: 4_500)
        let downs = zip(timeline, timeline.dropFirst()).filter { $1.replicas < $0.replicas }
        XCTAssertFalse(downs.isEmpty)
        XCTAssertGreaterThanOrEqual(downs.first!.1.t, 2_100, "no scale-in inside the stabilization window")
        for (i, a) in timeline.enumerated() {
            guard let b = timeline[i...].first(where: { $0.t >= a.t + 60 }), b.replicas < a.replicas else { continue }
            XCTAssertGreaterThanOrEqual(Double(b.replicas), floor(0.9 * Double(a.replicas)) - 1, "about 10 % per minute at \(a.t) s")
        }
        XCTAssertEqual(bench.service.deployment.replicas, 10, "back to minReplicas")
        XCTAssertEqual(bench.terminal(.completed), bench.service.statistics.requested)
        XCTAssertTrue(bench.context.ledger.holds)
    }

    func testDeterministicDigestAndMetrics() throws {
        func run() throws -> (TraceDigest, MetricsSnapshot) {
            let bench = try RecordingTestBench(seed: 42)
            bench.context.every(.wholeSeconds(60), EventKind("test.sample"), startingAfter: .wholeSeconds(60)) {
                bench.context.metrics.sample(at: bench.runtime.now)
            }
            try bench.arrive(rate: 3, from: 0, until: 400, length: 240, type: nil)
            try bench.begin(.podLoss, on: "recording", magnitude: 2, at: 200)
            try bench.begin(.dependencyErrors, on: "recording->analytics", magnitude: 0.5, at: 100, for: 200)
            try bench.run(until: 900)
            return (bench.runtime.digest, bench.context.metrics.snapshot())
        }
        let (d1, m1) = try run()
        let (d2, m2) = try run()
        XCTAssertEqual(d1, d2)
        XCTAssertEqual(String(describing: m1), String(describing: m2), "NaN-safe comparison of the snapshots")
    }

    func testInvalidConfigurationsAreRejectedWithTheField() {
        func message(_ adjust: (inout RecordingConfiguration) -> Void) -> String {
            var c = RecordingConfiguration()
            adjust(&c)
            do { try c.validate(); return "valid" } catch { return "\(error)" }
        }
        XCTAssertEqual(message { _ in }, "valid")
        XCTAssertTrue(message { $0.maxSessionsPerPod = 0 }.contains("maxSessionsPerPod must be at least 1"))
        XCTAssertTrue(message { $0.progressInterval = .zero }.contains("progressInterval must be positive"))
        XCTAssertTrue(message { $0.postgres.serverPoolSize = 0 }.contains("serverPoolSize"))
        XCTAssertTrue(message { $0.redis.name = $0.postgres.name }.contains("different names"))
        XCTAssertTrue(message { $0.snapshots.corruptionProbability = 2 }.contains("corruptionProbability"))
        XCTAssertTrue(message { $0.bitrates = [RecordingBitrate(lines: 720, mbps: 2), RecordingBitrate(lines: 480, mbps: 1)] }.contains("sorted"))
        XCTAssertTrue(message { $0.tiers["free"] = RecordingTierPolicy(maxLength: .zero, maxResolution: 720, enableAI: false, enableRealTimeTranscription: false) }
            .contains("tier free: maxLength"))
    }
}
