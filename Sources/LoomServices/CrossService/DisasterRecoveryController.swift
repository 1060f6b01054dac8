/// Multi-region failover and gradual failback on the platform's model (seed §9.1
/// `DisasterRecoveryManager`), measuring recovery time (RTO) and data loss (RPO).
///
/// Every `checkInterval` (30 s) it judges each region's health from the model — down during a
/// `regionOutage`, unreachable across a `networkPartition` from `healthCheckVantage`, unhealthy
/// below `minimumServingFraction` of its serving capacity — and hands the reports (latency,
/// utilisation, replication freshness) to the real `FailoverController` from Resilience, which
/// decides: all traffic to the best backup, failback in steps of 10/25/50/75/100 % after the
/// minimum time, a revert if the primary fails during failback. Traffic decisions take effect
/// `trafficSwitchDelay` later in the `router`, which the services' entry points ask where an
/// arrival goes.
///
/// Writes the services acknowledge (`recordWrite`) replicate to every other region through a
/// `ReplicationLink` with a sampled lag. When traffic leaves a failed region whose link to the
/// new serving region is cut, the writes that never crossed it are lost. For each such switch:
/// - **RTO** = the instant traffic is served by the backup − the instant the region went down
///   (the start of the outage or partition; for a capacity failure, the first check that saw it);
/// - **RPO** = the commit time of the newest lost write − that of the newest write the backup
///   holds: the span of acknowledged history lost, in seconds of writes (0 when nothing is lost).
///   With writes arriving continuously it equals the replication lag at the outage.
///
/// Metrics: gauges `region.traffic_share{region=...}`, `dr.rto` and `dr.rpo` (seconds, the latest
/// measurement; NaN before the first), `dr.replication_lag{from=...,to=...}`; counters
/// `dr.lost_writes`, `dr.unacknowledged_writes`, and the traffic changes that took effect
/// `dr.failovers`, `dr.failback_steps`, `dr.failbacks_completed`, `dr.failback_reverts`; notable events `failover.started`,
/// `failover.data_sync`, `failover.completed` (with RTO/RPO), `failover.no_healthy_backup`,
/// `failback.started`, `failback.step`, `failback.reverted`, `failback.completed`,
/// `traffic.shifted`. Ledger: every (write, target region) pair is a unit of service
/// `replication`, completed when delivered, dropped as `lost-in-failover` or `diverged`.
public final class DisasterRecoveryController {
    /// A region's capacity as the health check sees it.
    struct Site {
        var servingFraction: () -> Double
        var utilization: () -> Double
    }

    public let configuration: DisasterRecoveryConfiguration
    /// Where arrivals go under the split in effect.
    public let router: RegionRouter
    /// The policy and its state (active region, recovery mode, requested split).
    public internal(set) var controller: FailoverController
    /// Every failover (and failback revert) that took effect, in order.
    public internal(set) var measurements: [DisasterRecoveryMeasurement] = []
    /// The ledger service of replicated writes.
    public static let ledgerService = "replication"

    let context: PlatformContext
    let regions: [String]
    var links: [ReplicationLink?]
    var sites: [Site]
    var unhealthyStreak: [Int]
    var downSince: [Instant?]
    var lastRequestedSplit: TrafficSplit
    var stepTimer: EventHandle?
    let lagStream: RandomStream
    let lagFaultKind: FaultKind
    let linkFaultTargets: [String]
    let sourceFaultTargets: [String]
    let lostWrites: MetricsRecorder.Counter
    let unacknowledgedWrites: MetricsRecorder.Counter
    private var started = false
    static let checkKind = EventKind("xs.dr.check")
    static let stepKind = EventKind("xs.dr.failback-step")
    static let switchKind = EventKind("xs.dr.traffic-switch")

    /// Throws `CrossServiceConfigurationError` for an invalid configuration.
    public init(configuration: DisasterRecoveryConfiguration, context: PlatformContext) throws {
        try configuration.validate()
        self.configuration = configuration
        self.context = context
        controller = try FailoverController(configuration: configuration.failover)
        regions = configuration.regions
        let n = regions.count
        router = RegionRouter(regions: regions, faults: context.faults)
        links = (0..<(n * n)).map { k in
            k / n == k % n ? nil : ReplicationLink(source: k / n, target: k % n, resolution: configuration.writeLogResolution)
        }
        sites = regions.map { _ in Site(servingFraction: { 1 }, utilization: { 0 }) }
        unhealthyStreak = Array(repeating: 0, count: n)
        downSince = Array(repeating: nil, count: n)
        lastRequestedSplit = .all(to: configuration.failover.primaryRegion)
        lagStream = context.stream("dr.replication-lag")
        // The platform's fault kinds have no replication lag yet; use it as soon as they do.
        lagFaultKind = FaultKind(rawValue: "replicationLag") ?? .dependencyLatency
        let regions = self.regions
        linkFaultTargets = (0..<(n * n)).map { k in "replication:\(regions[k / n])->\(regions[k % n])" }
        sourceFaultTargets = regions.map { "replication:\($0)" }
        lostWrites = context.metrics.registerCounter("dr.lost_writes", unit: "writes")
        unacknowledgedWrites = context.metrics.registerCounter("dr.unacknowledged_writes", unit: "writes")
        registerGauges()
        observeFaults()
    }

