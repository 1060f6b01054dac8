/// One rung of the adaptive-bitrate ladder (seed §4.1 "Quality Selector: Optimal Resolution").
public struct StreamingQualityLevel: Sendable, Equatable {
    public var name: String
    /// Video bitrate, Mbit/s.
    public var bitrateMbps: Double

    public init(name: String, bitrateMbps: Double) {
        self.name = name
        self.bitrateMbps = bitrateMbps
    }

    /// A four-rung ladder in the range of Apple's HLS authoring specification (the seed gives none).
    public static let defaultLadder: [StreamingQualityLevel] = [
        StreamingQualityLevel(name: "360p", bitrateMbps: 0.8),
        StreamingQualityLevel(name: "480p", bitrateMbps: 1.4),
        StreamingQualityLevel(name: "720p", bitrateMbps: 2.8),
        StreamingQualityLevel(name: "1080p", bitrateMbps: 5.0),
    ]
}

/// One edge server (seed §4.2.1 `EdgeServer`): a regional cache that serves viewers' segments.
public struct EdgeServerConfiguration: Sendable, Equatable {
    /// The edge's id: the `edge` label of its metrics, the target of a `nodeLoss` fault.
    public var id: String
    /// Its region; a `regionOutage` there takes it down.
    public var region: String
    /// Concurrent streams it serves (`Capacity`); requests beyond it are refused.
    public var capacity: Int
    /// Egress bandwidth, Gbit/s (`BandwidthLimit`).
    public var bandwidthLimitGbps: Double
    /// Response time of a cached segment request when idle, seconds (the floor of `AvgLatency`).
    public var baseLatencySeconds: Double
    /// Cache size, GB.
    public var cacheCapacityGB: Double
    /// Dollars per GB served to viewers.
    public var egressCostPerGB: Double

    public init(id: String, region: String, capacity: Int = 10_000, bandwidthLimitGbps: Double = 40,
                baseLatencySeconds: Double = 0.02, cacheCapacityGB: Double = 2_000, egressCostPerGB: Double = 0.02) {
        self.id = id
        self.region = region
        self.capacity = capacity
        self.bandwidthLimitGbps = bandwidthLimitGbps
        self.baseLatencySeconds = baseLatencySeconds
        self.cacheCapacityGB = cacheCapacityGB
        self.egressCostPerGB = egressCostPerGB
    }

    /// Three edges in each of four regions, 10,000 streams and 40 Gbit/s each (120,000 streams
    /// and 480 Gbit/s in all, for the seed's 100,000 concurrent viewers, §4.2.1), 2 TB of cache,
    /// idle latencies of 20–30 ms, $0.02/GB egress (assumed).
    public static let defaultEdges: [EdgeServerConfiguration] = {
        var edges: [EdgeServerConfiguration] = []
        for region in ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1"] {
            for (i, latency) in [0.02, 0.025, 0.03].enumerated() {
                edges.append(EdgeServerConfiguration(id: "\(region)-edge-\(i + 1)", region: region, baseLatencySeconds: latency))
            }
        }
        return edges
    }()
}

/// A CDN that edges fetch missed segments through (seed §4.1: CloudFront primary, Cloudflare
/// secondary), with its own cache in front of the origin.
public struct CDNConfiguration: Sendable, Equatable {
    /// The CDN's name: the `cdn` label of its metrics, the target of a `cdnOutage` fault.
    public var name: String
    /// Time for an edge to fetch a segment the CDN has cached, seconds.
    public var fetchLatencySeconds: Double
    /// Extra time when the CDN must fetch it from the origin, seconds.
    public var originFetchLatencySeconds: Double
    /// Dollars per GB the CDN delivers to edges.
    public var egressCostPerGB: Double
    /// Dollars per GB the origin sends to this CDN (0 from S3 to CloudFront).
    public var originTransferCostPerGB: Double

    public init(name: String, fetchLatencySeconds: Double = 0.05, originFetchLatencySeconds: Double = 0.15,
                egressCostPerGB: Double, originTransferCostPerGB: Double) {
        self.name = name
        self.fetchLatencySeconds = fetchLatencySeconds
        self.originFetchLatencySeconds = originFetchLatencySeconds
        self.egressCostPerGB = egressCostPerGB
        self.originTransferCostPerGB = originTransferCostPerGB
    }

    /// CloudFront ($0.085/GB, its first North-America/Europe price tier; origin fetches from S3
    /// free) and Cloudflare ($0.04/GB assumed for a contract; origin fetches at S3's $0.09/GB).
    public static let seedCDNs: [CDNConfiguration] = [
        CDNConfiguration(name: "cloudfront", egressCostPerGB: 0.085, originTransferCostPerGB: 0),
        CDNConfiguration(name: "cloudflare", egressCostPerGB: 0.04, originTransferCostPerGB: 0.09),
    ]
}

