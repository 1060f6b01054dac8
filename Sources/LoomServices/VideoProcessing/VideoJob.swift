/// A processing job as a finished recording creates it (seed §2.2.1 `ProcessingJob`): the
/// workload's attributes, as values.
public struct VideoJobRequest: Sendable, Equatable {
    /// The customer's plan ("free", "business", "premium", "enterprise"): premium and enterprise
    /// jobs are high priority (seed `calculateJobPriority`).
    public var userTier: String
    /// Length of the recording, seconds.
    public var durationSeconds: Double
    /// Height of the source video, lines (2160 for 4K).
    public var sourceHeight: Int
    /// Size of the uploaded source, bytes (over 1 GiB: low priority).
    public var fileSizeBytes: Int64
    /// "transcode", or an AI job type ("ai_analysis", "transcription") that needs the A100.
    public var jobType: String
    /// Live recordings are high priority.
    public var isLiveRecording: Bool
    /// When the recording was made (seed: recent recordings, < 1 h, are normal priority, older
    /// ones low); nil: now.
    public var recordedAt: Instant?
    /// Source frames per second.
    public var frameRate: Double
    /// An explicit priority (e.g. `.batch` for bulk re-processing, which the seed's rules never
    /// produce); nil: the seed's rules decide.
    public var priority: JobPriority?
    /// Where the source media is, for a backend that processes real files (real mode: the
    /// key of an input in its catalog); nil in simulation, where sources are attributes only.
    public var mediaReference: String?

    public init(userTier: String, durationSeconds: Double, sourceHeight: Int, fileSizeBytes: Int64,
                jobType: String = "transcode", isLiveRecording: Bool = false, recordedAt: Instant? = nil,
                frameRate: Double = 30, priority: JobPriority? = nil, mediaReference: String? = nil) {
        self.userTier = userTier
        self.durationSeconds = durationSeconds
        self.sourceHeight = sourceHeight
        self.fileSizeBytes = fileSizeBytes
        self.jobType = jobType
        self.isLiveRecording = isLiveRecording
        self.recordedAt = recordedAt
        self.frameRate = frameRate
        self.priority = priority
        self.mediaReference = mediaReference
    }
}

/// Where a job's device work runs right now.
public enum VideoDevice: Sendable, Equatable, CustomStringConvertible {
    case none
    /// GPU `index` of the pool of `type`.
    case gpu(type: String, index: Int)
    /// A CPU worker pod.
    case cpu(pod: String)

    public var description: String {
        switch self {
        case .none: return "none"
        case let .gpu(type, index): return "gpu \(type)#\(index)"
        case let .cpu(pod): return "cpu \(pod)"
        }
    }
}

/// A job's state as tests and reports see it.
public struct VideoJobStatus: Sendable, Equatable {
    public var id: UInt64
    public var priority: JobPriority
    /// The GPU type the job maps to (seed `determineGPURequirement`).
    public var gpuType: String
    public var strategy: ProcessingStrategy?
    public var stage: VideoStage
    public var device: VideoDevice
    /// Fraction of the transcoding and optimization work done, 0–1, as of now.
    public var deviceWorkDone: Double
    /// The same as of the last checkpoint.
    public var checkpointWorkDone: Double
    public var checkpointStage: VideoStage
    /// Times the job was preempted, lost its device (GPU or pod loss), restarted from an
    /// earlier stage, validated, fell back to CPU, and was deferred.
    public var preemptions: Int
    public var deviceLosses: Int
    public var restarts: Int
    public var validations: Int
    public var cpuFallbacks: Int
    public var deferrals: Int
    /// Processing attempts that failed so far (the queue's count).
    public var failedAttempts: Int
    /// Device seconds of work thrown away by rollbacks to checkpoints.
    public var lostDeviceSeconds: Double
    /// The GPU wait estimated when the job last found no GPU free (seed `estimateWaitTime`).
    public var estimatedWait: TimeAmount?
}

/// The service's record of one job from admission to its terminal state.
final class VideoJob {
    let id: UInt64
    let request: VideoJobRequest
    let submittedAt: Instant
    let gpuType: String
    let isAI: Bool
    var queueJob: ProcessingJob
    var priority: JobPriority = .normal
    var enqueuedAt: Instant
    var strategy: ProcessingStrategy?
    var plan: JobWorkPlan?
    /// The stage and remaining work of the last checkpoint (the job's durable state).
    var checkpointStage: VideoStage = .validation
    var checkpointEncode: [Double] = []
    var checkpointOptimization: Double = 1
    var checkpointVersion: Int64 = 0
    /// Whether the job holds one of the in-flight worker slots.
    var holdsWorker = false
    var device: DeviceHold = .none
    var segment: DeviceSegment?
    /// The device work in progress (the backend's handle), cancelled on interruption.
    var deviceEvent: VideoWorkHandle?
    /// Waiting for a GPU of its pool / a CPU worker, since `waitSince`.
    var waitingForGPU = false
    var waitingForCPU = false
    /// Bumped at each new wait, so stale wait-list entries are recognised.
    var gpuWaitGeneration: UInt32 = 0
    var cpuWaitGeneration: UInt32 = 0
    /// The job failed an attempt and must check its intermediates when dispatched again.
    var recovering = false
    var waitSince = Instant.distantFuture
    var waitTimer: EventHandle?
    var estimatedWait: TimeAmount?
    /// Allocation order, for the as-written preemption scan.
    var allocationSequence: UInt64 = 0
    var upload: RetryContext?
    var clientRetries = 0
    var clientMaxRetries = 0
    /// Set when the job reaches its terminal state: timers and callbacks still pending for it
    /// (an upload in progress, a client's retry) then do nothing.
    var isFinished = false
    var preemptions = 0
    var deviceLosses = 0
    var restarts = 0
    var validations = 0
    var cpuFallbacks = 0
    var deferrals = 0
    var lostDeviceSeconds = 0.0

    init(id: UInt64, request: VideoJobRequest, now: Instant, gpuType: String, isAI: Bool) {
        self.id = id
        self.request = request
        self.submittedAt = now
        self.enqueuedAt = now
        self.gpuType = gpuType
        self.isAI = isAI
        queueJob = ProcessingJob(
            id: String(id), jobType: request.jobType, userTier: request.userTier, isLiveRecording: request.isLiveRecording,
            fileSizeBytes: request.fileSizeBytes, createdAt: request.recordedAt ?? now)
    }

    /// Fraction of the device work done in `plan`'s terms.
    static func workDone(encode: [Double], optimization: Double) -> Double {
        let parts = Double(encode.count + 1)
        return (Double(encode.count) - encode.reduce(0, +) + (1 - optimization)) / parts
    }
}

/// The device a job holds.
enum DeviceHold: Equatable {
    case none
    case gpu(pool: Int, gpu: Int)
    case cpu(pod: UInt64)
}
