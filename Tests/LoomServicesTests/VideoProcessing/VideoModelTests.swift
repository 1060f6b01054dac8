import XCTest
@testable import LoomServices

/// The pieces under the service: encode rates, the work plan and its closed-form progress, the
/// GPU fleet, the object store, and configuration validation.
final class VideoModelTests: XCTestCase {
    func testEncodeThroughputLooksUpTheNextTallerRungAndScalesAboveTheTable() throws {
        let t = GPUType.rtx3060.encode
        XCTAssertEqual(t.framesPerSecond(height: 1080), 450)
        XCTAssertEqual(t.framesPerSecond(height: 900), 450, "a rung between rates uses the taller one's")
        XCTAssertEqual(t.framesPerSecond(height: 2160), 112.5)
        XCTAssertEqual(t.framesPerSecond(height: 4320), 112.5 / 4, accuracy: 1e-9, "beyond the table: by pixel count")
        XCTAssertFalse(GPUType.a100.encode.canEncode, "A100: no NVENC")
        XCTAssertGreaterThan(GPUType.rtx4080.encode.framesPerSecond(height: 1080), t.framesPerSecond(height: 1080))
        XCTAssertGreaterThan(GPUType.a100.speedFactor(for: "transcription")!, GPUType.rtx4080.speedFactor(for: "transcription")!)
        XCTAssertThrowsError(try EncodeThroughput([.init(height: 1080, framesPerSecond: 1), .init(height: 720, framesPerSecond: 2)]))
        XCTAssertThrowsError(try EncodeThroughput([.init(height: 1080, framesPerSecond: 0)]))
    }

    private func plan(_ strategy: ProcessingStrategy, height: Int, seconds: Double = 600, isAI: Bool = false) -> JobWorkPlan {
        let request = VideoJobRequest(userTier: "free", durationSeconds: seconds, sourceHeight: height, fileSizeBytes: 1,
                                      jobType: isAI ? "transcription" : "transcode")
        return JobWorkPlan(request: request, settings: AdaptiveProcessingPolicy.settings(for: strategy, cpuCount: 8)!,
                           isAI: isAI, work: VideoWorkModel())
    }

    func testStrategySettingsChooseRenditionsPresetAndOutputSize() {
        XCTAssertEqual(plan(.balanced, height: 1080).heights, [1080, 720, 480, 360])
        XCTAssertEqual(plan(.fast, height: 1080).heights, [720, 480, 360], "fast caps at 720p")
        XCTAssertEqual(plan(.balanced, height: 2160).heights, [1080, 720, 480, 360], "balanced caps at 1080p")
        XCTAssertEqual(plan(.optimal, height: 2160).heights, [2160, 1440, 1080, 720, 480, 360])
        XCTAssertEqual(plan(.balanced, height: 240).heights, [240], "a source below the ladder keeps its height")
        XCTAssertEqual(plan(.fast, height: 1080).analysisMediaSeconds, 0, "fast skips AI")
        // 1080p + 720p + 480p + 360p at CRF 23 = 10.83 Mb/s over 600 s.
        XCTAssertEqual(plan(.balanced, height: 1080).outputBytes, 10.83e6 * 600 / 8, accuracy: 1)
        let ai = plan(.balanced, height: 1080, isAI: true)
        XCTAssertEqual(ai.heights, [])
        XCTAssertEqual(ai.analysisKind, "transcription")
    }

