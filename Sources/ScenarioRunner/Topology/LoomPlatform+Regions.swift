import LoomServices
import ScenarioKit

/// The platform in several regions (seed §9.1): the primary's `LoomPlatform`, one more for each
/// backup region built from the same topology, and the `DisasterRecoveryController` that checks
/// the regions' health, fails traffic over to the best backup, fails it back in steps and
/// measures RTO and RPO.
///
/// Every arrival of a regional workload (all but `streaming`, whose edges already span regions)
/// asks the controller's `RegionRouter` which region serves it under the split in effect:
/// - a region that is up gets it: the arrival goes to that region's services, and the request
///   commits one write there, which replicates to the other regions with the sampled lag (what a
///   failover can lose: RPO);
/// - a region that is down (traffic still pointed at a failed primary, before the failover takes
///   effect) loses it: the client's request fails.
///
/// Each arrival is a unit of the `region-routing` flow of the ledger: completed when handed to a
/// serving region, dropped as `region-down` when lost. Counters `region.requests{region=...}`
/// and `region.requests_unserved` count the two; `region.serving` is the number of regions
/// receiving traffic that are up. Backups' own metrics carry `region=<backup>` labels (see
/// `PlatformContext.inRegion`); the primary's keep their single-region names.
final class PlatformRegions {
    static let routingFlow = "region-routing"
    static let lostReason = "region-down"

    let controller: DisasterRecoveryController
    /// The platform of each region, the primary first (the router's order).
    private let platforms: [Unowned]
    private let backups: [LoomPlatform]
    private let context: PlatformContext
    private let served: [MetricsRecorder.Counter]
    private let unserved: MetricsRecorder.Counter

    /// A platform held without a cycle (the primary owns this object).
    private struct Unowned { unowned let platform: LoomPlatform }

    init(primary: LoomPlatform, configuration: DisasterRecoveryConfiguration, host: any PlatformHost) throws {
        let context = host.context
        self.context = context
        do {
            controller = try DisasterRecoveryController(configuration: configuration, context: context)
        } catch {
            throw PlatformError("\(error)")
        }
        var backups: [LoomPlatform] = []
        for region in configuration.failover.backupRegions {
            backups.append(try LoomPlatform(spec: primary.spec.inBackupRegion(region), host: host,
                                            context: context.inRegion(region)))
        }
        self.backups = backups
        platforms = [Unowned(platform: primary)] + backups.map { Unowned(platform: $0) }
        let metrics = context.metrics
        served = configuration.regions.map { metrics.registerCounter(metricKey("region.requests", [("region", $0)]), unit: "requests") }
        unserved = metrics.registerCounter("region.requests_unserved", unit: "requests")
        let router = controller.router
        metrics.registerGauge("region.serving", unit: "regions") {
            Double(router.regions.indices.filter { router.share(ofRegionAt: $0) > 0 && router.isUp(router.regions[$0]) }.count)
        }
        for (region, platform) in zip(configuration.regions, platforms.map(\.platform)) {
            try controller.track(platform.deployments, in: region)
        }
        controller.start()
    }

    /// Whether `workload` is served per region (everything but the global streaming service).
    static func isRegional(_ workload: Workload) -> Bool { workload.target != "streaming" }

    /// Routes one arrival: the platform of the region that serves it, or nil when that region is
    /// down (the arrival is lost, and accounted for as such).
    func route(_ arrivalID: UInt64) -> LoomPlatform? {
        let now = context.now
        let i = controller.router.regionIndex(for: arrivalID)
        context.ledger.admit(Self.routingFlow, count: 1)
        guard controller.recordWrite(inRegionAt: i) else {
            context.metrics.add(unserved)
            context.ledger.finish(Self.routingFlow, count: 1, .dropped(reason: Self.lostReason), at: now)
            return nil
        }
        context.metrics.add(served[i])
        context.ledger.finish(Self.routingFlow, count: 1, .completed, at: now)
        return platforms[i].platform
    }
}

extension LoomPlatform {
    /// Sends a regional arrival to the region that serves it when the scenario runs in several
    /// regions; true when it was handled here (served by a backup or lost), false when the
    /// primary's own services take it.
    func routeToRegion(_ workload: Workload, arrivalID: UInt64, attributes: [(name: String, value: MixValue)]) -> Bool {
        guard let regions, PlatformRegions.isRegional(workload) else { return false }
        guard let target = regions.route(arrivalID) else { return true }
        guard target !== self else { return false }
        target.dispatch(workload, arrivalID: arrivalID, attributes: attributes)
        return true
    }

    /// Builds the backup regions and the disaster-recovery controller when the spec names regions.
    func buildRegions(host: any PlatformHost) throws -> PlatformRegions? {
        guard let configuration = spec.disasterRecovery else { return nil }
        return try PlatformRegions(primary: self, configuration: configuration, host: host)
    }

    /// The Deployments whose serving pods make this region's capacity (its health as the
    /// disaster-recovery checks see it).
    var deployments: [Deployment] {
        [recording?.deployment, video?.cpuWorkers, users?.deployment, analytics?.deployment].compactMap { $0 }
    }

    /// The disaster-recovery controller, when the scenario runs in several regions.
    public var disasterRecovery: DisasterRecoveryController? { regions?.controller }
}
