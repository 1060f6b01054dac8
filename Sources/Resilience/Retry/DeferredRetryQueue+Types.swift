/// The configuration and vocabulary of `DeferredRetryQueue` (seed §1.3.1).
extension DeferredRetryQueue {
    /// Which reading of the seed's retry queue to run.
    public enum Variant: String, Hashable, Sendable, CaseIterable {
        /// The seed as written: the only code that builds a `RetryTask` sets `Attempts: 0` and
        /// `NextRetry: now + 5 s`, and nothing else is specified. A consumer built from it re-adds a
        /// failed task the same way, so tasks never back off, never give up and never expire; a
        /// breaker rejection counts like a failure; the same session can be queued many times; and
        /// every task queued during an outage retries in lock-step every 5 s (a retry storm on
        /// recovery). Instructive, so it stays selectable (DESIGN.md §8).
        case asWritten
        /// The intent: count attempts, back off exponentially with jitter, dead-letter after
        /// `maxRetries` or `maxAge` (the seed's architecture routes failed events to a dead-letter
        /// queue, §1.1), keep one pending task per (kind, session), defer — without spending an
        /// attempt — while the dependency's breaker rejects, and bound the queue when asked to.
        case intended
    }

    /// Tuning of the queue. `asWritten` uses only `firstRetryDelay`.
    public struct Configuration: Hashable, Sendable {
        public var variant: Variant
        /// Delay before the first retry (seed: `time.Now().Add(5 * time.Second)`).
        public var firstRetryDelay: TimeAmount
        /// Wait after the n-th failed retry (n from 1); `intended` only. Randomized schedules take
        /// the caller's uniform draw.
        public var backoff: IntervalFunction
        /// Failed retries after which a task is dead-lettered; `intended` only.
        public var maxRetries: Int
        /// Age (since first queued) after which a failing or rejected task is dead-lettered;
        /// nil = never; `intended` only.
        public var maxAge: TimeAmount?
        /// Most tasks held (pending plus in flight); beyond it new tasks are dead-lettered at once;
        /// nil = unbounded; `intended` only.
        public var capacity: Int?

        /// The seed as written: a fixed 5 s, forever.
        public static let asWritten = Configuration(
            variant: .asWritten, firstRetryDelay: .wholeSeconds(5), backoff: IntervalFunction(unchecked: .fixed(milliseconds: 5_000)),
            maxRetries: .max, maxAge: nil, capacity: nil)

        /// The intent with defaults: 5 s, then 5 s × 2ⁿ⁻¹ ± 50 % up to 5 min, 8 retries, 1 h.
        public static let intended = Configuration(
            variant: .intended, firstRetryDelay: .wholeSeconds(5),
            backoff: IntervalFunction(unchecked: .exponentialRandom(
                initialMilliseconds: 5_000, multiplier: 2, randomizationFactor: 0.5, maxMilliseconds: 300_000)),
            maxRetries: 8, maxAge: .hours(1), capacity: nil)

        public init(
            variant: Variant, firstRetryDelay: TimeAmount, backoff: IntervalFunction,
            maxRetries: Int, maxAge: TimeAmount?, capacity: Int?
        ) {
            self.variant = variant
            self.firstRetryDelay = firstRetryDelay
            self.backoff = backoff
            self.maxRetries = maxRetries
            self.maxAge = maxAge
            self.capacity = capacity
        }

        /// Throws `DeferredRetryQueueError` for a delay below zero, `maxRetries < 1`, a non-positive
        /// `maxAge` or a capacity below 1.
        public func validate() throws {
            guard firstRetryDelay.nanoseconds >= 0 else { throw DeferredRetryQueueError.negativeFirstRetryDelay(firstRetryDelay) }
            guard maxRetries >= 1 else { throw DeferredRetryQueueError.maxRetriesBelowOne(maxRetries) }
            if let maxAge, maxAge.nanoseconds <= 0 { throw DeferredRetryQueueError.maxAgeNotPositive(maxAge) }
            if let capacity, capacity < 1 { throw DeferredRetryQueueError.capacityBelowOne(capacity) }
        }
    }

    /// One deferred call (seed `RetryTask{Type, SessionID, Attempts, NextRetry}`).
    public struct RetryTask: Hashable, Sendable {
        /// Unique per queue, in order of first queuing; ties in `nextRetry` run in this order.
        public var id: UInt64
        /// What to redo (seed `Type`, e.g. `notify_video_processing`).
        public var kind: String
        public var sessionID: String
        /// Failed retries so far (always 0 in `asWritten`, as the seed constructs it).
        public var attempts: Int
        public var nextRetry: Instant
        public var firstQueuedAt: Instant
    }

    /// How a retry the queue handed out went.
    public enum AttemptOutcome: Hashable, Sendable {
        case succeeded
        case failed
        /// The breaker rejected the call before it was made; `notBefore` is when the breaker may
        /// admit one again (e.g. `CircuitBreaker.retryAfter`), if known.
        case notPermitted(notBefore: Instant?)
    }

    /// Why a task left the queue without succeeding.
    public enum DeadLetterReason: String, Hashable, Sendable {
        case retriesExhausted
        case expired
        case queueFull
    }

    /// What the queue did with a task.
    public enum Event: Hashable, Sendable {
        /// Queued for its first retry.
        case queued(RetryTask)
        /// Not queued: the same (kind, session) is already pending or in flight (`intended`).
        case coalesced(RetryTask)
        /// Queued again after a failed or rejected retry.
        case rescheduled(RetryTask)
        case completed(RetryTask)
        case deadLettered(RetryTask, DeadLetterReason)
    }
}

/// A retry-queue configuration that cannot work.
public enum DeferredRetryQueueError: Error, Equatable, CustomStringConvertible {
    case negativeFirstRetryDelay(TimeAmount)
    case maxRetriesBelowOne(Int)
    case maxAgeNotPositive(TimeAmount)
    case capacityBelowOne(Int)

    public var description: String {
        switch self {
        case .negativeFirstRetryDelay(let d): return "the first retry delay is \(d); it must not be negative"
        case .maxRetriesBelowOne(let n): return "maxRetries is \(n); it must be at least 1"
        case .maxAgeNotPositive(let d): return "maxAge is \(d); it must be positive"
        case .capacityBelowOne(let n): return "the retry queue capacity is \(n); it must be at least 1"
        }
    }
}
