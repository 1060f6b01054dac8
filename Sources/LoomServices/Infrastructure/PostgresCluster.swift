import OrderedCollections

/// PostgreSQL primary and read replicas behind a PgBouncer-style pool (seed §1.1 "PostgreSQL
/// Primary — Session Metadata", "PostgreSQL Replicas — Read Operations"; §1.2.2 "Multi-tier
/// connection pooling with PgBouncer" and `ConnectionPoolManager`).
///
/// Each backend (the primary, each replica) is a `QueueingResource`: `serverPoolSize` server
/// connections (PgBouncer `default_pool_size`) serve queries; clients beyond them wait in FIFO
/// order up to `queryWaitTimeout` (`query_wait_timeout`), and more than `maxClientConnections`
/// clients are refused (`max_client_conn`). The application tier (Go `database/sql`, the seed's
/// `DatabaseConfig`) caps the connections each client pod opens (`MaxOpenConns`), so a backend
/// serves at most `min(serverPoolSize, client pods × maxOpenConns)` queries at once.
///
/// Pool modes (the seed names PgBouncer without a mode; transaction pooling is the default here
/// because it is what lets thousands of sessions share a small pool):
/// - `transaction`: a server connection is held for one transaction;
/// - `statement`: held for one statement; multi-statement transactions are refused, as PgBouncer does;
/// - `session`: held for a client connection's life. Each client pod keeps up to `maxIdleConns`
///   connections open (Go's default keeps 2), each pinning a server connection, so only
///   `serverPoolSize / maxIdleConns` pods can hold connections at all; a pod without one waits
///   `queryWaitTimeout` and is refused, unless a pinned pod has been idle for `connMaxIdleTime`.
///   This is the "connection pool exhaustion" of §1.2.2 when the client deployment scales out.
///
/// Reads go to a replica chosen round-robin (`selectReplica`); writes go to the primary.
/// Faults: `datastoreOutage` on `<name>` takes the whole cluster down for the fault's length;
/// on `<name>.primary` the primary dies and a replica is promoted after `failoverDetection +
/// promotionTime` (Patroni-style); on `<name>.replica-N` that replica is down. `dependencyErrors`
/// and `dependencyLatency` on `<name>` (the primary) or `<name>.replica-N` act on that backend.
/// `replicationLag` on `<name>` (every replica) or `<name>.replica-N` adds its magnitude, in
/// seconds, to the replica's drawn lag: `intended` selection skips a replica lagging more than
/// `maxReplicaLag` (reads fall back to the primary), `asWritten` keeps reading from it, and a
/// read whose caller wrote within the lag answers stale.
public final class PostgresCluster {
    /// PgBouncer `pool_mode`.
    public enum PoolMode: String, Sendable, CaseIterable { case session, transaction, statement }

    /// How reads pick a replica (seed §1.2.2 `selectReplica`).
    public enum ReplicaSelection: String, Sendable, CaseIterable {
        /// The comment's intent, "round-robin with health checking": skip replicas that are down,
        /// saturated, or lagging more than `maxReplicaLag`; fall back to the primary.
        case intended
        /// The code as written: round-robin skipping only saturated replicas (`OpenConnections <
        /// MaxOpenConnections`), so a dead or far-behind replica keeps receiving its share of reads.
        case asWritten
    }

    /// Which server answered.
    public enum Backend: Hashable, Sendable { case primary, replica(Int) }

    /// Why a query failed.
    public enum Failure: String, Sendable {
        case poolFull = "pool-full"
        case waitTimeout = "wait-timeout"
        case unavailable
        case queryError = "query-error"
        /// A multi-statement transaction in statement pool mode.
        case transactionUnsupported = "transaction-unsupported"
    }

    /// How one query or transaction ended.
    public struct Result: Equatable, Sendable {
        public var failure: Failure?
        public var backend: Backend
        /// From submission to the answer (wait + service, or the time until refused).
        public var latency: TimeAmount
        /// A replica read that could not yet see the caller's last write (replication lag).
        public var stale: Bool
        public var isSuccess: Bool { failure == nil }
    }

