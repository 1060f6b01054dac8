import DequeModule

/// Which of the seed's two backpressure behaviours a `ProcessingJobQueue` follows when the
/// job's tier is full (seed §2.2.1 `handleBackpressure`; DESIGN.md §8).
public enum CascadeVariant: String, CaseIterable, Sendable, Codable {
    /// The intent: capacity is respected everywhere. A full normal tier cascades to low, then
    /// batch, taking the first tier with room; a high-priority job waits the retry delay while
    /// workers scale up and, if its tier is still full, cascades the same way; when no tier
    /// has room the job is rejected with a retry-after instant.
    case intended
    /// The seed's code as written (§2.2.1): a full tier pushes into the *next* tier without
    /// checking that tier's capacity (so it overfills), and a high-priority job is pushed into
    /// the high tier after the 100 ms wait whatever its occupancy. Only a full batch tier rejects.
    case asWritten
}

/// A configuration the job queue cannot honour.
public enum ProcessingJobQueueError: Error, Equatable, CustomStringConvertible {
    case nonPositiveCapacity(tier: JobPriority, capacity: Int)
    case negativeDelay(name: String, amount: TimeAmount)
    case nonPositiveMaxProcessingAttempts(Int)

    public var description: String {
        switch self {
        case let .nonPositiveCapacity(tier, capacity):
            return "job queue: the \(tier) tier's capacity must be at least 1, got \(capacity)"
        case let .negativeDelay(name, amount):
            return "job queue: \(name) must not be negative, got \(amount)"
        case let .nonPositiveMaxProcessingAttempts(n):
            return "job queue: maxProcessingAttempts must be at least 1, got \(n)"
        }
    }
}

/// The multi-tier video-processing job queue with backpressure and a dead-letter queue
/// (seed §2.2.1 `ProcessingJobQueue`).
///
/// A pure state machine: the caller passes `now`, and the queue answers with decisions. It
/// never sleeps: the seed's `time.Sleep(100ms)` for a full high tier becomes a *held* job and
/// a `retryAt` instant at which the caller calls `releaseHeldJobs(now:)`. The queue keeps
/// every job it accepted until the job ends in exactly one terminal state (dequeued,
/// rejected with a retry-after, dead-lettered); `ledger` counts them and `isBalanced` checks
/// that nothing was lost or counted twice.
public struct ProcessingJobQueue: Sendable {
    /// Capacities, delays and the backpressure variant.
    public struct Configuration: Equatable, Sendable {
        /// Maximum jobs waiting in each tier. The seed gives no numbers, so they are required.
        public var highCapacity: Int
        public var normalCapacity: Int
        public var lowCapacity: Int
        public var batchCapacity: Int
        /// How long a high-priority job waits for scaled-up workers before it is retried
        /// (seed: `time.Sleep(100 * time.Millisecond)`).
        public var highPriorityRetryDelay: TimeAmount
        /// The retry-after given with a rejection (seed: `time.Now().Add(5 * time.Minute)`).
        public var retryAfter: TimeAmount
        /// Processing attempts before a failing job is dead-lettered.
        public var maxProcessingAttempts: Int
        /// Intended or as-written backpressure.
        public var cascade: CascadeVariant
        /// How a submitted job's priority is computed.
        public var priorityRules: JobPriorityRules

        public init(
            highCapacity: Int, normalCapacity: Int, lowCapacity: Int, batchCapacity: Int,
            highPriorityRetryDelay: TimeAmount = .milliseconds(100),
            retryAfter: TimeAmount = .minutes(5),
            maxProcessingAttempts: Int = 3,
            cascade: CascadeVariant = .intended,
            priorityRules: JobPriorityRules = JobPriorityRules()
        ) {
            self.highCapacity = highCapacity
            self.normalCapacity = normalCapacity
            self.lowCapacity = lowCapacity
            self.batchCapacity = batchCapacity
            self.highPriorityRetryDelay = highPriorityRetryDelay
            self.retryAfter = retryAfter
            self.maxProcessingAttempts = maxProcessingAttempts
            self.cascade = cascade
            self.priorityRules = priorityRules
        }

        /// The capacity of `tier`.
        public func capacity(of tier: JobPriority) -> Int {
            switch tier {
            case .high: return highCapacity
            case .normal: return normalCapacity
            case .low: return lowCapacity
            case .batch: return batchCapacity
            }
        }