    /// The latest RTO measured, if any.
    public var lastRTO: TimeAmount? { measurements.last?.rto }
    /// The latest RPO measured, if any.
    public var lastRPO: TimeAmount? { measurements.last?.rpo }

    /// How `region`'s capacity is judged: `servingFraction` (serving / desired pods, 0–1) below
    /// `minimumServingFraction` makes it unhealthy; `utilization` (0–1) feeds the backup score.
    public func setCapacity(of region: String, servingFraction: @escaping () -> Double,
                            utilization: @escaping () -> Double = { 0 }) throws {
        guard let i = router.index(of: region) else { throw CrossServiceConfigurationError("disaster recovery: unknown region '\(region)'") }
        sites[i] = Site(servingFraction: servingFraction, utilization: utilization)
    }

    /// Judges `region`'s capacity by its Deployments: serving pods over desired replicas.
    public func track(_ deployments: [Deployment], in region: String, utilization: @escaping () -> Double = { 0 }) throws {
        try setCapacity(of: region, servingFraction: {
            let desired = deployments.reduce(0) { $0 + $1.replicas }
            guard desired > 0 else { return 1 }
            return Double(deployments.reduce(0) { $0 + $1.servingCount }) / Double(desired)
        }, utilization: utilization)
    }

    /// Starts the health checks: the first at once, then every `checkInterval`.
    public func start() {
        guard !started else { return }
        started = true
        context.every(configuration.failover.checkInterval, Self.checkKind) { [unowned self] in self.check() }
    }

    // MARK: Writes

    /// `count` writes acknowledged now in the region at position `source` (they start replicating
    /// to every other region). False, and nothing written, while that region is down.
    @discardableResult
    public func recordWrite(inRegionAt source: Int, count: Int = 1) -> Bool {
        guard count > 0 else { return true }
        guard !context.faults.isActive(.regionOutage, on: regions[source]) else {
            context.metrics.add(unacknowledgedWrites, Double(count))
            return false
        }
        let now = context.now
        let n = regions.count
        context.ledger.admit(Self.ledgerService, count: count * (n - 1))
        for t in 0..<n where t != source {
            let link = links[source * n + t]!
            let delivered = link.advance(to: now)
            if delivered > 0 { context.ledger.finish(Self.ledgerService, count: delivered, .completed, at: now) }
            link.append(count: count, at: now, lag: lag(of: link, now: now))
        }
        return true
    }

    /// `count` writes acknowledged now in `region`; false for an unknown or failed region.
    @discardableResult
    public func recordWrite(in region: String, count: Int = 1) -> Bool {
        guard let i = router.index(of: region) else { return false }
        return recordWrite(inRegionAt: i, count: count)
    }

    /// A write by `arrival`, acknowledged in the region the router sends it to; returns that
    /// region, or nil when it is down (the write fails).
    @discardableResult
    public func recordWrite(forArrival arrival: UInt64) -> String? {
        let i = router.regionIndex(for: arrival)
        return recordWrite(inRegionAt: i) ? regions[i] : nil
    }

    /// The replication lag of `link` at `now`: the sampled lag (resampled every
    /// `lagResampleInterval`) plus any lag fault on the link or its source.
    func lag(of link: ReplicationLink, now: Instant, resample: Bool = true) -> TimeAmount {
        if resample && now >= link.lagValidUntil {
            link.sampledLag = .saturatingSeconds(max(0, lagStream.sample(configuration.replicationLag)))
            link.lagValidUntil = now + configuration.lagResampleInterval
        }
        let k = link.source * regions.count + link.target
        let added = max(context.faults.magnitude(of: lagFaultKind, on: linkFaultTargets[k]),
                        context.faults.magnitude(of: lagFaultKind, on: sourceFaultTargets[link.source]))
        return added > 0 ? link.sampledLag + .saturatingSeconds(added) : link.sampledLag
    }

    // MARK: Health

