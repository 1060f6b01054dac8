/// What happened to a job offered to a `ProcessingJobQueue` (seed §2.2.1 `EnqueueJob` and
/// `handleBackpressure`, with the sleep turned into a held state).
public enum JobAdmission: Equatable, Sendable {
    /// Waiting in `tier`. A `tier` less urgent than `requested` means the job cascaded;
    /// `overCapacity` means it was pushed into a full tier (as-written variant only).
    case queued(tier: JobPriority, requested: JobPriority, overCapacity: Bool)
    /// A high-priority job found its tier full: the caller should scale up the workers of
    /// `scaleUpJobType` now and call `releaseHeldJobs(now:)` at `retryAt`.
    case held(retryAt: Instant, scaleUpJobType: String)
    /// Terminal: no tier would take the job; the client may retry after `retryAfter`
    /// (seed `BackpressureError`).
    case rejected(retryAfter: Instant)
    /// Terminal: the job failed processing too often and went to the dead-letter queue.
    case deadLettered(reason: String)
}

/// The admission of one job released from its high-priority wait.
public struct JobRelease: Equatable, Sendable {
    public var jobID: String
    public var admission: JobAdmission

    public init(jobID: String, admission: JobAdmission) {
        self.jobID = jobID
        self.admission = admission
    }
}

/// Counts of jobs by terminal state, plus informational counts of how they got there.
///
/// Invariant (checked by `ProcessingJobQueue.isBalanced`): `entered` equals the terminal
/// states plus the jobs still waiting or held. A job that fails processing and is requeued
/// enters again, so each entry ends exactly once.
public struct JobQueueLedger: Equatable, Sendable {
    /// Submissions, including requeues after a processing failure.
    public internal(set) var entered = 0
    /// Terminal: handed to a worker.
    public internal(set) var dequeued = 0
    /// Terminal: rejected with a retry-after.
    public internal(set) var rejected = 0
    /// Terminal: moved to the dead-letter queue.
    public internal(set) var deadLettered = 0
    /// Not terminal: jobs queued in a tier less urgent than the one they asked for.
    public internal(set) var cascaded = 0
    /// Not terminal: pushes into a tier already at capacity (as-written variant only).
    public internal(set) var overfilled = 0
    /// Not terminal: times a high-priority job was held for scale-up.
    public internal(set) var held = 0

    public init() {}

    /// Entries that reached a terminal state.
    public var terminated: Int { dequeued + rejected + deadLettered }
}

extension ProcessingJobQueue {
    /// When the earliest held job is due for its retry, if any: the instant to arm a timer at.
    public var nextHeldRetry: Instant? { heldJobs.first?.retryAt }

    /// Retries every held job whose wait ended by `now`, oldest first (seed: the push after
    /// `time.Sleep(100ms)`). Intended: into the high tier if it has room, else cascading
    /// normal → low → batch → rejection. As written: into the high tier regardless.
    public mutating func releaseHeldJobs(now: Instant) -> [JobRelease] {
        var releases: [JobRelease] = []
        while let first = heldJobs.first, first.retryAt <= now {
            heldJobs.removeFirst()
            let admission: JobAdmission
            switch configuration.cascade {
            case .intended:
                admission = admitIntoFirstFreeTier(first.job, from: .high, requested: .high, now: now)
            case .asWritten:
                admission = pushRegardless(first.job, into: .high, requested: .high)
            }
            releases.append(JobRelease(jobID: first.job.id, admission: admission))
        }
        return releases
    }

    /// Reports that processing `job` failed. Below `maxProcessingAttempts` the job is submitted
    /// again (a new entry, with its priority recomputed); at the limit it is dead-lettered.
    public mutating func recordProcessingFailure(_ job: ProcessingJob, reason: String, now: Instant) -> JobAdmission {
        var failed = job
        failed.failedAttempts += 1
        if failed.failedAttempts >= configuration.maxProcessingAttempts {
            ledger.entered += 1
            let why = "failed \(failed.failedAttempts) of \(configuration.maxProcessingAttempts) attempts: \(reason)"
            deadLetters.append(DeadLetter(job: failed, reason: why, at: now))
            ledger.deadLettered += 1
            return .deadLettered(reason: why)
        }
        return enqueue(failed, now: now)
    }

    /// The seed's `handleBackpressure` for a job whose tier `priority` is full.
    mutating func handleBackpressure(_ job: ProcessingJob, priority: JobPriority, now: Instant) -> JobAdmission {
        if priority == .high {
            // Both variants wait for scaled-up workers first; they differ at the retry.
            let retryAt = now + configuration.highPriorityRetryDelay
            heldJobs.append(HeldJob(job: job, retryAt: retryAt))
            ledger.held += 1
            return .held(retryAt: retryAt, scaleUpJobType: job.jobType)
        }
        guard let next = priority.fallbackTier else { return reject(now: now) }
        switch configuration.cascade {
        case .intended:
            return admitIntoFirstFreeTier(job, from: next, requested: priority, now: now)
        case .asWritten:
            return pushRegardless(job, into: next, requested: priority)
        }
    }

    /// Intended cascade: the first tier from `start` down (through `fallbackTier`, and from
    /// high to normal) with room takes the job; none has room → rejection.
    mutating func admitIntoFirstFreeTier(
        _ job: ProcessingJob, from start: JobPriority, requested: JobPriority, now: Instant
    ) -> JobAdmission {
        var candidate: JobPriority? = start
        while let tier = candidate {
            if !isFull(tier) {
                push(job, into: tier)
                if tier != requested { ledger.cascaded += 1 }
                return .queued(tier: tier, requested: requested, overCapacity: false)
            }
            candidate = tier == .high ? .normal : tier.fallbackTier
        }
        return reject(now: now)
    }

    /// As-written push: into `tier` whatever its occupancy (seed §2.2.1).
    mutating func pushRegardless(_ job: ProcessingJob, into tier: JobPriority, requested: JobPriority) -> JobAdmission {
        let over = isFull(tier)
        push(job, into: tier)
        if over { ledger.overfilled += 1 }
        if tier != requested { ledger.cascaded += 1 }
        return .queued(tier: tier, requested: requested, overCapacity: over)
    }

    mutating func reject(now: Instant) -> JobAdmission {
        ledger.rejected += 1
        return .rejected(retryAfter: now + configuration.retryAfter)
    }
}