    /// How the cluster is built; the seed gives no values, so defaults are the tools' own.
    public struct Configuration: Sendable {
        /// Fault target and metric prefix; the primary's pool is named `<name>`.
        public var name: String
        public var replicaCount: Int = 2
        public var poolMode: PoolMode = .transaction
        /// PgBouncer `default_pool_size` (default 20): server connections per backend.
        public var serverPoolSize: Int = 20
        /// PgBouncer `max_client_conn` (default 100): clients connected to a backend at once.
        public var maxClientConnections: Int = 100
        /// PgBouncer `query_wait_timeout` (default 120 s).
        public var queryWaitTimeout: TimeAmount = .wholeSeconds(120)
        /// Go `SetMaxOpenConns` per client pod (default 0 = unlimited, nil here).
        public var maxOpenConnsPerClientPod: Int? = nil
        /// Go `SetMaxIdleConns` per client pod (default 2); pins server connections in session mode.
        public var maxIdleConnsPerClientPod: Int = 2
        /// Go `SetConnMaxIdleTime` (default 0 = never closed, nil here).
        public var connMaxIdleTime: TimeAmount? = nil
        /// Service time of one write statement on the primary, seconds (lognormal mean 4 ms, CV 0.6).
        public var writeTime: Distribution = PostgresCluster.defaultWriteTime
        /// Service time of one read, seconds (lognormal mean 1.5 ms, CV 0.6).
        public var readTime: Distribution = PostgresCluster.defaultReadTime
        /// Asynchronous replication lag of a replica, seconds (lognormal mean 50 ms, CV 1),
        /// redrawn every `lagResampleInterval`.
        public var replicationLag: Distribution = PostgresCluster.defaultReplicationLag
        public var lagResampleInterval: TimeAmount = .wholeSeconds(10)
        /// Replicas lagging more are skipped by `intended` selection.
        public var maxReplicaLag: TimeAmount = .wholeSeconds(1)
        /// Time until a dead primary is declared down (Patroni `ttl`, default 30 s).
        public var failoverDetection: TimeAmount = .wholeSeconds(30)
        /// Promotion of a replica and client redirection (default 5 s).
        public var promotionTime: TimeAmount = .wholeSeconds(5)
        public var replicaSelection: ReplicaSelection = .intended
        /// Dollars per instance-hour (default $0.45, a db.r6g.xlarge on demand).
        public var costPerInstanceHour: Double = 0.45

        public init(name: String = "postgres") { self.name = name }

        /// Throws `DatastoreConfigurationError` naming the field at fault.
        public func validate() throws {
            func fail(_ m: String) -> DatastoreConfigurationError { DatastoreConfigurationError("postgres \(name): \(m)") }
            guard !name.isEmpty else { throw DatastoreConfigurationError("postgres: name must not be empty") }
            guard replicaCount >= 0 else { throw fail("replicaCount must be ≥ 0, got \(replicaCount)") }
            guard serverPoolSize >= 1 else { throw fail("serverPoolSize must be at least 1, got \(serverPoolSize)") }
            guard maxClientConnections >= serverPoolSize else {
                throw fail("maxClientConnections (\(maxClientConnections)) must be at least serverPoolSize (\(serverPoolSize))")
            }
            guard queryWaitTimeout.nanoseconds > 0 else { throw fail("queryWaitTimeout must be positive, got \(queryWaitTimeout)") }
            if let m = maxOpenConnsPerClientPod, m < 1 { throw fail("maxOpenConnsPerClientPod must be at least 1 (nil = unlimited), got \(m)") }
            guard maxIdleConnsPerClientPod >= 0 else { throw fail("maxIdleConnsPerClientPod must be ≥ 0, got \(maxIdleConnsPerClientPod)") }
            if let t = connMaxIdleTime, t.nanoseconds <= 0 { throw fail("connMaxIdleTime must be positive (nil = never), got \(t)") }
            guard lagResampleInterval.nanoseconds > 0 else { throw fail("lagResampleInterval must be positive") }
            guard maxReplicaLag.nanoseconds >= 0 else { throw fail("maxReplicaLag must not be negative") }
            guard failoverDetection.nanoseconds >= 0, promotionTime.nanoseconds >= 0 else {
                throw fail("failoverDetection and promotionTime must not be negative")
            }
            guard costPerInstanceHour >= 0, costPerInstanceHour.isFinite else { throw fail("costPerInstanceHour must be ≥ 0") }
        }
    }

