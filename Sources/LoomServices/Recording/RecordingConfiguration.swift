/// Every tunable of the recording service (seed §1), with units and seed-derived defaults.
///
/// Where the seed gives a number it is used verbatim (the HPA manifest of §1.2.1, the degradation
/// limits of §1.3.2, the 5 s first retry of §1.3.1); where it gives none, the default is the
/// upstream tool's own (PgBouncer, Go `database/sql`, Resilience4j, Redis Sentinel) or a stated
/// engineering estimate, so that a capacity planner can see and override each assumption.
public struct RecordingConfiguration: Sendable {
    // MARK: Deployment and autoscaling (§1.2.1)

    /// Region label of the deployment and its metrics.
    public var region = "us-east-1"
    /// Shape of a recording pod: 1 core and 2 GiB requested (the HPA's utilization
    /// denominators; the seed gives none), 20 s to pull and start, 5 s to pass readiness.
    public var pod: PodTemplate = RecordingConfiguration.defaultPodTemplate
    /// Pods at time zero (the manifest's `minReplicas`, 10).
    public var initialReplicas = 10
    /// The HorizontalPodAutoscaler; default the seed's manifest verbatim (CPU 60 %, memory 70 %,
    /// `active_recording_sessions` AverageValue 100, 10–100 pods, its `behavior`).
    public var hpa: HPAManifest = RecordingConfiguration.seedHPAManifest
    public var hpaSettings = HPAControllerSettings()
    /// Whether the HPA runs (off: the deployment keeps `initialReplicas`).
    public var autoscalingEnabled = true
    /// metrics-server / prometheus-adapter scrape period (15 s) and publication delay (30 s).
    public var metricsScrapeInterval: TimeAmount = .wholeSeconds(15)
    public var metricsDelay: TimeAmount = .wholeSeconds(30)

    // MARK: Sessions on pods (§1.2.1: "WebSocket connection limits and memory per session")

    /// WebSocket sessions one pod accepts (its connection limit); 150 leaves headroom above the
    /// HPA's target of 100 per pod.
    public var maxSessionsPerPod = 150
    /// How the load balancer places a new session; it then stays on its pod (affinity).
    public var routing = RecordingRouting.leastSessions
    /// CPU cores a pod uses with no session (runtime, probes).
    public var podIdleCores = 0.05
    /// Memory of a pod with no session, bytes (256 MiB).
    public var podIdleMemoryBytes = 256.0 * 1_048_576
    /// Cores per open session for the WebSocket, heartbeats and coordination. With the defaults a
    /// 1080p session with real-time transcription costs 0.005 cores and 11 MiB, so a pod at the
    /// HPA's 100 sessions runs at 55 % CPU and 68 % memory (memory per session is the seed's
    /// bottleneck), and the §1.3.2 limits (70/80/90 %) are reached through memory at about
    /// 104/122/140 sessions per pod, before the 150-session connection limit.
    public var coresPerSession = 0.001
    /// Core-seconds to receive, checksum and forward one megabyte of recorded media; a 1080p
    /// session at 5 Mbit/s then costs 0.0025 cores.
    public var coreSecondsPerIngestedMegabyte = 0.004
    /// Extra cores per session with real-time transcription on.
    public var realtimeTranscriptionCores = 0.0015
    /// Memory per session, bytes (8 MiB: socket buffers, session state).
    public var memoryPerSessionBytes = 8.0 * 1_048_576
    /// Seconds of media a session buffers in memory before forwarding.
    public var ingestBufferSeconds = 2.0
    /// Extra memory per session with real-time transcription on, bytes (2 MiB).
    public var realtimeTranscriptionMemoryBytes = 2.0 * 1_048_576
    /// Core-seconds to open a session (authentication, setup) and to close it (finalization).
    public var sessionStartCoreSeconds = 0.02
    public var sessionEndCoreSeconds = 0.05
    /// Media bitrate by vertical resolution, Mbit/s (sorted by lines; a resolution between two
    /// rows takes the lower row's rate).
    public var bitrates: [RecordingBitrate] = RecordingBitrate.defaults
    /// Granularity of the per-session work: every `progressInterval` a session's chunks since the
    /// last tick are accounted, its segment metadata is written to PostgreSQL and a snapshot is
    /// taken when due. Two events per session per interval; CPU for continuous work is a rate.
    public var progressInterval: TimeAmount = .wholeSeconds(30)
    /// Plan limits by user tier name (as the workload's mix names them); unknown tiers get
    /// `defaultTier`.
    public var tiers: [String: RecordingTierPolicy] = RecordingTierPolicy.defaults
    public var defaultTier = RecordingTierPolicy.business
    /// Shares of recording types when the caller does not give one (weights).
    public var screenShare = 0.4
    public var cameraShare = 0.1
    public var screenAndCameraShare = 0.5

