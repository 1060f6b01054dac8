/// The streaming service (seed §4): viewers by region play videos from edge servers chosen by
/// the §4.2.1 load balancer; edges cache renditions, fetch misses through the active CDN
/// (CloudFront, failing over to Cloudflare) or the origin, and players adapt their bitrate to
/// the edge's bandwidth.
///
/// Viewer sessions are individual entities (`startViewing` … leave, quality changes, moves to
/// another edge, rebuffering); segment requests — 100,000 viewers asking for a 4 s segment are
/// 25,000 requests a second — are modelled in aggregate: every `tickSeconds`, each edge's
/// requests are Poisson with mean `viewers × tick / segment`, split (Poisson splitting) into
/// refused (edge down or over capacity), edge hits, and misses served by the CDN, by the origin
/// or failed, with probabilities from the edge's cache state (see `RenditionState`), the CDN's
/// contents and the active faults. A viewer's end, a warm fetch's arrival and a leader catching
/// up with the cached prefix take effect at the next tick (`StreamingTickWheel`), so a viewer
/// costs no event of its own in steady state.
///
/// Faults: `regionOutage` (edges of the region; the origin in `originRegion`), `nodeLoss` on an
/// edge id (that edge), `cdnOutage` on a CDN name (magnitude: the fraction of its requests and
/// health probes that fail), `datastoreOutage` on `originName`. Ledgers: `streaming` holds
/// sessions by id (completed, or failed "no-healthy-edge" / "startup-failed");
/// `streaming.segments` holds segment requests by count (completed, or failed with the reason).
public final class StreamingService {
    public static let serviceName = "streaming"
    public static let segmentsLedgerName = "streaming.segments"
    public let configuration: StreamingConfiguration
    let context: PlatformContext
    var edges: [EdgeServer] = []
    /// Edge indices by region, in configuration order.
    let regionEdges: [String: [Int]]
    var cdn: CDNRouter
    var edgeMonitor: ServiceHealthMonitor
    /// Bitrate of each rung, bit/s.
    let bitrates: [Double]
    let qualityIndex: [String: Int]
    let metrics: StreamingMetrics
    let trafficStream: RandomStream
    let probeStream: RandomStream
    let tick: TimeAmount
    var nextViewerID: UInt64 = 1
    var arrivals = 0
    var activeViewers = 0
    /// Accumulators read (and reset) by the interval gauges.
    var intervalWatchSeconds = 0.0
    var intervalStallSeconds = 0.0
    /// Leaves, warm arrivals and catch-ups deferred to the next tick.
    var wheel = StreamingTickWheel()

    static let retryKind = EventKind("streaming.viewer.retry")
    static let tickKind = EventKind("streaming.tick")
    static let rerouteKind = EventKind("streaming.reroute")
    static let edgeHealthKind = EventKind("streaming.health.edges")
    static let cdnHealthKind = EventKind("streaming.health.cdns")

    public init(configuration: StreamingConfiguration, context: PlatformContext) throws {
        try configuration.validate()
        self.configuration = configuration
        self.context = context
        bitrates = configuration.qualityLadder.map { $0.bitrateMbps * 1e6 }
        var qualities: [String: Int] = [:]
        for (i, q) in configuration.qualityLadder.enumerated() { qualities[q.name] = i }
        qualityIndex = qualities
        var byRegion: [String: [Int]] = [:]
        for (i, e) in configuration.edges.enumerated() {
            edges.append(EdgeServer(index: i, configuration: e, rungs: bitrates.count))
            byRegion[e.region, default: []].append(i)
        }
        regionEdges = byRegion
        cdn = try CDNRouter(configurations: configuration.cdns, health: configuration.cdnHealth, now: context.now)
        let h = configuration.edgeHealth
        edgeMonitor = try ServiceHealthMonitor(
            checkInterval: .saturatingSeconds(h.intervalSeconds),
            services: configuration.edges.map {
                ServiceHealthConfiguration(name: $0.id, healthyThreshold: h.healthyThreshold,
                                           unhealthyThreshold: h.unhealthyThreshold, timeout: .saturatingSeconds(h.timeoutSeconds))
            },
            variant: h.variant)
        // A warm platform: every edge has passed its health checks at time zero.
        for e in configuration.edges {
            for _ in 0..<h.healthyThreshold { _ = try edgeMonitor.record(.healthy, service: e.id, responseTime: .zero, now: context.now) }
        }
        trafficStream = context.stream("streaming.segments")
        probeStream = context.stream("streaming.health-probes")
        tick = .saturatingSeconds(configuration.tickSeconds)
        metrics = StreamingMetrics(recorder: context.metrics, edges: configuration.edges.map(\.id), cdns: configuration.cdns.map(\.name))
        registerGauges()
    }

