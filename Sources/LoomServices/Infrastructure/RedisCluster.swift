/// Redis with Sentinel high availability: the seed's "Redis Cluster — Real-time State" and
/// "Redis Sentinel — High Availability" (§1.1 data layer), used for session snapshots (§1.4.1),
/// user snapshots (§7.1), the JWT cache (§10.1) and the distributed breaker's counts (§6.1).
///
/// Commands are served by a `QueueingResource` named after the cluster: `maxClients` of them at
/// once (Redis `maxclients`, default 10 000; beyond it a client gets "ERR max number of clients
/// reached", so nothing waits), each taking a round trip drawn from `commandLatency`. Faults:
/// - `datastoreOutage` on `<name>`: the whole cluster is down for as long as the fault lasts;
/// - `datastoreOutage` on `<name>.primary`: the primary dies. Sentinel notices after
///   `sentinelDownAfter` (`down-after-milliseconds`) and promotes a replica in `promotionTime`;
///   until then every command fails. If the primary comes back before Sentinel marks it down,
///   no failover happens and it serves again at once;
/// - `dependencyErrors` / `dependencyLatency` on `<name>`: error replies and added round-trip time.
///
/// Replication is asynchronous, so a failover may lose the last writes; the model does not track
/// individual keys here (the services that cache in Redis keep their own key state).
public final class RedisCluster {
    /// How a cluster is built. Durations are seconds unless typed.
    public struct Configuration: Sendable {
        /// Fault target and metric prefix (`<name>.latency`, `<name>.in_use`...).
        public var name: String
        /// Client-observed round trip of one command, seconds (network + execution).
        /// Default lognormal, mean 0.5 ms, CV 0.5 (a same-zone GET/SET; the seed gives none).
        public var commandLatency: Distribution
        /// Connections served at once (Redis `maxclients`, default 10 000).
        public var maxClients: Int
        /// Sentinel `down-after-milliseconds` (the sentinel.conf default, 30 s): how long the
        /// primary must be unreachable before a failover starts.
        public var sentinelDownAfter: TimeAmount
        /// Leader election, `REPLICAOF NO ONE` and client reconfiguration after the primary is
        /// marked down (a few seconds in practice; default 3 s).
        public var promotionTime: TimeAmount
        /// Nodes billed (a primary and two replicas under three Sentinels by default).
        public var nodes: Int
        /// Dollars per node-hour (default $0.21, a cache.r6g.large on demand).
        public var costPerNodeHour: Double

        public init(name: String = "redis",
                    commandLatency: Distribution = RedisCluster.defaultCommandLatency,
                    maxClients: Int = 10_000,
                    sentinelDownAfter: TimeAmount = .wholeSeconds(30),
                    promotionTime: TimeAmount = .wholeSeconds(3),
                    nodes: Int = 3, costPerNodeHour: Double = 0.21) {
            self.name = name
            self.commandLatency = commandLatency
            self.maxClients = maxClients
            self.sentinelDownAfter = sentinelDownAfter
            self.promotionTime = promotionTime
            self.nodes = nodes
            self.costPerNodeHour = costPerNodeHour
        }

        /// The time from the primary's death to a promoted replica serving.
        public var failoverTime: TimeAmount { sentinelDownAfter + promotionTime }

        /// Throws `DatastoreConfigurationError` with the field at fault.
        public func validate() throws {
            guard !name.isEmpty else { throw DatastoreConfigurationError("redis: name must not be empty") }
            guard maxClients >= 1 else { throw DatastoreConfigurationError("redis \(name): maxClients must be at least 1, got \(maxClients)") }
            guard sentinelDownAfter.nanoseconds >= 0 else { throw DatastoreConfigurationError("redis \(name): sentinelDownAfter must not be negative, got \(sentinelDownAfter)") }
            guard promotionTime.nanoseconds >= 0 else { throw DatastoreConfigurationError("redis \(name): promotionTime must not be negative, got \(promotionTime)") }
            guard nodes >= 1 else { throw DatastoreConfigurationError("redis \(name): nodes must be at least 1, got \(nodes)") }
            guard costPerNodeHour >= 0, costPerNodeHour.isFinite else { throw DatastoreConfigurationError("redis \(name): costPerNodeHour must be ≥ 0, got \(costPerNodeHour)") }
        }
    }

    /// How one command ended.
    public enum Reply: Equatable, Sendable {
        case ok(latency: TimeAmount)
        case failed(Failure, latency: TimeAmount)

        public var isOK: Bool { if case .ok = self { return true } else { return false } }
        /// Why the command failed (nil: it succeeded).
        public var failure: Failure? { if case .failed(let f, _) = self { return f } else { return nil } }
        public var latency: TimeAmount {
            switch self {
            case .ok(let l), .failed(_, let l): return l
            }
        }
    }

