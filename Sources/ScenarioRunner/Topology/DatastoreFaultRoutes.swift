import LoomServices
import ScenarioKit

/// Where a scenario's `datastoreOutage` and `replicationLag` faults land in the modelled
/// platform (loomsim issue 5 "datastore outage (Redis, PostgreSQL primary)"; seed §1.1 data
/// layer, §1.2.2 PgBouncer pool with replica selection and fallback to the primary).
///
/// A scenario names a datastore by kind (`redis`, `postgres-primary`, …) and optionally a region;
/// the models name their parts after the service that owns them (`recording.postgres.replica-1`,
/// `user-management.redis`, `object-store`). This table maps one vocabulary onto the other:
///
/// | fault | store | reaches (each running owner, in its region) |
/// |---|---|---|
/// | outage | `redis` | `<svc>.redis`, the whole cluster (recording, user-management) |
/// | outage | `postgres-primary` | `<svc>.postgres.primary`: the primary dies, a replica is promoted after failover detection + promotion (Patroni-style, 35 s by default) |
/// | outage | `postgres-replica` | every `<svc>.postgres.replica-N`: reads fall back to the primary |
/// | outage | `kafka` | each topic's brokers (`analytics-events`): producers buffer, consumers pause |
/// | outage | `object-storage` | `object-store` (video uploads, saga store step), `<svc>.snapshot-storage` (recording, user-management snapshot backups), the streaming origin |
/// | lag | `postgres-replica`, `postgres-primary` | every `<svc>.postgres.replica-N`: the fault's lag adds to the replica's |
///
/// Replication lag on `redis`, `kafka` or `object-storage` reaches nothing the model has (no
/// Redis replicas, ISR followers or cross-region bucket replication are modelled), so the
/// platform's section check refuses it (`validate(faults:)`) rather than let it pass silently.
///
/// A fault with a `region` reaches only the parts in that region; one without reaches them all.
/// The runner begins each scenario fault on `scenarioTarget(store:region:)`; the platform begins a
/// derived fault (marked with `peer` = `derivedMarker`) on each part this table returns, and ends
/// it with the scenario fault, so overlapping faults nest as `FaultState` counts instances.
struct DatastoreFaultRoutes {
    /// One modelled part a scenario fault can reach.
    struct Route: Equatable {
        var kind: LoomServices.FaultKind
        var store: DatastoreKind
        var region: String
        /// The model's fault target.
        var target: String
    }

    /// `peer` of the derived faults, so that models and this router can tell them apart.
    static let derivedMarker = "scenario-datastore"

    private(set) var routes: [Route] = []

    /// The parts a fault of `kind` on `store` (in `region`, or anywhere when nil) reaches, in the
    /// order they were added (services in `PlatformSpec.serviceNames` order).
    func targets(of kind: LoomServices.FaultKind, store: DatastoreKind, region: String?) -> [String] {
        routes.filter { $0.kind == kind && $0.store == store && (region == nil || $0.region == region) }.map(\.target)
    }

    mutating func add(_ kind: LoomServices.FaultKind, _ store: DatastoreKind, region: String, target: String) {
        routes.append(Route(kind: kind, store: store, region: region, target: target))
    }

    /// A service's PostgreSQL cluster: its primary and its replicas.
    mutating func addPostgres(_ cluster: PostgresCluster, region: String) {
        add(.datastoreOutage, .postgresPrimary, region: region, target: cluster.name + ".primary")
        for replica in cluster.replicas {
            add(.datastoreOutage, .postgresReplica, region: region, target: replica.name)
        }
        for store in [DatastoreKind.postgresReplica, .postgresPrimary] {
            for replica in cluster.replicas { add(.replicationLag, store, region: region, target: replica.name) }
        }
    }

    /// Whether the model has anything a `replicationLag` on `store` could act on.
    static func lagIsModelled(on store: DatastoreKind) -> Bool {
        store == .postgresReplica || store == .postgresPrimary
    }

    // MARK: The runner's fault target

    /// The target the runner gives a scenario's datastore fault: the store kind, `@region` when
    /// the fault is scoped to one (the syntax of `FaultEffect.target`).
    static func scenarioTarget(store: DatastoreKind, region: String?) -> String {
        region.map { "\(store.rawValue)@\($0)" } ?? store.rawValue
    }

    /// The store and region of a target made by `scenarioTarget`, or nil for any other target.
    static func parse(_ target: String) -> (store: DatastoreKind, region: String?)? {
        let parts = target.split(separator: "@", maxSplits: 1).map(String.init)
        guard let store = parts.first.flatMap(DatastoreKind.init(rawValue:)) else { return nil }
        return (store, parts.count > 1 ? parts[1] : nil)
    }
}

extension DatastoreFaultRoutes {
    /// Refuses the datastore faults no modelled part could feel (see the type's table), with the
    /// `store` key's location. Part of `PlatformAssembly.sectionChecks`.
    static func validate(faults: NodeReader?) {
        // Raw node access: ScenarioKit's fault decoder reports ill-formed entries already.
        guard let faults, faults.node.elements != nil else { return }
        for fault in faults.elements() {
            guard fault.node["kind"]?.scalar?.text == "replicationLag",
                  let storeReader = fault.child("store"), let name = storeReader.node.scalar?.text,
                  let store = DatastoreKind(rawValue: name), !lagIsModelled(on: store) else { continue }
            storeReader.error("replicationLag on \(name) is not modelled (only PostgreSQL replicas replicate in the model)",
                              expected: "postgres-replica or postgres-primary")
        }
    }
}