        func validate() throws {
            for tier in JobPriority.allCases where capacity(of: tier) < 1 {
                throw ProcessingJobQueueError.nonPositiveCapacity(tier: tier, capacity: capacity(of: tier))
            }
            if highPriorityRetryDelay < .zero {
                throw ProcessingJobQueueError.negativeDelay(name: "highPriorityRetryDelay", amount: highPriorityRetryDelay)
            }
            if retryAfter < .zero {
                throw ProcessingJobQueueError.negativeDelay(name: "retryAfter", amount: retryAfter)
            }
            if maxProcessingAttempts < 1 {
                throw ProcessingJobQueueError.nonPositiveMaxProcessingAttempts(maxProcessingAttempts)
            }
        }
    }

    /// A high-priority job waiting for workers to scale up before its retry.
    public struct HeldJob: Equatable, Sendable {
        public var job: ProcessingJob
        public var retryAt: Instant
    }

    /// A job that will not be processed again, with why (seed: `deadLetterQueue`).
    public struct DeadLetter: Equatable, Sendable {
        public var job: ProcessingJob
        public var reason: String
        public var at: Instant
    }

    public let configuration: Configuration
    /// One FIFO per tier, indexed by `JobPriority.rawValue`.
    var tiers: [Deque<ProcessingJob>]
    /// High-priority jobs in their 100 ms wait, in arrival order (their retry instants ascend).
    public internal(set) var heldJobs: Deque<HeldJob> = []
    /// Dead-lettered jobs, oldest first; `drainDeadLetters()` hands them out.
    public internal(set) var deadLetters: Deque<DeadLetter> = []
    /// Terminal-state counts.
    public internal(set) var ledger = JobQueueLedger()

    /// An empty queue; throws `ProcessingJobQueueError` for an invalid configuration.
    public init(configuration: Configuration) throws {
        try configuration.validate()
        self.configuration = configuration
        self.tiers = Array(repeating: [], count: JobPriority.allCases.count)
    }

    /// Jobs waiting in `tier` (may exceed its capacity under the as-written variant).
    public func count(in tier: JobPriority) -> Int { tiers[tier.rawValue].count }
    /// Jobs waiting in all tiers.
    public var queuedCount: Int { tiers.reduce(0) { $0 + $1.count } }
    /// Whether `tier` is at or over capacity (seed `isQueueFull`).
    public func isFull(_ tier: JobPriority) -> Bool { count(in: tier) >= configuration.capacity(of: tier) }

    /// Whether every job that entered is in exactly one place: waiting, held, or counted in one
    /// terminal state.
    public var isBalanced: Bool {
        ledger.entered == ledger.terminated + queuedCount + heldJobs.count
    }

    /// Submits `job` with the priority the seed computes for it (seed `EnqueueJob`).
    public mutating func enqueue(_ job: ProcessingJob, now: Instant) -> JobAdmission {
        enqueue(job, priority: configuration.priorityRules.priority(of: job, now: now), now: now)
    }

    /// Submits `job` with an explicit priority, e.g. `.batch` for bulk operations, which the
    /// seed's priority calculation never produces.
    public mutating func enqueue(_ job: ProcessingJob, priority: JobPriority, now: Instant) -> JobAdmission {
        ledger.entered += 1
        if !isFull(priority) {
            push(job, into: priority)
            return .queued(tier: priority, requested: priority, overCapacity: false)
        }
        return handleBackpressure(job, priority: priority, now: now)
    }

    /// The next job to process: the oldest job of the most urgent non-empty tier.
    public mutating func dequeue() -> ProcessingJob? {
        for tier in JobPriority.allCases {
            if let job = tiers[tier.rawValue].popFirst() {
                ledger.dequeued += 1
                return job
            }
        }
        return nil
    }

    /// Hands out the dead letters collected so far (they stay counted in `ledger`).
    public mutating func drainDeadLetters() -> [DeadLetter] {
        defer { deadLetters.removeAll() }
        return Array(deadLetters)
    }

    mutating func push(_ job: ProcessingJob, into tier: JobPriority) {
        tiers[tier.rawValue].append(job)
    }
}
