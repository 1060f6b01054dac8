import XCTest
@testable import LoomServices

/// Conservation under every fault the service supports, and determinism, on a mixed workload
/// driven through `PlatformSimulation`.
final class VideoProcessingConservationTests: XCTestCase {
    struct Outcome {
        var result: PlatformSimulation.Result
        var service: VideoProcessingService
        var submitted: Int
    }

    /// One hour of arrivals (0.5 jobs/s, mixed tiers, lengths, resolutions and job types) on a
    /// small fleet with the default HPA, random failures switched on, then `drain` more to
    /// finish, with `faults` (start, end, fault) injected.
    /// (Sampling is sparse by default: the ledger does not need it, and each sample resets
    /// every latency histogram.)
    static func simulate(seed: UInt64 = 7, faults: [(Double, Double, ActiveFault)], drain: TimeAmount = .hours(3),
                         sampleInterval: TimeAmount = .minutes(30),
                         configure: (inout VideoProcessingConfiguration) -> Void = { _ in }) throws -> Outcome {
        let sim = try PlatformSimulation(seed: seed, duration: .hours(1) + drain, sampleInterval: sampleInterval)
        let ctx = sim.context
        var c = VideoProcessingConfiguration(region: "r1")
        c.gpuPools = [GPUPoolSpec(region: "r1", type: .a100, count: 1),
                      GPUPoolSpec(region: "r1", type: .rtx4080, count: 2, failuresPerGPUHour: 0.5),
                      GPUPoolSpec(region: "r1", type: .rtx3060, count: 12, failuresPerGPUHour: 0.5)]
        c.queue = ProcessingJobQueue.Configuration(highCapacity: 50, normalCapacity: 200, lowCapacity: 100, batchCapacity: 100)
        c.processingFailureProbability = 0.05
        c.invalidSourceProbability = 0.01
        c.intermediateLossProbability = 0.2
        c.gpuWaitBudget = .wholeSeconds(60)
        c.cpuWorkers.template.crashesPerHour = 0.5
        configure(&c)
        let service = try VideoProcessingService(configuration: c, context: ctx)
        service.register(with: sim)
        service.start()
        let arrivals = ctx.stream("test.arrivals")
        var submitted = 0
        func arrive() {
            let u = arrivals.uniform()
            let tier = u < 0.6 ? "free" : u < 0.8 ? "business" : u < 0.95 ? "premium" : "enterprise"
            let seconds = max(5, arrivals.exponential(mean: 240))
            let h = arrivals.uniform()
            let height = h < 0.3 ? 720 : h < 0.85 ? 1080 : h < 0.9 ? 1440 : 2160
            let t = arrivals.uniform()
            let type = t < 0.9 ? "transcode" : t < 0.95 ? "ai_analysis" : "transcription"
            let size = Int64(seconds * Double(height) * 5_000)  // ≈5 Mb/s at 1080p
            service.submitJob(VideoJobRequest(userTier: tier, durationSeconds: seconds, sourceHeight: height,
                                              fileSizeBytes: size, jobType: type, isLiveRecording: arrivals.uniform() < 0.05))
            submitted += 1
            let next = TimeAmount.saturatingSeconds(arrivals.exponential(mean: 2))
            if ctx.now + next < Instant.zero + .hours(1) { ctx.after(next, EventKind("test.arrival"), arrive) }
        }
        ctx.after(.zero, EventKind("test.arrival"), arrive)
        for (start, end, fault) in faults {
            ctx.after(.saturatingSeconds(start), EventKind("test.fault")) { ctx.faults.begin(fault) }
            ctx.after(.saturatingSeconds(end), EventKind("test.fault")) { ctx.faults.end(fault) }
        }
        let result = sim.run()
        return Outcome(result: result, service: service, submitted: submitted)
    }

    static let faultsByName: [(String, [(Double, Double, ActiveFault)])] = [
        ("none", []),
        ("gpu-loss", [(900, 1_800, ActiveFault(kind: .gpuLoss, target: "rtx-3060", magnitude: 8)),
                      (1_200, 1_500, ActiveFault(kind: .gpuLoss, target: "r1/a100", magnitude: 1))]),
        ("pod-loss", [(600, 601, ActiveFault(kind: .podLoss, target: "video-processing", magnitude: 3))]),
        ("node-loss", [(700, 701, ActiveFault(kind: .nodeLoss, target: "r1", magnitude: 2))]),
        ("object-store-outage", [(1_000, 1_600, ActiveFault(kind: .datastoreOutage, target: "object-store"))]),
        ("object-store-errors", [(500, 2_500, ActiveFault(kind: .dependencyErrors, target: "object-store", magnitude: 0.5))]),
        ("object-store-latency", [(500, 2_500, ActiveFault(kind: .dependencyLatency, target: "object-store", magnitude: 20))]),
        ("region-outage", [(1_200, 1_800, ActiveFault(kind: .regionOutage, target: "r1"))]),
    ]

