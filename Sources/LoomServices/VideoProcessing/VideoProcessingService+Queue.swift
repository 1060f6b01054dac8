/// Admission, backpressure and dispatch (seed §2.2.1 and §2.4.1).
extension VideoProcessingService {
    /// Offers `job` to the tiers with the seed's priority rules (or its explicit priority).
    func enqueue(_ job: VideoJob) {
        let now = context.now
        job.enqueuedAt = now
        let admission = job.request.priority.map { queue.enqueue(job.queueJob, priority: $0, now: now) }
            ?? queue.enqueue(job.queueJob, now: now)
        handle(admission, for: job)
    }

    /// Acts on the queue's answer for `job`.
    func handle(_ admission: JobAdmission, for job: VideoJob) {
        switch admission {
        case let .queued(_, requested, _):
            job.priority = requested
            pump()
        case let .held(retryAt, _):
            // Seed: scale up workers for high priority, wait 100 ms, retry.
            job.priority = .high
            requestScaleUp()
            context.at(retryAt, Self.heldReleaseKind, entity: job.id) { [unowned self] in self.releaseHeldJobs() }
        case let .rejected(retryAfter):
            rejected(job, retryAfter: retryAfter)
        case let .deadLettered(reason):
            _ = queue.drainDeadLetters()
            context.metrics.add(metrics.deadLettered)
            finish(job, .deadLettered(reason: reason))
        }
    }

    func releaseHeldJobs() {
        for release in queue.releaseHeldJobs(now: context.now) {
            guard let id = UInt64(release.jobID), let job = jobs[id] else { continue }
            handle(release.admission, for: job)
        }
    }

    /// `scaleUpWorkers(job.JobType)`: one more CPU worker pod, within the HPA's maximum.
    func requestScaleUp() {
        let d = cpu.deployment
        let limit = cpu.autoscaler.map { Int($0.hpa.spec.maxReplicas) } ?? d.replicas
        context.metrics.add(metrics.scaleUpRequests)
        if d.replicas < limit { d.scale(to: d.replicas + 1) }
    }

    /// A `BackpressureError`: the client resubmits after the retry-after, a bounded number of
    /// times, then gives up (dropped).
    func rejected(_ job: VideoJob, retryAfter: Instant) {
        context.metrics.add(metrics.rejections)
        guard job.clientRetries < job.clientMaxRetries else {
            context.metrics.add(metrics.droppedBackpressure)
            finish(job, .dropped(reason: "backpressure"))
            return
        }
        job.clientRetries += 1
        context.at(retryAfter, Self.clientRetryKind, entity: job.id) { [unowned self] in
            if !job.isFinished { self.enqueue(job) }
        }
    }

    /// Hands queued jobs to processing workers while workers are free.
    func pump() {
        guard !pumping else {
            pumpAgain = true
            return
        }
        pumping = true
        defer { pumping = false }
        repeat {
            pumpAgain = false
            while inFlight < maxJobsInFlight, let next = queue.dequeue() {
                guard let id = UInt64(next.id), let job = jobs[id] else { continue }
                job.queueJob = next
                context.metrics.record(metrics.queueWait[job.priority.rawValue], context.now - job.enqueuedAt)
                dispatch(job)
            }
        } while pumpAgain
    }

    /// A worker takes `job`: a new job gets its strategy and work plan (or is deferred); a job
    /// back from a failed attempt resumes from its checkpoint.
    func dispatch(_ job: VideoJob) {
        if job.plan == nil {
            var strategy = configuration.adaptive.strategy(for: job.priority, load: systemLoad)
            if strategy == .deferred {
                if job.deferrals < configuration.maxDeferrals {
                    deferJob(job)
                    return
                }
                strategy = .fast
            }
            job.strategy = strategy
            // The settings' thread count does not change the modelled work (a device's rate is
            // its whole throughput), so any core count gives the same plan.
            let settings = AdaptiveProcessingPolicy.settings(for: strategy, cpuCount: 8)!
            let plan = JobWorkPlan(request: job.request, settings: settings, isAI: job.isAI, work: configuration.work)
            job.plan = plan
            job.checkpointEncode = plan.encodeRemaining
            job.checkpointOptimization = plan.optimizationRemaining
            context.metrics.add(metrics.strategies[strategyIndex(strategy)])
        }
        job.holdsWorker = true
        inFlight += 1
        if job.recovering {
            job.recovering = false
            recoverIntermediates(job)
        }
        resumeFromCheckpoint(job, mayPreempt: true)
    }

    func strategyIndex(_ s: ProcessingStrategy) -> Int {
        switch s {
        case .optimal: return 0
        case .balanced: return 1
        case .fast: return 2
        case .deferred: return 3
        }
    }

    /// Seed `deferProcessing`: the job leaves the tiers and is queued again after the delay.
    func deferJob(_ job: VideoJob) {
        job.deferrals += 1
        deferredCount += 1
        context.metrics.add(metrics.strategies[3])
        context.after(configuration.deferralDelay, Self.deferralKind, entity: job.id) { [unowned self] in
            self.deferredCount -= 1
            if !job.isFinished { self.enqueue(job) }
        }
    }

    /// Gives the job's worker back and lets the next queued job in.
    func releaseWorker(_ job: VideoJob) {
        guard job.holdsWorker else { return }
        job.holdsWorker = false
        inFlight -= 1
        pump()
    }

    /// Records the terminal state, forgets the job, and tells the listener.
    func finish(_ job: VideoJob, _ state: TerminalState) {
        precondition(job.device == .none && !job.waitingForGPU && !job.waitingForCPU,
                     "job \(job.id) finished as \(state) while holding or waiting for a device")
        releaseWorker(job)
        job.isFinished = true
        jobs[job.id] = nil
        context.ledger.finish(Self.service, id: job.id, state, at: context.now)
        if state == .completed {
            context.metrics.add(metrics.completed)
            context.metrics.add(metrics.mediaSeconds, max(0, job.request.durationSeconds))
            context.metrics.record(metrics.endToEnd[job.priority.rawValue], context.now - job.submittedAt)
        } else if case .failed = state {
            context.metrics.add(metrics.failed)
        }
        forgetCheckpoint(job)
        workBackend.jobFinished(VideoWorkItem(job), state: state)
        onJobFinished?(job.id, state)
    }
}
