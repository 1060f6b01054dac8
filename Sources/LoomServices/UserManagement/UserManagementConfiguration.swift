/// Every tunable of the user-management service: JWT validation with a distributed cache (seed
/// §10.1, "JWT validation → distributed caching → 90 % reduction in validation time") and user
/// snapshots with versions and transactional restore (§7.1). Defaults come from the seed where it
/// gives them (snapshot interval 1 h, retention 7 days), otherwise from the tools or stated estimates.
public struct UserManagementConfiguration: Sendable {
    // MARK: Deployment

    public var region = "us-east-1"
    /// Half a core and 1 GiB per pod; 15 s to start, 5 s to pass readiness.
    public var pod = PodTemplate(
        cpuRequestCores: 0.5, memoryRequestBytes: 1_073_741_824,
        startupLatency: try! .lognormal(mean: 15, coefficientOfVariation: 0.3), readinessDelay: try! .constant(5),
        costPerHour: 0.03)
    public var replicas = 6
    /// An optional HorizontalPodAutoscaler (the seed gives none for this service).
    public var hpa: HPAManifest? = nil
    public var hpaSettings = HPAControllerSettings()

    // MARK: JWT validation (§10.1)

    /// Which caches a validation consults.
    public var cacheMode = JWTCacheMode.distributed
    /// Entries of each pod's in-process cache (LRU beyond it).
    public var localCacheCapacity = 10_000
    /// Lifetime of an entry in the in-process cache (bounds staleness after a permission change).
    public var localCacheTTL: TimeAmount = .wholeSeconds(60)
    /// Lifetime of an entry in Redis.
    public var redisCacheTTL: TimeAmount = .minutes(15)
    /// Access-token lifetime: a user's token is replaced this often, and a new token is a cache miss.
    public var tokenLifetime: TimeAmount = .hours(1)
    /// In-process time of a local-cache lookup (hash lookup, claims decode), seconds.
    public var localLookupSeconds = 0.000_02
    /// CPU time to verify a token's RS256 signature and parse its claims, seconds.
    public var signatureVerificationSeconds = 0.000_1
    /// PostgreSQL reads of a full validation (the user row and its permissions).
    public var userLookupQueries = 2
    /// Users that send requests (the key population) and the Zipf exponent of their popularity.
    public var activeUsers = 100_000
    public var zipfExponent = 1.0

    // MARK: User snapshots (§7.1)

    /// Seed `snapshotInterval || 3600`: dirty users are snapshotted this often (nil: only on demand).
    public var snapshotInterval: TimeAmount? = .hours(1)
    /// Seed `retentionPeriod || 86400 * 7`: how long a snapshot stays in Redis.
    public var snapshotRetention: TimeAmount = .hours(24 * 7)
    /// Reads a snapshot makes (profile, preferences, sessions, permissions, 24 h of audit log).
    public var snapshotReadQueries = 5
    /// Statements of the restore transaction (profile, preferences, permissions; sessions are
    /// not restored, as the seed says).
    public var restoreStatements = 3
    public var snapshotVariant = UserSnapshotVariant.intended
    /// Fault target and metric prefix of the S3 backup store.
    public var backupStoreName = "user-management.snapshot-storage"
    /// S3 PUT and GET round trips, seconds (lognormal 60 ms and 30 ms, CV 0.5).
    public var backupWriteLatency: Distribution = try! .lognormal(mean: 0.06, coefficientOfVariation: 0.5)
    public var backupReadLatency: Distribution = try! .lognormal(mean: 0.03, coefficientOfVariation: 0.5)
    /// Chance that a stored copy fails its checksum when read back.
    public var corruptionProbability = 0.0

    // MARK: Data layer

    public var postgres = PostgresCluster.Configuration(name: "user-management.postgres")
    public var redis = RedisCluster.Configuration(name: "user-management.redis")

    public init() {}

    /// Throws `UserManagementConfigurationError` naming the field at fault.
    public func validate() throws {
        func check(_ ok: Bool, _ message: @autoclosure () -> String) throws {
            if !ok { throw UserManagementConfigurationError("user-management: " + message()) }
        }
        try check(!region.isEmpty, "region must not be empty")
        try check(replicas >= 0, "replicas must be ≥ 0, got \(replicas)")
        try check(localCacheCapacity >= 1, "localCacheCapacity must be at least 1, got \(localCacheCapacity)")
        for (field, t) in [("localCacheTTL", localCacheTTL), ("redisCacheTTL", redisCacheTTL), ("tokenLifetime", tokenLifetime),
                           ("snapshotRetention", snapshotRetention)] {
            try check(t.nanoseconds > 0, "\(field) must be positive, got \(t)")
        }
        if let snapshotInterval { try check(snapshotInterval.nanoseconds > 0, "snapshotInterval must be positive (nil = on demand only)") }
        try check(localLookupSeconds >= 0 && localLookupSeconds.isFinite, "localLookupSeconds must be ≥ 0")
        try check(signatureVerificationSeconds >= 0 && signatureVerificationSeconds.isFinite, "signatureVerificationSeconds must be ≥ 0")
        try check(userLookupQueries >= 1, "userLookupQueries must be at least 1, got \(userLookupQueries)")
        try check(activeUsers >= 1, "activeUsers must be at least 1, got \(activeUsers)")
        try check(zipfExponent >= 0 && zipfExponent.isFinite, "zipfExponent must be ≥ 0, got \(zipfExponent)")
        try check(snapshotReadQueries >= 1, "snapshotReadQueries must be at least 1")
        try check(restoreStatements >= 1, "restoreStatements must be at least 1")
        try check(!backupStoreName.isEmpty, "backupStoreName must not be empty")
        try check((0...1).contains(corruptionProbability), "corruptionProbability must be in [0, 1], got \(corruptionProbability)")
        try postgres.validate()
        try redis.validate()
        try check(postgres.name != redis.name, "postgres and redis need different names, both are \(redis.name)")
    }
}

/// A user-management configuration that cannot work; the message names the field.
public struct UserManagementConfigurationError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The caches a JWT validation consults before the full validation.
public enum JWTCacheMode: String, Sendable, CaseIterable {
    /// Each pod's in-process cache, then Redis (the seed's distributed caching).
    case distributed
    case redisOnly
    case localOnly
    /// No cache: every request verifies the signature and looks the user up (the baseline of
    /// the seed's "90 % reduction").
    case disabled

    var usesLocal: Bool { self == .distributed || self == .localOnly }
    var usesRedis: Bool { self == .distributed || self == .redisOnly }
}

/// Which reading of the seed's user snapshot code (§7.1) to run.
public enum UserSnapshotVariant: String, Sendable, CaseIterable {
    /// The intent: back up to S3 even when the Redis `SETEX` fails; restore from S3 when the
    /// Redis copy is unreadable for any reason (error, expired, bad checksum).
    case intended
    /// As written: `createUserSnapshot` awaits the Redis `setex` and throws before `backupToS3`
    /// when it fails; `restoreUserFromSnapshot` falls back to S3 only when Redis returns nothing,
    /// and throws on a Redis error or a checksum mismatch.
    case asWritten
}
