import XCTest
@testable import LoomServices

/// The GPU resource manager of seed §2.2.2: type mapping, preemption (intended and as
/// written), CPU fallback after the wait budget, and GPU loss.
final class GPUSchedulingTests: XCTestCase {
    /// A normal job runs on the only GPU from t = 1 s; a premium job validated at t = 47 s
    /// preempts it. The victim rolls back to its last checkpoint — the second rendition's end at
    /// 36.67 s of device time (after the periodic one at 30 s) — loses only the 9.33 s since,
    /// and later resumes from there.
    func testMoreUrgentJobPreemptsAndVictimResumesFromItsCheckpoint() throws {
        let h = try VideoHarness(VideoHarness.configuration())
        let a = h.submit(tier: "free")
        try h.run(until: 46)
        let b = h.submit(tier: "premium")
        try h.run(until: 46.5)
        let beforePreemption = h.status(a).deviceWorkDone
        try h.run(until: 47)

        let victim = h.status(a)
        XCTAssertEqual(victim.priority, .normal)
        XCTAssertEqual(victim.preemptions, 1)
        XCTAssertEqual(victim.device, .none)
        XCTAssertEqual(victim.checkpointStage, .transcoding)
        let checkpoint = Reference3060.completions[1]
        XCTAssertEqual(victim.lostDeviceSeconds, 46 - checkpoint, accuracy: 1e-6)
        XCTAssertLessThan(victim.lostDeviceSeconds, 30, "never more than one checkpoint interval is lost")
        XCTAssertEqual(victim.deviceWorkDone, victim.checkpointWorkDone, "progress is exactly the checkpoint's")
        XCTAssertLessThan(victim.deviceWorkDone, beforePreemption)
        XCTAssertGreaterThan(victim.deviceWorkDone, 0.4, "two of four renditions survived")

        let winner = h.status(b)
        XCTAssertEqual(winner.priority, .high)
        XCTAssertEqual(winner.strategy, .optimal)
        XCTAssertEqual(winner.device, .gpu(type: "rtx-3060", index: 0))
        XCTAssertEqual(h.counter("gpu.preemptions{type=rtx-3060}"), 1)

        // B: slow preset (×1.6) transcode plus optimization; then A resumes with what is left.
        let bEnd = 47 + Reference3060.transcodeSeconds * 1.6 + Reference3060.optimizationSeconds
        let aEnd = bEnd + Reference3060.totalSeconds - checkpoint + 0.1
        try h.run(until: 2_000)
        XCTAssertEqual(h.finishOrder, [b, a])
        XCTAssertEqual(h.finishTimes[b]!, bEnd + 0.1, accuracy: 0.01)
        XCTAssertEqual(h.finishTimes[a]!, aEnd, accuracy: 0.01, "A redoes only the work after its checkpoint")
        XCTAssertTrue(h.context.ledger.holds)
    }

    /// Seed §2.2.2 as written: a high-priority job never preempts, and a less urgent newcomer
    /// preempts a running high-priority job (DESIGN.md §8).
    func testAsWrittenPreemptionIsInverted() throws {
        var c = VideoHarness.configuration()
        c.preemption = .asWritten
        let h = try VideoHarness(c)
        let a = h.submit(tier: "free")
        try h.run(until: 46)
        let b = h.submit(tier: "premium")
        try h.run(until: 60)
        XCTAssertEqual(h.status(a).preemptions, 0, "the premium job did not preempt")
        XCTAssertNotEqual(h.status(a).device, .none)
        XCTAssertEqual(h.status(b).device, .none, "the premium job waits behind a normal one")

        let h2 = try VideoHarness(c)
        let premium = h2.submit(tier: "premium")
        try h2.run(until: 10)
        let normal = h2.submit(tier: "free")
        try h2.run(until: 11)
        XCTAssertEqual(h2.status(premium).preemptions, 1, "the normal newcomer preempted the premium job")
        XCTAssertEqual(h2.status(normal).device, .gpu(type: "rtx-3060", index: 0))

        var intended = VideoHarness.configuration()
        intended.preemption = .intended
        let h3 = try VideoHarness(intended)
        let p3 = h3.submit(tier: "premium")
        try h3.run(until: 10)
        let n3 = h3.submit(tier: "free")
        try h3.run(until: 11)
        XCTAssertEqual(h3.status(p3).preemptions, 0, "intended: a less urgent job never preempts")
        XCTAssertEqual(h3.status(n3).device, .none)
    }

    /// All GPUs busy: the job waits its 20 s budget (its estimated wait, 10 s, was within it),
    /// then runs on a CPU worker, several times slower.
    func testCPUFallbackAfterTheWaitBudget() throws {
        var c = VideoHarness.configuration(cpuPods: 1)
        c.gpuWaitBudget = .wholeSeconds(20)
        c.initialHoldEstimate = .wholeSeconds(10)
        let h = try VideoHarness(c)
        let a = h.submit()
        let b = h.submit()
        try h.run(until: 20.9)
        XCTAssertEqual(h.status(b).device, .none)
        XCTAssertEqual(h.status(b).estimatedWait, .wholeSeconds(10))
        try h.run(until: 21)
        guard case .cpu = h.status(b).device else { return XCTFail("job should run on CPU, is on \(h.status(b).device)") }
        XCTAssertEqual(h.status(b).cpuFallbacks, 1)
        XCTAssertEqual(h.counter("gpu.cpu_fallbacks{type=rtx-3060}"), 1)
        XCTAssertEqual(h.service.systemLoad.cpuPercent, 100)
        try h.run(until: 5_000)
        let gpuTime = h.finishTimes[a]! - 1
        let cpuTime = h.finishTimes[b]! - 21
        XCTAssertGreaterThan(cpuTime, 5 * gpuTime, "CPU transcoding is much slower (x264 on 8 cores vs NVENC)")
        XCTAssertEqual(h.finished[b], .completed)
    }