    public static let defaultWriteTime = try! Distribution.lognormal(mean: 0.004, coefficientOfVariation: 0.6)
    public static let defaultReadTime = try! Distribution.lognormal(mean: 0.001_5, coefficientOfVariation: 0.6)
    public static let defaultReplicationLag = try! Distribution.lognormal(mean: 0.05, coefficientOfVariation: 1)

    public let configuration: Configuration
    public var name: String { configuration.name }
    public let primary: QueueingResource
    public let replicas: [QueueingResource]
    /// Completed primary failovers.
    public private(set) var failovers = 0
    /// Reads that went to the primary because no replica could take them.
    public private(set) var primaryFallbacks = 0

    private let context: PlatformContext
    private let stream: RandomStream
    private var failover: DatastorePrimaryFailover!
    private var nextReplica = 0
    private var clientPods: OrderedDictionary<String, Int> = [:]
    /// Session mode: client pods pinning server connections, by backend (0 = primary), with last use.
    private var pinned: [OrderedDictionary<UInt64, Instant>]
    private var lag: [Double]
    private var lagValidUntil: [Instant]
    private var clusterOutages = 0
    private var windowLatency = 0.0
    private var windowOperations = 0
    private var windowFailures = 0
    private let readsOnPrimary: MetricsRecorder.Counter
    private let readsOnReplicas: MetricsRecorder.Counter
    private let fallbackCounter: MetricsRecorder.Counter
    private let staleCounter: MetricsRecorder.Counter
    private static let refusedKind = EventKind("postgres.session-pool-refused")
    private static let clusterMarker = "cluster-outage"

    public init(configuration c: Configuration, context: PlatformContext) throws {
        try c.validate()
        configuration = c
        self.context = context
        stream = context.stream("postgres.\(c.name)")
        let queueLimit = c.maxClientConnections - c.serverPoolSize
        primary = QueueingResource(name: c.name, capacity: c.serverPoolSize, queueLimit: queueLimit,
                                   maxWait: c.queryWaitTimeout, serviceTime: c.writeTime, context: context)
        replicas = (0..<c.replicaCount).map { i in
            QueueingResource(name: "\(c.name).replica-\(i + 1)", capacity: c.serverPoolSize, queueLimit: queueLimit,
                             maxWait: c.queryWaitTimeout, serviceTime: c.readTime, context: context)
        }
        pinned = Array(repeating: [:], count: c.replicaCount + 1)
        lag = Array(repeating: 0, count: c.replicaCount)
        lagValidUntil = Array(repeating: .zero, count: c.replicaCount)
        let m = context.metrics
        readsOnPrimary = m.registerCounter(metricKey("\(c.name).reads", [("backend", "primary")]), unit: "queries")
        readsOnReplicas = m.registerCounter(metricKey("\(c.name).reads", [("backend", "replica")]), unit: "queries")
        fallbackCounter = m.registerCounter("\(c.name).primary_fallbacks", unit: "queries")
        staleCounter = m.registerCounter("\(c.name).stale_reads", unit: "queries")
        for i in 0..<c.replicaCount {
            m.registerGauge("\(c.name).replica-\(i + 1).lag", unit: "s") { [unowned self] in self.lag[i] + self.injectedLag(i) }
        }
        failover = DatastorePrimaryFailover(
            cluster: c.name, marker: "primary-failover", detection: c.failoverDetection, promotion: c.promotionTime,
            context: context) { [unowned self] in self.failovers += 1 }
        context.faults.observe(.datastoreOutage, onStart: { [weak self] f in
            guard let self, f.target == self.name, f.peer != self.failover.marker else { return }
            self.clusterOutages += 1
            if self.clusterOutages == 1 { for r in self.replicas { context.faults.begin(self.clusterFault(on: r)) } }
        }, onEnd: { [weak self] f in
            guard let self, f.target == self.name, f.peer != self.failover.marker else { return }
            self.clusterOutages -= 1
            if self.clusterOutages == 0 { for r in self.replicas { context.faults.end(self.clusterFault(on: r)) } }
        })
    }

