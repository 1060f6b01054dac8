extension RecordingConfiguration {
    /// Seed §1.2.1, verbatim.
    public static let seedHPAYAML = HPAManifest.seedRecordingServiceYAML

    /// The seed's manifest (§1.2.1) parsed.
    public static let seedHPAManifest = try! HPAManifest(yaml: seedHPAYAML)

    /// The custom metric the seed's HPA reads per pod.
    public static let activeSessionsMetric = "active_recording_sessions"
}

/// What a user tier's plan allows a recording (Loom's plans: Starter records up to 5 minutes at
/// up to 720p; Business records without a length limit up to 4K; AI features are a paid add-on).
public struct RecordingTierPolicy: Sendable, Equatable {
    /// Longest recording; nil = unlimited.
    public var maxLength: TimeAmount?
    /// Highest vertical resolution, lines.
    public var maxResolution: Int
    /// Whether recordings of this tier request AI features (seed §1.3.2 `EnableAI`).
    public var enableAI: Bool
    /// Whether they request real-time transcription (§1.3.2 `EnableRealTimeTranscription`).
    public var enableRealTimeTranscription: Bool

    public init(maxLength: TimeAmount?, maxResolution: Int, enableAI: Bool, enableRealTimeTranscription: Bool) {
        self.maxLength = maxLength
        self.maxResolution = maxResolution
        self.enableAI = enableAI
        self.enableRealTimeTranscription = enableRealTimeTranscription
    }

    public static let starter = RecordingTierPolicy(maxLength: .minutes(5), maxResolution: 720, enableAI: false, enableRealTimeTranscription: true)
    public static let business = RecordingTierPolicy(maxLength: nil, maxResolution: 2160, enableAI: false, enableRealTimeTranscription: true)
    public static let businessAI = RecordingTierPolicy(maxLength: nil, maxResolution: 2160, enableAI: true, enableRealTimeTranscription: true)

    /// Tier names a workload is likely to use.
    public static let defaults: [String: RecordingTierPolicy] = [
        "free": .starter, "starter": .starter, "pro": .business, "business": .business,
        "business-ai": .businessAI, "enterprise": .businessAI,
    ]

    func validate(name: String) throws {
        if let maxLength, maxLength.nanoseconds <= 0 {
            throw RecordingConfigurationError("recording: tier \(name): maxLength must be positive (nil = unlimited), got \(maxLength)")
        }
        guard maxResolution > 0 else { throw RecordingConfigurationError("recording: tier \(name): maxResolution must be positive, got \(maxResolution)") }
    }
}

/// One downstream dependency of the recording service (§1.3.1: video processing, notification,
/// analytics) as the recording pods see it: an endpoint named `recording-><name>` with a
/// concurrency limit and a latency, so scenarios can inject `dependencyErrors`,
/// `dependencyLatency` and `datastoreOutage` on that name.
public struct RecordingDependencyConfiguration: Sendable {
    /// The dependency's service name (the breaker gauge's `to` label).
    public var name: String
    /// Calls it serves at once; more are refused (HTTP 503).
    public var concurrency = 1_000
    /// Round trip of one call, seconds (lognormal mean 50 ms, CV 0.5).
    public var latency: Distribution = RecordingDependencyConfiguration.defaultLatency
    /// A call slower than this counts as failed (the client's deadline).
    public var callTimeout: TimeAmount = .wholeSeconds(5)

    public init(name: String) { self.name = name }

    public static let defaultLatency = try! Distribution.lognormal(mean: 0.05, coefficientOfVariation: 0.5)

    /// The endpoint's resource name and fault target.
    public var endpointName: String { "recording->\(name)" }

    func validate() throws {
        guard !name.isEmpty else { throw RecordingConfigurationError("recording: a dependency needs a name") }
        guard concurrency >= 1 else { throw RecordingConfigurationError("recording: dependency \(name): concurrency must be at least 1, got \(concurrency)") }
        guard callTimeout.nanoseconds > 0 else { throw RecordingConfigurationError("recording: dependency \(name): callTimeout must be positive") }
    }
}

