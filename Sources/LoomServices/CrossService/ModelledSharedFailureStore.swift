/// The distributed breaker's shared failure count (seed §6.1, `circuit_breaker:<service>:failures`)
/// kept in a modelled datastore, so that the store's outages reach the breaker.
///
/// **Timing: instantaneous, failing when the store is unreachable.** The breaker's store calls
/// are synchronous policy calls (`DistributedCircuitBreaker.tryAcquirePermission` and `onResult`
/// take the store `inout`), so each `GET` / `INCR`+`EXPIRE` / `DEL` / `ZADD` / `ZCOUNT` is applied
/// at the instant of the call and costs no simulated time. Why this and not a simulated round trip:
/// - the seed updates the shared count in a goroutine (`go dcb.updateGlobalState(err)`), off the
///   caller's path, so a write's latency never delays a call;
/// - the one read on the path (`isGloballyOpen`'s `GET`) takes a Redis round trip of about 0.5 ms
///   (`RedisCluster.defaultCommandLatency`) against dependency calls of tens to hundreds of ms:
///   under 1 % of the call's latency, while simulating it would add one or two events per call
///   and triple the breaker's event cost (DESIGN.md §4);
/// - what does change decisions — the store being unreachable — is modelled exactly: every call
///   throws `SharedFailureStoreUnavailable` while the store has a `datastoreOutage` (for
///   `RedisCluster` this includes the Sentinel failover window, which the cluster models as a
///   derived outage), while `reachable` says a network partition separates caller and store, and,
///   at the injected rate, while the store has `dependencyErrors` (an error reply: the Go client's
///   `.Int()` returns an error). The breaker then "fails open" to its local breaker, as the seed's
///   `isGloballyOpen` does ("If Redis is unavailable, rely on local breaker"), and the update of
///   the shared count is lost, as the seed's goroutine ignores its errors.
///
/// Copies share one set of counters (the store is a reference to its counters), so every caller
/// instance holding a copy sees the same global count.
public struct ModelledSharedFailureStore: SharedFailureStore {
    private var base: any SharedFailureStore
    private let gate: Gate

    /// Decides, per command, whether the store answers: availability, reachability, error replies.
    final class Gate {
        let reachable: () -> Bool
        let errorRate: () -> Double
        let stream: RandomStream?
        /// Commands refused because the store could not be reached or answered with an error.
        var refused = 0

        init(reachable: @escaping () -> Bool, errorRate: @escaping () -> Double, stream: RandomStream?) {
            self.reachable = reachable
            self.errorRate = errorRate
            self.stream = stream
        }

        func admit() throws {
            guard reachable() else {
                refused += 1
                throw SharedFailureStoreUnavailable()
            }
            let rate = errorRate()
            if rate > 0, let stream, stream.uniform() < rate {
                refused += 1
                throw SharedFailureStoreUnavailable()
            }
        }
    }

    /// The counts in a modelled `RedisCluster` (its `sharedFailureStore()`): unavailable while
    /// the cluster has a `datastoreOutage` (whole cluster, or its primary until Sentinel promotes
    /// a replica), failing at the rate of `dependencyErrors` on the cluster's name, and
    /// unreachable whenever `reachable` returns false (e.g. a partition between the caller's
    /// region and the cluster's).
    public static func redis(_ cluster: RedisCluster, context: PlatformContext,
                             reachable: @escaping () -> Bool = { true }) -> ModelledSharedFailureStore {
        let name = cluster.name
        let faults = context.faults
        return ModelledSharedFailureStore(
            base: cluster.sharedFailureStore(),
            gate: Gate(reachable: reachable,
                       errorRate: { faults.magnitude(of: .dependencyErrors, on: name) },
                       stream: context.stream("breaker.store.\(name)")))
    }

    /// Counts kept by any modelled store that has a name faults can target (a `QueueingResource`,
    /// a datastore): unavailable while `datastoreOutage` is active on `target`, failing at the
    /// rate of `dependencyErrors` on it, and unreachable whenever `reachable` returns false.
    public static func modelled(target: String, context: PlatformContext,
                                reachable: @escaping () -> Bool = { true }) -> ModelledSharedFailureStore {
        let faults = context.faults
        return ModelledSharedFailureStore(
            base: CountsInMemory(),
            gate: Gate(reachable: { reachable() && !faults.isActive(.datastoreOutage, on: target) },
                       errorRate: { faults.magnitude(of: .dependencyErrors, on: target) },
                       stream: context.stream("breaker.store.\(target)")))
    }

    /// Counts in memory that are always reachable (a reference for tests and ideal comparisons).
    public static func alwaysAvailable() -> ModelledSharedFailureStore {
        ModelledSharedFailureStore(base: CountsInMemory(), gate: Gate(reachable: { true }, errorRate: { 0 }, stream: nil))
    }

    private init(base: any SharedFailureStore, gate: Gate) {
        self.base = base
        self.gate = gate
    }

    /// Commands the store refused so far (unreachable, down, or an error reply).
    public var refusedCommands: Int { gate.refused }

    public mutating func failureCount(forKey key: String, now: Instant) throws -> Int {
        try gate.admit()
        return try base.failureCount(forKey: key, now: now)
    }

    public mutating func incrementFailureCount(forKey key: String, expiry: TimeAmount, now: Instant) throws {
        try gate.admit()
        try base.incrementFailureCount(forKey: key, expiry: expiry, now: now)
    }

    public mutating func deleteFailureCount(forKey key: String, now: Instant) throws {
        try gate.admit()
        try base.deleteFailureCount(forKey: key, now: now)
    }

    public mutating func addFailure(forKey key: String, window: TimeAmount, now: Instant) throws {
        try gate.admit()
        try base.addFailure(forKey: key, window: window, now: now)
    }

    public mutating func failureCount(forKey key: String, window: TimeAmount, now: Instant) throws -> Int {
        try gate.admit()
        return try base.failureCount(forKey: key, window: window, now: now)
    }
}

/// Redis semantics in memory, shared by every copy (a reference to one `InMemorySharedFailureStore`).
private struct CountsInMemory: SharedFailureStore {
    final class Box { var store = InMemorySharedFailureStore() }
    let box = Box()

    mutating func failureCount(forKey key: String, now: Instant) throws -> Int {
        try box.store.failureCount(forKey: key, now: now)
    }
    mutating func incrementFailureCount(forKey key: String, expiry: TimeAmount, now: Instant) throws {
        try box.store.incrementFailureCount(forKey: key, expiry: expiry, now: now)
    }
    mutating func deleteFailureCount(forKey key: String, now: Instant) throws {
        try box.store.deleteFailureCount(forKey: key, now: now)
    }
    mutating func addFailure(forKey key: String, window: TimeAmount, now: Instant) throws {
        try box.store.addFailure(forKey: key, window: window, now: now)
    }
    mutating func failureCount(forKey key: String, window: TimeAmount, now: Instant) throws -> Int {
        try box.store.failureCount(forKey: key, window: window, now: now)
    }
}
