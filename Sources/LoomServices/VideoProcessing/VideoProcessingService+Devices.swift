/// Allocation of GPUs and CPU workers (seed §2.2.2 `AllocateGPU`): allocate, else preempt,
/// else wait with a budget and fall back to CPU; and the device work itself.
extension VideoProcessingService {
    func wireDevices() {
        for (p, pool) in gpus.pools.enumerated() {
            pool.onLost = { [unowned self] lost in self.gpusLost(pool: p, lost) }
            pool.onRestored = { [unowned self] in self.drainGPU(p) }
        }
        cpu.onSlotsAvailable = { [unowned self] in self.drainCPU() }
        cpu.onJobsInterrupted = { [unowned self] ids, reason in
            for id in ids {
                guard let job = self.jobs[id], case .cpu = job.device else { continue }
                self.rollBack(job)
                job.device = .none
                job.deviceLosses += 1
                self.context.metrics.add(self.metrics.podInterruptions)
                self.resumeAfterInterruption(job, mayPreempt: true)
            }
        }
    }

    /// Continues `job` from its checkpoint's stage.
    func resumeFromCheckpoint(_ job: VideoJob, mayPreempt: Bool) {
        loadCheckpoint(job)
        switch job.checkpointStage {
        case .validation: startValidation(job)
        case .transcoding, .optimization: requestDevice(job, mayPreempt: mayPreempt)
        case .upload: startUpload(job)
        }
    }

    // MARK: Validation

    func startValidation(_ job: VideoJob) {
        job.validations += 1
        workBackend.validate(VideoWorkItem(job)) { [unowned self] outcome in
            guard !job.isFinished else { return }
            if case let .rejected(reason) = outcome {
                self.finish(job, self.configuration.invalidSourceDisposition.terminalState(reason: reason))
                return
            }
            job.checkpointStage = job.isAI ? .optimization : .transcoding
            self.saveCheckpoint(job)
            self.requestDevice(job, mayPreempt: true)
        }
    }

    // MARK: Allocation

    func cpuAllowed(_ job: VideoJob) -> Bool {
        guard configuration.cpuFallbackJobTypes.contains(job.request.jobType), let plan = job.plan else { return false }
        return plan.canRun(on: cpu.rates)
    }

    func requestDevice(_ job: VideoJob, mayPreempt: Bool) {
        guard let p = gpus.usablePool(for: job) else {
            // Seed: "GPU type %s not available"; a type without an encoder is routed to CPU.
            guard cpuAllowed(job) else {
                finish(job, .failed(reason: "gpu-type-unavailable"))
                return
            }
            fallBackToCPU(job)
            return
        }
        if let g = gpus.pools[p].allocate(owner: job.id) {
            startOnGPU(job, pool: p, gpu: g)
            return
        }
        if mayPreempt, let victim = gpus.victim(for: job, pool: p) {
            preempt(victim, for: job, pool: p)
            return
        }
        let estimate = gpus.estimatedWait(pool: p, priority: job.priority)
        job.estimatedWait = estimate
        job.waitSince = context.now
        gpus.startWaiting(job, pool: p)
        guard cpuAllowed(job) else { return }
        let budget = configuration.gpuWaitBudget
        if budget == .zero || estimate > budget {
            fallBackToCPU(job)
        } else {
            job.waitTimer = context.after(budget, Self.waitBudgetKind, entity: job.id) { [unowned self] in
                job.waitTimer = nil
                if job.waitingForGPU { self.fallBackToCPU(job) }
            }
        }
    }

    /// Runs `job` on a free CPU worker, or waits for one (still also waiting for its GPU, if it was).
    func fallBackToCPU(_ job: VideoJob) {
        if let pod = cpu.acquire(job: job.id) {
            startOnCPU(job, pod: pod)
        } else if !job.waitingForCPU {
            if !job.waitingForGPU { job.waitSince = context.now }
            job.waitingForCPU = true
            job.cpuWaitGeneration &+= 1
            cpuWaiting.push(job)
        }
    }