/// Escalation of the degradation level on the database failure ratio over a health interval
/// (an extension: seed §1.3.2 reads CPU, memory and DB latency only). Each limit is a fraction.
public struct RecordingErrorRateTrigger: Sendable, Equatable {
    public var reducedFeatures: Double
    public var coreOnly: Double
    public var emergencyMode: Double

    public init(reducedFeatures: Double = 0.05, coreOnly: Double = 0.10, emergencyMode: Double = 0.25) {
        self.reducedFeatures = reducedFeatures
        self.coreOnly = coreOnly
        self.emergencyMode = emergencyMode
    }

    func level(for ratio: Double) -> DegradationLevel {
        if ratio > emergencyMode { return .emergencyMode }
        if ratio > coreOnly { return .coreOnly }
        if ratio > reducedFeatures { return .reducedFeatures }
        return .fullService
    }

    func validate() throws {
        guard 0 <= reducedFeatures, reducedFeatures <= coreOnly, coreOnly <= emergencyMode, emergencyMode <= 1 else {
            throw RecordingConfigurationError("recording: errorRateTrigger limits must satisfy 0 ≤ reduced ≤ core ≤ emergency ≤ 1")
        }
    }
}

/// Which reading of the seed's snapshot code (§1.4.1) to run.
public enum RecordingSnapshotVariant: String, Sendable, CaseIterable {
    /// The intent: back the snapshot up to persistent storage even when the Redis write fails, and
    /// restore from persistent storage whenever the Redis copy cannot be used (Redis down, key
    /// missing, checksum mismatch).
    case intended
    /// The code as written: `CreateSnapshot` returns before the async backup when the Redis `SET`
    /// fails (no persistent copy either), and `RestoreSession` falls back to storage only on
    /// `redis.Nil`; a Redis error or a checksum mismatch loses the session.
    case asWritten
}

/// Session snapshots and restore after pod loss (§1.4.1).
public struct RecordingSnapshotConfiguration: Sendable {
    /// Whether sessions are snapshotted at all (off: a lost pod loses its sessions).
    public var enabled = true
    /// Time between snapshots of a session (the seed gives none; 30 s, one per progress tick).
    public var interval: TimeAmount = .wholeSeconds(30)
    /// Snapshot once the session row is written, so a session is restorable from its start.
    public var onStart = true
    public var variant = RecordingSnapshotVariant.intended
    /// Fault target and metric prefix of the persistent store (object storage).
    public var persistentStoreName = "recording.snapshot-storage"
    /// Persistent store PUT and GET round trips, seconds (lognormal 60 ms and 30 ms, CV 0.5).
    public var persistentWriteLatency: Distribution = try! .lognormal(mean: 0.06, coefficientOfVariation: 0.5)
    public var persistentReadLatency: Distribution = try! .lognormal(mean: 0.03, coefficientOfVariation: 0.5)
    /// Chance that a stored copy fails its checksum when read back (torn write, bit rot).
    public var corruptionProbability = 0.0
    /// How long a disconnected client waits before reconnecting (WebSocket reconnect back-off),
    /// seconds (uniform 1–5 s).
    public var reconnectDelay: Distribution = try! .uniform(low: 1, high: 5)
    /// A session that finds no pod with room within this time of losing its pod is dropped.
    public var restoreTimeout: TimeAmount = .wholeSeconds(60)
    /// Core-seconds to serialize, checksum and compress one snapshot.
    public var snapshotCoreSeconds = 0.001

    public init() {}

    func validate() throws {
        func fail(_ m: String) -> RecordingConfigurationError { RecordingConfigurationError("recording: snapshots: \(m)") }
        guard interval.nanoseconds > 0 else { throw fail("interval must be positive, got \(interval)") }
        guard !persistentStoreName.isEmpty else { throw fail("persistentStoreName must not be empty") }
        guard (0...1).contains(corruptionProbability) else { throw fail("corruptionProbability must be in [0, 1], got \(corruptionProbability)") }
        guard restoreTimeout.nanoseconds > 0 else { throw fail("restoreTimeout must be positive") }
        guard snapshotCoreSeconds >= 0, snapshotCoreSeconds.isFinite else { throw fail("snapshotCoreSeconds must be ≥ 0") }
    }
}
