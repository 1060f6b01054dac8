/// A user's data as a snapshot captures it (seed §7.1 `data`): a revision per part.
public struct UserData: Sendable, Equatable {
    public var profile: Int64 = 0
    public var preferences: Int64 = 0
    public var permissions: Int64 = 0
    /// Captured but never restored ("Sessions are not restored as they should be re-established").
    public var sessions: Int64 = 0

    public init() {}
}

/// A part of a user's data an update changes.
public enum UserPart: String, Sendable, CaseIterable { case profile, preferences, permissions, sessions }

/// How a user operation (update, snapshot, restore) ended.
public enum UserOperationResult: Equatable, Sendable {
    /// For snapshots and restores, the snapshot version; for updates, the part's new revision.
    case succeeded(version: Int64)
    case failed(reason: String)
}

/// One stored user snapshot (seed §7.1 `createUserSnapshot`): version, capture time, data and the
/// checksum over the data, with when each copy is readable and the checksum stored with it.
struct UserSnapshot {
    var version: Int64
    var takenAt: Instant
    var data: UserData
    var checksum: UInt64
    /// Redis `SETEX` copy: readable until this instant (nil: never stored).
    var redisExpiresAt: Instant?
    var redisStoredChecksum: UInt64 = 0
    /// S3 copy: readable from this instant (nil: never stored).
    var backupDurableAt: Instant?
    var backupStoredChecksum: UInt64 = 0

    static func checksum(_ data: UserData) -> UInt64 {
        var h = StableHash.fnv1a(UInt64(bitPattern: data.profile))
        h = StableHash.fnv1a(UInt64(bitPattern: data.preferences), seed: h)
        h = StableHash.fnv1a(UInt64(bitPattern: data.permissions), seed: h)
        return StableHash.fnv1a(UInt64(bitPattern: data.sessions), seed: h)
    }
}

struct UserRecord {
    var data = UserData()
    var lastChange = Instant.zero
}

/// User snapshots with versions and transactional restore (seed §7.1
/// `UserServiceSnapshotManager`): snapshot reads the user's data from PostgreSQL, stores it in
/// Redis with the retention TTL and backs it up to S3; restore reads Redis first, then S3,
/// verifies the checksum and writes profile, preferences and permissions back in one transaction,
/// which either commits all three or changes nothing.
extension UserManagementService {
    /// The user's current data.
    public func userData(_ userID: UInt64) -> UserData { users[userID]?.data ?? UserData() }
    /// Versions of `userID`'s stored snapshots, oldest first.
    public func snapshotVersions(of userID: UInt64) -> [Int64] { snapshotsByUser[userID]?.map(\.version) ?? [] }

    private func beginOperation() -> UInt64 {
        nextOperationID += 1
        context.ledger.admit(Self.serviceName, id: nextOperationID, at: context.now)
        return nextOperationID
    }

    private func endOperation(_ id: UInt64, _ result: UserOperationResult, _ completion: ((UserOperationResult) -> Void)?) {
        if case .failed(let reason) = result {
            countFailure(reason)
            context.ledger.finish(Self.serviceName, id: id, .failed(reason: reason), at: context.now)
        } else {
            context.ledger.finish(Self.serviceName, id: id, .completed, at: context.now)
        }
        completion?(result)
    }

    /// Changes one part of a user's data (a write on the primary); marks the user for the next
    /// snapshot sweep and, for permissions, invalidates the cached token.
    public func updateUser(userID: UInt64, part: UserPart = .profile, completion: ((UserOperationResult) -> Void)? = nil) {
        let id = beginOperation()
        postgres.write(entity: userID) { [unowned self] result in
            guard result.isSuccess else {
                self.endOperation(id, .failed(reason: "update-\(result.failure!.rawValue)"), completion)
                return
            }
            var record = self.users[userID] ?? UserRecord()
            let revision: Int64
            switch part {
            case .profile: record.data.profile += 1; revision = record.data.profile
            case .preferences: record.data.preferences += 1; revision = record.data.preferences
            case .permissions: record.data.permissions += 1; revision = record.data.permissions
            case .sessions: record.data.sessions += 1; revision = record.data.sessions
            }
            record.lastChange = self.context.now
            self.users[userID] = record
            self.dirtyUsers.append(userID)
            self.statistics.updates += 1
            if part == .permissions { self.invalidateTokens(of: userID) }
            self.endOperation(id, .succeeded(version: revision), completion)
        }
    }

    /// Seed `createUserSnapshot`.
    public func createSnapshot(userID: UInt64, completion: ((UserOperationResult) -> Void)? = nil) {
        let id = beginOperation()
        let start = context.now
        postgres.read(entity: userID, queries: configuration.snapshotReadQueries) { [unowned self] result in
            guard result.isSuccess else {
                self.statistics.snapshotFailures += 1
                self.endOperation(id, .failed(reason: "snapshot-read-\(result.failure!.rawValue)"), completion)
                return
            }
            let now = self.context.now
            let data = self.userData(userID)
            let version = (self.snapshotsByUser[userID]?.last?.version ?? 0) + 1
            var snapshot = UserSnapshot(version: version, takenAt: now, data: data, checksum: UserSnapshot.checksum(data))
            let reply = self.redis.send()
            if reply.isOK {
                snapshot.redisExpiresAt = now + reply.latency + self.configuration.snapshotRetention
                snapshot.redisStoredChecksum = self.stored(snapshot.checksum)
            } else if self.configuration.snapshotVariant == .asWritten {
                // The awaited `setex` throws before `backupToS3` runs.
                self.statistics.snapshotFailures += 1
                self.endOperation(id, .failed(reason: "snapshot-redis-\(reply.failure!.rawValue)"), completion)
                return
            }
            if let latency = self.backupPut() {
                snapshot.backupDurableAt = now + latency
                snapshot.backupStoredChecksum = self.stored(snapshot.checksum)
            }
            guard snapshot.redisExpiresAt != nil || snapshot.backupDurableAt != nil else {
                self.statistics.snapshotFailures += 1
                self.endOperation(id, .failed(reason: "snapshot-not-stored"), completion)
                return
            }
            self.snapshotsByUser[userID, default: []].append(snapshot)
            self.dirtyUsers.remove(userID)
            self.statistics.snapshotsCreated += 1
            self.context.metrics.record(self.snapshotLatency, now - start)
            self.endOperation(id, .succeeded(version: version), completion)
        }
    }

