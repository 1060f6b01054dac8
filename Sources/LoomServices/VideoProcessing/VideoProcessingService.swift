/// The video processing service (seed §2, §7.2): jobs created when recordings finish go through
/// the multi-tier priority queue with backpressure (§2.2.1, the real `ProcessingJobQueue`), are
/// given settings by the load-adaptive strategy (§2.4.1, the real `AdaptiveProcessingPolicy`),
/// validated, transcoded into parallel renditions and optimized on a GPU chosen by type — with
/// preemption of less urgent jobs and CPU fallback after a wait budget (§2.2.2) — and uploaded
/// to the object store. Progress is checkpointed; a preempted, interrupted or failed job resumes
/// from its last checkpoint, or from an earlier stage when its intermediates are lost (§2.3.1).
///
/// Every job admitted ends in one terminal state in the ledger under service `video-processing`:
/// completed; failed(invalid-source | gpu-type-unavailable); deadLettered(reason) when the queue
/// dead-letters it after its maximum processing attempts; dropped(backpressure) when the queue
/// rejected it and the client gave up after its retries — or it is still in flight.
public final class VideoProcessingService {
    public static let service = "video-processing"

    public let configuration: VideoProcessingConfiguration
    /// The GPUs this service allocates from (its region's pools).
    public let fleet: GPUFleet
    let ownsFleet: Bool
    public let objectStore: ObjectStore
    /// The multi-tier queue (inspect it; the service owns its mutations).
    public internal(set) var queue: ProcessingJobQueue
    /// Called when a job reaches its terminal state (the recording saga listens here).
    public var onJobFinished: ((UInt64, TerminalState) -> Void)?

    let context: PlatformContext
    let gpus: GPUResourceManager
    let cpu: CPUWorkerPool
    var cpuWaiting = PriorityWaitList(isGPU: false)
    var jobs: [UInt64: VideoJob] = [:]
    /// Jobs accepted by `trySubmitJob`, by idempotency key.
    var acceptedKeys: [String: UInt64] = [:]
    var nextID: UInt64 = 1
    var inFlight = 0
    public private(set) var maxJobsInFlight = 1
    var deferredCount = 0
    var arrivals = 0
    var pumping = false
    var pumpAgain = false
    var metrics: VideoProcessingMetrics!
    /// Who does the pipeline's work: the work model (simulation) or libav (real mode).
    public let workBackend: any VideoWorkBackend
    let uploadStream: RandomStream

    static let validatedKind = EventKind("video.validated")
    static let deviceDoneKind = EventKind("video.device_done")
    static let deviceFailedKind = EventKind("video.device_failed")
    static let waitBudgetKind = EventKind("video.wait_budget")
    static let clientRetryKind = EventKind("video.client_retry")
    static let heldReleaseKind = EventKind("video.held_release")
    static let deferralKind = EventKind("video.deferral")
    static let uploadRetryKind = EventKind("video.upload_retry")

    /// Creates the service in `configuration.region`. Pass a shared `fleet` / `objectStore`
    /// when other services use the same GPUs or bucket; otherwise the service creates its own
    /// from `configuration.gpuPools` / `configuration.objectStore`. `workBackend` does the
    /// pipeline's work (default: `SimulatedVideoWorkBackend`; real mode passes its libav
    /// backend). A `configuration.calibration` is applied first. Throws for an invalid
    /// configuration.
    public init(configuration: VideoProcessingConfiguration, context: PlatformContext,
                fleet: GPUFleet? = nil, objectStore: ObjectStore? = nil,
                workBackend: (any VideoWorkBackend)? = nil) throws {
        try configuration.validate()
        let configuration = configuration.calibrated()
        self.configuration = configuration
        self.context = context
        ownsFleet = fleet == nil
        self.fleet = try fleet ?? GPUFleet(pools: configuration.gpuPools, context: context)
        self.objectStore = try objectStore ?? ObjectStore(configuration: configuration.objectStore, context: context)
        queue = try ProcessingJobQueue(configuration: configuration.queue)
        gpus = GPUResourceManager(
            pools: self.fleet.pools(in: configuration.region), presetFactors: configuration.work.gpuPresetWorkFactors,
            variant: configuration.preemption, minimumGap: configuration.preemptionMinimumTierGap,
            initialHold: configuration.initialHoldEstimate)
        var backlog: () -> Double = { 0 }
        cpu = try CPUWorkerPool(configuration: configuration.cpuWorkers, presetFactors: configuration.work.cpuPresetWorkFactors,
                                region: configuration.region, context: context, backlog: { backlog() })
        self.workBackend = workBackend ?? SimulatedVideoWorkBackend(configuration: configuration, context: context,
                                                                    objectStore: self.objectStore)
        uploadStream = context.stream("video.upload")
        backlog = { [unowned self] in Double(self.backlog) }
        metrics = VideoProcessingMetrics(service: self, context: context)
        wireDevices()
    }

    /// Starts the worker pods (warm), their autoscaler and the GPU fleet's random failures.
    /// Call once before submitting jobs.
    public func start() {
        let gpuCount = gpus.pools.reduce(0) { $0 + $1.provisioned }
        maxJobsInFlight = configuration.maxJobsInFlight
            ?? max(1, Int((configuration.inFlightPerDevice * Double(gpuCount + cpu.maximumSlots)).rounded(.up)))
        cpu.start()
        fleet.start()
    }