    private func clusterFault(on replica: QueueingResource) -> ActiveFault {
        ActiveFault(kind: .datastoreOutage, target: replica.name, peer: Self.clusterMarker)
    }

    // MARK: Queries

    /// A write of `statements` statements on the primary (in one transaction when `transactional`).
    /// `client` is the calling pod's id (session pool mode pins connections per pod; 0 = unknown).
    public func write(entity: UInt64 = 0, statements: Int = 1, transactional: Bool = false, client: UInt64 = 0,
                      completion: @escaping (Result) -> Void) {
        if configuration.poolMode == .statement && transactional && statements > 1 {
            completion(Result(failure: .transactionUnsupported, backend: .primary, latency: .zero, stale: false))
            return
        }
        var seconds = 0.0
        for _ in 0..<max(1, statements) { seconds += max(0, stream.sample(configuration.writeTime)) }
        submit(to: 0, entity: entity, client: client, seconds: seconds, freshAfter: nil, completion: completion)
    }

    /// A read of `queries` queries on a replica picked by `replicaSelection`, or the primary when
    /// none can take it. `freshAfter` is the caller's last write: a replica lagging behind it
    /// answers stale.
    public func read(entity: UInt64 = 0, client: UInt64 = 0, queries: Int = 1, freshAfter: Instant? = nil,
                     completion: @escaping (Result) -> Void) {
        var seconds = 0.0
        for _ in 0..<max(1, queries) { seconds += max(0, stream.sample(configuration.readTime)) }
        if let i = selectReplica() {
            context.metrics.add(readsOnReplicas)
            submit(to: i + 1, entity: entity, client: client, seconds: seconds, freshAfter: freshAfter, completion: completion)
        } else {
            context.metrics.add(readsOnPrimary)
            if !replicas.isEmpty {
                primaryFallbacks += 1
                context.metrics.add(fallbackCounter)
            }
            submit(to: 0, entity: entity, client: client, seconds: seconds, freshAfter: nil, completion: completion)
        }
    }

    /// Seed `selectReplica`: round-robin from the next index; nil means "fall back to the primary".
    private func selectReplica() -> Int? {
        let n = replicas.count
        for _ in 0..<n {
            let i = nextReplica
            nextReplica = (nextReplica + 1) % n
            let r = replicas[i]
            let saturated = r.busy >= r.capacity
            switch configuration.replicaSelection {
            case .asWritten:
                if !saturated { return i }
            case .intended:
                if !saturated && !r.isUnavailable && currentLag(i) <= configuration.maxReplicaLag.seconds { return i }
            }
        }
        return nil
    }

    /// Replica `i`'s lag now, redrawn every `lagResampleInterval` (drawn lazily: no events),
    /// plus any injected `replicationLag`.
    public func currentLag(_ i: Int) -> Double {
        let now = context.now
        if now >= lagValidUntil[i] {
            lag[i] = max(0, stream.sample(configuration.replicationLag))
            lagValidUntil[i] = now + configuration.lagResampleInterval
        }
        return lag[i] + injectedLag(i)
    }

    /// Seconds a `replicationLag` fault adds to replica `i` (the stronger of one on the whole
    /// cluster and one on the replica); no draw, so a fault shifts no random stream.
    private func injectedLag(_ i: Int) -> Double {
        max(context.faults.magnitude(of: .replicationLag, on: name),
            context.faults.magnitude(of: .replicationLag, on: replicas[i].name))
    }

