import DequeModule
import OrderedCollections

/// How a critical event that finds its queue full is retried (seed §5.2.1
/// `handle_backpressure`; DESIGN.md §8).
public enum CriticalRetryVariant: String, CaseIterable, Sendable, Codable {
    /// The intent ("critical events must be processed - wait briefly"), bounded: after
    /// `maxCriticalRetries` waits the event is dead-lettered rather than retried for ever,
    /// so it is kept for replay and the ingestion path cannot grow without limit.
    case intended
    /// The seed as written (§5.2.1): `await asyncio.sleep(0.01); return await
    /// self.ingest_event(event)` recurses with no bound, so a queue that stays full keeps
    /// every critical event waiting for ever (in Python, until the recursion limit).
    case asWritten
}

/// A configuration the ingestion queues cannot honour.
public enum EventIngestionQueuesError: Error, Equatable, CustomStringConvertible {
    case nonPositiveCapacity(priority: EventPriority, capacity: Int)
    case negativeRetryDelay(TimeAmount)
    case negativeMaxCriticalRetries(Int)

    public var description: String {
        switch self {
        case let .nonPositiveCapacity(priority, capacity):
            return "event queues: the \(priority) queue's capacity must be at least 1, got \(capacity)"
        case let .negativeRetryDelay(delay):
            return "event queues: criticalRetryDelay must not be negative, got \(delay)"
        case let .negativeMaxCriticalRetries(n):
            return "event queues: maxCriticalRetries must not be negative, got \(n)"
        }
    }
}

/// The analytics service's bounded per-priority event queues with backpressure
/// (seed §5.2.1 `HighThroughputEventProcessor.ingest_event` / `handle_backpressure`).
///
/// Under backpressure a critical event waits and retries, a high event is downgraded to
/// normal, a normal event is sampled (half are kept and downgraded to low, by a stable hash
/// of its id) and a low event is dropped. Invalid events go to the dead-letter queue. The
/// seed's enrichment step is not modelled (it changes no decision). Every offered event ends
/// in exactly one terminal state (taken by a batch processor, dropped with a reason,
/// dead-lettered) or is still queued or waiting to retry; `isBalanced` checks that.
public struct EventIngestionQueues: Sendable {
    /// Queue bounds and the critical-retry policy; defaults are the seed's.
    public struct Configuration: Equatable, Sendable {
        /// Bounds by priority, the seed's `maxsize` values by default (looked up, never iterated).
        public var capacities: OrderedDictionary<EventPriority, Int>
        /// How long a critical event waits before it retries (seed: `asyncio.sleep(0.01)`).
        public var criticalRetryDelay: TimeAmount
        /// Retries before a critical event is dead-lettered (intended variant only).
        public var maxCriticalRetries: Int
        public var criticalRetry: CriticalRetryVariant

        public init(
            capacities: OrderedDictionary<EventPriority, Int> = OrderedDictionary(
                uniqueKeysWithValues: EventPriority.allCases.map { ($0, $0.defaultCapacity) }),
            criticalRetryDelay: TimeAmount = .milliseconds(10),
            maxCriticalRetries: Int = 5,
            criticalRetry: CriticalRetryVariant = .intended
        ) {
            self.capacities = capacities
            self.criticalRetryDelay = criticalRetryDelay
            self.maxCriticalRetries = maxCriticalRetries
            self.criticalRetry = criticalRetry
        }

        /// The bound of `priority`'s queue; a priority left out gets the seed's bound.
        public func capacity(of priority: EventPriority) -> Int {
            capacities[priority] ?? priority.defaultCapacity
        }

        func validate() throws {
            for priority in EventPriority.allCases where capacity(of: priority) < 1 {
                throw EventIngestionQueuesError.nonPositiveCapacity(priority: priority, capacity: capacity(of: priority))
            }
            if criticalRetryDelay < .zero { throw EventIngestionQueuesError.negativeRetryDelay(criticalRetryDelay) }
            if maxCriticalRetries < 0 { throw EventIngestionQueuesError.negativeMaxCriticalRetries(maxCriticalRetries) }
        }
    }

    /// A critical event waiting out its retry delay.
    public struct PendingRetry: Equatable, Sendable {
        public var event: AnalyticsEvent
        public var dueAt: Instant
    }

    /// An event in the dead-letter queue, with why.
    public struct DeadLetter: Equatable, Sendable {
        public var event: AnalyticsEvent
        public var reason: EventDeadLetterReason
        public var at: Instant
    }

    public let configuration: Configuration
    /// One FIFO per priority, indexed by `rawValue - 1`.
    var queues: [Deque<AnalyticsEvent>]
    /// Critical events waiting to retry, in due order (the delay is constant, so FIFO).
    public internal(set) var pendingRetries: Deque<PendingRetry> = []
    /// Dead-lettered events, oldest first.
    public internal(set) var deadLetters: Deque<DeadLetter> = []
    /// Terminal-state counts.
    public internal(set) var ledger = EventIngestionLedger()

    /// Empty queues; throws `EventIngestionQueuesError` for an invalid configuration.
    public init(configuration: Configuration = Configuration()) throws {
        try configuration.validate()
        self.configuration = configuration
        self.queues = Array(repeating: [], count: EventPriority.allCases.count)
    }

    /// Events waiting in `priority`'s queue.
    public func count(in priority: EventPriority) -> Int { queues[priority.rawValue - 1].count }
    /// Events waiting in all queues.
    public var queuedCount: Int { queues.reduce(0) { $0 + $1.count } }
    /// Whether `priority`'s queue is at its bound (seed `queue.full()`).
    public func isFull(_ priority: EventPriority) -> Bool { count(in: priority) >= configuration.capacity(of: priority) }
    /// When the earliest waiting critical event is due to retry: the instant to arm a timer at.
    public var nextRetryAt: Instant? { pendingRetries.first?.dueAt }

    /// Whether every offered event is in exactly one place: queued, waiting to retry, or
    /// counted in one terminal state.
    public var isBalanced: Bool {
        ledger.offered == ledger.terminated + queuedCount + pendingRetries.count
    }

    /// Offers a new event (seed `ingest_event`).
    public mutating func ingest(_ event: AnalyticsEvent, now: Instant) -> EventIngestOutcome {
        ledger.offered += 1
        return route(event, now: now)
    }

    /// Retries every critical event whose wait ended by `now`, oldest first.
    public mutating func retryDueEvents(now: Instant) -> [EventRetryResult] {
        var results: [EventRetryResult] = []
        while let first = pendingRetries.first, first.dueAt <= now {
            pendingRetries.removeFirst()
            results.append(EventRetryResult(eventID: first.event.eventID, outcome: route(first.event, now: now)))
        }
        return results
    }

    /// Takes up to `maxCount` events, oldest first, from `priority`'s queue for its batch
    /// processor (the consumer side of the seed's `queue.get()`).
    public mutating func take(from priority: EventPriority, maxCount: Int = .max) -> [AnalyticsEvent] {
        var taken: [AnalyticsEvent] = []
        while taken.count < maxCount, let event = queues[priority.rawValue - 1].popFirst() {
            taken.append(event)
        }
        ledger.taken += taken.count
        return taken
    }

    /// Hands out the dead letters collected so far (they stay counted in `ledger`).
    public mutating func drainDeadLetters() -> [DeadLetter] {
        defer { deadLetters.removeAll() }
        return Array(deadLetters)
    }
}
