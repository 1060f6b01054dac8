/// What the load balancer knows about an edge server when it scores it (seed §4.2.1 `EdgeServer`).
public struct EdgeServerStatus: Sendable, Equatable {
    public var id: String
    public var region: String
    /// `Capacity`: streams.
    public var capacity: Int
    /// `CurrentLoad`: streams being served.
    public var currentLoad: Int
    /// `AvgLatency`, seconds.
    public var averageLatencySeconds: Double
    /// `BandwidthLimit`, bit/s.
    public var bandwidthLimit: Int64
    /// `CurrentBandwidth`, bit/s.
    public var currentBandwidth: Int64
    /// `HealthStatus == HealthStatusHealthy`, as the health checker last reported.
    public var isHealthy: Bool

    public init(id: String, region: String, capacity: Int, currentLoad: Int, averageLatencySeconds: Double,
                bandwidthLimit: Int64, currentBandwidth: Int64, isHealthy: Bool) {
        self.id = id
        self.region = region
        self.capacity = capacity
        self.currentLoad = currentLoad
        self.averageLatencySeconds = averageLatencySeconds
        self.bandwidthLimit = bandwidthLimit
        self.currentBandwidth = currentBandwidth
        self.isHealthy = isHealthy
    }
}

/// The seed's `StreamingLoadBalancer` edge selection (§4.2.1), as pure functions.
///
/// `selectOptimalEdgeServer`: the servers of the viewer's region, or every healthy server when
/// the region has none; among them the healthy server with the best composite score
/// `0.4 × (1 − load/capacity) + 0.3 × 1/(1 + latency s) + 0.3 × (1 − bandwidth/limit)`.
/// As in the seed, a full server is not excluded (its load score is 0 or below) and a server
/// over its bandwidth scores below zero on that term. Ties go to the first server in
/// configuration order (the seed's `sort.Slice` over a Go map has no defined order).
public enum StreamingLoadBalancer {
    /// The seed's composite score, term for term (`float64` divisions of the integer fields).
    @inlinable
    public static func score(currentLoad: Int, capacity: Int, averageLatencySeconds: Double,
                             currentBandwidth: Int64, bandwidthLimit: Int64) -> Double {
        let loadScore = 1.0 - (Double(currentLoad) / Double(capacity))
        let latencyScore = 1.0 / (1.0 + averageLatencySeconds)
        let bandwidthScore = 1.0 - (Double(currentBandwidth) / Double(bandwidthLimit))
        return loadScore * 0.4 + latencyScore * 0.3 + bandwidthScore * 0.3
    }

    public static func score(_ s: EdgeServerStatus) -> Double {
        score(currentLoad: s.currentLoad, capacity: s.capacity, averageLatencySeconds: s.averageLatencySeconds,
              currentBandwidth: s.currentBandwidth, bandwidthLimit: s.bandwidthLimit)
    }

    /// The seed's `scoreServers`: the healthy server with the highest score, or nil.
    public static func scoreServers(_ servers: [EdgeServerStatus], among candidates: [Int]) -> Int? {
        var best: (index: Int, score: Double)?
        for i in candidates where servers[i].isHealthy {
            let s = score(servers[i])
            if best == nil || s > best!.score { best = (i, s) }
        }
        return best?.index
    }

    /// The seed's `selectOptimalEdgeServer` for a viewer in `region`: the index of the chosen
    /// server, or nil ("no healthy edge servers available").
    public static func selectOptimalEdgeServer(region: String, servers: [EdgeServerStatus],
                                               variant: EdgeFallbackVariant = .intended) -> Int? {
        let regional = servers.indices.filter { servers[$0].region == region }
        let allHealthy = servers.indices.filter { servers[$0].isHealthy }
        if regional.isEmpty { return scoreServers(servers, among: allHealthy) }
        if let best = scoreServers(servers, among: regional) { return best }
        return variant == .intended ? scoreServers(servers, among: allHealthy) : nil
    }
}
