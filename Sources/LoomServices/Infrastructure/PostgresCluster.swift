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

    public let configuration: Configuration
    public var name: String { configuration.name }
    public let primary: QueueingResource
    public let replicas: [QueueingResource]
    /// Completed primary failovers.
    public private(set) var failovers = 0
    /// Reads that went to the primary because no replica could take them.
    public internal(set) var primaryFallbacks = 0

    let context: PlatformContext
    let stream: RandomStream
    private var failover: DatastorePrimaryFailover!
    var nextReplica = 0
    var clientPods: OrderedDictionary<String, Int> = [:]
    /// Session mode: client pods pinning server connections, by backend (0 = primary), with last use.
    var pinned: [OrderedDictionary<UInt64, Instant>]
    var lag: [Double]
    var lagValidUntil: [Instant]
    private var clusterOutages = 0
    var windowLatency = 0.0
    var windowOperations = 0
    var windowFailures = 0
    let readsOnPrimary: MetricsRecorder.Counter
    let readsOnReplicas: MetricsRecorder.Counter
    let fallbackCounter: MetricsRecorder.Counter
    let staleCounter: MetricsRecorder.Counter
    static let refusedKind = EventKind("postgres.session-pool-refused")
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
