import OrderedCollections

/// Why an analytics event was dropped (seed §5.2.1 `metrics.increment_dropped`).
public enum EventDropReason: String, CaseIterable, Hashable, Sendable, Codable {
    /// A normal event under backpressure whose stable hash is odd (the seed's 50 % sample).
    case sampledOut
    /// A low event (or one downgraded to low) that found the low queue full.
    case lowPriorityBackpressure
}

/// Why an analytics event went to the dead-letter queue (seed §5.2.1 `dead_letter_queue`).
public enum EventDeadLetterReason: String, CaseIterable, Hashable, Sendable, Codable {
    /// `validate_event` failed.
    case invalid
    /// A critical event still found its queue full after `maxCriticalRetries` waits
    /// (intended variant only).
    case criticalRetriesExhausted
}

/// What happened to an offered (or retried) analytics event.
public enum EventIngestOutcome: Equatable, Sendable {
    /// Waiting in the queue of this priority (lower than the event's own if it was downgraded).
    case queued(EventPriority)
    /// A critical event is waiting for a retry at this instant: call `retryDueEvents(now:)` then.
    case retryScheduled(at: Instant)
    /// Terminal: dropped for this reason.
    case dropped(EventDropReason)
    /// Terminal: moved to the dead-letter queue for this reason.
    case deadLettered(EventDeadLetterReason)
}

/// The outcome of one retried critical event.
public struct EventRetryResult: Equatable, Sendable {
    public var eventID: String
    public var outcome: EventIngestOutcome

    public init(eventID: String, outcome: EventIngestOutcome) {
        self.eventID = eventID
        self.outcome = outcome
    }
}

/// Counts of analytics events by terminal state and reason.
///
/// Invariant (checked by `EventIngestionQueues.isBalanced`): `offered` equals `terminated`
/// plus the events still queued or waiting to retry. Downgrades and retries move an event
/// without ending it, so they are counted apart.
public struct EventIngestionLedger: Equatable, Sendable {
    /// Events offered through `ingest` (retries are not new offers).
    public internal(set) var offered = 0
    /// Terminal: taken by a batch processor.
    public internal(set) var taken = 0
    /// Terminal: dropped, by reason, in `EventDropReason.allCases` order.
    public internal(set) var droppedByReason: OrderedDictionary<EventDropReason, Int> =
        OrderedDictionary(uniqueKeysWithValues: EventDropReason.allCases.map { ($0, 0) })
    /// The same drops by the priority the event had when dropped (the seed's metric).
    public internal(set) var droppedByPriority: OrderedDictionary<EventPriority, Int> =
        OrderedDictionary(uniqueKeysWithValues: EventPriority.allCases.map { ($0, 0) })
    /// Terminal: dead-lettered, by reason.
    public internal(set) var deadLetteredByReason: OrderedDictionary<EventDeadLetterReason, Int> =
        OrderedDictionary(uniqueKeysWithValues: EventDeadLetterReason.allCases.map { ($0, 0) })
    /// Queued events by the priority of the queue that took them (seed `increment_ingested`).
    public internal(set) var queuedByPriority: OrderedDictionary<EventPriority, Int> =
        OrderedDictionary(uniqueKeysWithValues: EventPriority.allCases.map { ($0, 0) })
    /// Not terminal: one-step downgrades (high → normal, normal → low).
    public internal(set) var downgrades = 0
    /// Not terminal: critical retries scheduled.
    public internal(set) var criticalRetries = 0

    public init() {}

    public var dropped: Int { droppedByReason.values.reduce(0, +) }
    public var deadLettered: Int { deadLetteredByReason.values.reduce(0, +) }
    /// Offers that reached a terminal state.
    public var terminated: Int { taken + dropped + deadLettered }
}

extension EventIngestionQueues {
    /// `ingest_event` after the offer was counted: validation, then the queue or backpressure.
    mutating func route(_ event: AnalyticsEvent, now: Instant) -> EventIngestOutcome {
        guard event.isValid else { return deadLetter(event, .invalid, now: now) }
        if !isFull(event.priority) {
            queues[event.priority.rawValue - 1].append(event)
            ledger.queuedByPriority[event.priority, default: 0] += 1
            return .queued(event.priority)
        }
        return handleBackpressure(event, now: now)
    }

    /// The seed's `handle_backpressure`, with the sleep turned into a pending retry and the
    /// per-process `hash` replaced by `EventSampling`.
    mutating func handleBackpressure(_ event: AnalyticsEvent, now: Instant) -> EventIngestOutcome {
        var event = event
        switch event.priority {
        case .critical:
            if configuration.criticalRetry == .intended, event.retryCount >= configuration.maxCriticalRetries {
                return deadLetter(event, .criticalRetriesExhausted, now: now)
            }
            event.retryCount += 1
            let dueAt = now + configuration.criticalRetryDelay
            pendingRetries.append(PendingRetry(event: event, dueAt: dueAt))
            ledger.criticalRetries += 1
            return .retryScheduled(at: dueAt)
        case .high:
            event.priority = .normal
            ledger.downgrades += 1
            return route(event, now: now)
        case .normal:
            guard EventSampling.keepsUnderBackpressure(event.eventID) else {
                return drop(event, .sampledOut)
            }
            event.priority = .low
            ledger.downgrades += 1
            return route(event, now: now)
        case .low:
            return drop(event, .lowPriorityBackpressure)
        }
    }

    mutating func drop(_ event: AnalyticsEvent, _ reason: EventDropReason) -> EventIngestOutcome {
        ledger.droppedByReason[reason, default: 0] += 1
        ledger.droppedByPriority[event.priority, default: 0] += 1
        return .dropped(reason)
    }

    mutating func deadLetter(_ event: AnalyticsEvent, _ reason: EventDeadLetterReason, now: Instant) -> EventIngestOutcome {
        deadLetters.append(DeadLetter(event: event, reason: reason, at: now))
        ledger.deadLetteredByReason[reason, default: 0] += 1
        return .deadLettered(reason)
    }
}