    /// Starts the traffic tick and the health checks of edges and CDNs.
    public func start() {
        context.every(tick, Self.tickKind, startingAfter: tick) { [unowned self] in self.trafficTick() }
        context.every(.saturatingSeconds(configuration.edgeHealth.intervalSeconds), Self.edgeHealthKind,
                      startingAfter: .saturatingSeconds(configuration.edgeHealth.intervalSeconds)) { [unowned self] in
            self.checkEdgeHealth()
        }
        guard !configuration.cdns.isEmpty else { return }
        context.every(.saturatingSeconds(configuration.cdnHealth.intervalSeconds), Self.cdnHealthKind,
                      startingAfter: .saturatingSeconds(configuration.cdnHealth.intervalSeconds)) { [unowned self] in
            self.checkCDNHealth()
        }
    }

    /// A viewer in `region` starts watching `video` at quality `quality` (a rung name) for
    /// `duration` seconds (cut at the video's end); returns the session id.
    @discardableResult
    public func startViewing(region: String, video: UInt64, quality: String, duration: Double,
                             videoLength: Double? = nil) throws(StreamingConfigurationError) -> UInt64 {
        guard let q = qualityIndex[quality] else { throw StreamingConfigurationError(message: "unknown quality \(quality)") }
        let length = videoLength ?? configuration.defaultVideoLengthSeconds
        guard length.isFinite && length > 0 else { throw StreamingConfigurationError(message: "video length must be positive, got \(length)") }
        guard duration.isFinite && duration >= 0 else { throw StreamingConfigurationError(message: "watch duration must be ≥ 0, got \(duration)") }
        guard video < (1 << 59) else { throw StreamingConfigurationError(message: "video id \(video) is too large (< 2^59)") }
        let id = nextViewerID
        nextViewerID += 1
        arrivals += 1
        activeViewers += 1
        let now = context.now
        context.ledger.admit(Self.serviceName, id: id, at: now)
        context.metrics.add(metrics.sessionsStarted)
        let viewer = ViewerSession(id: id, region: region, video: video, videoLengthSeconds: length, quality: q,
                                   startedAt: now, endsAt: now + .saturatingSeconds(min(duration, length)))
        startStream(viewer)
        return id
    }

    /// The seed's `RouteStreamRequest` for a starting viewer: select an edge, request the first
    /// segment (retrying on another selection after `playerRetryDelaySeconds` when the edge is
    /// down), record the startup time and warm the edge's cache.
    func startStream(_ v: ViewerSession) {
        v.startupAttempts += 1
        guard let e = selectEdge(for: v.region) else {
            endSession(v, .failed(reason: "no-healthy-edge"))
            return
        }
        let edge = edges[e]
        if isDown(edge) {
            let retryAt = context.now + .saturatingSeconds(configuration.playerRetryDelaySeconds)
            if v.startupAttempts < configuration.maxStartupAttempts && retryAt < v.endsAt {
                context.at(retryAt, Self.retryKind, entity: v.id) { [unowned self] in self.startStream(v) }
            } else {
                endSession(v, .failed(reason: "startup-failed"))
            }
            return
        }
        v.quality = startingQuality(on: edge, requested: v.requestedQuality)
        let cached = join(v, edge, warm: true)
        if v.quality < v.requestedQuality && !v.isDowngraded {
            v.isDowngraded = true
            edge.downgraded.append(v)
        }
        var startup = 2 * edge.averageLatency
        if !cached { startup += upstreamLatency(cdnHit: v.rendition?.cdnHit ?? false) }
        let throughput = min(configuration.clientBandwidthMbps * 1e6, edge.fairShare(bitrates: bitrates))
        startup += configuration.segmentDurationSeconds * bitrates[v.quality] / max(throughput, 1)
        context.metrics.record(metrics.startupTime, .saturatingSeconds(startup))
        wheel.schedule(.leave(v), atTick: tickIndex(v.endsAt))
    }

    /// The first tick at or after `instant` (ticks fall on multiples of `tick`).
    func tickIndex(_ instant: Instant) -> Int64 {
        (instant.nanoseconds + tick.nanoseconds - 1) / tick.nanoseconds
    }

