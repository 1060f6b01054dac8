import LoomServices
import ScenarioKit

/// The platform's Redis as a scenario's faults name it, so that a `datastoreOutage` with
/// `store: redis` reaches the Redis clusters the services run — and with them the distributed
/// circuit breaker's shared failure counts (seed §6.1), which live in the recording service's
/// Redis when `recording.distributedBreaker` is set.
///
/// The services name their clusters after themselves (`recording.redis`, `user-management.redis`,
/// the targets of the models' own faults and the prefixes of their metrics), while the fault
/// vocabulary names the datastore kind. While a `datastoreOutage` on `redis` lasts, each running
/// cluster has a derived `datastoreOutage` on its own name (marked with `peer` =
/// `platform-redis`), begun and ended with it; overlapping outages nest, as `FaultState` counts
/// each instance. Snapshot writes, JWT cache reads and the breaker's `GET`/`INCR` then fail as
/// the models define, and the breaker fails open (`breaker.fail_open{from,to}` counts the calls
/// it let through on the local breakers' say).
extension LoomPlatform {
    /// The fault target of the platform's Redis in the scenario vocabulary.
    static let redisFaultTarget = DatastoreKind.redis.rawValue
    static let redisAliasMarker = "platform-redis"

    /// The Redis clusters of the running services, in `PlatformSpec.serviceNames` order.
    var redisClusters: [RedisCluster] {
        [recording?.redis, users?.redis].compactMap { $0 }
    }

    /// Makes a `datastoreOutage` on `redis` an outage of every running Redis cluster.
    func routeRedisOutagesToClusters() {
        let names = redisClusters.map(\.name).filter { $0 != Self.redisFaultTarget }
        guard !names.isEmpty else { return }
        let faults = context.faults
        func derived(_ name: String) -> ActiveFault {
            ActiveFault(kind: .datastoreOutage, target: name, peer: Self.redisAliasMarker)
        }
        faults.observe(.datastoreOutage, onStart: { fault in
            guard fault.target == Self.redisFaultTarget, fault.peer == nil else { return }
            for name in names { faults.begin(derived(name)) }
        }, onEnd: { fault in
            guard fault.target == Self.redisFaultTarget, fault.peer == nil else { return }
            for name in names { faults.end(derived(name)) }
        })
    }

    /// Starts the cross-service mechanisms the scenario asks for (after the services exist).
    func startCrossServiceMechanisms() throws {
        routeRedisOutagesToClusters()
        if let policy = spec.health { health = try startHealthMonitoring(policy) }
        if let policy = spec.remediation { remediation = try startRemediation(policy) }
    }
}
