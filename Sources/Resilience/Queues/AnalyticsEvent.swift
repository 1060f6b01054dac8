/// The priority of an analytics event (seed §5.2.1 `EventPriority`): `critical` = 1 is the
/// most urgent, as in the seed's Python enum.
public enum EventPriority: Int, CaseIterable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// User actions, errors.
    case critical = 1
    /// Video events, engagement.
    case high = 2
    /// Page views, clicks.
    case normal = 3
    /// Background events.
    case low = 4

    /// "Less" means more urgent, following the raw values.
    public static func < (a: EventPriority, b: EventPriority) -> Bool { a.rawValue < b.rawValue }

    /// The seed's per-priority queue bound (`asyncio.Queue(maxsize=...)`).
    public var defaultCapacity: Int {
        switch self {
        case .critical: return 1_000
        case .high: return 5_000
        case .normal: return 10_000
        case .low: return 20_000
        }
    }

    /// The seed's `get_batch_size`: small batches for urgent events, large for efficiency.
    public var defaultBatchSize: Int {
        switch self {
        case .critical: return 10
        case .high: return 50
        case .normal: return 200
        case .low: return 1_000
        }
    }

    /// The seed's `get_flush_interval`.
    public var defaultFlushInterval: TimeAmount {
        switch self {
        case .critical: return .wholeSeconds(1)
        case .high: return .wholeSeconds(5)
        case .normal: return .wholeSeconds(15)
        case .low: return .minutes(1)
        }
    }

    public var description: String {
        switch self {
        case .critical: return "critical"
        case .high: return "high"
        case .normal: return "normal"
        case .low: return "low"
        }
    }
}

/// An analytics event as the ingestion queues see it (seed §5.2.1 `AnalyticsEvent`).
///
/// The seed's free-form `properties` payload is not modelled: no queueing decision reads it.
public struct AnalyticsEvent: Hashable, Sendable {
    public var eventID: String
    public var eventType: String
    public var userID: String
    public var sessionID: String
    public var timestamp: Instant
    /// Current priority; backpressure may downgrade it (high → normal → low).
    public var priority: EventPriority
    /// Backpressure retries so far (the seed declares `retry_count` but never updates it;
    /// the intended bounded retry counts here).
    public var retryCount: Int

    public init(
        eventID: String, eventType: String, userID: String, sessionID: String = "",
        timestamp: Instant, priority: EventPriority, retryCount: Int = 0
    ) {
        self.eventID = eventID
        self.eventType = eventType
        self.userID = userID
        self.sessionID = sessionID
        self.timestamp = timestamp
        self.priority = priority
        self.retryCount = retryCount
    }

    /// The seed's `validate_event` is not shown; loomsim requires the identifying fields an
    /// analytics store keys on. Invalid events are dead-lettered, as in the seed.
    public var isValid: Bool { !eventID.isEmpty && !eventType.isEmpty && !userID.isEmpty }
}

/// The deterministic replacement for the seed's 50 % sample `hash(event.event_id) % 2 == 0`
/// (seed §5.2.1; DESIGN.md §8).
///
/// Python salts `hash(str)` per process, so the seed keeps a different half of the events on
/// every run. loomsim hashes the event id with FNV-1a 64 and then SplitMix64's finaliser:
/// FNV-1a's lowest bit is only the parity of the id's bytes' lowest bits (the prime is odd),
/// which would keep or drop whole families of ids such as "evt-1", "evt-3", ... together; the
/// finaliser spreads every input bit into the one the sample reads.
public enum EventSampling {
    /// The stable 64-bit hash of `eventID`, the same on every process, machine and run.
    public static func stableHash(of eventID: String) -> UInt64 {
        StableHash.mix(StableHash.fnv1a(eventID))
    }

    /// Whether a normal event under backpressure is kept (and demoted to low) rather than
    /// dropped: true for exactly the ids whose stable hash is even.
    public static func keepsUnderBackpressure(_ eventID: String) -> Bool {
        stableHash(of: eventID) % 2 == 0
    }
}
