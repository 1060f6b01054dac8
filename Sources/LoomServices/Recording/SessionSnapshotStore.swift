/// Session snapshots (seed §1.4.1 `SnapshotManager`): `CreateSnapshot` stores a checksummed
/// snapshot in Redis for fast access and backs it up asynchronously to persistent storage;
/// `RestoreSession` reads Redis first, falls back to persistent storage, and verifies the
/// checksum. Which failures fall back and whether the backup depends on the Redis write is the
/// configured `RecordingSnapshotVariant` (the intent, or the code as written).
///
/// Writes are one-way (`RedisCluster.send`, and a PUT whose fate is drawn now): a snapshot costs
/// no event. Reads during a restore go through the stores' queues (one event each).
final class SessionSnapshotStore {
    /// How a restore read ended.
    enum ReadResult {
        case restored(SessionSnapshotCopy, fromFastStore: Bool)
        case failed(reason: String)
    }

    let configuration: RecordingSnapshotConfiguration
    let redis: RedisCluster
    /// The persistent store (object storage); GETs queue here, PUTs are one-way.
    let persistent: QueueingResource
    private let context: PlatformContext
    private let stream: RandomStream
    private let persistentLatency: MetricsRecorder.Latency
    private(set) var fastWriteFailures = 0
    private(set) var persistentWriteFailures = 0
    private(set) var checksumFailures = 0

    init(configuration: RecordingSnapshotConfiguration, redis: RedisCluster, context: PlatformContext) {
        self.configuration = configuration
        self.redis = redis
        self.context = context
        stream = context.stream("recording.snapshots")
        persistent = QueueingResource(name: configuration.persistentStoreName, capacity: 10_000, queueLimit: 0,
                                      serviceTime: configuration.persistentReadLatency, context: context)
        persistentLatency = context.metrics.registerLatency("\(configuration.persistentStoreName).latency")
    }

    /// Seed `CreateSnapshot` for `session` at `now`; returns whether any copy was stored.
    @discardableResult
    func create(for session: RecordingSession, now: Instant) -> Bool {
        session.snapshotVersion += 1
        session.lastSnapshotAt = now
        let version = session.snapshotVersion
        let recorded = session.recorded(at: now)
        let checksum = SessionSnapshotCopy.checksum(session: session.id, version: version, takenAt: now, recorded: recorded)
        func copy(landing latency: TimeAmount) -> SessionSnapshotCopy {
            let corrupt = configuration.corruptionProbability > 0 && stream.uniform() < configuration.corruptionProbability
            return SessionSnapshotCopy(version: version, takenAt: now, recorded: recorded, durableAt: now + latency,
                                       storedChecksum: corrupt ? checksum ^ 0x5a5a : checksum)
        }
        let reply = redis.send()
        if reply.isOK {
            session.fastCopies.store(copy(landing: reply.latency))
        } else {
            fastWriteFailures += 1
            // As written, the error returns before the "async backup" goroutine is started.
            if configuration.variant == .asWritten { return false }
        }
        if let latency = persistentPut() {
            session.persistentCopies.store(copy(landing: latency))
            return true
        }
        persistentWriteFailures += 1
        return reply.isOK
    }

    /// A one-way PUT to the persistent store (`PlatformContext.oneWayPut`).
    private func persistentPut() -> TimeAmount? {
        context.oneWayPut(to: persistent, latency: configuration.persistentWriteLatency, stream: stream, recordingInto: persistentLatency)
    }

    /// Seed `RestoreSession` for a session whose pod was lost at `lostAt`.
    func restore(_ session: RecordingSession, lostAt: Instant, completion: @escaping (ReadResult) -> Void) {
        let intended = configuration.variant == .intended
        guard let fast = session.fastCopies.readable(asOf: lostAt) else {
            // `redis.Nil`: the key was never written (both variants read storage).
            readPersistent(session, lostAt: lostAt, completion: completion)
            return
        }
        redis.execute(entity: session.id) { [unowned self] reply in
            guard reply.isOK else {
                if intended { self.readPersistent(session, lostAt: lostAt, completion: completion) }
                else { completion(.failed(reason: "snapshot-retrieve-failed")) }
                return
            }
            if fast.verifies(session: session.id) {
                completion(.restored(fast, fromFastStore: true))
                return
            }
            self.checksumFailures += 1
            if intended { self.readPersistent(session, lostAt: lostAt, completion: completion) }
            else { completion(.failed(reason: "snapshot-integrity")) }
        }
    }

    private func readPersistent(_ session: RecordingSession, lostAt: Instant, completion: @escaping (ReadResult) -> Void) {
        guard let copy = session.persistentCopies.readable(asOf: lostAt) else {
            completion(.failed(reason: "no-snapshot"))
            return
        }
        persistent.submit(entity: session.id) { [unowned self] outcome in
            guard outcome.isSuccess else {
                completion(.failed(reason: "snapshot-store-unavailable"))
                return
            }
            if copy.verifies(session: session.id) {
                completion(.restored(copy, fromFastStore: false))
            } else {
                self.checksumFailures += 1
                completion(.failed(reason: "snapshot-integrity"))
            }
        }
    }
}
