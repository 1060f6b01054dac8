/// How the platform fails over between regions and back (seed §9.1), how a region's health is
/// judged from the model, and how data replicates between regions.
public struct DisasterRecoveryConfiguration: Sendable {
    /// Regions, check period, failback steps and variant — the real `FailoverController`'s
    /// configuration, whose defaults are the seed's: checks every 30 s, failback considered after
    /// 10 min in failover, steps 10/25/50/75/100 % held 5 min each, backup score weights
    /// 0.3 latency / 0.4 capacity / 0.3 freshness, `.intended` failback (health checks continue
    /// during failback; `.asWritten` checks only at the end of each 5-minute step).
    public var failover: FailoverController.Configuration
    /// Consecutive unhealthy checks before a region is reported unhealthy to the controller.
    /// The seed acts on one (default 1); Route 53-style checkers use 3.
    public var unhealthyChecksRequired: Int
    /// Time for a traffic change to take effect (the seed's `RedirectTraffic` / `SplitTraffic`
    /// go through DNS or a global load balancer): clients follow after the record's TTL. Default
    /// 60 s, a common TTL for failover records (the seed gives none).
    public var trafficSwitchDelay: TimeAmount
    /// A region whose serving capacity (serving pods / desired pods) falls below this fraction
    /// is unhealthy. Default 0.5.
    public var minimumServingFraction: Double
    /// The region the health checker runs from: a network partition between it and a region makes
    /// that region unreachable (unhealthy). Nil (default): the checker is outside every region
    /// (a global DNS health checker), and only outages and capacity make a region unhealthy.
    public var healthCheckVantage: String?
    /// Base latency of each region as the checker sees it (the seed's `AverageLatency`), for the
    /// backup score; `dependencyLatency` faults on a region's name add seconds. Missing: 0.
    public var regionLatency: [String: TimeAmount]
    /// Asynchronous replication lag between two regions, seconds, resampled every
    /// `lagResampleInterval` per link. Default lognormal, mean 1 s, CV 0.5 (cross-region
    /// asynchronous replication of a managed database typically lags about a second; the seed
    /// gives none). A `replicationLag` fault (or, until the platform has that kind,
    /// `dependencyLatency`) on `replication:<from>-><to>` or `replication:<from>` adds its
    /// magnitude in seconds.
    public var replicationLag: Distribution
    /// How long a sampled lag holds. Default 10 s.
    public var lagResampleInterval: TimeAmount
    /// Writes within this span of each other are kept as one batch in the replication log (the
    /// memory bound: lag / resolution batches per link); RPO is exact to within it. Default 10 ms.
    public var writeLogResolution: TimeAmount

    public init(failover: FailoverController.Configuration, unhealthyChecksRequired: Int = 1,
                trafficSwitchDelay: TimeAmount = .wholeSeconds(60), minimumServingFraction: Double = 0.5,
                healthCheckVantage: String? = nil, regionLatency: [String: TimeAmount] = [:],
                replicationLag: Distribution = DisasterRecoveryConfiguration.defaultReplicationLag,
                lagResampleInterval: TimeAmount = .wholeSeconds(10), writeLogResolution: TimeAmount = .milliseconds(10)) {
        self.failover = failover
        self.unhealthyChecksRequired = unhealthyChecksRequired
        self.trafficSwitchDelay = trafficSwitchDelay
        self.minimumServingFraction = minimumServingFraction
        self.healthCheckVantage = healthCheckVantage
        self.regionLatency = regionLatency
        self.replicationLag = replicationLag
        self.lagResampleInterval = lagResampleInterval
        self.writeLogResolution = writeLogResolution
    }

    /// A primary and its backups with the seed's timing.
    public init(primaryRegion: String, backupRegions: [String]) {
        self.init(failover: FailoverController.Configuration(primaryRegion: primaryRegion, backupRegions: backupRegions))
    }

    /// Default `replicationLag`: lognormal, mean 1 s, CV 0.5.
    public static let defaultReplicationLag = try! Distribution.lognormal(mean: 1, coefficientOfVariation: 0.5)

    /// Every region, the primary first.
    public var regions: [String] { [failover.primaryRegion] + failover.backupRegions }

    /// Throws `CrossServiceConfigurationError` naming the field at fault (the failover part is
    /// checked by `FailoverController` itself).
    public func validate() throws {
        do { _ = try FailoverController(configuration: failover) } catch { throw CrossServiceConfigurationError("disaster recovery: \(error)") }
        guard unhealthyChecksRequired >= 1 else {
            throw CrossServiceConfigurationError("disaster recovery: unhealthyChecksRequired must be at least 1, got \(unhealthyChecksRequired)")
        }
        guard trafficSwitchDelay >= .zero else {
            throw CrossServiceConfigurationError("disaster recovery: trafficSwitchDelay must not be negative, got \(trafficSwitchDelay)")
        }
        guard minimumServingFraction >= 0, minimumServingFraction <= 1 else {
            throw CrossServiceConfigurationError("disaster recovery: minimumServingFraction must be in [0, 1], got \(minimumServingFraction)")
        }
        if let vantage = healthCheckVantage, vantage.isEmpty {
            throw CrossServiceConfigurationError("disaster recovery: healthCheckVantage must not be empty")
        }
        for (region, latency) in regionLatency.sorted(by: { $0.key < $1.key }) where latency < .zero {
            throw CrossServiceConfigurationError("disaster recovery: regionLatency of \(region) must not be negative, got \(latency)")
        }
        guard lagResampleInterval > .zero else {
            throw CrossServiceConfigurationError("disaster recovery: lagResampleInterval must be positive, got \(lagResampleInterval)")
        }
        guard writeLogResolution > .zero else {
            throw CrossServiceConfigurationError("disaster recovery: writeLogResolution must be positive, got \(writeLogResolution)")
        }
    }
}