    /// The highest rung up to the requested one that the edge's spare bandwidth carries (the
    /// lowest when none does).
    private func startingQuality(on edge: EdgeServer, requested: Int) -> Int {
        let spare = edge.bandwidthLimitBps - edge.demandBps
        var q = requested
        while q > 0 && bitrates[q] > spare { q -= 1 }
        return q
    }

    /// Time to fetch a missed segment from upstream, seconds.
    func upstreamLatency(cdnHit: Bool) -> Double {
        if let c = cdn.active {
            let config = configuration.cdns[c]
            return config.fetchLatencySeconds + (cdnHit ? 0 : config.originFetchLatencySeconds)
        }
        return configuration.originLatencySeconds
    }

    /// The seed's `selectOptimalEdgeServer` over the live edges (same rule as
    /// `StreamingLoadBalancer.selectOptimalEdgeServer`, without building statuses).
    func selectEdge(for region: String) -> Int? {
        func best(_ candidates: [Int]) -> Int? {
            var best: (index: Int, score: Double)?
            for i in candidates where edges[i].isHealthy {
                let s = edges[i].score
                if best == nil || s > best!.score { best = (i, s) }
            }
            return best?.index
        }
        let all = Array(edges.indices)
        guard let regional = regionEdges[region], !regional.isEmpty else { return best(all) }
        if let chosen = best(regional) { return chosen }
        return configuration.edgeFallback == .intended ? best(all) : nil
    }

    /// Puts a viewer on `edge`; returns whether its next segment is in the edge's cache. A stream
    /// request (`warm`) starts the seed's proactive warm fetch when the edge lacks the content.
    @discardableResult
    func join(_ v: ViewerSession, _ edge: EdgeServer, warm: Bool) -> Bool {
        v.edge = edge.index
        v.stallMark = edge.stallIntegral
        edge.addToBucket(v)
        edge.viewerCount += 1
        edge.demandBps += bitrates[v.quality]
        let cached = joinRendition(v, edge)
        if warm, configuration.cacheWarmingEnabled, let r = v.rendition, !r.bypass, !r.isFullyCached, !r.warming {
            startWarming(r, on: edge)
        }
        return cached
    }

    /// Takes a viewer off its edge; `until` is where its playback stopped (now by default).
    func detach(_ v: ViewerSession, until: Instant? = nil) {
        guard v.edge >= 0 else { return }
        let edge = edges[v.edge]
        v.stallSeconds += edge.stallIntegral - v.stallMark
        edge.removeFromBucket(v)
        edge.viewerCount -= 1
        edge.demandBps -= bitrates[v.quality]
        leaveRendition(v, edge, until: until ?? context.now)
        v.edge = -1
    }

    /// The viewer's watch time is over (applied at the tick after its end).
    func leave(_ v: ViewerSession) {
        guard !v.ended else { return }
        detach(v, until: min(v.endsAt, context.now))
        endSession(v, .completed)
    }

    func endSession(_ v: ViewerSession, _ state: TerminalState) {
        v.ended = true
        activeViewers -= 1
        context.metrics.record(metrics.sessionRebufferTime, .saturatingSeconds(v.stallSeconds))
        context.ledger.finish(Self.serviceName, id: v.id, state, at: context.now)
        switch state {
        case .completed: context.metrics.add(metrics.sessionsCompleted)
        case let .failed(reason): context.metrics.add(reason == "startup-failed" ? metrics.startupFailedDrops : metrics.noEdgeDrops)
        default: break
        }
    }

    /// Whether an edge is really down now (whatever its health status says).
    func isDown(_ edge: EdgeServer) -> Bool {
        context.faults.isActive(.regionOutage, on: edge.configuration.region) || context.faults.isActive(.nodeLoss, on: edge.configuration.id)
    }

    var isOriginDown: Bool {
        context.faults.isActive(.datastoreOutage, on: configuration.originName)
            || context.faults.isActive(.regionOutage, on: configuration.originRegion)
    }

    // MARK: Inspection (tests, reports)

    /// What the load balancer sees of every edge, in configuration order.
    public var edgeStatuses: [EdgeServerStatus] { edges.map(\.status) }
    /// The CDN carrying edge misses now, or nil.
    public var activeCDN: String? { cdn.active.map { configuration.cdns[$0].name } }
    /// Viewers watching now.
    public var viewerCount: Int { activeViewers }
    /// The edge a viewer is on, or nil.
    public func edge(ofViewer id: UInt64) -> String? {
        for e in edges { for b in e.buckets where b.contains(where: { $0.id == id }) { return e.configuration.id } }
        return nil
    }
}