    private func submit(to backend: Int, entity: UInt64, client: UInt64, seconds: Double, freshAfter: Instant?,
                        completion: @escaping (Result) -> Void) {
        let which: Backend = backend == 0 ? .primary : .replica(backend - 1)
        let resource = backend == 0 ? primary : replicas[backend - 1]
        if configuration.poolMode == .session && client != 0 && !pin(client, on: backend) && !resource.isUnavailable {
            // Every server connection is pinned to other pods' idle client connections.
            let wait = configuration.queryWaitTimeout
            context.after(wait, Self.refusedKind, entity: entity) { [unowned self] in
                self.finish(Result(failure: .waitTimeout, backend: which, latency: wait, stale: false), completion)
            }
            return
        }
        resource.submit(entity: entity, serviceSeconds: seconds) { [unowned self] outcome in
            var result: Result
            switch outcome {
            case let .served(wait, service):
                result = Result(failure: nil, backend: which, latency: wait + service, stale: false)
                if backend > 0, let freshAfter, self.context.now - freshAfter < .saturatingSeconds(self.currentLag(backend - 1)) {
                    result.stale = true
                    self.context.metrics.add(self.staleCounter)
                }
            case let .failed(wait, service):
                result = Result(failure: .queryError, backend: which, latency: wait + service, stale: false)
            case .rejected(.queueFull):
                result = Result(failure: .poolFull, backend: which, latency: .zero, stale: false)
            case .rejected(.waitTimeout):
                result = Result(failure: .waitTimeout, backend: which, latency: self.configuration.queryWaitTimeout, stale: false)
            case .rejected(.unavailable):
                result = Result(failure: .unavailable, backend: which, latency: .zero, stale: false)
            }
            self.finish(result, completion)
        }
    }

    private func finish(_ result: Result, _ completion: (Result) -> Void) {
        windowOperations += 1
        windowLatency += result.latency.seconds
        if !result.isSuccess { windowFailures += 1 }
        completion(result)
    }

    // MARK: Client pods and session pinning

    /// Tells the pool how many pods `client` (a service) runs, for the `maxOpenConns` cap.
    public func setClientPods(_ count: Int, for client: String) {
        precondition(count >= 0)
        clientPods[client] = count
        guard let perPod = configuration.maxOpenConnsPerClientPod else { return }
        let pods = clientPods.values.reduce(0, +)
        let capacity = max(1, min(configuration.serverPoolSize, pods * perPod))
        primary.resize(to: capacity)
        for r in replicas { r.resize(to: capacity) }
    }

    /// A client pod went away: its connections close and unpin their server connections.
    public func releaseClient(_ client: UInt64) {
        for i in pinned.indices { pinned[i][client] = nil }
    }

    /// How many client pods can pin server connections in session mode.
    public var sessionModePodLimit: Int {
        let idle = min(configuration.maxIdleConnsPerClientPod, configuration.maxOpenConnsPerClientPod ?? .max)
        return idle == 0 ? .max : max(1, configuration.serverPoolSize / idle)
    }

    private func pin(_ client: UInt64, on backend: Int) -> Bool {
        let now = context.now
        if pinned[backend][client] != nil {
            pinned[backend][client] = now
            return true
        }
        if pinned[backend].count >= sessionModePodLimit, let idle = configuration.connMaxIdleTime {
            pinned[backend].removeAll { now - $0.value >= idle }
        }
        guard pinned[backend].count < sessionModePodLimit else { return false }
        pinned[backend][client] = now
        return true
    }

    // MARK: Health and cost

    /// Mean latency and failure ratio of the queries finished since the last call (the
    /// degradation policy's "DB latency", §1.3.2), and how many there were.
    public func takeWindowStatistics() -> (meanLatency: TimeAmount?, failureRatio: Double, operations: Int) {
        defer { windowLatency = 0; windowOperations = 0; windowFailures = 0 }
        guard windowOperations > 0 else { return (nil, 0, 0) }
        return (.saturatingSeconds(windowLatency / Double(windowOperations)),
                Double(windowFailures) / Double(windowOperations), windowOperations)
    }

    /// Whether the primary accepts writes now.
    public var isPrimaryAvailable: Bool { !primary.isUnavailable }

    /// Dollars for the primary and replicas over `interval` (hook into `PlatformSimulation.accrue`).
    public func accrueCost(over interval: TimeAmount) {
        context.costs.add(Double(1 + replicas.count) * configuration.costPerInstanceHour * interval.seconds / 3_600,
                          to: "datastore.\(name)")
    }
}