    /// Seed `restoreUserFromSnapshot(userId, version = 'latest')`.
    public func restoreUser(userID: UInt64, version: Int64? = nil, completion: ((UserOperationResult) -> Void)? = nil) {
        let id = beginOperation()
        let start = context.now
        let list = snapshotsByUser[userID] ?? []
        guard let snapshot = version.map({ v in list.first { $0.version == v } }) ?? list.last else {
            restoreFailed(id, "no-snapshot", completion)
            return
        }
        let intended = configuration.snapshotVariant == .intended
        guard let expiry = snapshot.redisExpiresAt, expiry > start else {
            // The key is gone (never written or past retention): both readings go to S3.
            readBackup(id, userID, snapshot, start: start, completion)
            return
        }
        redis.execute(entity: userID) { [unowned self] reply in
            guard reply.isOK else {
                if intended { self.readBackup(id, userID, snapshot, start: start, completion) }
                else { self.restoreFailed(id, "restore-redis-\(reply.failure!.rawValue)", completion) }
                return
            }
            guard UserSnapshot.checksum(snapshot.data) == snapshot.redisStoredChecksum else {
                if intended { self.readBackup(id, userID, snapshot, start: start, completion) }
                else { self.restoreFailed(id, "snapshot-integrity", completion) }
                return
            }
            self.transact(id, userID, snapshot, fromBackup: false, start: start, completion)
        }
    }

    private func readBackup(_ id: UInt64, _ userID: UInt64, _ snapshot: UserSnapshot, start: Instant,
                            _ completion: ((UserOperationResult) -> Void)?) {
        guard let durable = snapshot.backupDurableAt, durable <= context.now else {
            restoreFailed(id, "no-snapshot", completion)
            return
        }
        backupStore.submit(entity: userID) { [unowned self] outcome in
            guard outcome.isSuccess else {
                self.restoreFailed(id, "backup-unavailable", completion)
                return
            }
            guard UserSnapshot.checksum(snapshot.data) == snapshot.backupStoredChecksum else {
                self.restoreFailed(id, "snapshot-integrity", completion)
                return
            }
            self.transact(id, userID, snapshot, fromBackup: true, start: start, completion)
        }
    }

    /// Seed `restoreUserData`: one transaction on the primary; on failure it rolls back and the
    /// user's data is untouched.
    private func transact(_ id: UInt64, _ userID: UInt64, _ snapshot: UserSnapshot, fromBackup: Bool, start: Instant,
                          _ completion: ((UserOperationResult) -> Void)?) {
        postgres.write(entity: userID, statements: configuration.restoreStatements, transactional: true) { [unowned self] result in
            guard result.isSuccess else {
                self.statistics.rollbacks += 1
                self.restoreFailed(id, "transaction-\(result.failure!.rawValue)", completion)
                return
            }
            var record = self.users[userID] ?? UserRecord()
            record.data.profile = snapshot.data.profile
            record.data.preferences = snapshot.data.preferences
            record.data.permissions = snapshot.data.permissions
            record.lastChange = self.context.now
            self.users[userID] = record
            self.dirtyUsers.append(userID)
            self.invalidateTokens(of: userID)
            self.statistics.restores += 1
            if fromBackup { self.statistics.restoresFromBackup += 1 }
            self.context.metrics.record(self.restoreLatency, self.context.now - start)
            self.endOperation(id, .succeeded(version: snapshot.version), completion)
        }
    }

    private func restoreFailed(_ id: UInt64, _ reason: String, _ completion: ((UserOperationResult) -> Void)?) {
        statistics.restoreFailures += 1
        endOperation(id, .failed(reason: reason), completion)
    }

    /// Snapshots every user changed since their last snapshot (the seed's periodic
    /// `snapshotInterval`), in the order they changed.
    func snapshotDirtyUsers() {
        for user in Array(dirtyUsers) { createSnapshot(userID: user) }
    }

    /// The checksum a copy is stored with: the snapshot's, or a corrupted one.
    private func stored(_ checksum: UInt64) -> UInt64 {
        let p = configuration.corruptionProbability
        return p > 0 && snapshotStream.uniform() < p ? checksum ^ 0xA5A5 : checksum
    }

    /// A one-way S3 PUT (`PlatformContext.oneWayPut`).
    private func backupPut() -> TimeAmount? {
        context.oneWayPut(to: backupStore, latency: configuration.backupWriteLatency, stream: snapshotStream, recordingInto: backupLatency)
    }
}
