/// The urgency tier of a video-processing job (seed §2.2.1, `JobPriority`).
///
/// Raw values follow the seed's Go `iota` constants: a *smaller* value is *more* urgent
/// (`HighPriority = 0`). Keeping that convention, and comparing through `isMoreUrgent(than:)`
/// rather than `<` on raw values in calling code, is what DESIGN.md §8 asks for after the
/// seed's §2.2.2 preemption got the direction backwards.
public enum JobPriority: Int, CaseIterable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Live recordings and premium users.
    case high = 0
    /// Regular recordings.
    case normal = 1
    /// Batch operations and re-processing.
    case low = 2
    /// Bulk operations; the last tier before a job is rejected.
    case batch = 3

    /// Orders by raw value, so `.high < .batch`: "less" means "more urgent".
    public static func < (a: JobPriority, b: JobPriority) -> Bool { a.rawValue < b.rawValue }

    /// Whether a job of this priority should be served before one of `other`.
    public func isMoreUrgent(than other: JobPriority) -> Bool { self < other }

    /// The tier a job falls back to when this one is full (seed §2.2.1 `handleBackpressure`:
    /// normal → low → batch); `nil` for batch, which rejects, and for high, which the seed
    /// never demotes (it waits for workers to scale up instead).
    public var fallbackTier: JobPriority? {
        switch self {
        case .high, .batch: return nil
        case .normal: return .low
        case .low: return .batch
        }
    }

    public var description: String {
        switch self {
        case .high: return "high"
        case .normal: return "normal"
        case .low: return "low"
        case .batch: return "batch"
        }
    }
}

/// A video-processing job as the queue sees it: only the fields that decide its priority and
/// where its workers come from (seed §2.2.1 `ProcessingJob`). Media details live in the
/// service model.
public struct ProcessingJob: Hashable, Sendable {
    /// Unique job identifier; also the key of the job's dead-letter record.
    public var id: String
    /// The worker pool that processes it (seed `workerPools map[JobType]*WorkerPool`), named by
    /// the scale-up request a full high-priority tier emits.
    public var jobType: String
    /// The customer's plan, e.g. "free", "business", "premium", "enterprise".
    public var userTier: String
    /// Live recordings are processed ahead of everything else.
    public var isLiveRecording: Bool
    /// Size of the source recording.
    public var fileSizeBytes: Int64
    /// When the recording was made; recent recordings are processed first.
    public var createdAt: Instant
    /// Processing attempts that already failed; a job is dead-lettered once this reaches the
    /// queue's `maxProcessingAttempts`.
    public var failedAttempts: Int

    public init(
        id: String, jobType: String, userTier: String, isLiveRecording: Bool,
        fileSizeBytes: Int64, createdAt: Instant, failedAttempts: Int = 0
    ) {
        self.id = id
        self.jobType = jobType
        self.userTier = userTier
        self.isLiveRecording = isLiveRecording
        self.fileSizeBytes = fileSizeBytes
        self.createdAt = createdAt
        self.failedAttempts = failedAttempts
    }
}

/// How a job's priority is computed from its characteristics (seed §2.2.1
/// `calculateJobPriority`), with the seed's constants as defaults.
///
/// The rules apply in the seed's order: premium plan → high; live → high; larger than the
/// threshold → low; younger than the recent window → normal; otherwise low. The seed never
/// returns `batch` from this function: bulk operations reach that tier only when a caller
/// submits them with an explicit priority, or by cascading.
public struct JobPriorityRules: Equatable, Sendable {
    /// Plans whose jobs are always high priority (seed: "premium" and "enterprise").
    public var highPriorityUserTiers: [String]
    /// Files strictly larger than this go to the low tier so they cannot block others (seed: 1 GiB).
    public var largeFileThresholdBytes: Int64
    /// Jobs created strictly less than this long ago are normal priority (seed: 1 hour).
    public var recentWindow: TimeAmount

    public init(
        highPriorityUserTiers: [String] = ["premium", "enterprise"],
        largeFileThresholdBytes: Int64 = 1 << 30,
        recentWindow: TimeAmount = .hours(1)
    ) {
        self.highPriorityUserTiers = highPriorityUserTiers
        self.largeFileThresholdBytes = largeFileThresholdBytes
        self.recentWindow = recentWindow
    }

    /// The priority the seed's `calculateJobPriority` gives `job` at `now`.
    public func priority(of job: ProcessingJob, now: Instant) -> JobPriority {
        if highPriorityUserTiers.contains(job.userTier) { return .high }
        if job.isLiveRecording { return .high }
        if job.fileSizeBytes > largeFileThresholdBytes { return .low }
        if now - job.createdAt < recentWindow { return .normal }
        return .low
    }
}