    /// Why a command failed.
    public enum Failure: String, Sendable {
        /// The cluster is down or the primary is dead and not yet replaced.
        case unavailable
        /// `maxclients` reached.
        case maxClients = "max-clients"
        /// An error reply (an injected error rate).
        case error
    }

    /// Default `commandLatency`: lognormal, mean 0.5 ms, CV 0.5.
    public static let defaultCommandLatency = try! Distribution.lognormal(mean: 0.000_5, coefficientOfVariation: 0.5)

    public let configuration: Configuration
    public var name: String { configuration.name }
    /// The primary's command pool (named `<name>`).
    public let primary: QueueingResource
    /// Completed Sentinel failovers.
    public private(set) var failovers = 0
    /// Commands sent without waiting for their reply (see `send`).
    public private(set) var oneWayCommands = 0
    /// The distributed breaker's counters (§6.1), shared by every `RedisSharedFailureStore`.
    var sharedFailureCounts = InMemorySharedFailureStore()

    private let context: PlatformContext
    private let oneWayStream: RandomStream
    private let latency: MetricsRecorder.Latency
    private let oneWayFailures: MetricsRecorder.Counter
    private var failover: DatastorePrimaryFailover!

    public init(configuration: Configuration, context: PlatformContext) throws {
        try configuration.validate()
        self.configuration = configuration
        self.context = context
        let name = configuration.name
        primary = QueueingResource(name: name, capacity: configuration.maxClients, queueLimit: 0,
                                   serviceTime: configuration.commandLatency, context: context)
        oneWayStream = context.stream("redis.\(name).one-way")
        latency = context.metrics.registerLatency("\(name).latency")
        oneWayFailures = context.metrics.registerCounter(metricKey("\(name).rejected", [("reason", "one-way")]), unit: "commands")
        context.metrics.registerGauge("\(name).available", unit: "bool") { [unowned self] in self.isAvailable ? 1 : 0 }
        failover = DatastorePrimaryFailover(
            cluster: name, marker: "sentinel-failover", detection: configuration.sentinelDownAfter,
            promotion: configuration.promotionTime, context: context) { [unowned self] in self.failovers += 1 }
    }

    /// Whether commands can be served now (no cluster outage, no primary awaiting promotion).
    public var isAvailable: Bool { !context.faults.isActive(.datastoreOutage, on: name) }
    /// Whether a Sentinel failover is under way.
    public var isFailingOver: Bool { failover.inProgress }

    /// Sends one command and calls `completion` with its reply after its round trip (one event).
    public func execute(entity: UInt64 = 0, completion: @escaping (Reply) -> Void) {
        primary.submit(entity: entity) { outcome in
            switch outcome {
            case let .served(wait, service): completion(.ok(latency: wait + service))
            case let .failed(wait, service): completion(.failed(.error, latency: wait + service))
            case .rejected(.queueFull), .rejected(.waitTimeout): completion(.failed(.maxClients, latency: .zero))
            case .rejected(.unavailable): completion(.failed(.unavailable, latency: .zero))
            }
        }
    }

    /// A command whose reply nobody waits for (a snapshot `SET`, a cache fill): its fate is
    /// decided now — refused when the cluster is unavailable, an error at the injected error rate —
    /// and it lands `latency` later. It schedules no event and holds no connection slot, an
    /// approximation that is exact while one-way traffic × latency stays far below `maxClients`
    /// (the seed's snapshot rate holds well under one connection on average).
    public func send() -> Reply {
        oneWayCommands += 1
        guard isAvailable else {
            context.metrics.add(oneWayFailures)
            return .failed(.unavailable, latency: .zero)
        }
        let added = context.faults.magnitude(of: .dependencyLatency, on: name)
        let l = TimeAmount.saturatingSeconds(max(0, oneWayStream.sample(configuration.commandLatency)) + added)
        context.metrics.record(latency, l)
        let errorRate = context.faults.magnitude(of: .dependencyErrors, on: name)
        if errorRate > 0 && oneWayStream.uniform() < errorRate {
            context.metrics.add(oneWayFailures)
            return .failed(.error, latency: l)
        }
        return .ok(latency: l)
    }

    /// A `SharedFailureStore` for the distributed circuit breaker (§6.1) kept in this cluster:
    /// every copy shares the cluster's counters and is unreachable whenever the cluster is. The
    /// breaker's store calls are synchronous, so their round trips are not simulated.
    public func sharedFailureStore() -> RedisSharedFailureStore { RedisSharedFailureStore(cluster: self) }

