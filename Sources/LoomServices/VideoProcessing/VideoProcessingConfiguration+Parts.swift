/// How a job's GPU type is chosen (seed §2.2.2 `determineGPURequirement`): AI job types need
/// the high-end type, sources at least `uhdMinimumHeight` tall the mid-range one, the rest the
/// basic one. Type names are pool keys of the `GPUFleet`.
public struct GPUTypeMapping: Sendable, Equatable {
    /// Job types that are AI work (seed: "ai_analysis", "transcription").
    public var aiJobTypes: [String]
    /// Their GPU type (seed: nvidia-a100).
    public var aiType: String
    /// Source height from which transcoding needs the mid-range type (seed: `Height >= 2160`).
    public var uhdMinimumHeight: Int
    /// The 4K type (seed: nvidia-rtx-4080).
    public var uhdType: String
    /// Everything else (seed: nvidia-rtx-3060).
    public var standardType: String

    public init(aiJobTypes: [String] = ["ai_analysis", "transcription"], aiType: String = "a100",
                uhdMinimumHeight: Int = 2160, uhdType: String = "rtx-4080", standardType: String = "rtx-3060") {
        self.aiJobTypes = aiJobTypes
        self.aiType = aiType
        self.uhdMinimumHeight = uhdMinimumHeight
        self.uhdType = uhdType
        self.standardType = standardType
    }

    /// The GPU type the seed chooses for a job.
    public func gpuType(jobType: String, sourceHeight: Int) -> String {
        if aiJobTypes.contains(jobType) { return aiType }
        if sourceHeight >= uhdMinimumHeight { return uhdType }
        return standardType
    }
}

/// Which preemption rule the GPU resource manager follows (seed §2.2.2 `tryPreemption`;
/// DESIGN.md §8).
public enum PreemptionVariant: String, CaseIterable, Sendable, Codable {
    /// The intent: a job more urgent than the least urgent running job on its pool (by at least
    /// the configured tier gap) preempts that job; among equals, the most recently started one
    /// (the least work since its start is at stake).
    case intended
    /// The seed as written: `if newJob.Priority <= HighPriority { return nil }` (a high-priority
    /// job never preempts) and `runningJob.Priority < newJob.Priority` (the first running job
    /// that is *more* urgent than the newcomer, in allocation order, is preempted).
    case asWritten
    /// No preemption at all (a baseline for comparisons).
    case disabled
}

/// Where checkpoints are kept (seed §2.3.1 `checkpointStore`, §7.2 Redis + S3).
public enum CheckpointPersistence: String, CaseIterable, Sendable, Codable {
    /// Checkpoint instants and contents are computed from the job's progress (periodic every
    /// `checkpointInterval` of device time, at each finished rendition and at stage ends);
    /// nothing is written, which keeps the hot path free of store traffic.
    case modelled
    /// As `modelled`, and every checkpoint a recovery relies on is also written to and read
    /// back from `context.runtime.backends.stateStore` (SQLite in real mode).
    case stateStore
}

/// One rung of the output ladder: a height and the bitrate its rendition is encoded at.
public struct RenditionRung: Sendable, Equatable {
    /// Output height, lines.
    public var height: Int
    /// Average video bitrate at CRF 23, bits/s.
    public var bitsPerSecond: Double

    public init(height: Int, bitsPerSecond: Double) {
        self.height = height
        self.bitsPerSecond = bitsPerSecond
    }

    /// Bitrates after Apple's HLS authoring specification ladder (H.264: 1080p 6 Mb/s,
    /// 720p 3 Mb/s, 432p 1.1 Mb/s, 360p 0.73 Mb/s; 2160p/1440p from its HEVC-era top rungs).
    public static let defaultLadder: [RenditionRung] = [
        RenditionRung(height: 2160, bitsPerSecond: 16e6), RenditionRung(height: 1440, bitsPerSecond: 10e6),
        RenditionRung(height: 1080, bitsPerSecond: 6e6), RenditionRung(height: 720, bitsPerSecond: 3e6),
        RenditionRung(height: 480, bitsPerSecond: 1.1e6), RenditionRung(height: 360, bitsPerSecond: 0.73e6),
    ]
}

/// How much work a job is, independent of the device that does it.
public struct VideoWorkModel: Sendable {
    /// Renditions produced: every rung no taller than the source and the strategy's maximum
    /// (seed §2.1 "Transcoding Stage / Parallel Profiles"; §2.4.1 `MaxResolution`).
    public var ladder: [RenditionRung]
    /// Encode work per frame by preset, relative to medium, on GPU encoders (NVENC P1 is
    /// ≈1.8× faster than P4, P6 ≈1.6× slower): ultrafast 0.55, medium 1, slow 1.6.
    public var gpuPresetWorkFactors: [String: Double]
    /// The same for CPU encoders (x264: ultrafast ≈4× faster than medium, slow ≈1.7× slower).
    public var cpuPresetWorkFactors: [String: Double]
    /// Seconds of the validation stage (probe and format check; seed §2.1 "Validation Stage"),
    /// default lognormal mean 3 s, CV 0.5.
    public var validationTime: Distribution
    /// Device seconds of packaging (HLS segmenting, manifests) in the optimization stage.
    public var packagingSeconds: Double
    /// Size of an AI job's result (transcript, analysis JSON), bytes.
    public var aiResultBytes: Double
    /// Whether a transcode's optimization stage includes the AI enhancement pass (seed §2.1
    /// "AI Enhancement", skipped by the fast strategy's `SkipAI`). Default true; real mode's
    /// libav backend has no enhancement model, so it and its simulated twin turn it off.
    public var enhancementPass: Bool

