import XCTest
@testable import LoomServices

/// A small, deterministic video-processing set-up: constant stage times, no random failures,
/// a handful of GPUs and CPU workers without an autoscaler, so each test can compute the
/// instants it asserts.
struct VideoHarness {
    let runtime: SimulatedRuntime
    let context: PlatformContext
    let service: VideoProcessingService
    var finished: [UInt64: TerminalState] { box.finished }
    var finishOrder: [UInt64] { box.order }
    var finishTimes: [UInt64: Double] { box.times }
    private let box: FinishBox

    final class FinishBox {
        var finished: [UInt64: TerminalState] = [:]
        var order: [UInt64] = []
        var times: [UInt64: Double] = [:]
    }

    /// A configuration with `gpus` GPUs of each listed type in "r1", `cpuPods` warm CPU pods
    /// (no HPA), validation 1 s, 0.1 s object-store latency, and no random failures or losses.
    static func configuration(gpus: [(GPUType, Int)] = [(.rtx3060, 1)], cpuPods: Int = 0) -> VideoProcessingConfiguration {
        var c = VideoProcessingConfiguration(region: "r1")
        c.gpuPools = gpus.map { GPUPoolSpec(region: "r1", type: $0.0, count: $0.1) }
        c.cpuWorkers = CPUWorkerConfiguration(initialReplicas: cpuPods, hpaManifestYAML: nil)
        c.work = VideoWorkModel(validationTime: try! .constant(1))
        c.invalidSourceProbability = 0
        c.processingFailureProbability = 0
        c.intermediateLossProbability = 0
        c.objectStore = ObjectStore.Configuration(firstByteLatency: try! .constant(0.1), bytesPerSecondPerRequest: 1e12)
        c.maxJobsInFlight = 100
        return c
    }

    init(_ configuration: VideoProcessingConfiguration, seed: UInt64 = 1) throws {
        runtime = SimulatedRuntime(seed: seed)
        context = PlatformContext(runtime: runtime)
        service = try VideoProcessingService(configuration: configuration, context: context)
        let box = FinishBox()
        self.box = box
        let rt = runtime
        service.onJobFinished = { id, state in
            box.finished[id] = state
            box.order.append(id)
            box.times[id] = rt.now.seconds
        }
        service.start()
    }

    func run(until seconds: Double) throws { try runtime.run(until: try .seconds(seconds)) }

    /// Submits a 1080p transcode of `seconds` for a user on `tier` (free: normal priority;
    /// premium: high).
    @discardableResult
    func submit(tier: String = "free", seconds: Double = 600, height: Int = 1080, size: Int64 = 100_000_000,
                type: String = "transcode") -> UInt64 {
        service.submitJob(VideoJobRequest(userTier: tier, durationSeconds: seconds, sourceHeight: height,
                                          fileSizeBytes: size, jobType: type))
    }

    func status(_ id: UInt64) -> VideoJobStatus { service.status(of: id)! }

    func counter(_ key: String) -> Double {
        context.metrics.snapshot().counter(named: key)?.total ?? 0
    }
}

/// Device seconds of a 600 s, 30 fps, 1080p source's four renditions on an RTX 3060 at the
/// medium preset (18,000 frames at 450 / 945 / 1,800 / 2,700 fps) and their completion
/// instants when the renditions share the GPU equally.
enum Reference3060 {
    static let renditionSeconds: [Double] = [18_000.0 / 450, 18_000.0 / 945, 18_000.0 / 1_800, 18_000.0 / 2_700]
    static var transcodeSeconds: Double { renditionSeconds.reduce(0, +) }
    /// Enhancement at 20× real time plus 2 s of packaging.
    static let optimizationSeconds = 600.0 / 20 + 2
    static var totalSeconds: Double { transcodeSeconds + optimizationSeconds }
    /// Elapsed device seconds when each rendition finishes (smallest first).
    static var completions: [Double] {
        let s = renditionSeconds.sorted()
        var out: [Double] = [], elapsed = 0.0, level = 0.0
        for (j, r) in s.enumerated() {
            elapsed += Double(s.count - j) * (r - level)
            level = r
            out.append(elapsed)
        }
        return out
    }
}