    /// Dollars for the nodes over `interval` (hook into `PlatformSimulation.accrue`).
    public func accrueCost(over interval: TimeAmount) {
        context.costs.add(Double(configuration.nodes) * configuration.costPerNodeHour * interval.seconds / 3_600,
                          to: "datastore.\(name)")
    }
}

/// The distributed breaker's shared store (seed §6.1) on a modelled `RedisCluster`: Redis
/// semantics from `InMemorySharedFailureStore`, availability from the cluster's faults.
public struct RedisSharedFailureStore: SharedFailureStore {
    public let cluster: RedisCluster

    private func serve<T>(_ body: (inout InMemorySharedFailureStore) throws -> T) throws -> T {
        cluster.sharedFailureCounts.isAvailable = cluster.isAvailable
        return try body(&cluster.sharedFailureCounts)
    }

    public mutating func failureCount(forKey key: String, now: Instant) throws -> Int {
        try serve { try $0.failureCount(forKey: key, now: now) }
    }
    public mutating func incrementFailureCount(forKey key: String, expiry: TimeAmount, now: Instant) throws {
        try serve { try $0.incrementFailureCount(forKey: key, expiry: expiry, now: now) }
    }
    public mutating func deleteFailureCount(forKey key: String, now: Instant) throws {
        try serve { try $0.deleteFailureCount(forKey: key, now: now) }
    }
    public mutating func addFailure(forKey key: String, window: TimeAmount, now: Instant) throws {
        try serve { try $0.addFailure(forKey: key, window: window, now: now) }
    }
    public mutating func failureCount(forKey key: String, window: TimeAmount, now: Instant) throws -> Int {
        try serve { try $0.failureCount(forKey: key, window: window, now: now) }
    }
}

/// A datastore configuration that cannot work, with the field at fault in the message.
public struct DatastoreConfigurationError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A primary's death and its replacement by a promoted replica, shared by the Redis (Sentinel)
/// and PostgreSQL (Patroni-style) models.
///
/// A `datastoreOutage` on `<cluster>.primary` makes the cluster's primary pool unavailable by
/// beginning a derived `datastoreOutage` on `<cluster>` (marked with `peer` = `marker`, so the
/// cluster can tell it from a whole-cluster outage) until `detection + promotion` has passed.
/// If the fault ends before `detection`, the old primary was never declared down: it serves
/// again at once and no failover happens.
final class DatastorePrimaryFailover {
    let cluster: String
    let primaryTarget: String
    let marker: String
    let detection: TimeAmount
    let promotion: TimeAmount
    private(set) var inProgress = false
    private var primaryFaults = 0
    private var startedAt = Instant.zero
    private var completion: EventHandle?
    private let context: PlatformContext
    private let onPromoted: () -> Void
    private static let promotedKind = EventKind("datastore.failover-promoted")

    /// The derived fault that takes the primary pool down while the failover runs.
    var derivedFault: ActiveFault { ActiveFault(kind: .datastoreOutage, target: cluster, peer: marker) }

    init(cluster: String, marker: String, detection: TimeAmount, promotion: TimeAmount,
         context: PlatformContext, onPromoted: @escaping () -> Void) {
        self.cluster = cluster
        self.primaryTarget = cluster + ".primary"
        self.marker = marker
        self.detection = detection
        self.promotion = promotion
        self.context = context
        self.onPromoted = onPromoted
        context.faults.observe(.datastoreOutage, onStart: { [weak self] fault in
            guard let self, fault.target == self.primaryTarget else { return }
            self.primaryFaults += 1
            if self.primaryFaults == 1 && !self.inProgress { self.begin() }
        }, onEnd: { [weak self] fault in
            guard let self, fault.target == self.primaryTarget else { return }
            self.primaryFaults -= 1
            if self.primaryFaults == 0, self.inProgress, self.context.now < self.startedAt + self.detection {
                self.abort()
            }
        })
    }

    private func begin() {
        inProgress = true
        startedAt = context.now
        context.metrics.note("failover.started", subject: cluster,
                             detail: "primary down; promotion after \(detection + promotion)", at: context.now)
        context.faults.begin(derivedFault)
        completion = context.after(detection + promotion, Self.promotedKind) { [weak self] in self?.promote() }
    }

    private func promote() {
        inProgress = false
        completion = nil
        context.faults.end(derivedFault)
        onPromoted()
        context.metrics.note("failover.completed", subject: cluster,
                             detail: "replica promoted after \(context.now - startedAt)", at: context.now)
    }

    private func abort() {
        inProgress = false
        if let completion { context.runtime.cancel(completion) }
        completion = nil
        context.faults.end(derivedFault)
        context.metrics.note("failover.aborted", subject: cluster,
                             detail: "primary back before it was declared down", at: context.now)
    }
}