    /// Puts the service's costs into a run's cost loop: the CPU worker pods, and the GPUs when
    /// the service created its own fleet (a shared fleet is registered once by its creator).
    public func register(with host: any PlatformHost) {
        host.track(cpu.deployment)
        if ownsFleet { host.accrue { [unowned self] interval in self.fleet.accrueCost(over: interval) } }
    }

    /// Jobs waiting in the tiers, for a GPU and for a CPU worker (the HPA's external metric).
    public var backlog: Int { queue.queuedCount + gpus.waitingTotal + cpuWaiting.count }
    /// Jobs admitted and not yet terminal.
    public var jobsInSystem: Int { jobs.count }
    /// Jobs holding a processing worker.
    public var jobsInFlight: Int { inFlight }
    /// The CPU worker Deployment.
    public var cpuWorkers: Deployment { cpu.deployment }

    // MARK: Entry points

    /// A finished recording's processing job arrives (seed `EnqueueJob`); returns its id.
    /// A rejected job is resubmitted by its client after the retry-after, up to
    /// `configuration.clientMaxRetries` times, then dropped.
    @discardableResult
    public func submitJob(_ request: VideoJobRequest) -> UInt64 {
        admit(request, clientMaxRetries: configuration.clientMaxRetries)
    }

    func admit(_ request: VideoJobRequest, clientMaxRetries: Int) -> UInt64 {
        let id = nextID
        nextID += 1
        let job = VideoJob(id: id, request: request, now: context.now,
                           gpuType: configuration.mapping.gpuType(jobType: request.jobType, sourceHeight: request.sourceHeight),
                           isAI: configuration.mapping.aiJobTypes.contains(request.jobType))
        job.clientMaxRetries = clientMaxRetries
        jobs[id] = job
        arrivals += 1
        context.ledger.admit(Self.service, id: id, at: context.now)
        enqueue(job)
        return id
    }

    /// `submitJob` with the workload's attributes as arguments.
    @discardableResult
    public func submitJob(userTier: String, durationSeconds: Double, sourceHeight: Int, fileSizeBytes: Int64,
                          jobType: String = "transcode", isLiveRecording: Bool = false) -> UInt64 {
        submitJob(VideoJobRequest(userTier: userTier, durationSeconds: durationSeconds, sourceHeight: sourceHeight,
                                  fileSizeBytes: fileSizeBytes, jobType: jobType, isLiveRecording: isLiveRecording))
    }

    /// The seed's estimated GPU wait for a job of `priority` on GPUs of `type` here.
    public func estimatedGPUWait(type: String, priority: JobPriority) -> TimeAmount? {
        gpus.poolIndex(type: type).map { gpus.estimatedWait(pool: $0, priority: priority) }
    }

    /// The system load the adaptive strategy sees now (seed §2.4.1 `GetCurrentLoad`): CPU and
    /// memory of the CPU workers, GPU utilization of the region's pools.
    public var systemLoad: SystemLoad {
        let c = cpu.loadPercent()
        return SystemLoad(cpuPercent: c.cpu, memoryPercent: c.memory, gpuPercent: gpus.loadPercent())
    }

    /// A job's state, or nil once it is terminal.
    public func status(of id: UInt64) -> VideoJobStatus? {
        guard let job = jobs[id] else { return nil }
        var stage = job.checkpointStage
        var done = VideoJob.workDone(encode: job.checkpointEncode, optimization: job.checkpointOptimization)
        var checkpointDone = done
        var checkpointStage = job.checkpointStage
        if let plan = job.plan, let seg = job.segment {
            let elapsed = (context.now - seg.start).seconds
            let now = seg.progress(of: plan, after: elapsed)
            done = VideoJob.workDone(encode: now.encode, optimization: now.optimization)
            stage = seg.stage(after: elapsed)
            let c = seg.checkpointElapsed(at: elapsed, interval: configuration.checkpointInterval.seconds)
            let atCheckpoint = seg.progress(of: plan, after: c)
            checkpointDone = VideoJob.workDone(encode: atCheckpoint.encode, optimization: atCheckpoint.optimization)
            checkpointStage = seg.stage(after: c)
        }
        return VideoJobStatus(
            id: id, priority: job.priority, gpuType: job.gpuType, strategy: job.strategy, stage: stage,
            device: publicDevice(job.device), deviceWorkDone: done, checkpointWorkDone: checkpointDone,
            checkpointStage: checkpointStage, preemptions: job.preemptions, deviceLosses: job.deviceLosses,
            restarts: job.restarts, validations: job.validations, cpuFallbacks: job.cpuFallbacks, deferrals: job.deferrals,
            failedAttempts: job.queueJob.failedAttempts, lostDeviceSeconds: job.lostDeviceSeconds, estimatedWait: job.estimatedWait)
    }

    func publicDevice(_ hold: DeviceHold) -> VideoDevice {
        switch hold {
        case .none: return .none
        case let .gpu(pool, gpu): return .gpu(type: gpus.pools[pool].type.name, index: gpu)
        case let .cpu(pod): return .cpu(pod: cpu.podName(pod))
        }
    }
}
