import DequeModule

/// The recording service's deferred retry queue (seed §1.3.1, `rs.retryQueue.Add(RetryTask{…})`).
///
/// When notifying a dependency fails (or its breaker rejects the call), `StartRecording` does not
/// fail: it queues the notification and retries it later. The seed shows only the `Add`; this
/// type supplies the rest of the loop as a pure value: `add` a task, ask `nextRetryDue` when to
/// wake up, `takeDue(now:)` the tasks whose time has come, make the calls, and report each
/// outcome with `complete(_:outcome:now:uniformDraw:)`. Two readings are selectable through
/// `Configuration.variant` — the seed as written and its intent — see `Variant`.
///
/// Pending tasks are kept sorted by (`nextRetry`, `id`) in a deque: tasks mostly arrive in time
/// order (append) and leave from the front, and ties run in queuing order, so a run is
/// deterministic (DESIGN.md §3).
public struct DeferredRetryQueue: Sendable {
    public let configuration: Configuration
    private var pending: Deque<RetryTask> = []
    private var inFlight: [UInt64: RetryTask] = [:]
    /// (kind, session) of pending and in-flight tasks, for coalescing in `intended`.
    private var keys: Set<TaskKey> = []
    private var lastID: UInt64 = 0

    /// Tasks retried successfully, dead-lettered, and coalesced into an existing one.
    public private(set) var completedCount = 0
    public private(set) var deadLetteredCount = 0
    public private(set) var coalescedCount = 0

    private struct TaskKey: Hashable, Sendable {
        var kind: String
        var sessionID: String
    }

    public init(configuration: Configuration = .intended) throws {
        try configuration.validate()
        self.configuration = configuration
    }

    /// Tasks waiting for their retry time.
    public var pendingCount: Int { pending.count }
    /// Tasks handed out by `takeDue` and not yet completed.
    public var inFlightCount: Int { inFlight.count }
    /// When the earliest pending task is due; arm a timer for it.
    public var nextRetryDue: Instant? { pending.first?.nextRetry }
    /// The pending tasks in retry order.
    public var pendingTasks: [RetryTask] { Array(pending) }

    private var isIntended: Bool { configuration.variant == .intended }

    /// Queues a call that failed or was rejected (seed: `Attempts: 0, NextRetry: now + 5 s`).
    public mutating func add(kind: String, sessionID: String, now: Instant) -> Event {
        let key = TaskKey(kind: kind, sessionID: sessionID)
        lastID += 1
        let task = RetryTask(
            id: lastID, kind: kind, sessionID: sessionID, attempts: 0,
            nextRetry: R4JTime.adding(configuration.firstRetryDelay, to: now), firstQueuedAt: now)
        if isIntended {
            if keys.contains(key) {
                coalescedCount += 1
                return .coalesced(task)
            }
            if let capacity = configuration.capacity, pending.count + inFlight.count >= capacity {
                deadLetteredCount += 1
                return .deadLettered(task, .queueFull)
            }
            keys.insert(key)
        }
        insert(task)
        return .queued(task)
    }

    /// Removes and returns, in retry order, every pending task due at or before `now`; they are in
    /// flight until `complete` is called for each.
    public mutating func takeDue(now: Instant) -> [RetryTask] {
        var due: [RetryTask] = []
        while let first = pending.first, first.nextRetry <= now {
            pending.removeFirst()
            inFlight[first.id] = first
            due.append(first)
        }
        return due
    }

    /// Reports how an in-flight task's retry went; returns nil for a task that is not in flight.
    /// `uniformDraw` (in [0, 1), from the caller's named random stream) jitters the back-off when
    /// the configured schedule is randomized.
    public mutating func complete(_ task: RetryTask, outcome: AttemptOutcome, now: Instant, uniformDraw: Double) -> Event? {
        guard var current = inFlight.removeValue(forKey: task.id) else { return nil }
        switch outcome {
        case .succeeded:
            forget(current)
            completedCount += 1
            return .completed(current)
        case .failed, .notPermitted:
            guard isIntended else {
                // As written: a fresh `RetryTask{Attempts: 0, NextRetry: now + 5 s}`, forever.
                current.nextRetry = R4JTime.adding(configuration.firstRetryDelay, to: now)
                insert(current)
                return .rescheduled(current)
            }
            return rescheduleIntended(current, outcome: outcome, now: now, uniformDraw: uniformDraw)
        }
    }

    private mutating func rescheduleIntended(_ task: RetryTask, outcome: AttemptOutcome, now: Instant, uniformDraw: Double) -> Event {
        var task = task
        var notBefore = now
        if case .notPermitted(let breakerReopens) = outcome {
            // No call was made: the attempt is not spent, but wait at least until the breaker
            // may admit a probe again (it admits strictly after `retryAfter`).
            if let breakerReopens { notBefore = max(now, R4JTime.adding(.nanoseconds(1), to: breakerReopens)) }
        } else {
            task.attempts += 1
            if task.attempts >= configuration.maxRetries { return deadLetter(task, .retriesExhausted) }
        }
        if let maxAge = configuration.maxAge, now - task.firstQueuedAt >= maxAge { return deadLetter(task, .expired) }
        let wait = configuration.backoff.interval(afterAttempt: max(1, task.attempts), uniformDraw: uniformDraw)
        task.nextRetry = max(R4JTime.adding(wait, to: now), notBefore)
        insert(task)
        return .rescheduled(task)
    }

    private mutating func deadLetter(_ task: RetryTask, _ reason: DeadLetterReason) -> Event {
        forget(task)
        deadLetteredCount += 1
        return .deadLettered(task, reason)
    }

    private mutating func forget(_ task: RetryTask) {
        if isIntended { keys.remove(TaskKey(kind: task.kind, sessionID: task.sessionID)) }
    }

    /// Inserts keeping (`nextRetry`, `id`) order; appending is the common case.
    private mutating func insert(_ task: RetryTask) {
        func precedes(_ a: RetryTask, _ b: RetryTask) -> Bool { (a.nextRetry, a.id) < (b.nextRetry, b.id) }
        if let last = pending.last, precedes(task, last) {
            var low = 0, high = pending.count
            while low < high {
                let mid = (low + high) / 2
                if precedes(pending[mid], task) { low = mid + 1 } else { high = mid }
            }
            pending.insert(task, at: low)
        } else {
            pending.append(task)
        }
    }
}