    func stopWaiting(_ job: VideoJob) {
        if job.waitingForGPU, let p = gpus.poolIndex(type: job.gpuType) { gpus.stopWaiting(job, pool: p) }
        if job.waitingForCPU {
            job.waitingForCPU = false
            cpuWaiting.cancel(job)
        }
        if let t = job.waitTimer {
            context.runtime.cancel(t)
            job.waitTimer = nil
        }
    }

    func startOnGPU(_ job: VideoJob, pool p: Int, gpu g: Int) {
        stopWaiting(job)
        context.metrics.record(metrics.deviceWait, context.now - (job.waitingSinceIfAny(context.now)))
        job.device = .gpu(pool: p, gpu: g)
        gpus.markRunning(job, pool: p)
        startSegment(job, rates: gpus.rates[p])
    }

    func startOnCPU(_ job: VideoJob, pod: Pod) {
        stopWaiting(job)
        context.metrics.record(metrics.deviceWait, context.now - (job.waitingSinceIfAny(context.now)))
        job.cpuFallbacks += 1
        context.metrics.add(metrics.fallbackCounter(type: job.gpuType))
        job.device = .cpu(pod: pod.id)
        startSegment(job, rates: cpu.rates)
    }

    /// Hands the device work to the backend: it ends in completion or a processing error.
    func startSegment(_ job: VideoJob, rates: DeviceRates) {
        guard let plan = job.plan, let segment = DeviceSegment(plan: plan, rates: rates, start: context.now) else {
            preconditionFailure("job \(job.id) was placed on a device that cannot run its work")
        }
        job.segment = segment
        job.waitSince = .distantFuture
        job.deviceEvent = workBackend.startDeviceWork(
            VideoWorkItem(job), on: publicDevice(job.device), modelledSeconds: segment.totalSeconds
        ) { [unowned self] outcome in
            job.deviceEvent = nil
            switch outcome {
            case let .completed(seconds):
                self.deviceWorkDone(job, deviceSeconds: seconds)
            case let .failed(reason):
                self.rollBack(job)
                self.freeDevice(job)
                self.processingFailed(job, reason: reason)
            }
        }
    }

    func deviceWorkDone(_ job: VideoJob, deviceSeconds: Double) {
        if case let .gpu(p, _) = job.device, job.segment != nil { gpus.recordHold(pool: p, seconds: deviceSeconds) }
        job.segment = nil
        job.plan?.finishDeviceWork()
        job.checkpointStage = .upload
        saveCheckpoint(job)
        freeDevice(job)
        startUpload(job)
    }

    /// Gives the job's device back and starts the next waiter on it.
    func freeDevice(_ job: VideoJob) {
        switch job.device {
        case .none:
            return
        case let .gpu(p, g):
            gpus.markStopped(job, pool: p)
            job.device = .none
            gpus.pools[p].release(g)
            drainGPU(p)
        case let .cpu(pod):
            job.device = .none
            cpu.release(job: job.id, pod: pod)
            drainCPU()
        }
    }

    func drainGPU(_ p: Int) {
        while gpus.pools[p].idleCount > 0, let job = gpus.nextWaiting(pool: p) {
            guard let g = gpus.pools[p].allocate(owner: job.id) else { break }
            startOnGPU(job, pool: p, gpu: g)
        }
    }

    func drainCPU() {
        while cpu.freeSlots > 0, let job = cpuWaiting.popFirst() {
            job.waitingForCPU = false
            guard let pod = cpu.acquire(job: job.id) else {
                // No serving pod had room after all: put it back at the front of its tier.
                fallBackToCPU(job)
                break
            }
            startOnCPU(job, pod: pod)
        }
    }
}

extension VideoJob {
    /// When the current wait began (now when the job is not waiting).
    func waitingSinceIfAny(_ now: Instant) -> Instant { waitSince <= now ? waitSince : now }
}
