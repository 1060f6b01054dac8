/// Checkpoints, interruptions and recovery (seed §2.3.1 `JobRecoveryManager`, §7.2
/// `VideoProcessingSnapshotManager`), and the upload stage.
extension VideoProcessingService {
    // MARK: Interruptions

    /// Throws away the work done since the job's last checkpoint on its current device.
    func rollBack(_ job: VideoJob) {
        guard var plan = job.plan, let seg = job.segment else { return }
        if let e = job.deviceEvent {
            workBackend.cancel(e)
            job.deviceEvent = nil
        }
        let elapsed = (context.now - seg.start).seconds
        let c = seg.checkpointElapsed(at: elapsed, interval: configuration.checkpointInterval.seconds)
        let progress = seg.progress(of: plan, after: c)
        plan.encodeRemaining = progress.encode
        plan.optimizationRemaining = progress.optimization
        job.plan = plan
        job.segment = nil
        job.checkpointStage = job.isAI ? .optimization : seg.stage(after: c)
        saveCheckpoint(job)
        job.lostDeviceSeconds += elapsed - c
        context.metrics.add(metrics.lostDeviceSeconds, elapsed - c)
    }

    /// A more urgent job takes `victim`'s GPU (seed `preemptJob`); the victim goes back to
    /// waiting from its checkpoint and may not preempt in turn.
    func preempt(_ victim: VideoJob, for job: VideoJob, pool p: Int) {
        guard case let .gpu(_, g) = victim.device else { preconditionFailure("victim \(victim.id) holds no GPU") }
        rollBack(victim)
        victim.preemptions += 1
        context.metrics.add(metrics.preemptionCounter(pool: p))
        gpus.markStopped(victim, pool: p)
        victim.device = .none
        gpus.pools[p].release(g)
        guard let taken = gpus.pools[p].allocate(owner: job.id) else { preconditionFailure("the preempted GPU vanished") }
        startOnGPU(job, pool: p, gpu: taken)
        resumeAfterInterruption(victim, mayPreempt: false)
    }

    /// GPUs of pool `p` were lost while running jobs: every victim rolls back and lets go of its
    /// GPU first, then each resumes (so none tries to preempt another victim).
    func gpusLost(pool p: Int, _ lost: [(gpu: Int, owner: UInt64)]) {
        var victims: [VideoJob] = []
        for (gpu, owner) in lost {
            guard let job = jobs[owner], job.device == .gpu(pool: p, gpu: gpu) else { continue }
            rollBack(job)
            gpus.markStopped(job, pool: p)
            job.device = .none
            job.deviceLosses += 1
            context.metrics.add(metrics.gpuInterruptions)
            victims.append(job)
        }
        for job in victims { resumeAfterInterruption(job, mayPreempt: true) }
    }

    /// Seed `RecoverJob` after an interruption: check the intermediates, then continue.
    func resumeAfterInterruption(_ job: VideoJob, mayPreempt: Bool) {
        recoverIntermediates(job)
        resumeFromCheckpoint(job, mayPreempt: mayPreempt)
    }

    /// A failed processing attempt: the worker is freed and the queue decides between another
    /// attempt (queued again, resuming from the checkpoint) and the dead-letter queue.
    func processingFailed(_ job: VideoJob, reason: String) {
        context.metrics.add(metrics.processingFailures)
        releaseWorker(job)
        job.recovering = true
        let admission = queue.recordProcessingFailure(job.queueJob, reason: reason, now: context.now)
        job.queueJob.failedAttempts += 1
        handle(admission, for: job)
    }

