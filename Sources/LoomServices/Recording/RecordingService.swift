import DequeModule

/// The recording service (seed §1) as a simulation model running the real policies.
///
/// Recording clients open WebSocket sessions that the load balancer places on a serving pod and
/// that stay there (session affinity) until the recording ends or the pod goes away. Each session
/// costs its pod CPU and memory at a rate set by its resolution and features, plus discrete work
/// at start, end and each snapshot; the pods export `active_recording_sessions`, and the seed's
/// HPA (§1.2.1) scales the deployment on CPU, memory and sessions through `AutoscalerLoop`.
/// Session metadata goes through the PgBouncer-pooled PostgreSQL cluster (§1.2.2); dependencies
/// are called through circuit breakers with a deferred retry queue (§1.3.1); graceful
/// degradation (§1.3.2) sheds features and refuses sessions from CPU, memory and DB latency;
/// snapshots (§1.4.1) let sessions of a lost pod resume on another pod.
///
/// Wiring: create, optionally set `videoProcessingHandoff`, call `start()`, then call
/// `startSession` for each arrival. Every session is a unit of the `recording` flow of the
/// conservation ledger (completed; failed: `degraded-rejected`, `session-lost`, `db-<reason>`,
/// `finalize-<reason>`; dropped: `no-capacity`, `restore-timeout`); every downstream call is a unit
/// of `recording.downstream` (completed, or dead-lettered by the retry queue).
public final class RecordingService {
    public static let serviceName = "recording"
    /// Ledger flow of the calls to video processing, notification and analytics.
    public static let downstreamFlow = "recording.downstream"

    public let configuration: RecordingConfiguration
    public let deployment: Deployment
    public let postgres: PostgresCluster
    public let redis: RedisCluster
    public private(set) var autoscaler: AutoscalerLoop?
    /// Hands a finished recording to the video-processing service once the call to the
    /// `recording->video-processing` endpoint succeeds; returning false (queue full) counts as a
    /// failed call, retried later. Unset: the endpoint's answer is the whole story.
    public var videoProcessingHandoff: ((FinishedRecording) -> Bool)?
    /// When set, a finished recording goes to this instead of the three downstream calls: the
    /// recording saga (seed §6.2, `RecordingSagaRun`) makes those calls as its steps.
    public var recordingFinished: ((FinishedRecording) -> Void)?
    /// The level the last health reading chose (§1.3.2).
    public internal(set) var degradationLevel = DegradationLevel.fullService
    /// The last health reading.
    public internal(set) var lastHealth = SystemHealthSample(cpuPercent: 0, memoryPercent: 0, databaseLatency: .zero)
    public internal(set) var statistics = RecordingStatistics()

    let context: PlatformContext
    let snapshots: SessionSnapshotStore
    /// Video processing, notification, analytics (the order of §1.3.1).
    let dependencies: [RecordingDependency]
    var retryQueue: DeferredRetryQueue
    var pendingCalls: [UInt64: PendingDownstreamCall] = [:]
    var retryTimer: EventHandle?
    var retryTimerDue: Instant?
    var sessions: [UInt64: RecordingSession] = [:]
    var podStates: [UInt64: RecordingPodState] = [:]
    /// Serving pods in pod-id order (the order routing scans).
    var serving: [RecordingPodState] = []
    var restoreQueue: Deque<RecordingSession> = []
    var nextSessionID: UInt64 = 0
    var nextCallID: UInt64 = 0
    var roundRobinCursor = 0
    var started = false
    var arrivalsSinceLoadRead = 0
    var lastLoadRead = Instant.zero
    let workloadStream: RandomStream
    let recoveryStream: RandomStream
    let retryStream: RandomStream
    let typeDistribution: Distribution
    let startLatency: MetricsRecorder.Latency
    let restoreDuration: MetricsRecorder.Latency
    let restoreRPO: MetricsRecorder.Latency
    let finalizeLatency: MetricsRecorder.Latency
    let segmentWriteFailures: MetricsRecorder.Counter
    var reasonCounters: [String: MetricsRecorder.Counter] = [:]

    static let tickKind = EventKind("recording.tick")
    static let reconnectKind = EventKind("recording.reconnect")
    static let restoreTimeoutKind = EventKind("recording.restore-timeout")
    static let retryKind = EventKind("recording.retry")
    static let healthKind = EventKind("recording.health")