    public init(ladder: [RenditionRung] = RenditionRung.defaultLadder,
                gpuPresetWorkFactors: [String: Double] = ["ultrafast": 0.55, "medium": 1, "slow": 1.6],
                cpuPresetWorkFactors: [String: Double] = ["ultrafast": 0.25, "medium": 1, "slow": 1.7],
                validationTime: Distribution? = nil, packagingSeconds: Double = 2, aiResultBytes: Double = 1e6,
                enhancementPass: Bool = true) {
        self.ladder = ladder
        self.gpuPresetWorkFactors = gpuPresetWorkFactors
        self.cpuPresetWorkFactors = cpuPresetWorkFactors
        self.validationTime = validationTime ?? (try! .lognormal(mean: 3, coefficientOfVariation: 0.5))
        self.packagingSeconds = packagingSeconds
        self.aiResultBytes = aiResultBytes
        self.enhancementPass = enhancementPass
    }
}

/// The CPU fallback pool (seed §2.1 "CPU Pool Manager / Fallback Processing"): a Deployment of
/// worker pods scaled by an HPA on CPU and on the processing backlog.
public struct CPUWorkerConfiguration: Sendable {
    /// Worker pod shape. Default: 8 cores, 16 GiB, ≈45 s image pull (an FFmpeg image), 10 s
    /// readiness, $0.34/h (an AWS c6i.2xlarge on demand).
    public var template: PodTemplate
    /// Pods at time zero.
    public var initialReplicas: Int
    /// The HPA manifest (autoscaling/v2 YAML) for the worker Deployment; nil: fixed replicas.
    /// The external metric `video_processing_backlog` is the jobs waiting in the tiers plus those
    /// waiting for a device.
    public var hpaManifestYAML: String?
    public var scrapeInterval: TimeAmount
    public var metricsDelay: TimeAmount
    /// Jobs one pod runs at once (default 1: x264 with threads = all cores, seed §2.4.1 `Threads`).
    public var jobsPerPod: Int
    /// A pod's encode rates with all its cores (x264 medium ≈7 fps per core at 1080p → 56 fps).
    public var encode: EncodeThroughput
    /// Speed factors on CPU by work kind (AI enhancement ≈2× real time on 8 cores; AI jobs
    /// are not offered to CPU by default, see `cpuFallbackJobTypes`).
    public var speedFactors: [String: Double]
    /// Memory a running job uses on the pod, bytes (decoder + parallel encoders' lookahead).
    public var memoryPerJobBytes: Double
    /// Memory of an idle pod, bytes.
    public var idleMemoryBytes: Double

    public static let defaultHPAManifest = """
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: video-processing-cpu-workers}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: video-processing}
          minReplicas: 4
          maxReplicas: 100
          metrics:
          - type: Resource
            resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
          - type: External
            external:
              metric: {name: video_processing_backlog}
              target: {type: AverageValue, averageValue: "50"}
        """

    public init(template: PodTemplate? = nil, initialReplicas: Int = 4, hpaManifestYAML: String? = defaultHPAManifest,
                scrapeInterval: TimeAmount = .wholeSeconds(15), metricsDelay: TimeAmount = .wholeSeconds(30),
                jobsPerPod: Int = 1, encode: EncodeThroughput = .scaled(from: 56),
                speedFactors: [String: Double] = ["enhancement": 2], memoryPerJobBytes: Double = 3 * 1_073_741_824,
                idleMemoryBytes: Double = 512 * 1_048_576) {
        self.template = template ?? PodTemplate(
            cpuRequestCores: 8, memoryRequestBytes: 16 * 1_073_741_824,
            startupLatency: try! .lognormal(mean: 45, coefficientOfVariation: 0.3),
            readinessDelay: try! .constant(10), costPerHour: 0.34)
        self.initialReplicas = initialReplicas
        self.hpaManifestYAML = hpaManifestYAML
        self.scrapeInterval = scrapeInterval
        self.metricsDelay = metricsDelay
        self.jobsPerPod = jobsPerPod
        self.encode = encode
        self.speedFactors = speedFactors
        self.memoryPerJobBytes = memoryPerJobBytes
        self.idleMemoryBytes = idleMemoryBytes
    }
}
