import LoomServices
import ScenarioKit

/// Routes a scenario's `datastoreOutage` / `replicationLag` faults to the datastores the running
/// services model (the table is `DatastoreFaultRoutes`).
///
/// The runner begins a scenario datastore fault on its store kind (`postgres-primary`,
/// `kafka@eu-west-1`); nothing models those names. While it lasts, each part it reaches has a
/// derived fault of the same kind and magnitude on its own name, marked with `peer` =
/// `DatastoreFaultRoutes.derivedMarker`, which the models observe as they observe any fault:
/// Redis refuses commands (snapshot writes, JWT cache reads, the distributed breaker's shared
/// counts, which then fail open, §6.1); a PostgreSQL primary dies and is replaced by a promoted
/// replica; dead or lagging replicas are skipped by PgBouncer's replica selection and reads fall
/// back to the primary (§1.2.2, `intended` selection); Kafka producers buffer and consumers pause;
/// object-store requests are refused and the video pipeline retries its uploads.
extension LoomPlatform {
    /// The modelled datastores of the running services, with their regions.
    var datastoreFaultRoutes: DatastoreFaultRoutes {
        var routes = DatastoreFaultRoutes()
        // `PlatformSpec.serviceNames` order, so derived faults begin in a fixed order.
        if let recording {
            let region = recording.configuration.region
            routes.add(.datastoreOutage, .redis, region: region, target: recording.redis.name)
            routes.addPostgres(recording.postgres, region: region)
            routes.add(.datastoreOutage, .objectStorage, region: region,
                       target: recording.configuration.snapshots.persistentStoreName)
        }
        if let video {
            routes.add(.datastoreOutage, .objectStorage, region: video.configuration.region, target: video.objectStore.configuration.name)
        }
        if let streaming {
            routes.add(.datastoreOutage, .objectStorage, region: streaming.configuration.originRegion,
                       target: streaming.configuration.originName)
        }
        if let analytics, let topic = analytics.topic {
            routes.add(.datastoreOutage, .kafka, region: analytics.configuration.region, target: topic.configuration.brokerTarget)
        }
        if let users {
            let region = users.configuration.region
            routes.add(.datastoreOutage, .redis, region: region, target: users.redis.name)
            routes.addPostgres(users.postgres, region: region)
            routes.add(.datastoreOutage, .objectStorage, region: region, target: users.configuration.backupStoreName)
        }
        return routes
    }

    /// Begins and ends the derived faults with each scenario datastore fault.
    func routeDatastoreFaults() {
        let routes = datastoreFaultRoutes
        let faults = context.faults
        for kind in [LoomServices.FaultKind.datastoreOutage, .replicationLag] {
            func derived(from fault: ActiveFault) -> [ActiveFault] {
                // Derived faults (ours and the models' own) carry a peer; scenario faults do not.
                guard fault.peer == nil, let (store, region) = DatastoreFaultRoutes.parse(fault.target) else { return [] }
                return routes.targets(of: kind, store: store, region: region)
                    .filter { $0 != fault.target } // a model already named like the store sees it directly
                    .map { ActiveFault(kind: kind, target: $0, peer: DatastoreFaultRoutes.derivedMarker, magnitude: fault.magnitude) }
            }
            faults.observe(kind, onStart: { fault in
                for f in derived(from: fault) { faults.begin(f) }
            }, onEnd: { fault in
                for f in derived(from: fault) { faults.end(f) }
            })
        }
    }
}