    /// Builds the service; `postgres` and `redis` may be shared clusters, otherwise the service
    /// creates its own from the configuration.
    public init(configuration: RecordingConfiguration, context: PlatformContext,
                postgres: PostgresCluster? = nil, redis: RedisCluster? = nil) throws {
        try configuration.validate()
        self.configuration = configuration
        self.context = context
        self.postgres = try postgres ?? PostgresCluster(configuration: configuration.postgres, context: context)
        let redis = try redis ?? RedisCluster(configuration: configuration.redis, context: context)
        self.redis = redis
        deployment = Deployment(service: Self.serviceName, region: configuration.region, template: configuration.pod,
                                replicas: configuration.initialReplicas, context: context)
        snapshots = SessionSnapshotStore(configuration: configuration.snapshots, redis: redis, context: context)
        let sharedCounts = configuration.distributedBreaker.map { _ in ModelledSharedFailureStore.redis(redis, context: context) }
        dependencies = try [configuration.videoProcessing, configuration.notification, configuration.analytics].map {
            try RecordingDependency(configuration: $0, breaker: configuration.breaker, distributed: configuration.distributedBreaker,
                                    store: sharedCounts, context: context)
        }
        retryQueue = try DeferredRetryQueue(configuration: configuration.retryQueue)
        workloadStream = context.stream("recording.workload")
        recoveryStream = context.stream("recording.recovery")
        retryStream = context.stream("recording.retry")
        typeDistribution = try .empirical(values: [0, 1, 2],
            weights: [configuration.screenShare, configuration.cameraShare, configuration.screenAndCameraShare])
        let m = context.metrics
        let s = Self.serviceName
        startLatency = m.registerLatency("\(s).session_start")
        restoreDuration = m.registerLatency("\(s).restore.duration")
        restoreRPO = m.registerLatency("\(s).restore.rpo")
        finalizeLatency = m.registerLatency("\(s).finalize")
        segmentWriteFailures = m.registerCounter("\(s).segment_write_failures", unit: "writes")
        m.registerGauge("\(s).load", unit: "sessions/s") { [unowned self] in self.readLoad() }
        m.registerGauge("\(s).active_sessions", unit: "sessions") { [unowned self] in Double(self.sessionsOnPods) }
        m.registerGauge("\(s).degradation_level", unit: "level") { [unowned self] in Double(self.degradationLevel.rawValue) }
        m.registerGauge("\(s).retry_queue.pending", unit: "tasks") { [unowned self] in Double(self.retryQueue.pendingCount) }
        m.registerGauge("\(s).restore_queue", unit: "sessions") { [unowned self] in Double(self.restoreQueue.count) }
    }

    /// Creates the warm pods, starts the HPA loop and the health readings.
    public func start() {
        precondition(!started, "RecordingService.start() called twice")
        started = true
        deployment.onPodReady = { [unowned self] pod in self.podBecameReady(pod) }
        deployment.onPodLost = { [unowned self] pod, reason in self.podLost(pod, reason: reason) }
        deployment.startWarm()
        followServingPodsWithDistributedBreakers()
        if configuration.autoscalingEnabled {
            let hpa = HorizontalPodAutoscaler(manifest: configuration.hpa, settings: configuration.hpaSettings)
            let loop = AutoscalerLoop(hpa: hpa, deployment: deployment, context: context,
                                      scrapeInterval: configuration.metricsScrapeInterval, metricsDelay: configuration.metricsDelay)
            loop.start()
            autoscaler = loop
        }
        context.every(configuration.healthInterval, Self.healthKind, startingAfter: configuration.healthInterval) { [unowned self] in
            self.evaluateHealth()
        }
    }

    /// Adds the service's pods and datastores to a run's cost accounting.
    public func attachCosts(to host: any PlatformHost) {
        host.track(deployment)
        host.accrue { [unowned self] interval in
            self.postgres.accrueCost(over: interval)
            self.redis.accrueCost(over: interval)
        }
    }

    // MARK: Queries

    /// Sessions placed on pods (starting, active or restoring).
    public var sessionsOnPods: Int { serving.reduce(0) { $0 + $1.count } }
    /// Sessions not yet finished (on pods, reconnecting, waiting, finalizing).
    public var sessionsInFlight: Int { sessions.count }
    /// The pod hosting session `id`, if it is on one.
    public func podID(ofSession id: UInt64) -> UInt64? { sessions[id]?.pod?.id }
    /// The settings session `id` runs with (after degradation).
    public func settings(ofSession id: UInt64) -> RecordingSettings? { sessions[id]?.settings }
    /// Sessions per serving pod, in pod-id order.
    public var sessionsPerPod: [(pod: UInt64, sessions: Int)] { serving.map { ($0.id, $0.count) } }
    /// The breaker state towards `dependency` ("video-processing", "notification", "analytics").
    public func breakerState(to dependency: String) -> CircuitBreakerState? {
        dependencies.first { $0.name == dependency }?.state
    }
    /// Downstream calls waiting in the deferred retry queue.
    public var pendingRetries: Int { retryQueue.pendingCount + retryQueue.inFlightCount }

    // MARK: Pods

    private func podBecameReady(_ pod: Pod) {
        guard podStates[pod.id] == nil else { return }
        let state = RecordingPodState(pod: pod)
        state.busyAtLastHealth = pod.busySeconds
        state.publish(idleCores: configuration.podIdleCores, idleMemory: configuration.podIdleMemoryBytes)
        podStates[pod.id] = state
        let i = serving.firstIndex { $0.id > pod.id } ?? serving.count
        serving.insert(state, at: i)
        postgres.setClientPods(serving.count, for: Self.serviceName)
        drainRestoreQueue()
    }

    /// Arrivals per second since the last read (the `recording.load` gauge).
    private func readLoad() -> Double {
        let now = context.now
        let seconds = (now - lastLoadRead).seconds
        defer { arrivalsSinceLoadRead = 0; lastLoadRead = now }
        return seconds > 0 ? Double(arrivalsSinceLoadRead) / seconds : 0
    }

    /// A counter `<name>{service=recording,reason=<reason>}`, registered on first use.
    func count(_ name: String, reason: String) {
        let key = name + "|" + reason
        if let c = reasonCounters[key] {
            context.metrics.add(c)
            return
        }
        let c = context.metrics.registerCounter(metricKey(name, [("service", Self.serviceName), ("reason", reason)]), unit: "units")
        reasonCounters[key] = c
        context.metrics.add(c)
    }
}