    // MARK: Data layer (§1.1, §1.2.2)

    /// Session metadata: written on the primary, read from replicas.
    public var postgres = PostgresCluster.Configuration(name: "recording.postgres")
    /// Real-time state and snapshots.
    public var redis = RedisCluster.Configuration(name: "recording.redis")
    /// Whether a session start reads the user's recording settings (a replica read) before
    /// inserting the session row.
    public var readUserSettingsAtStart = true

    // MARK: Dependencies (§1.3.1)

    public var videoProcessing = RecordingDependencyConfiguration(name: "video-processing")
    public var notification = RecordingDependencyConfiguration(name: "notification")
    public var analytics = RecordingDependencyConfiguration(name: "analytics")
    /// Breaker per dependency; Resilience4j's defaults (50 % over the last 100 calls, 60 s open).
    public var breaker = CircuitBreakerConfig()
    /// Seed §6.1: share each dependency's failure count across the pods through Redis (nil: the
    /// §1.3.1 breakers alone, one per dependency).
    public var distributedBreaker: RecordingDistributedBreaker? = nil
    /// The deferred retry queue; default the seed's intent (see `DeferredRetryQueue.Variant`).
    public var retryQueue = DeferredRetryQueue.Configuration.intended
    /// Seed §1.3.1: `StartRecording` notifies video processing when a session starts.
    public var notifyVideoProcessingAtStart = true

    // MARK: Degradation (§1.3.2)

    /// Limits of the levels (seed: 70/80/90 % CPU and memory, 200/500/1000 ms DB latency).
    public var degradation: GracefulDegradationPolicy = try! GracefulDegradationPolicy()
    public var degradationEnabled = true
    /// How often system health is read and the level re-evaluated.
    public var healthInterval: TimeAmount = .wholeSeconds(10)
    /// Optional escalation on the database failure ratio (the seed reads only CPU, memory and DB
    /// latency; nil keeps it that way).
    public var errorRateTrigger: RecordingErrorRateTrigger? = nil

    // MARK: Snapshots (§1.4.1)

    public var snapshots = RecordingSnapshotConfiguration()

    public init() {}

    public static let defaultPodTemplate = PodTemplate(
        cpuRequestCores: 1, memoryRequestBytes: 2 * 1_073_741_824,
        startupLatency: try! .lognormal(mean: 20, coefficientOfVariation: 0.3),
        readinessDelay: try! .constant(5), crashesPerHour: 0, restartDelay: .wholeSeconds(10), costPerHour: 0.06)

    /// Media bitrate for `lines` of vertical resolution, Mbit/s.
    public func bitrateMbps(forLines lines: Int) -> Double {
        var rate = bitrates.first?.mbps ?? 5
        for row in bitrates where row.lines <= lines { rate = row.mbps }
        return rate
    }

