/// The streaming service's metric handles and cost categories, registered once.
///
/// Series: `streaming.load` (viewer arrivals/s), `streaming.viewers`,
/// `streaming.edge.viewers{edge}`, `streaming.edge.bandwidth_utilization{edge}` (demand over
/// limit), `streaming.edge.latency{edge}` (`AvgLatency`, s), `streaming.edge.healthy{edge}`,
/// `streaming.edge.hit_rate{edge}` and `streaming.edge.hit_rate` (hits over lookups in the
/// interval), `streaming.rebuffer_ratio` (stalled over watched seconds in the interval),
/// `streaming.bitrate_mbps` (mean bitrate per viewer), `streaming.cache.used_gb`,
/// `streaming.cdn.active` (index of the CDN carrying misses, −1 for none); counters below (their
/// `.rate` series give requests per second); latencies `streaming.startup_time` (request to
/// first segment) and `streaming.session_rebuffer_time` (stalled seconds per session).
struct StreamingMetrics {
    let edgeRequests: [MetricsRecorder.Counter]
    let cdnRequests: [MetricsRecorder.Counter]
    let originRequests: MetricsRecorder.Counter
    let servedFromEdge: MetricsRecorder.Counter
    let servedFromCDN: MetricsRecorder.Counter
    let servedFromOrigin: MetricsRecorder.Counter
    let segmentFailures: [MetricsRecorder.Counter]
    let failureStates: [TerminalState]
    let rebufferSeconds: MetricsRecorder.Counter
    let watchSeconds: MetricsRecorder.Counter
    let egressEdge: MetricsRecorder.Counter
    let egressCDN: MetricsRecorder.Counter
    let egressOrigin: MetricsRecorder.Counter
    let qualityDown: MetricsRecorder.Counter
    let qualityUp: MetricsRecorder.Counter
    let cacheWarms: MetricsRecorder.Counter
    let cacheWarmFailures: MetricsRecorder.Counter
    let cacheEvictions: MetricsRecorder.Counter
    let cacheBypass: MetricsRecorder.Counter
    let joinHits: MetricsRecorder.Counter
    let joinMisses: MetricsRecorder.Counter
    let reroutes: MetricsRecorder.Counter
    let cdnFailovers: MetricsRecorder.Counter
    let sessionsStarted: MetricsRecorder.Counter
    let sessionsCompleted: MetricsRecorder.Counter
    let noEdgeDrops: MetricsRecorder.Counter
    let startupFailedDrops: MetricsRecorder.Counter
    let startupTime: MetricsRecorder.Latency
    let sessionRebufferTime: MetricsRecorder.Latency
    let edgeCostCategory = "egress.edge"
    let originCostCategory = "egress.origin"
    let cdnCostCategories: [String]

    init(recorder m: MetricsRecorder, edges: [String], cdns: [String]) {
        edgeRequests = edges.map { m.registerCounter(metricKey("streaming.edge.requests", [("edge", $0)]), unit: "requests") }
        cdnRequests = cdns.map { m.registerCounter(metricKey("streaming.cdn.requests", [("cdn", $0)]), unit: "requests") }
        originRequests = m.registerCounter("streaming.origin.requests", unit: "requests")
        servedFromEdge = m.registerCounter(metricKey("streaming.segments.served", [("source", "edge")]), unit: "requests")
        servedFromCDN = m.registerCounter(metricKey("streaming.segments.served", [("source", "cdn")]), unit: "requests")
        servedFromOrigin = m.registerCounter(metricKey("streaming.segments.served", [("source", "origin")]), unit: "requests")
        segmentFailures = SegmentFailure.allCases.map {
            m.registerCounter(metricKey("streaming.segments.failed", [("reason", $0.rawValue)]), unit: "requests")
        }
        failureStates = SegmentFailure.allCases.map { .failed(reason: $0.rawValue) }
        rebufferSeconds = m.registerCounter("streaming.rebuffer_seconds", unit: "s")
        watchSeconds = m.registerCounter("streaming.watch_seconds", unit: "s")
        egressEdge = m.registerCounter(metricKey("streaming.egress_gb", [("tier", "edge")]), unit: "GB")
        egressCDN = m.registerCounter(metricKey("streaming.egress_gb", [("tier", "cdn")]), unit: "GB")
        egressOrigin = m.registerCounter(metricKey("streaming.egress_gb", [("tier", "origin")]), unit: "GB")
        qualityDown = m.registerCounter(metricKey("streaming.quality_changes", [("direction", "down")]), unit: "changes")
        qualityUp = m.registerCounter(metricKey("streaming.quality_changes", [("direction", "up")]), unit: "changes")
        cacheWarms = m.registerCounter("streaming.cache.warms", unit: "renditions")
        cacheWarmFailures = m.registerCounter("streaming.cache.warm_failures", unit: "renditions")
        cacheEvictions = m.registerCounter("streaming.cache.evictions", unit: "renditions")
        cacheBypass = m.registerCounter("streaming.cache.bypass", unit: "renditions")
        joinHits = m.registerCounter(metricKey("streaming.startup.first_segment", [("cache", "hit")]), unit: "sessions")
        joinMisses = m.registerCounter(metricKey("streaming.startup.first_segment", [("cache", "miss")]), unit: "sessions")
        reroutes = m.registerCounter("streaming.reroutes", unit: "sessions")
        cdnFailovers = m.registerCounter("streaming.cdn.failovers", unit: "failovers")
        sessionsStarted = m.registerCounter("streaming.sessions.started", unit: "sessions")
        sessionsCompleted = m.registerCounter("streaming.sessions.completed", unit: "sessions")
        noEdgeDrops = m.registerCounter(metricKey("drops", [("service", "streaming"), ("reason", "no-healthy-edge")]), unit: "sessions")
        startupFailedDrops = m.registerCounter(metricKey("drops", [("service", "streaming"), ("reason", "startup-failed")]), unit: "sessions")
        startupTime = m.registerLatency("streaming.startup_time")
        sessionRebufferTime = m.registerLatency("streaming.session_rebuffer_time")
        cdnCostCategories = cdns.map { "egress.cdn.\($0)" }
    }
}

