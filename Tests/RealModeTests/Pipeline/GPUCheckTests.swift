import Foundation
import LoomServices
@testable import RealMode
import XCTest

/// The GPU side of real mode. Without a GPU (CI): one "no NVIDIA GPU" line, no pools, every
/// transcode mapped to the CPU. With `LOOMSIM_GPU_CHECK=1` (scripts/gpu-check.sh on a GPU
/// machine): discovery, an NVENC encode and an NVDEC decode of a generated clip, printed.
final class GPUCheckTests: XCTestCase {
    func testThePlanWithoutAGPUIsOneLineAndNoPools() {
        let plan = RealModeGPUPlan.discover(region: "r1")
        if plan.devices.isEmpty {
            XCTAssertEqual(plan.lines.count, 1)
            XCTAssertTrue(plan.lines[0].hasPrefix("no NVIDIA GPU"), plan.lines[0])
            XCTAssertTrue(plan.pools.isEmpty)
            XCTAssertNil(plan.encoder)
        } else {
            XCTAssertEqual(plan.pools.reduce(0) { $0 + $1.count }, plan.devices.count)
            // Hopper parts have no NVENC: their pool cannot encode, so encode work goes to CPU.
            for pool in plan.pools where pool.type.name.contains("h100") || pool.type.name.contains("h200") {
                XCTAssertFalse(pool.type.encode.canEncode)
            }
        }
        let configuration = RealModePlatform.configuration(base: VideoProcessingConfiguration(region: "r1"), gpu: plan,
                                                           concurrency: 3, ladder: [720, 360])
        XCTAssertEqual(configuration.cpuWorkers.initialReplicas, 3)
        XCTAssertNil(configuration.cpuWorkers.hpaManifestYAML)
        XCTAssertEqual(configuration.invalidSourceDisposition, .deadLettered)
        XCTAssertEqual(configuration.work.ladder.map(\.height), [720, 360])
        XCTAssertNoThrow(try configuration.validate())
    }

    func testAGPUWithoutEncodersSendsEncodeWorkToTheCPU() {
        let h200 = GPUDevice(index: 0, name: "NVIDIA H200", memoryBytes: 141 << 30, encoderCapacityPercent: nil, hasDecoder: true)
        var plan = RealModeGPUPlan.none("")
        plan.devices = [h200]
        plan.pools = [GPUPoolSpec(region: "r1", type: GPUType(name: "nvidia-h200", encoderEngines: 0, maxEncodeSessions: 0,
                                                               memoryGiB: 141, encode: .none, speedFactors: [:], costPerHour: 0),
                                  count: 1)]
        plan.transcodeType = "nvidia-h200"
        let configuration = RealModePlatform.configuration(base: VideoProcessingConfiguration(region: "r1"), gpu: plan,
                                                           concurrency: 1, ladder: [360])
        XCTAssertEqual(configuration.mapping.standardType, "nvidia-h200")
        let runtime = SimulatedRuntime(seed: 1)
        let context = PlatformContext(runtime: runtime)
        let service = try! VideoProcessingService(configuration: configuration, context: context)
        service.start()
        service.submitJob(userTier: "free", durationSeconds: 2, sourceHeight: 360, fileSizeBytes: 1_000)
        runtime.runUntilIdle()
        // It completed on a CPU worker: the H200 cannot encode.
        let snapshot = context.metrics.snapshot()
        XCTAssertEqual(snapshot.counter(named: "gpu.cpu_fallbacks{type=nvidia-h200}")?.total, 1)
        XCTAssertEqual(snapshot.counter(named: "video-processing.completed")?.total, 1)
        XCTAssertEqual(RealModeGPUPlan.slug("NVIDIA H200"), "nvidia-h200")
    }

    func testNVDECAttemptAnswersWithoutCrashing() throws {
        let work = PipelineFixtures.folder(self, "nvdec")
        let clip = try PipelineFixtures.clips([("small.mp4", PipelineFixtures.small)], in: work)[0]
        do {
            let report = try NVDECProbe.decode(path: clip)
            XCTAssertEqual(report.frames, 25)
        } catch {
            // No CUDA device here: libav's reason, in one line.
            XCTAssertEqual(error.kind, .unsupported)
            XCTAssertFalse(error.reason.isEmpty)
            XCTAssertFalse(error.description.contains("\n"))
        }
    }

    func testDeviceCheckWhenAsked() throws {
        guard ProcessInfo.processInfo.environment["LOOMSIM_GPU_CHECK"] == "1" else {
            throw XCTSkip("set LOOMSIM_GPU_CHECK=1 (scripts/gpu-check.sh) to run the NVENC/NVDEC attempt")
        }
        let work = PipelineFixtures.folder(self, "gpu-check")
        let lines = GPUCheck.run(workDirectory: work)
        print(lines.map { "gpu-check: \($0)" }.joined(separator: "\n"))
        XCTAssertFalse(lines.isEmpty)
    }
}
