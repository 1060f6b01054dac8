/// A configuration the batch processor cannot honour.
public enum EventBatchProcessorError: Error, Equatable, CustomStringConvertible {
    case nonPositiveBatchSize(Int)
    case nonPositiveFlushInterval(TimeAmount)

    public var description: String {
        switch self {
        case let .nonPositiveBatchSize(n): return "batch processor: batchSize must be at least 1, got \(n)"
        case let .nonPositiveFlushInterval(d): return "batch processor: flushInterval must be positive, got \(d)"
        }
    }
}

/// What the caller of an `EventBatchProcessor` should do next.
public enum BatchDecision: Equatable, Sendable {
    /// Store these events now (seed `storage.store_batch`); report a storage failure with
    /// `flushFailed(_:now:)`.
    case flushNow([AnalyticsEvent])
    /// Arm a timer and call `flushTimerFired(now:)` at this instant.
    case armFlushTimer(at: Instant)
    /// Nothing to do: the batch is collecting and its timer is already armed, or a stale
    /// timer fired.
    case none
}

/// The per-priority batch writer of the analytics pipeline (seed §5.2.1
/// `BatchEventProcessor`): collects events and flushes when the batch reaches `batchSize`
/// or when `flushInterval` has passed since the last flush.
///
/// The seed's loop waits on `queue.get()` with `timeout=flush_interval`, so its timer restarts
/// at every event: a steady trickle slower than the batch size but faster than the interval
/// only flushes when the next event arrives. loomsim arms one timer at `lastFlush +
/// flushInterval`, which bounds how long an event can wait: the stated intent of the
/// interval. Two seed details are kept: an event arriving after an idle spell longer than the
/// interval is flushed at once in a batch of one (the seed only moves `last_flush` on a
/// flush), and a failed store keeps the batch for the next attempt without moving
/// `last_flush` ("could implement retry logic here").
public struct EventBatchProcessor: Sendable {
    public let batchSize: Int
    public let flushInterval: TimeAmount
    /// Events collected since the last flush, oldest first.
    public private(set) var pendingBatch: [AnalyticsEvent] = []
    /// When the last successful flush handed out its batch (the seed's `last_flush`).
    public private(set) var lastFlush: Instant
    /// The instant of the armed flush timer, if one is armed.
    public private(set) var flushTimer: Instant?
    /// Events added.
    public private(set) var addedCount = 0
    /// Events handed out by `flushNow` decisions, less those given back by `flushFailed`.
    public private(set) var flushedCount = 0
    /// `lastFlush` before the latest flush, restored if that flush fails.
    private var lastFlushBeforeLatest: Instant

    /// A processor with an empty batch whose interval counts from `now` (seed `__init__`
    /// sets `last_flush = time.time()`).
    public init(batchSize: Int, flushInterval: TimeAmount, now: Instant) throws {
        guard batchSize >= 1 else { throw EventBatchProcessorError.nonPositiveBatchSize(batchSize) }
        guard flushInterval > .zero else { throw EventBatchProcessorError.nonPositiveFlushInterval(flushInterval) }
        self.batchSize = batchSize
        self.flushInterval = flushInterval
        self.lastFlush = now
        self.lastFlushBeforeLatest = now
    }

    /// A processor with the seed's batch size and flush interval for `priority`.
    public init(priority: EventPriority, now: Instant) {
        // The seed's constants are valid by construction.
        try! self.init(batchSize: priority.defaultBatchSize, flushInterval: priority.defaultFlushInterval, now: now)
    }

    /// Whether every added event was either flushed or is pending.
    public var isBalanced: Bool { addedCount == flushedCount + pendingBatch.count }

    /// Adds one event taken from the queue.
    public mutating func add(_ event: AnalyticsEvent, now: Instant) -> BatchDecision {
        pendingBatch.append(event)
        addedCount += 1
        if pendingBatch.count >= batchSize || now - lastFlush >= flushInterval {
            return flush(now: now)
        }
        if flushTimer != nil { return .none }
        let due = lastFlush + flushInterval
        flushTimer = due
        return .armFlushTimer(at: due)
    }

    /// The flush timer fired: flushes a non-empty batch if the timer is the armed one.
    public mutating func flushTimerFired(now: Instant) -> BatchDecision {
        guard let due = flushTimer, now >= due else { return .none }
        flushTimer = nil
        return pendingBatch.isEmpty ? .none : flush(now: now)
    }

    /// The store rejected `batch`: it goes back in front of the pending events, `lastFlush`
    /// returns to its value before that flush, and a timer retries one interval from now.
    public mutating func flushFailed(_ batch: [AnalyticsEvent], now: Instant) -> BatchDecision {
        pendingBatch = batch + pendingBatch
        flushedCount -= batch.count
        lastFlush = lastFlushBeforeLatest
        let due = now + flushInterval
        flushTimer = due
        return .armFlushTimer(at: due)
    }

    private mutating func flush(now: Instant) -> BatchDecision {
        let batch = pendingBatch
        pendingBatch.removeAll(keepingCapacity: true)
        flushedCount += batch.count
        lastFlushBeforeLatest = lastFlush
        lastFlush = now
        // Any armed timer is now stale; `flushTimerFired` ignores it.
        flushTimer = nil
        return .flushNow(batch)
    }
}
