import OrderedCollections

/// How gradual failback reacts to an unhealthy primary (seed §9.1 `startGradualFailback`).
public enum FailbackVariant: String, CaseIterable, Sendable, Codable {
    /// The intent of a monitored, gradual failback: the 30-second health checks keep running
    /// during failback, so an unhealthy primary is reverted at the next check rather than at
    /// the end of the five-minute step; and a revert restarts the minimum time in failover,
    /// so the manager does not start failing back again 30 seconds later.
    case intended
    /// The seed as written (§9.1): failback runs inside the ticker's goroutine and sleeps five
    /// minutes per step, so no health check happens until the step ends; after a revert
    /// `FailoverTime` is unchanged, so failback restarts as soon as the primary looks healthy.
    case asWritten
}

/// The traffic shares the manager asks the traffic manager to apply, by region, summing to 1.
public struct TrafficSplit: Equatable, Sendable {
    public var shares: OrderedDictionary<String, Double>

    public init(_ shares: OrderedDictionary<String, Double>) { self.shares = shares }

    /// All traffic to `region`.
    public static func all(to region: String) -> TrafficSplit { TrafficSplit([region: 1.0]) }

    public func share(of region: String) -> Double { shares[region] ?? 0 }
}

/// What the disaster-recovery manager asks its caller to do.
public enum FailoverDecision: Equatable, Sendable {
    /// Send all traffic to `region` (seed `RedirectTraffic(region, 1.0)`).
    case redirectAll(to: String)
    /// Apply this split (seed `SplitTraffic`).
    case splitTraffic(TrafficSplit)
    /// Bring `region`'s data up to date (seed `go SyncToRegion`).
    case syncData(to: String)
    /// Call `failbackStepDue(primary:now:)` at this instant (the seed's five-minute sleep).
    case armStepTimer(at: Instant)
    /// Alert: traffic moved from the primary to `to` (seed `sendFailoverAlert`).
    case failoverInitiated(from: String, to: String)
    /// Alert: the primary is down and no backup is healthy (seed: "No healthy backup regions").
    case noHealthyBackup
    /// Failback started with the first share on the primary.
    case failbackStarted
    /// The primary turned unhealthy while holding `primaryShare` of traffic; all traffic went back.
    case failbackReverted(primaryShare: Double)
    /// The primary is active again with all traffic.
    case failbackCompleted
}

/// The manager's state (seed §9.1 `FailoverState`, plus the failback step in progress).
public struct FailoverState: Equatable, Sendable {
    public internal(set) var activeRegion: String
    public internal(set) var failoverTime: Instant?
    /// True while failing back (seed `RecoveryMode`).
    public internal(set) var recoveryMode = false
    public internal(set) var trafficSplit: TrafficSplit
    /// Index into the configured failback steps while `recoveryMode`.
    public internal(set) var failbackStep: Int?
    /// When the current failback step's health check is due.
    public internal(set) var nextStepAt: Instant?
    /// Consecutive checks that found the primary healthy.
    public internal(set) var consecutiveHealthyPrimaryChecks = 0
}

/// A configuration the failover manager cannot honour.
public enum FailoverConfigurationError: Error, Equatable, CustomStringConvertible {
    case emptyRegionName
    case noBackupRegions
    case duplicateRegion(String)
    case nonPositiveDuration(name: String, TimeAmount)
    case invalidFailbackSteps([Double])
    case nonPositiveStableChecks(Int)
    case invalidWeights(BackupScoringWeights)
    case missingPrimaryReport(String)

    public var description: String {
        switch self {
        case .emptyRegionName: return "failover: a region has an empty name"
        case .noBackupRegions: return "failover: at least one backup region is needed"
        case let .duplicateRegion(r): return "failover: region '\(r)' is listed twice (or is both primary and backup)"
        case let .nonPositiveDuration(name, d): return "failover: \(name) must be positive, got \(d)"
        case let .invalidFailbackSteps(steps):
            return "failover: failback steps must rise strictly within (0, 1] and end at 1, got \(steps)"
        case let .nonPositiveStableChecks(n): return "failover: stableChecksRequired must be at least 1, got \(n)"
        case let .invalidWeights(w): return "failover: scoring weights must be finite and non-negative, got \(w)"
        case let .missingPrimaryReport(r): return "failover: the health reports lack the primary region '\(r)'"
        }
    }
}

