/// One recording session: a recording client's WebSocket to a pod from the start request until
/// the recording is finalized (seed §1.4.1 `RecordingSession`). A reference type because the
/// pod hosting it, its timers and its pending database calls all refer to the same session; it is
/// only touched on the runtime's loop.
final class RecordingSession {
    enum State {
        /// Placed on a pod, its row not yet written.
        case starting
        case active
        /// Its pod is gone; the client reconnects after its back-off.
        case reconnecting
        /// Reconnected, waiting for a pod with room.
        case waitingForPod
        /// On a new pod, reading its snapshot back.
        case restoring
        /// Recording stopped; the final metadata write is in flight.
        case finalizing
        case ended
    }

    let id: UInt64
    let tier: String
    let type: RecordingType
    var settings: RecordingSettings
    let requestedAt: Instant
    /// Length the user will record (after the plan's limit).
    let length: TimeAmount
    let bitrateMbps: Double
    /// Continuous CPU and memory the session costs its pod.
    let cores: Double
    let memoryBytes: Double

    var state = State.starting
    var pod: RecordingPodState?
    var indexInPod = -1
    /// Bumped whenever the session leaves a pod, so timers and replies meant for the old
    /// placement are recognised and ignored.
    var generation: UInt32 = 0
    var timer: EventHandle?
    var startedAt = Instant.zero
    var plannedEnd = Instant.zero
    /// Last write of the session row (replica reads after it may be stale).
    var lastWriteAt = Instant.zero
    var snapshotVersion: Int64 = 0
    var lastSnapshotAt: Instant?
    /// Copies in Redis and in the persistent store.
    var fastCopies = SessionSnapshotSlot()
    var persistentCopies = SessionSnapshotSlot()
    /// When the session last lost its pod (cleared once restored).
    var lostAt: Instant?
    /// Copies durable by this instant are readable for the restore (the loss, or the end of a
    /// graceful drain's final snapshot).
    var snapshotCutoff = Instant.zero
    /// The pod was removed by scale-down and drained (a migration, not a failure).
    var gracefulMove = false
    /// Recorded state lost across restores (the sum of their RPOs).
    var dataLost = TimeAmount.zero
    var restores = 0
    var restoreDeadline: EventHandle?

    init(id: UInt64, tier: String, type: RecordingType, settings: RecordingSettings, requestedAt: Instant,
         length: TimeAmount, bitrateMbps: Double, cores: Double, memoryBytes: Double) {
        self.id = id
        self.tier = tier
        self.type = type
        self.settings = settings
        self.requestedAt = requestedAt
        self.length = length
        self.bitrateMbps = bitrateMbps
        self.cores = cores
        self.memoryBytes = memoryBytes
    }

    /// Media recorded by `now`.
    func recorded(at now: Instant) -> TimeAmount { max(.zero, min(now, plannedEnd) - startedAt) }
}

/// One stored copy of a session snapshot (seed §1.4.1 `SessionSnapshot`): what it captured, its
/// checksum, when the copy became durable, and the checksum stored with it (which differs from
/// the content's when the copy was torn or corrupted).
struct SessionSnapshotCopy {
    var version: Int64
    var takenAt: Instant
    var recorded: TimeAmount
    var durableAt: Instant
    var storedChecksum: UInt64

    /// The checksum of a snapshot's content (seed `calculateChecksum`; FNV-1a over its fields).
    static func checksum(session: UInt64, version: Int64, takenAt: Instant, recorded: TimeAmount) -> UInt64 {
        var h = StableHash.fnv1a(session)
        h = StableHash.fnv1a(UInt64(bitPattern: version), seed: h)
        h = StableHash.fnv1a(UInt64(bitPattern: takenAt.nanoseconds), seed: h)
        return StableHash.fnv1a(UInt64(bitPattern: recorded.nanoseconds), seed: h)
    }

    /// Seed `verifyChecksum`: recompute over the content and compare with the stored value.
    func verifies(session: UInt64) -> Bool {
        Self.checksum(session: session, version: version, takenAt: takenAt, recorded: recorded) == storedChecksum
    }
}

/// The copies of a session's snapshot in one store: the key holds the newest written copy, and
/// the one before it is what a reader finds while the newest is still in flight.
struct SessionSnapshotSlot {
    var current: SessionSnapshotCopy?
    var previous: SessionSnapshotCopy?

    mutating func store(_ copy: SessionSnapshotCopy) {
        previous = current
        current = copy
    }

    /// The copy a reader sees for a pod lost at `time`.
    func readable(asOf time: Instant) -> SessionSnapshotCopy? {
        if let current, current.durableAt <= time { return current }
        if let previous, previous.durableAt <= time { return previous }
        return nil
    }
}