    /// Throws `RecordingConfigurationError` naming the field at fault.
    public func validate() throws {
        func check(_ ok: Bool, _ message: @autoclosure () -> String) throws {
            if !ok { throw RecordingConfigurationError("recording: " + message()) }
        }
        try check(!region.isEmpty, "region must not be empty")
        try check(initialReplicas >= 0, "initialReplicas must be ≥ 0, got \(initialReplicas)")
        try check(metricsScrapeInterval.nanoseconds > 0, "metricsScrapeInterval must be positive")
        try check(metricsDelay.nanoseconds >= 0, "metricsDelay must not be negative")
        try check(maxSessionsPerPod >= 1, "maxSessionsPerPod must be at least 1, got \(maxSessionsPerPod)")
        for (field, v) in [("podIdleCores", podIdleCores), ("podIdleMemoryBytes", podIdleMemoryBytes),
                           ("coresPerSession", coresPerSession), ("coreSecondsPerIngestedMegabyte", coreSecondsPerIngestedMegabyte),
                           ("realtimeTranscriptionCores", realtimeTranscriptionCores), ("memoryPerSessionBytes", memoryPerSessionBytes),
                           ("ingestBufferSeconds", ingestBufferSeconds), ("realtimeTranscriptionMemoryBytes", realtimeTranscriptionMemoryBytes),
                           ("sessionStartCoreSeconds", sessionStartCoreSeconds), ("sessionEndCoreSeconds", sessionEndCoreSeconds)] {
            try check(v.isFinite && v >= 0, "\(field) must be a finite number ≥ 0, got \(v)")
        }
        try check(!bitrates.isEmpty, "bitrates must list at least one resolution")
        try check(zip(bitrates, bitrates.dropFirst()).allSatisfy { $0.lines < $1.lines }, "bitrates must be sorted by increasing lines")
        try check(bitrates.allSatisfy { $0.mbps > 0 && $0.mbps.isFinite }, "every bitrate must be positive")
        try check(progressInterval.nanoseconds > 0, "progressInterval must be positive, got \(progressInterval)")
        for (name, tier) in tiers.sorted(by: { $0.key < $1.key }) { try tier.validate(name: name) }
        try defaultTier.validate(name: "defaultTier")
        let shares = [screenShare, cameraShare, screenAndCameraShare]
        try check(shares.allSatisfy { $0 >= 0 && $0.isFinite } && shares.reduce(0, +) > 0,
                  "recording type shares must be ≥ 0 and not all zero")
        try postgres.validate()
        try redis.validate()
        try check(postgres.name != redis.name, "postgres and redis need different names, both are \(redis.name)")
        for dependency in [videoProcessing, notification, analytics] { try dependency.validate() }
        do { try breaker.validate() } catch { throw RecordingConfigurationError("recording: breaker: \(error)") }
        try distributedBreaker?.validate()
        do { try retryQueue.validate() } catch { throw RecordingConfigurationError("recording: retryQueue: \(error)") }
        try check(healthInterval.nanoseconds > 0, "healthInterval must be positive")
        try errorRateTrigger?.validate()
        try snapshots.validate()
    }
}

/// A recording configuration that cannot work; the message names the field.
public struct RecordingConfigurationError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// How the load balancer places a new WebSocket session (seed §1.1: NGINX/Istio with sticky
/// sessions). Placement happens once; afterwards the session keeps its pod.
public enum RecordingRouting: String, Sendable, CaseIterable {
    /// The serving pod with the fewest sessions (Istio `LEAST_REQUEST`, NGINX `least_conn`).
    case leastSessions
    /// Serving pods in turn, skipping full ones (NGINX's default round-robin).
    case roundRobin
}

/// Media bitrate at one resolution.
public struct RecordingBitrate: Sendable, Equatable {
    /// Vertical resolution, lines.
    public var lines: Int
    /// Mbit/s.
    public var mbps: Double

    public init(lines: Int, mbps: Double) {
        self.lines = lines
        self.mbps = mbps
    }

    /// Typical screen-recording H.264 rates: 480p 1, 720p 2.5, 1080p 5, 1440p 9, 2160p 20 Mbit/s.
    public static let defaults = [
        RecordingBitrate(lines: 480, mbps: 1), RecordingBitrate(lines: 720, mbps: 2.5),
        RecordingBitrate(lines: 1080, mbps: 5), RecordingBitrate(lines: 1440, mbps: 9),
        RecordingBitrate(lines: 2160, mbps: 20),
    ]
}