/// Multi-region failover with gradual failback (seed §9.1 `DisasterRecoveryManager`).
///
/// Every `checkInterval` the caller passes the regions' health to `checkRegionHealth`; when
/// a failback step's timer fires it calls `failbackStepDue`. The manager answers with
/// traffic decisions and alerts. Failover moves all traffic to the best-scoring healthy
/// backup; after `minimumFailoverDuration`, a primary that has been healthy for
/// `stableChecksRequired` checks gets traffic back in steps (10/25/50/75/100 %), each held
/// for `stepDuration` and checked before the next; an unhealthy primary reverts everything
/// to the backup.
public struct FailoverController: Sendable {
    /// Regions, timing and variant; defaults are the seed's.
    public struct Configuration: Equatable, Sendable {
        public var primaryRegion: String
        /// Candidate backups; ties in score go to the earlier one.
        public var backupRegions: [String]
        /// The health-check period (seed: `time.NewTicker(30 * time.Second)`).
        public var checkInterval: TimeAmount
        /// Time in failover before failback is considered (seed: 10 minutes).
        public var minimumFailoverDuration: TimeAmount
        /// Primary traffic shares of the failback steps (seed: 0.1, 0.25, 0.5, 0.75, 1.0).
        public var failbackSteps: [Double]
        /// How long each step is held before its check (seed: `time.Sleep(5 * time.Minute)`).
        public var stepDuration: TimeAmount
        /// Consecutive healthy checks that make the primary "stable". The seed's
        /// `isPrimaryRegionStable` is not shown; the default 1 reads one healthy report.
        public var stableChecksRequired: Int
        public var weights: BackupScoringWeights
        public var variant: FailbackVariant

        public init(
            primaryRegion: String, backupRegions: [String], checkInterval: TimeAmount = .wholeSeconds(30),
            minimumFailoverDuration: TimeAmount = .minutes(10), failbackSteps: [Double] = [0.1, 0.25, 0.5, 0.75, 1.0],
            stepDuration: TimeAmount = .minutes(5), stableChecksRequired: Int = 1,
            weights: BackupScoringWeights = BackupScoringWeights(), variant: FailbackVariant = .intended
        ) {
            self.primaryRegion = primaryRegion
            self.backupRegions = backupRegions
            self.checkInterval = checkInterval
            self.minimumFailoverDuration = minimumFailoverDuration
            self.failbackSteps = failbackSteps
            self.stepDuration = stepDuration
            self.stableChecksRequired = stableChecksRequired
            self.weights = weights
            self.variant = variant
        }

        func validate() throws {
            let regions = [primaryRegion] + backupRegions
            guard regions.allSatisfy({ !$0.isEmpty }) else { throw FailoverConfigurationError.emptyRegionName }
            guard !backupRegions.isEmpty else { throw FailoverConfigurationError.noBackupRegions }
            for (i, region) in regions.enumerated() where regions[..<i].contains(region) {
                throw FailoverConfigurationError.duplicateRegion(region)
            }
            for (name, d) in [("checkInterval", checkInterval), ("stepDuration", stepDuration)] where d <= .zero {
                throw FailoverConfigurationError.nonPositiveDuration(name: name, d)
            }
            if minimumFailoverDuration < .zero {
                throw FailoverConfigurationError.nonPositiveDuration(name: "minimumFailoverDuration", minimumFailoverDuration)
            }
            let rising = zip(failbackSteps, failbackSteps.dropFirst()).allSatisfy { $0 < $1 }
            guard let first = failbackSteps.first, first > 0, failbackSteps.last == 1.0, rising else {
                throw FailoverConfigurationError.invalidFailbackSteps(failbackSteps)
            }
            guard stableChecksRequired >= 1 else { throw FailoverConfigurationError.nonPositiveStableChecks(stableChecksRequired) }
            guard weights.isValid else { throw FailoverConfigurationError.invalidWeights(weights) }
        }
    }

    public let configuration: Configuration
    public internal(set) var state: FailoverState

    /// A manager serving all traffic from the primary; throws `FailoverConfigurationError`.
    public init(configuration: Configuration) throws {
        try configuration.validate()
        self.configuration = configuration
        self.state = FailoverState(
            activeRegion: configuration.primaryRegion, trafficSplit: .all(to: configuration.primaryRegion))
    }

    /// Whether traffic is (mostly) served by a backup region.
    public var isFailedOver: Bool { state.activeRegion != configuration.primaryRegion }
}