/// What edge selection does when the viewer's region has edges but none is healthy (§4.2.1).
public enum EdgeFallbackVariant: String, Sendable, CaseIterable {
    /// Fall back to every healthy edge, as the seed intends for a region without servers.
    case intended
    /// As written: `getRegionalServers` is non-empty, so the global fallback is skipped,
    /// `scoreServers` filters every server out and the stream fails ("no healthy edge servers").
    case asWritten
}

/// Health checking of edges or CDNs with the real `ServiceHealthMonitor` (seed §8.1); the seed
/// gives no values, these are Kubernetes-probe-like assumptions.
public struct StreamingHealthCheckConfiguration: Sendable, Equatable {
    public var intervalSeconds: Double = 10
    public var healthyThreshold: Int = 2
    public var unhealthyThreshold: Int = 3
    public var timeoutSeconds: Double = 2
    public var variant: HealthThresholdVariant = .intended

    public init() {}
}

/// Everything that shapes the streaming service (seed §4): edges, CDNs, origin, the bitrate
/// ladder, segment traffic, cache warming, adaptive bitrate, health checks and the player.
public struct StreamingConfiguration: Sendable {
    public var edges: [EdgeServerConfiguration] = EdgeServerConfiguration.defaultEdges
    /// CDNs in order of preference: the first healthy one carries edge misses.
    public var cdns: [CDNConfiguration] = CDNConfiguration.seedCDNs
    public var qualityLadder: [StreamingQualityLevel] = StreamingQualityLevel.defaultLadder
    /// Segment length, seconds: each viewer requests one segment this often (HLS commonly 4–6 s).
    public var segmentDurationSeconds: Double = 4
    /// Aggregation period of segment traffic, seconds.
    public var tickSeconds: Double = 1
    public var edgeFallback: EdgeFallbackVariant = .intended
    /// The seed's proactive `warmCache` on a stream start whose content is not cached (§4.2.1).
    public var cacheWarmingEnabled: Bool = true
    /// Throughput of one warm fetch into an edge, MB/s (assumed 100).
    public var warmingThroughputMBps: Double = 100
    /// Length of a video when the caller gives none, seconds (assumed 300).
    public var defaultVideoLengthSeconds: Double = 300
    /// The origin's name (target of `datastoreOutage`) and region (target of `regionOutage`).
    public var originName: String = "streaming-origin"
    public var originRegion: String = "us-east-1"
    /// Time for an edge to fetch a segment straight from the origin, seconds (assumed 0.15).
    public var originLatencySeconds: Double = 0.15
    /// Dollars per GB sent by the origin straight to edges (S3 internet egress, $0.09).
    public var originEgressCostPerGB: Double = 0.09
    /// Whether edges fetch from the origin themselves when no CDN is healthy.
    public var originDirectFallback: Bool = true
    /// Extra segment latency of an edge at bandwidth utilization ρ is `base × ρ/(1−ρ)` (M/M/1-like,
    /// ρ capped at this value).
    public var maxQueueingUtilization: Double = 0.95
    /// Weight of the newest tick in the edge's `AvgLatency` (an EWMA).
    public var latencyEWMAWeight: Double = 0.2
    /// Players upgrade one rung at a time while the edge stays below this utilization.
    public var abrUpgradeUtilization: Double = 0.75
    /// Viewer download bandwidth, Mbit/s (caps a stream's throughput; assumed 20).
    public var clientBandwidthMbps: Double = 20
    /// How long a player waits on a failing edge before asking for a new one, seconds (two segments).
    public var playerRetryDelaySeconds: Double = 8
    /// Fraction of an edge's requests it refuses (down or over capacity) in a tick at which its
    /// players re-request the stream.
    public var rerouteFailureFraction: Double = 0.5
    /// Attempts to start a stream on an edge that is down before the session fails.
    public var maxStartupAttempts: Int = 3
    public var edgeHealth: StreamingHealthCheckConfiguration = StreamingHealthCheckConfiguration()
    public var cdnHealth: StreamingHealthCheckConfiguration = {
        var c = StreamingHealthCheckConfiguration()
        c.timeoutSeconds = 5
        return c
    }()

    public init() {}

