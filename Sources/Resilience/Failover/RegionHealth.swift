/// One region's health as the disaster-recovery manager sees it (seed §9.1
/// `healthChecker.CheckRegionHealth` and `dataReplicator.GetDataFreshnessScore`).
public struct RegionHealthReport: Equatable, Sendable {
    public var region: String
    public var isHealthy: Bool
    public var averageLatency: TimeAmount
    /// Share of the region's capacity in use, 0–1.
    public var resourceUtilization: Double
    /// How current the region's replicated data is, 0 (stale) – 1 (in sync).
    public var dataFreshness: Double

    public init(
        region: String, isHealthy: Bool, averageLatency: TimeAmount = .zero, resourceUtilization: Double = 0,
        dataFreshness: Double = 1
    ) {
        self.region = region
        self.isHealthy = isHealthy
        self.averageLatency = averageLatency
        self.resourceUtilization = resourceUtilization
        self.dataFreshness = dataFreshness
    }
}

/// The weights of the backup-region score (seed §9.1 `selectBestBackupRegion`: latency 0.3,
/// capacity 0.4, data freshness 0.3).
public struct BackupScoringWeights: Equatable, Sendable {
    public var latency: Double
    public var capacity: Double
    public var dataFreshness: Double

    public init(latency: Double = 0.3, capacity: Double = 0.4, dataFreshness: Double = 0.3) {
        self.latency = latency
        self.capacity = capacity
        self.dataFreshness = dataFreshness
    }

    var isValid: Bool {
        [latency, capacity, dataFreshness].allSatisfy { $0.isFinite && $0 >= 0 }
    }
}

/// A healthy backup region's score and its parts.
public struct BackupRegionScore: Equatable, Sendable {
    public var region: String
    /// `1 / (1 + latency in seconds)`.
    public var latencyScore: Double
    /// `1 − utilisation`.
    public var capacityScore: Double
    public var dataFreshnessScore: Double
    /// The weighted sum; higher is better.
    public var composite: Double
}

/// Ranks backup regions as the seed's `selectBestBackupRegion` does (seed §9.1).
public enum BackupRegionSelector {
    /// Scores of the healthy regions among `candidates`, best first. Regions without a report
    /// count as unreachable and are skipped, like unhealthy ones.
    ///
    /// Ties keep the order of `candidates`: the seed's `sort.Slice` is not stable, so equal
    /// scores could pick either region; a stable order makes the choice reproducible.
    public static func rank(
        _ candidates: [String], reports: [RegionHealthReport], weights: BackupScoringWeights = BackupScoringWeights()
    ) -> [BackupRegionScore] {
        var scores: [(order: Int, score: BackupRegionScore)] = []
        for (order, region) in candidates.enumerated() {
            guard let health = reports.first(where: { $0.region == region }), health.isHealthy else { continue }
            let latency = 1.0 / (1.0 + health.averageLatency.seconds)
            let capacity = 1.0 - health.resourceUtilization
            let freshness = health.dataFreshness
            let composite = latency * weights.latency + capacity * weights.capacity + freshness * weights.dataFreshness
            scores.append(
                (order, BackupRegionScore(
                    region: region, latencyScore: latency, capacityScore: capacity,
                    dataFreshnessScore: freshness, composite: composite)))
        }
        scores.sort { a, b in
            a.score.composite != b.score.composite ? a.score.composite > b.score.composite : a.order < b.order
        }
        return scores.map(\.score)
    }

    /// The best healthy region among `candidates`, or nil if none is healthy.
    public static func best(
        _ candidates: [String], reports: [RegionHealthReport], weights: BackupScoringWeights = BackupScoringWeights()
    ) -> String? {
        rank(candidates, reports: reports, weights: weights).first?.region
    }
}
