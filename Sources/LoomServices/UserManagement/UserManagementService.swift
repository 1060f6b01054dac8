import OrderedCollections
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The user-management service as a simulation model: JWT validation through an in-process cache
/// per pod, then Redis, then the full validation (signature and a user lookup in PostgreSQL) —
/// seed §10.1, "JWT validation → distributed caching → 90 % reduction in validation time" — and
/// versioned user snapshots with transactional restore (§7.1).
///
/// Cache hit rates are not parameters: they emerge from the key popularity (a Zipf law over the
/// active users, drawn by `validateTokenOfRandomUser` or given by callers), token rotation, the
/// TTLs, the local caches' size, and how requests spread over the pods. Validations are counted
/// in aggregate in the `user-management` ledger flow (completed, or failed with the reason);
/// snapshot, restore and update operations are tracked individually in the same flow.
public final class UserManagementService {
    public static let serviceName = "user-management"

    public let configuration: UserManagementConfiguration
    public let deployment: Deployment
    public let postgres: PostgresCluster
    public let redis: RedisCluster
    /// The S3 backup of user snapshots (GETs queue here; PUTs are one-way).
    public let backupStore: QueueingResource
    public private(set) var autoscaler: AutoscalerLoop?
    public internal(set) var statistics = UserManagementStatistics()

    let context: PlatformContext
    var pods: [UserManagementPod] = []
    var podIndex: [UInt64: UserManagementPod] = [:]
    var cursor = 0
    /// Token keys cached in Redis, with their expiry.
    var redisTokens: [UInt64: Instant] = [:]
    let popularity: Distribution
    let userStream: RandomStream
    let snapshotStream: RandomStream
    var users: [UInt64: UserRecord] = [:]
    var snapshotsByUser: [UInt64: [UserSnapshot]] = [:]
    var dirtyUsers: OrderedSet<UInt64> = []
    var nextOperationID: UInt64 = 0
    var started = false
    var validationsSinceRead = 0
    var hitsSinceRead = 0
    var lastRead = Instant.zero
    let validationLatency: MetricsRecorder.Latency
    let snapshotLatency: MetricsRecorder.Latency
    let restoreLatency: MetricsRecorder.Latency
    let localHits: MetricsRecorder.Counter
    let redisHits: MetricsRecorder.Counter
    let fullValidations: MetricsRecorder.Counter
    let backupLatency: MetricsRecorder.Latency
    var failureCounters: [String: MetricsRecorder.Counter] = [:]
    static let sweepKind = EventKind("user-management.snapshot-sweep")

    /// Builds the service; `postgres` and `redis` may be shared clusters.
    public init(configuration: UserManagementConfiguration, context: PlatformContext,
                postgres: PostgresCluster? = nil, redis: RedisCluster? = nil) throws {
        try configuration.validate()
        self.configuration = configuration
        self.context = context
        self.postgres = try postgres ?? PostgresCluster(configuration: configuration.postgres, context: context)
        self.redis = try redis ?? RedisCluster(configuration: configuration.redis, context: context)
        deployment = Deployment(service: Self.serviceName, region: configuration.region, template: configuration.pod,
                                replicas: configuration.replicas, context: context)
        backupStore = QueueingResource(name: configuration.backupStoreName, capacity: 10_000, queueLimit: 0,
                                       serviceTime: configuration.backupReadLatency, context: context)
        let n = configuration.activeUsers
        let s = configuration.zipfExponent
        popularity = try .empirical(values: (1...n).map(Double.init), weights: (1...n).map { 1 / pow(Double($0), s) })
        userStream = context.stream("user-management.users")
        snapshotStream = context.stream("user-management.snapshots")
        let m = context.metrics
        let name = Self.serviceName
        validationLatency = m.registerLatency("\(name).jwt_validation")
        snapshotLatency = m.registerLatency("\(name).snapshot.create")
        restoreLatency = m.registerLatency("\(name).snapshot.restore")
        backupLatency = m.registerLatency("\(configuration.backupStoreName).latency")
        localHits = m.registerCounter(metricKey("\(name).jwt.lookups", [("path", "local-cache")]), unit: "validations")
        redisHits = m.registerCounter(metricKey("\(name).jwt.lookups", [("path", "redis")]), unit: "validations")
        fullValidations = m.registerCounter(metricKey("\(name).jwt.lookups", [("path", "full")]), unit: "validations")
        m.registerGauge("\(name).load", unit: "validations/s") { [unowned self] in self.readLoad().rate }
        m.registerGauge("\(name).jwt.cache_hit_ratio", unit: "ratio") { [unowned self] in self.hitRatioSinceRead }
    }

