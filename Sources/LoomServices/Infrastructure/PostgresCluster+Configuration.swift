// MARK: - Configuration: the pool, the replicas and the failover timings

extension PostgresCluster {
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
}