    /// Checks every field; the message names the field, the value and the rule it breaks.
    public func validate() throws(StreamingConfigurationError) {
        func check(_ ok: Bool, _ message: @autoclosure () -> String) throws(StreamingConfigurationError) {
            if !ok { throw StreamingConfigurationError(message: message()) }
        }
        func positive(_ v: Double, _ name: String) throws(StreamingConfigurationError) {
            try check(v.isFinite && v > 0, "\(name) must be a positive number, got \(v)")
        }
        func nonNegative(_ v: Double, _ name: String) throws(StreamingConfigurationError) {
            try check(v.isFinite && v >= 0, "\(name) must be ≥ 0, got \(v)")
        }
        try check(!edges.isEmpty, "edges must list at least one edge server")
        var ids: [String] = []
        for e in edges {
            try check(!e.id.isEmpty && !ids.contains(e.id), "edge id \"\(e.id)\" is empty or used twice")
            ids.append(e.id)
            try check(!e.region.isEmpty, "edges[\(e.id)].region must not be empty")
            try check(e.capacity >= 1, "edges[\(e.id)].capacity must be at least 1 stream, got \(e.capacity)")
            try positive(e.bandwidthLimitGbps, "edges[\(e.id)].bandwidthLimitGbps")
            try nonNegative(e.baseLatencySeconds, "edges[\(e.id)].baseLatencySeconds")
            try nonNegative(e.cacheCapacityGB, "edges[\(e.id)].cacheCapacityGB")
            try nonNegative(e.egressCostPerGB, "edges[\(e.id)].egressCostPerGB")
        }
        var names: [String] = []
        for c in cdns {
            try check(!c.name.isEmpty && !names.contains(c.name), "CDN name \"\(c.name)\" is empty or used twice")
            names.append(c.name)
            try nonNegative(c.fetchLatencySeconds, "cdns[\(c.name)].fetchLatencySeconds")
            try nonNegative(c.originFetchLatencySeconds, "cdns[\(c.name)].originFetchLatencySeconds")
            try nonNegative(c.egressCostPerGB, "cdns[\(c.name)].egressCostPerGB")
            try nonNegative(c.originTransferCostPerGB, "cdns[\(c.name)].originTransferCostPerGB")
        }
        try check(!qualityLadder.isEmpty && qualityLadder.count <= 15, "qualityLadder must have 1 to 15 rungs, got \(qualityLadder.count)")
        for (i, q) in qualityLadder.enumerated() {
            try positive(q.bitrateMbps, "qualityLadder[\(q.name)].bitrateMbps")
            if i > 0 {
                try check(q.bitrateMbps > qualityLadder[i - 1].bitrateMbps,
                          "qualityLadder must rise in bitrate: \(q.name) (\(q.bitrateMbps)) after \(qualityLadder[i - 1].name)")
            }
        }
        try positive(segmentDurationSeconds, "segmentDurationSeconds")
        try positive(tickSeconds, "tickSeconds")
        try positive(warmingThroughputMBps, "warmingThroughputMBps")
        try positive(defaultVideoLengthSeconds, "defaultVideoLengthSeconds")
        try nonNegative(originEgressCostPerGB, "originEgressCostPerGB")
        try nonNegative(originLatencySeconds, "originLatencySeconds")
        try check(maxQueueingUtilization >= 0 && maxQueueingUtilization < 1, "maxQueueingUtilization must be in [0, 1), got \(maxQueueingUtilization)")
        try check(latencyEWMAWeight > 0 && latencyEWMAWeight <= 1, "latencyEWMAWeight must be in (0, 1], got \(latencyEWMAWeight)")
        try check(abrUpgradeUtilization > 0 && abrUpgradeUtilization <= 1, "abrUpgradeUtilization must be in (0, 1], got \(abrUpgradeUtilization)")
        try positive(clientBandwidthMbps, "clientBandwidthMbps")
        try nonNegative(playerRetryDelaySeconds, "playerRetryDelaySeconds")
        try check(rerouteFailureFraction > 0 && rerouteFailureFraction <= 1, "rerouteFailureFraction must be in (0, 1], got \(rerouteFailureFraction)")
        try check(maxStartupAttempts >= 1, "maxStartupAttempts must be at least 1, got \(maxStartupAttempts)")
        for (name, h) in [("edgeHealth", edgeHealth), ("cdnHealth", cdnHealth)] {
            try positive(h.intervalSeconds, "\(name).intervalSeconds")
            try positive(h.timeoutSeconds, "\(name).timeoutSeconds")
            try check(h.healthyThreshold >= 1, "\(name).healthyThreshold must be at least 1, got \(h.healthyThreshold)")
            try check(h.unhealthyThreshold >= 1, "\(name).unhealthyThreshold must be at least 1, got \(h.unhealthyThreshold)")
        }
    }
}

/// A streaming configuration that cannot run; `message` names the field and the problem.
public struct StreamingConfigurationError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