    /// Creates the warm pods, the optional HPA loop and the periodic snapshot sweep.
    public func start() {
        precondition(!started, "UserManagementService.start() called twice")
        started = true
        deployment.onPodReady = { [unowned self] pod in self.podBecameReady(pod) }
        deployment.onPodLost = { [unowned self] pod, _ in self.podLost(pod) }
        deployment.startWarm()
        if let manifest = configuration.hpa {
            let loop = AutoscalerLoop(hpa: HorizontalPodAutoscaler(manifest: manifest, settings: configuration.hpaSettings),
                                      deployment: deployment, context: context)
            loop.start()
            autoscaler = loop
        }
        if let interval = configuration.snapshotInterval {
            context.every(interval, Self.sweepKind, startingAfter: interval) { [unowned self] in self.snapshotDirtyUsers() }
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

    /// A user drawn from the popularity law (Zipf over `activeUsers`; 1 is the most active).
    public func sampleUserID() -> UInt64 { UInt64(userStream.sample(popularity)) }

    // MARK: Pods

    private func podBecameReady(_ pod: Pod) {
        guard podIndex[pod.id] == nil else { return }
        let state = UserManagementPod(pod: pod, cacheCapacity: configuration.localCacheCapacity)
        podIndex[pod.id] = state
        let i = pods.firstIndex { $0.pod.id > pod.id } ?? pods.count
        pods.insert(state, at: i)
        postgres.setClientPods(pods.count, for: Self.serviceName)
    }

    /// A pod that goes away takes its in-process cache with it (a restarted pod starts cold).
    private func podLost(_ pod: Pod) {
        guard let state = podIndex.removeValue(forKey: pod.id) else { return }
        pods.removeAll { $0 === state }
        postgres.releaseClient(pod.id)
        postgres.setClientPods(pods.count, for: Self.serviceName)
    }

    /// The next serving pod in turn (kube-proxy spreading requests over the endpoints).
    func nextPod() -> UserManagementPod? {
        guard !pods.isEmpty else { return nil }
        cursor = cursor >= pods.count - 1 ? 0 : cursor + 1
        return pods[cursor]
    }

    // MARK: Gauges

    private func readLoad() -> (rate: Double, seconds: Double) {
        let now = context.now
        let seconds = (now - lastRead).seconds
        return (seconds > 0 ? Double(validationsSinceRead) / seconds : 0, seconds)
    }

    /// Hits (local or Redis) over validations since the last sample; read after `load`, it
    /// closes the interval.
    private var hitRatioSinceRead: Double {
        defer {
            validationsSinceRead = 0
            hitsSinceRead = 0
            lastRead = context.now
        }
        return validationsSinceRead > 0 ? Double(hitsSinceRead) / Double(validationsSinceRead) : .nan
    }

    func countFailure(_ reason: String) {
        if let c = failureCounters[reason] { context.metrics.add(c); return }
        let c = context.metrics.registerCounter(metricKey("\(Self.serviceName).failures", [("reason", reason)]), unit: "operations")
        failureCounters[reason] = c
        context.metrics.add(c)
    }
}

/// A serving user-management pod and its in-process token cache.
final class UserManagementPod {
    let pod: Pod
    var cache: LocalTokenCache

    init(pod: Pod, cacheCapacity: Int) {
        self.pod = pod
        cache = LocalTokenCache(capacity: cacheCapacity)
    }
}

/// Running totals for tests and reports.
public struct UserManagementStatistics: Sendable, Equatable {
    public var validations = 0
    public var localHits = 0
    public var redisHits = 0
    public var fullValidations = 0
    public var validationFailures = 0
    public var updates = 0
    public var snapshotsCreated = 0
    public var snapshotFailures = 0
    public var restores = 0
    public var restoresFromBackup = 0
    public var restoreFailures = 0
    public var rollbacks = 0
}