    /// A counter each fault must move (the mechanism it drives).
    static let exercised: [String: String] = [
        "gpu-loss": "video-processing.interruptions{reason=gpu-lost}",
        "pod-loss": "video-processing.interruptions{reason=pod-lost}",
        "node-loss": "video-processing.interruptions{reason=pod-lost}",
        "object-store-outage": "video-processing.restarts{from=upload}",
        "object-store-errors": "video-processing.restarts{from=upload}",
        "region-outage": "video-processing.interruptions{reason=gpu-lost}",
        "none": "gpu.preemptions{type=rtx-3060}",
    ]

    func testLedgerHoldsUnderEveryFault() throws {
        for (name, faults) in Self.faultsByName {
            let o = try Self.simulate(faults: faults)
            let flow = try XCTUnwrap(o.result.conservation.first { $0.service == VideoProcessingService.service })
            XCTAssertTrue(o.result.violations.isEmpty, "\(name): \(o.result.violations.prefix(3))")
            XCTAssertTrue(flow.isBalanced, name)
            XCTAssertEqual(flow.entered, o.submitted, name)
            XCTAssertEqual(flow.inFlight, 0, "\(name): every job reached a terminal state after the drain")
            XCTAssertEqual(o.service.jobsInSystem, 0, name)
            XCTAssertTrue(o.service.queue.isBalanced, name)
            XCTAssertGreaterThan(flow.count("completed"), o.submitted / 2, name)
            XCTAssertGreaterThan(flow.count("failed"), 0, "\(name): invalid sources")
            if let key = Self.exercised[name] {
                XCTAssertGreaterThan(o.result.snapshot.counter(named: key)?.total ?? 0, 0, "\(name) exercises \(key)")
            }
        }
    }

    /// All faults at once, and an overloaded fleet that sheds load: still conserved.
    func testLedgerHoldsUnderAllFaultsAndOverload() throws {
        let all = Self.faultsByName.flatMap(\.1)
        let o = try Self.simulate(faults: all, drain: .hours(6)) { c in
            c.gpuPools = [GPUPoolSpec(region: "r1", type: .rtx3060, count: 2)]
            c.queue = ProcessingJobQueue.Configuration(highCapacity: 5, normalCapacity: 10, lowCapacity: 5, batchCapacity: 5)
            c.cpuWorkers.hpaManifestYAML = nil
            c.cpuWorkers.initialReplicas = 1
        }
        let flow = try XCTUnwrap(o.result.conservation.first { $0.service == VideoProcessingService.service })
        XCTAssertTrue(o.result.violations.isEmpty, "\(o.result.violations.prefix(3))")
        XCTAssertTrue(flow.isBalanced)
        XCTAssertEqual(flow.entered, flow.finished + flow.inFlight)
        XCTAssertGreaterThan(flow.count("dropped"), 0, "overload sheds jobs")
        XCTAssertGreaterThan(flow.count("completed"), 0)
        XCTAssertTrue(o.service.queue.isBalanced)
    }

    func testSameSeedSameDigestAndMetrics() throws {
        let faults = Self.faultsByName.flatMap(\.1)
        let a = try Self.simulate(seed: 11, faults: faults, drain: .hours(1), sampleInterval: .minutes(5))
        let b = try Self.simulate(seed: 11, faults: faults, drain: .hours(1), sampleInterval: .minutes(5))
        let c = try Self.simulate(seed: 12, faults: faults, drain: .hours(1), sampleInterval: .minutes(5))
        XCTAssertEqual(a.result.digest, b.result.digest)
        XCTAssertEqual(String(describing: a.result.snapshot), String(describing: b.result.snapshot))
        XCTAssertEqual(a.result.conservation, b.result.conservation)
        XCTAssertNotEqual(a.result.digest, c.result.digest)
        let snapshot = a.result.snapshot
        XCTAssertNotNil(snapshot.series(named: "gpu.utilization{type=rtx-3060}"))
        XCTAssertNotNil(snapshot.series(named: "video-processing.queue_depth{priority=normal}"))
        XCTAssertNotNil(snapshot.series(named: "video-processing.end_to_end{priority=high}.p99"))
        XCTAssertGreaterThan(snapshot.counter(named: "video-processing.completed")?.total ?? 0, 0)
        XCTAssertGreaterThan(a.service.context.costs.byCategory["gpu.rtx-3060"] ?? 0, 0)
        XCTAssertGreaterThan(a.service.context.costs.byCategory["pods.video-processing"] ?? 0, 0)
    }
}
