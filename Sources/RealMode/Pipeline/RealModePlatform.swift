import Foundation
import LoomServices

/// The machine as real mode's video service sees it: its GPUs as GPU pools, its cores as CPU
/// worker slots.
///
/// GPU pools come from `GPUInventory` (NVML at run time): one pool per GPU model. A model with
/// NVENC, where FFmpeg can open `h264_nvenc`, gets an encode throughput and the job mapping
/// points transcodes at it, so the GPU manager's allocation, preemption and wait budget decide
/// which jobs encode with NVENC. A model without NVENC (H100/H200) is a pool that cannot encode,
/// so the manager routes encode work to the CPU workers — the seed's own fallback. Without any
/// GPU there are no pools: one line says so and every job takes the CPU fallback.
public struct RealModeGPUPlan: Sendable {
    /// What to print: the inventory's lines, or the one "no NVIDIA GPU: …" line.
    public var lines: [String]
    public var pools: [GPUPoolSpec]
    /// The pool type transcodes map to (nil: none; jobs fall back to CPU).
    public var transcodeType: String?
    /// The encoder GPU-placed work uses ("h264_nvenc"), nil when none can be opened.
    public var encoder: String?
    public var devices: [GPUDevice]

    /// No GPUs at all (also what `useGPUs: false` gives).
    public static func none(_ line: String) -> RealModeGPUPlan {
        RealModeGPUPlan(lines: [line], pools: [], transcodeType: nil, encoder: nil, devices: [])
    }

    /// Discovers the machine's GPUs for the service in `region`.
    public static func discover(region: String) -> RealModeGPUPlan {
        switch GPUInventory.discover() {
        case .failure(let error):
            return .none(error.description)
        case .success(let inventory):
            var lines = inventory.summary
            let nvenc = EncoderSelection.availability(of: "h264_nvenc")
            if !inventory.encodeDevices.isEmpty, case .cannotOpen(let reason) = nvenc {
                lines.append("h264_nvenc cannot be opened (\(reason)): encoding runs on the CPU")
            }
            let canEncode = nvenc.isAvailable
            var pools: [GPUPoolSpec] = []
            var transcodeType: String?
            var firstType: String?
            let models = inventory.devices.reduce(into: [String: [GPUDevice]]()) { $0[$1.name, default: []].append($1) }
            for name in models.keys.sorted() {
                let devices = models[name]!
                let encodes = canEncode && devices.allSatisfy(\.hasEncoder)
                let typeName = slug(name)
                let type = GPUType(name: typeName, encoderEngines: encodes ? 1 : 0, maxEncodeSessions: encodes ? 8 : 0,
                                   memoryGiB: Double(devices[0].memoryBytes) / Double(1 << 30),
                                   encode: encodes ? .scaled(from: 450) : .none, speedFactors: [:], costPerHour: 0)
                pools.append(GPUPoolSpec(region: region, type: type, count: devices.count))
                if encodes && transcodeType == nil { transcodeType = typeName }
                if firstType == nil { firstType = typeName }
            }
            return RealModeGPUPlan(lines: lines, pools: pools, transcodeType: transcodeType ?? firstType,
                                   encoder: transcodeType == nil ? nil : "h264_nvenc", devices: inventory.devices)
        }
    }

    /// "NVIDIA H200" → "nvidia-h200".
    static func slug(_ name: String) -> String {
        let lowered = name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return String(lowered).split(separator: "-").joined(separator: "-")
    }
}

/// The video service's configuration for a real-mode run.
public enum RealModePlatform {
    /// The cores of this machine.
    public static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// The default CPU worker slots: half the cores (each job's encoders get two threads), at least one.
    public static var defaultConcurrency: Int { max(1, cores / 2) }

    /// `base` adapted to this machine: the GPU pools of `gpu`, `concurrency` CPU worker slots
    /// (warm pods of one job each, no autoscaler, no modelled crashes), rejected sources
    /// dead-lettered, no modelled failures or losses (libav and the checksums decide), the
    /// rendition ladder `ladder`, short deferrals, and checkpoints kept by the libav backend.
    public static func configuration(base: VideoProcessingConfiguration, gpu: RealModeGPUPlan, concurrency: Int,
                                     ladder: [Int]) -> VideoProcessingConfiguration {
        var c = base
        c.gpuPools = gpu.pools.map { var p = $0; p.region = c.region; return p }
        if let type = gpu.transcodeType {
            c.mapping.standardType = type
            c.mapping.uhdType = type
        }
        var template = c.cpuWorkers.template
        template.crashesPerHour = 0
        c.cpuWorkers = CPUWorkerConfiguration(
            template: template, initialReplicas: max(1, concurrency), hpaManifestYAML: nil, jobsPerPod: 1,
            encode: c.cpuWorkers.encode, speedFactors: c.cpuWorkers.speedFactors,
            memoryPerJobBytes: c.cpuWorkers.memoryPerJobBytes, idleMemoryBytes: c.cpuWorkers.idleMemoryBytes)
        let encodeGPUs = gpu.encoder == nil ? 0 : gpu.pools.filter { $0.type.encode.canEncode }.reduce(0) { $0 + $1.count }
        c.maxJobsInFlight = c.maxJobsInFlight ?? max(2, Int((1.25 * Double(encodeGPUs + max(1, concurrency))).rounded(.up)))
        c.invalidSourceDisposition = .deadLettered
        c.invalidSourceProbability = 0
        c.processingFailureProbability = 0
        c.intermediateLossProbability = 0
        c.checkpointPersistence = .modelled
        // libav's optimization stage is the poster and key-frame indexes: no AI enhancement pass.
        c.work.enhancementPass = false
        for g in c.gpuPools.indices { c.gpuPools[g].failuresPerGPUHour = 0 }
        if !ladder.isEmpty {
            let rates = Dictionary(RenditionRung.defaultLadder.map { ($0.height, $0.bitsPerSecond) }, uniquingKeysWith: { a, _ in a })
            c.work.ladder = ladder.map { RenditionRung(height: $0, bitsPerSecond: rates[$0] ?? 2e6) }
        }
        if c.deferralDelay > .wholeSeconds(10) { c.deferralDelay = .wholeSeconds(10) }
        c.maxDeferrals = min(c.maxDeferrals, 3)
        return c
    }

    /// The rendition ladder real mode encodes by default: seed §2.1 / §4's 1080p, 720p, 480p, 360p.
    public static let defaultLadder = TranscodeProfile.standardLadder.map(\.maxHeight)
}