    /// Whether region `i` can serve now, judged from the model (one raw check).
    func rawHealth(_ i: Int) -> (healthy: Bool, reason: String) {
        let name = regions[i]
        let faults = context.faults
        if faults.isActive(.regionOutage, on: name) { return (false, "region outage") }
        if let vantage = configuration.healthCheckVantage, vantage != name, faults.isPartitioned(vantage, name) {
            return (false, "unreachable from \(vantage)")
        }
        let serving = sites[i].servingFraction()
        if serving < configuration.minimumServingFraction {
            return (false, "serving \(Int((serving * 100).rounded())) % of capacity")
        }
        return (true, "")
    }

    /// Region `i`'s report for the controller.
    func report(_ i: Int, healthy: Bool) -> RegionHealthReport {
        let name = regions[i]
        let latency = (configuration.regionLatency[name] ?? .zero)
            + .saturatingSeconds(context.faults.magnitude(of: .dependencyLatency, on: name))
        return RegionHealthReport(region: name, isHealthy: healthy, averageLatency: latency,
                                  resourceUtilization: min(1, max(0, sites[i].utilization())), dataFreshness: freshness(of: i))
    }

    /// How current region `i`'s copy of the active region's data is: 1 / (1 + seconds behind).
    func freshness(of i: Int) -> Double {
        guard let active = router.index(of: controller.state.activeRegion), active != i,
              let link = links[active * regions.count + i] else { return 1 }
        let now = context.now
        return 1 / (1 + link.staleness(at: now, lag: lag(of: link, now: now)).seconds)
    }

    /// One periodic check (seed `checkRegionHealth`).
    func check() {
        let now = context.now
        var reports: [RegionHealthReport] = []
        reports.reserveCapacity(regions.count)
        for i in regions.indices {
            let raw = rawHealth(i)
            if raw.healthy {
                unhealthyStreak[i] = 0
                downSince[i] = nil
            } else {
                unhealthyStreak[i] += 1
                if downSince[i] == nil { downSince[i] = now }
            }
            reports.append(report(i, healthy: unhealthyStreak[i] < configuration.unhealthyChecksRequired))
        }
        // The reports always include the primary, the only thing checkRegionHealth can throw on.
        let decisions = (try? controller.checkRegionHealth(reports, now: now)) ?? []
        handle(decisions, now: now)
    }

    /// A failback step's hold ended: the controller checks the primary directly and moves on,
    /// completes or reverts.
    func failbackStepDue() {
        stepTimer = nil
        let now = context.now
        let primary = report(0, healthy: rawHealth(0).healthy)
        handle(controller.failbackStepDue(primary: primary, now: now), now: now)
    }

    /// Region `i` stopped serving at `now` because of a fault (outage, partition from the checker).
    func markDown(_ region: String) {
        guard let i = router.index(of: region), downSince[i] == nil else { return }
        downSince[i] = context.now
    }

    private func observeFaults() {
        let faults = context.faults
        faults.observe(.regionOutage, onStart: { [unowned self] fault in
            self.markDown(fault.target)
            self.refreshLinks()
        }, onEnd: { [unowned self] _ in self.refreshLinks() })
        faults.observe(.networkPartition, onStart: { [unowned self] fault in
            if let vantage = self.configuration.healthCheckVantage, let peer = fault.peer {
                if fault.target == vantage { self.markDown(peer) } else if peer == vantage { self.markDown(fault.target) }
            }
            self.refreshLinks()
        }, onEnd: { [unowned self] _ in self.refreshLinks() })
    }

    /// Cuts or heals every link whose ends' connectivity changed.
    private func refreshLinks() {
        let now = context.now
        for case let link? in links {
            let up = !context.faults.isPartitioned(regions[link.source], regions[link.target])
            guard up != link.isUp else { continue }
            if up {
                link.heal(at: now, lag: lag(of: link, now: now))
            } else {
                let delivered = link.cut(at: now)
                if delivered > 0 { context.ledger.finish(Self.ledgerService, count: delivered, .completed, at: now) }
            }
        }
    }
}

/// One switch of traffic away from a failed region, with what it cost.
public struct DisasterRecoveryMeasurement: Equatable, Sendable {
    /// What moved the traffic.
    public enum Cause: String, Sendable {
        /// The primary failed and traffic moved to a backup.
        case failover
        /// The primary failed during failback and its share went back to the backup.
        case failbackReverted = "failback-reverted"
    }

    public var cause: Cause
    public var failedRegion: String
    public var servingRegion: String
    /// When the failed region went down.
    public var downAt: Instant
    /// When the backup started serving its traffic.
    public var servedAt: Instant
    /// `servedAt − downAt`.
    public var rto: TimeAmount
    /// Seconds of acknowledged writes lost (see `DisasterRecoveryController`).
    public var rpo: TimeAmount
    public var lostWrites: Int
}
