/// Who does the video-processing pipeline's work (seed §2.1: validation → transcoding with
/// parallel profiles → optimization → upload), so that one service code path runs on both
/// runtimes (DESIGN.md §1): the service decides *what* happens to a job — its priority, its
/// strategy, its device, retries, checkpoints, dead-lettering — and the backend does the work
/// and says how it went.
///
/// - `SimulatedVideoWorkBackend` (the default) computes the work's durations from the work
///   model and schedules their ends on the runtime, with random failures drawn from named
///   streams: the behaviour the simulator always had.
/// - Real mode's libav backend (`RealMode/Pipeline`) runs each stage with libav on worker
///   threads and posts the outcome back onto the wall-clock loop.
///
/// Every call is made on the runtime's loop and every completion must be delivered there,
/// later (from an event or a posted result), never from inside the call; a backend never
/// completes a call twice, and never completes device work whose handle was cancelled.
public protocol VideoWorkBackend: AnyObject {
    /// A short name for reports ("simulated", "libav").
    var name: String { get }

    /// The validation stage (probe and format check). A job that finished in the meantime
    /// (`job.isFinished`, e.g. cancelled) may be dropped without a completion.
    func validate(_ job: VideoWorkItem, completion: @escaping (VideoValidationOutcome) -> Void)

    /// One stay of the job on `device`: the transcoding still to do (every rendition of the
    /// plan, in parallel) and then the optimization stage. `modelledSeconds` is the work
    /// model's duration of that stay on that device (what a simulated backend waits).
    func startDeviceWork(_ job: VideoWorkItem, on device: VideoDevice, modelledSeconds: Double,
                         completion: @escaping (VideoDeviceOutcome) -> Void) -> VideoWorkHandle

    /// Abandons device work (preemption, a lost device, cancellation): its completion never runs.
    func cancel(_ handle: VideoWorkHandle)

    /// Seed `RecoverJob`: whether the intermediates a job at `stage` relies on are missing or
    /// corrupt, so that it must restart from an earlier stage (`VideoStage.restartStage`).
    func intermediatesLost(_ job: VideoWorkItem, stage: VideoStage) -> Bool

    /// The upload stage: publish the job's outputs (`bytes` as the work model sizes them).
    func upload(_ job: VideoWorkItem, bytes: Double, completion: @escaping (VideoUploadOutcome) -> Void)

    /// The job reached its terminal state (a backend may release what it kept for it).
    func jobFinished(_ job: VideoWorkItem, state: TerminalState)
}

extension VideoWorkBackend {
    public func jobFinished(_ job: VideoWorkItem, state: TerminalState) {}
}

/// What the validation stage found.
public enum VideoValidationOutcome: Sendable, Equatable {
    /// The source can be processed.
    case valid
    /// The source cannot be processed, and why (the probe's reason); the job is not retried.
    case rejected(reason: String)
}

/// How one stay of device work ended.
public enum VideoDeviceOutcome: Sendable, Equatable {
    /// Transcoding and optimization are done; `deviceSeconds` is how long the device was
    /// held (modelled in simulation, measured in real mode).
    case completed(deviceSeconds: Double)
    /// The attempt failed (an encoder error, a bad frame); the queue decides about a retry.
    case failed(reason: String)
}

/// How one upload attempt ended.
public enum VideoUploadOutcome: Sendable, Equatable {
    case stored
    case failed(reason: String)
}

/// Device work in progress, as the backend identifies it: an event on the runtime in
/// simulation, a ticket of work on a worker thread in real mode.
public struct VideoWorkHandle: Hashable, Sendable {
    public var ticket: UInt64
    public var event: EventHandle?

    public init(ticket: UInt64 = 0, event: EventHandle? = nil) {
        self.ticket = ticket
        self.event = event
    }
}

/// A job as a backend sees it: identity, the request (with its media reference in real
/// mode), and the decisions the service made for it so far (priority, strategy, renditions).
/// A view of the service's own record, so it is always current; read it on the loop only.
public struct VideoWorkItem {
    let job: VideoJob

    init(_ job: VideoJob) { self.job = job }

    /// The service's job id (also the ledger's unit id).
    public var jobID: UInt64 { job.id }
    public var request: VideoJobRequest { job.request }
    /// The GPU type the job maps to (seed `determineGPURequirement`).
    public var gpuType: String { job.gpuType }
    public var isAI: Bool { job.isAI }
    public var priority: JobPriority { job.priority }
    /// The strategy chosen at the job's first dispatch (nil before).
    public var strategy: ProcessingStrategy? { job.strategy }
    /// Heights of the renditions the plan produces, tallest first (empty before the first
    /// dispatch and for AI jobs).
    public var renditionHeights: [Int] { job.plan?.heights ?? [] }
    /// The stage of the job's last checkpoint.
    public var checkpointStage: VideoStage { job.checkpointStage }
    /// Processing attempts that failed so far.
    public var failedAttempts: Int { job.queueJob.failedAttempts }
    /// Set once the job reached its terminal state.
    public var isFinished: Bool { job.isFinished }
}