extension StreamingService {
    func registerGauges() {
        let m = context.metrics
        var last = (time: context.now, arrivals: 0)
        m.registerGauge("streaming.load", unit: "viewers/s") { [unowned self] in
            let seconds = (self.context.now - last.time).seconds
            let rate = seconds > 0 ? Double(self.arrivals - last.arrivals) / seconds : 0
            last = (self.context.now, self.arrivals)
            return rate
        }
        m.registerGauge("streaming.viewers", unit: "viewers") { [unowned self] in Double(self.activeViewers) }
        m.registerGauge("streaming.edge.hit_rate", unit: "ratio") { [unowned self] in
            var hits = 0, lookups = 0
            for e in self.edges {
                hits += e.intervalHits
                lookups += e.intervalLookups
            }
            return lookups > 0 ? Double(hits) / Double(lookups) : .nan
        }
        for edge in edges {
            let labels = [("edge", edge.configuration.id)]
            m.registerGauge(metricKey("streaming.edge.viewers", labels), unit: "viewers") { [unowned edge] in Double(edge.viewerCount) }
            m.registerGauge(metricKey("streaming.edge.bandwidth_utilization", labels), unit: "ratio") { [unowned edge] in
                edge.demandBps / edge.bandwidthLimitBps
            }
            m.registerGauge(metricKey("streaming.edge.latency", labels), unit: "s") { [unowned edge] in edge.averageLatency }
            m.registerGauge(metricKey("streaming.edge.healthy", labels), unit: "bool") { [unowned edge] in edge.isHealthy ? 1 : 0 }
            // Read last among the edge's gauges: it closes the edge's interval.
            m.registerGauge(metricKey("streaming.edge.hit_rate", labels), unit: "ratio") { [unowned edge] in
                defer { edge.intervalHits = 0; edge.intervalLookups = 0 }
                return edge.intervalLookups > 0 ? Double(edge.intervalHits) / Double(edge.intervalLookups) : .nan
            }
        }
        m.registerGauge("streaming.rebuffer_ratio", unit: "ratio") { [unowned self] in
            defer { self.intervalStallSeconds = 0; self.intervalWatchSeconds = 0 }
            return self.intervalWatchSeconds > 0 ? self.intervalStallSeconds / self.intervalWatchSeconds : .nan
        }
        m.registerGauge("streaming.bitrate_mbps", unit: "Mbit/s") { [unowned self] in
            let viewers = self.edges.reduce(0) { $0 + $1.viewerCount }
            return viewers > 0 ? self.edges.reduce(0) { $0 + $1.demandBps } / Double(viewers) / 1e6 : .nan
        }
        m.registerGauge("streaming.cache.used_gb", unit: "GB") { [unowned self] in self.edges.reduce(0) { $0 + $1.cachedBytes } / 1e9 }
        m.registerGauge("streaming.cdn.active", unit: "index") { [unowned self] in Double(self.cdn.active ?? -1) }
    }
}