    func testDeviceSegmentSharesTheDeviceAndCheckpointsAtRenditionEnds() throws {
        let p = plan(.balanced, height: 1080)
        let rates = DeviceRates(encode: GPUType.rtx3060.encode, presetFactors: VideoWorkModel().gpuPresetWorkFactors,
                                speedFactors: GPUType.rtx3060.speedFactors)
        let seg = try XCTUnwrap(DeviceSegment(plan: p, rates: rates, start: .zero))
        let c = Reference3060.completions
        for (a, b) in zip(seg.completions, c) { XCTAssertEqual(a, b, accuracy: 1e-9) }
        XCTAssertEqual(seg.totalSeconds, Reference3060.totalSeconds, accuracy: 1e-9)
        // At the second completion the two smallest renditions are done and the others have had
        // as much device time as the second.
        let at = seg.progress(of: p, after: c[1])
        XCTAssertEqual(at.encode[2], 0, accuracy: 1e-12)
        XCTAssertEqual(at.encode[3], 0, accuracy: 1e-12)
        XCTAssertEqual(at.encode[0], 1 - 10.0 / 40, accuracy: 1e-9)
        XCTAssertEqual(at.optimization, 1)
        XCTAssertEqual(seg.checkpointElapsed(at: 29, interval: 30), c[0], accuracy: 1e-9)
        XCTAssertEqual(seg.checkpointElapsed(at: 31, interval: 30), 30)
        XCTAssertEqual(seg.checkpointElapsed(at: 100, interval: 30), 90)
        XCTAssertEqual(seg.stage(after: 80), .optimization)
        let late = seg.progress(of: p, after: Reference3060.transcodeSeconds + 16)
        XCTAssertEqual(late.optimization, 0.5, accuracy: 1e-9)
        XCTAssertNil(DeviceSegment(plan: p, rates: DeviceRates(encode: .none, presetFactors: [:], speedFactors: [:]), start: .zero))
    }

    func testFleetLosesAndRestoresGPUsByTypeOrPoolAndAveragesUtilization() throws {
        let rt = SimulatedRuntime(seed: 3)
        let ctx = PlatformContext(runtime: rt)
        let fleet = try GPUFleet(pools: [GPUPoolSpec(region: "a", type: .rtx3060, count: 4),
                                         GPUPoolSpec(region: "b", type: .rtx3060, count: 4)], context: ctx)
        let a = fleet.pool(type: "rtx-3060", region: "a")!
        var lost: [(gpu: Int, owner: UInt64)] = []
        a.onLost = { lost += $0 }
        for owner in 1...4 { XCTAssertNotNil(a.allocate(owner: UInt64(owner))) }
        XCTAssertNil(a.allocate(owner: 9))
        try rt.run(until: try .seconds(10))
        ctx.metrics.sample(at: rt.now)
        let all = ActiveFault(kind: .gpuLoss, target: "rtx-3060", magnitude: 2)
        ctx.faults.begin(all)
        XCTAssertEqual(a.healthyCount, 2)
        XCTAssertEqual(fleet.pool(type: "rtx-3060", region: "b")!.healthyCount, 2, "a type target hits every region")
        XCTAssertEqual(lost.count, 2, "all of a's GPUs were busy")
        try rt.run(until: try .seconds(20))
        ctx.metrics.sample(at: rt.now)
        ctx.faults.end(all)
        XCTAssertEqual(a.healthyCount, 4)
        ctx.faults.begin(ActiveFault(kind: .gpuLoss, target: "b/rtx-3060", magnitude: 1))
        XCTAssertEqual(a.healthyCount, 4)
        let util = try XCTUnwrap(ctx.metrics.snapshot().series(named: "gpu.utilization{type=rtx-3060}")).values
        // 0–10 s: 4 of 8 busy. 10–20 s: 2 busy of 4 healthy.
        XCTAssertEqual(util, [0.5, 0.5])
        fleet.accrueCost(over: .hours(1))
        XCTAssertEqual(ctx.costs.byCategory["gpu.rtx-3060"] ?? 0, 8 * 0.20, accuracy: 1e-9)
        XCTAssertThrowsError(try GPUFleet(pools: [GPUPoolSpec(region: "a", type: .a100, count: 1),
                                                  GPUPoolSpec(region: "a", type: .a100, count: 2)], context: ctx)) {
            XCTAssertTrue("\($0)".contains("defined twice"))
        }
    }