    /// When the estimated wait already exceeds the budget the job falls back at once; with a
    /// zero budget (the seed's behaviour) it falls back as soon as no GPU is free.
    func testFallbackIsImmediateWhenTheEstimateExceedsTheBudget() throws {
        for budget in [TimeAmount.wholeSeconds(20), .zero] {
            var c = VideoHarness.configuration(cpuPods: 1)
            c.gpuWaitBudget = budget
            c.initialHoldEstimate = .wholeSeconds(60)
            let h = try VideoHarness(c)
            h.submit()
            let b = h.submit()
            try h.run(until: 1)
            guard case .cpu = h.status(b).device else { return XCTFail("budget \(budget): job should be on CPU") }
        }
    }

    /// Seed `determineGPURequirement`: AI jobs → a100, sources ≥ 2160 lines → rtx-4080, the rest
    /// → rtx-3060; a transcode mapped to an encoder-less GPU runs on CPU.
    func testJobsMapToTheSeedsGPUTypes() throws {
        let h = try VideoHarness(VideoHarness.configuration(gpus: [(.a100, 1), (.rtx4080, 1), (.rtx3060, 1)]))
        let ai = h.submit(type: "ai_analysis")
        let uhd = h.submit(height: 2160)
        let hd = h.submit(height: 1080)
        let transcription = h.submit(type: "transcription")
        try h.run(until: 1.5)
        XCTAssertEqual(h.status(ai).device, .gpu(type: "a100", index: 0))
        XCTAssertEqual(h.status(uhd).device, .gpu(type: "rtx-4080", index: 0))
        XCTAssertEqual(h.status(hd).device, .gpu(type: "rtx-3060", index: 0))
        XCTAssertEqual(h.status(transcription).gpuType, "a100")
        XCTAssertEqual(h.status(transcription).device, .none, "waits for the busy A100; AI work never falls back to CPU")

        var c = VideoHarness.configuration(gpus: [(.a100, 1)], cpuPods: 1)
        c.mapping.standardType = "a100"
        let h2 = try VideoHarness(c)
        let routed = h2.submit()
        try h2.run(until: 1.5)
        guard case .cpu = h2.status(routed).device else { return XCTFail("the A100 has no NVENC: encode goes to CPU") }
    }

    /// A `gpuLoss` fault takes the job's GPU mid-transcode: the job rolls back to its checkpoint,
    /// waits, and resumes when the GPU returns.
    func testGPULossMidJobResumesFromCheckpoint() throws {
        var c = VideoHarness.configuration()
        c.cpuFallbackJobTypes = []
        let h = try VideoHarness(c)
        let a = h.submit()
        try h.run(until: 50)
        let fault = ActiveFault(kind: .gpuLoss, target: "r1/rtx-3060", magnitude: 1)
        h.context.faults.begin(fault)
        XCTAssertEqual(h.status(a).deviceLosses, 1)
        XCTAssertEqual(h.status(a).device, .none)
        XCTAssertEqual(h.status(a).lostDeviceSeconds, 49 - Reference3060.completions[1], accuracy: 1e-6)
        XCTAssertEqual(h.service.fleet.pools[0].healthyCount, 0)
        try h.run(until: 100)
        h.context.faults.end(fault)
        XCTAssertEqual(h.status(a).device, .gpu(type: "rtx-3060", index: 0))
        let end = 100 + Reference3060.totalSeconds - Reference3060.completions[1] + 0.1
        try h.run(until: end - 0.01)
        XCTAssertNil(h.finished[a])
        try h.run(until: end + 0.01)
        XCTAssertEqual(h.finished[a], .completed)
        XCTAssertTrue(h.context.ledger.holds)
    }

    /// The CPU workers' HPA scales out on the processing backlog (an External metric read
    /// through the scrape pipeline), adding fallback capacity.
    func testCPUWorkersScaleOutOnTheBacklog() throws {
        var c = VideoHarness.configuration()
        c.cpuWorkers = CPUWorkerConfiguration(initialReplicas: 1, hpaManifestYAML: """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: workers}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: video-processing}
              minReplicas: 1
              maxReplicas: 6
              metrics:
              - type: External
                external:
                  metric: {name: video_processing_backlog}
                  target: {type: AverageValue, averageValue: "2"}
            """)
        let h = try VideoHarness(c)
        for _ in 0..<20 { h.submit(seconds: 6_000) }
        try h.run(until: 10)
        XCTAssertEqual(h.service.cpuWorkers.replicas, 1)
        XCTAssertGreaterThan(h.service.backlog, 10)
        try h.run(until: 200)
        XCTAssertEqual(h.service.cpuWorkers.replicas, 6, "the backlog of ≈18 jobs at 2 per pod needs the maximum")
        XCTAssertEqual(h.service.cpuWorkers.servingCount, 6)
        XCTAssertGreaterThanOrEqual(h.counter("gpu.cpu_fallbacks{type=rtx-3060}"), 6)
    }
}