    /// Seed `RecoverJob` / `RestoreFromSnapshot`: when the checkpoint's intermediate files are
    /// missing or unreadable (the backend checks: a configured probability, the store's error
    /// rate or outage in simulation; the files' SHA-256 checksums in real mode), restart from
    /// the earlier stage (`restartFromEarlierStage`).
    func recoverIntermediates(_ job: VideoJob) {
        guard job.checkpointStage != .validation, job.plan != nil else { return }
        loadCheckpoint(job)
        guard workBackend.intermediatesLost(VideoWorkItem(job), stage: job.checkpointStage) else { return }
        let from = job.checkpointStage
        let to = from.restartStage
        job.restarts += 1
        context.metrics.add(metrics.restartCounter(from: from))
        job.plan!.reset(from: to)
        job.checkpointStage = to
        saveCheckpoint(job)
    }

    // MARK: Checkpoints

    private func checkpointKey(_ job: VideoJob) -> String { "video-processing/checkpoint/\(job.id)" }

    /// Makes the plan's remaining work the job's checkpoint (and writes it to the state store
    /// when configured).
    func saveCheckpoint(_ job: VideoJob) {
        guard let plan = job.plan else { return }
        job.checkpointEncode = plan.encodeRemaining
        job.checkpointOptimization = plan.optimizationRemaining
        job.checkpointVersion += 1
        guard configuration.checkpointPersistence == .stateStore else { return }
        let text = "\(job.checkpointVersion)|\(job.checkpointStage.rawValue)|\(plan.optimizationRemaining)|"
            + plan.encodeRemaining.map { "\($0)" }.joined(separator: ",")
        try? context.runtime.backends.stateStore.setValue(Array(text.utf8), forKey: checkpointKey(job))
    }

    /// Restores the plan from the checkpoint (read back from the state store when configured).
    func loadCheckpoint(_ job: VideoJob) {
        if configuration.checkpointPersistence == .stateStore,
           let bytes = try? context.runtime.backends.stateStore.value(forKey: checkpointKey(job)),
           let decoded = Self.decodeCheckpoint(String(decoding: bytes, as: UTF8.self)) {
            job.checkpointVersion = decoded.version
            job.checkpointStage = decoded.stage
            job.checkpointOptimization = decoded.optimization
            job.checkpointEncode = decoded.encode
        }
        job.plan?.encodeRemaining = job.checkpointEncode
        job.plan?.optimizationRemaining = job.checkpointOptimization
    }

    func forgetCheckpoint(_ job: VideoJob) {
        guard configuration.checkpointPersistence == .stateStore else { return }
        try? context.runtime.backends.stateStore.removeValue(forKey: checkpointKey(job))
    }

    static func decodeCheckpoint(_ text: String) -> (version: Int64, stage: VideoStage, optimization: Double, encode: [Double])? {
        let fields = text.split(separator: "|", omittingEmptySubsequences: false)
        guard fields.count == 4, let version = Int64(fields[0]), let raw = Int(fields[1]),
              let stage = VideoStage(rawValue: raw), let optimization = Double(fields[2]) else { return nil }
        let encode = fields[3].isEmpty ? [] : fields[3].split(separator: ",").compactMap { Double($0) }
        return (version, stage, optimization, encode)
    }

    // MARK: Upload

    /// The upload stage: the renditions go to the object store, with retries; when the retries
    /// are exhausted the attempt fails (and recovery may find the outputs gone).
    func startUpload(_ job: VideoJob) {
        if job.upload == nil { job.upload = RetryContext(config: configuration.uploadRetry) }
        workBackend.upload(VideoWorkItem(job), bytes: job.plan?.outputBytes ?? 0) { [unowned self] outcome in
            guard !job.isFinished else { return }
            if case let .failed(reason) = outcome {
                let draw = self.uploadStream.uniform()
                switch job.upload!.record(.failure, uniformDraw: draw) {
                case let .retry(after, _):
                    self.context.after(after, Self.uploadRetryKind, entity: job.id) { [unowned self] in
                        if !job.isFinished { self.startUpload(job) }
                    }
                case .finish:
                    job.upload = nil
                    self.processingFailed(job, reason: reason)
                }
                return
            }
            job.upload = nil
            self.finish(job, .completed)
        }
    }
}