    func testRandomGPUFailuresAreRepaired() throws {
        let rt = SimulatedRuntime(seed: 5)
        let ctx = PlatformContext(runtime: rt)
        let fleet = try GPUFleet(pools: [GPUPoolSpec(region: "a", type: .rtx4080, count: 10, failuresPerGPUHour: 1,
                                                     repairTime: .minutes(10))], context: ctx)
        fleet.start()
        var minimum = 10
        ctx.every(.wholeSeconds(1), EventKind("probe")) { minimum = min(minimum, fleet.pools[0].healthyCount) }
        try rt.run(until: try .seconds(4 * 3_600))
        XCTAssertLessThan(minimum, 10, "≈40 failures in 4 GPU-hours × 10")
        XCTAssertGreaterThanOrEqual(fleet.pools[0].healthyCount, 5, "failed GPUs come back after their repair")
    }

    func testObjectStoreTransferTimeAndFaults() throws {
        let rt = SimulatedRuntime(seed: 1)
        let ctx = PlatformContext(runtime: rt)
        let store = try ObjectStore(configuration: .init(firstByteLatency: try .constant(0.05), bytesPerSecondPerRequest: 100e6),
                                    context: ctx)
        var outcomes: [QueueingResource.Outcome] = []
        store.put(bytes: 200e6, entity: 1) { outcomes.append($0) }
        rt.runUntilIdle()
        XCTAssertEqual(outcomes, [.served(wait: .zero, service: .milliseconds(2_050))])
        XCTAssertEqual(ctx.metrics.snapshot().counter(named: "object-store.bytes_written")?.total, 200e6)
        ctx.faults.begin(ActiveFault(kind: .datastoreOutage, target: "object-store"))
        XCTAssertTrue(store.isUnavailable)
        store.get(bytes: 1, entity: 2) { outcomes.append($0) }
        XCTAssertEqual(outcomes.last, .rejected(reason: .unavailable))
        XCTAssertThrowsError(try ObjectStore.Configuration(name: "x", bytesPerSecondPerRequest: 0).validate())
    }

    func testConfigurationValidationNamesTheBadParameter() {
        func message(_ change: (inout VideoProcessingConfiguration) -> Void) -> String {
            var c = VideoProcessingConfiguration()
            change(&c)
            do { try c.validate(); return "" } catch { return "\(error)" }
        }
        XCTAssertEqual(message { _ in }, "")
        XCTAssertTrue(message { $0.intermediateLossProbability = 1.5 }.contains("intermediateLossProbability must be a probability"))
        XCTAssertTrue(message { $0.queue.normalCapacity = 0 }.contains("normal tier's capacity"))
        XCTAssertTrue(message { $0.work.gpuPresetWorkFactors["ultrafast"] = nil }.contains("preset \"ultrafast\""))
        XCTAssertTrue(message { $0.cpuWorkers.hpaManifestYAML = "kind: Nope" }.contains("hpaManifestYAML"))
        XCTAssertTrue(message { $0.gpuWaitBudget = .wholeSeconds(-1) }.contains("gpuWaitBudget"))
        XCTAssertThrowsError(try VideoProcessingService(configuration: {
            var c = VideoProcessingConfiguration()
            c.maxJobsInFlight = 0
            return c
        }(), context: PlatformContext(runtime: SimulatedRuntime(seed: 1))))
    }

    /// Seed `estimateWaitTime`: the jobs at least as urgent ahead, plus this one, over the
    /// pool's healthy GPUs, times the mean hold.
    func testEstimatedWaitCountsTheJobsAhead() throws {
        var c = VideoHarness.configuration(gpus: [(.rtx3060, 2)])
        c.initialHoldEstimate = .wholeSeconds(40)
        c.cpuFallbackJobTypes = []
        let h = try VideoHarness(c)
        for _ in 0..<5 { h.submit() }
        try h.run(until: 1)
        XCTAssertEqual(h.service.estimatedGPUWait(type: "rtx-3060", priority: .normal), .wholeSeconds(80), "3 ahead + 1, 2 GPUs")
        XCTAssertEqual(h.service.estimatedGPUWait(type: "rtx-3060", priority: .high), .wholeSeconds(20), "none ahead of a high job")
    }
}
