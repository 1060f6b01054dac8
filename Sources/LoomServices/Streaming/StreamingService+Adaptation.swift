/// Adaptive bitrate (seed §4.1 "Adaptive Controller", "Bitrate Analyzer", "Quality Selector"),
/// players moving off failing edges, and the health checks of edges and CDNs.
extension StreamingService {
    /// Under bandwidth pressure (demand above the edge's limit) every stream above the max–min
    /// fair share drops to the highest rung the share carries; with headroom (below
    /// `abrUpgradeUtilization`) downgraded players climb back one rung per tick, oldest first,
    /// as long as the edge stays below that utilization.
    func adaptBitrates(on edge: EdgeServer) {
        let limit = edge.bandwidthLimitBps
        if edge.demandBps > limit {
            let share = edge.fairShare(bitrates: bitrates)
            var target = 0
            while target + 1 < bitrates.count && bitrates[target + 1] <= share { target += 1 }
            for q in stride(from: bitrates.count - 1, to: target, by: -1) {
                while let v = edge.buckets[q].last {
                    changeQuality(v, to: target, on: edge)
                    context.metrics.add(metrics.qualityDown)
                    if !v.isDowngraded {
                        v.isDowngraded = true
                        edge.downgraded.append(v)
                    }
                }
            }
            return
        }
        var budget = limit * configuration.abrUpgradeUtilization - edge.demandBps
        guard budget > 0 else { return }
        var remaining = edge.downgraded.count
        while remaining > 0, let v = edge.downgraded.first {
            remaining -= 1
            guard v.edge == edge.index, !v.ended, v.quality < v.requestedQuality else {
                edge.downgraded.removeFirst()
                if v.edge == edge.index || v.ended { v.isDowngraded = false }
                continue
            }
            let step = bitrates[v.quality + 1] - bitrates[v.quality]
            guard step <= budget else { break }
            edge.downgraded.removeFirst()
            budget -= step
            changeQuality(v, to: v.quality + 1, on: edge)
            context.metrics.add(metrics.qualityUp)
            if v.quality < v.requestedQuality { edge.downgraded.append(v) } else { v.isDowngraded = false }
        }
    }

    /// Switches a viewer's rendition on the same edge (its position carries over).
    func changeQuality(_ v: ViewerSession, to quality: Int, on edge: EdgeServer) {
        edge.removeFromBucket(v)
        edge.demandBps -= bitrates[v.quality]
        leaveRendition(v, edge, until: context.now)
        v.quality = quality
        edge.addToBucket(v)
        edge.demandBps += bitrates[quality]
        _ = joinRendition(v, edge)
    }

    /// The players of a failing edge ask the load balancer for a stream again (the seed's
    /// `RouteStreamRequest`, with the health status as the checker last saw it: until it marks
    /// the edge unhealthy, some come back to it).
    func reroute(_ edge: EdgeServer) {
        edge.rerouteScheduled = false
        guard edge.viewerCount > 0 else { return }
        context.metrics.note("streaming.reroute", subject: edge.configuration.id, detail: "\(edge.viewerCount) viewers", at: context.now)
        for v in edge.viewersByID {
            detach(v)
            guard let e = selectEdge(for: v.region) else {
                endSession(v, .failed(reason: "no-healthy-edge"))
                continue
            }
            let target = edges[e]
            join(v, target, warm: true)
            context.metrics.add(metrics.reroutes)
            if v.quality < v.requestedQuality {
                v.isDowngraded = true
                target.downgraded.append(v)
            }
        }
    }

    /// One round of edge probes through the real health monitor: an edge that is down fails its
    /// probe; one that answers slower than the timeout fails it too.
    func checkEdgeHealth() {
        let now = context.now
        let timeout = TimeAmount.saturatingSeconds(configuration.edgeHealth.timeoutSeconds)
        for edge in edges {
            let down = isDown(edge)
            let result: HealthProbeResult = down ? .unhealthy(reason: "edge unreachable") : .healthy
            let responseTime = down ? timeout : TimeAmount.saturatingSeconds(edge.averageLatency)
            guard let update = try? edgeMonitor.record(result, service: edge.configuration.id, responseTime: responseTime, now: now) else {
                continue
            }
            edge.isHealthy = update.status == .healthy
            if let alert = update.alert {
                context.metrics.note(alert.kind == .critical ? "edge.unhealthy" : "edge.recovered",
                                     subject: edge.configuration.id, detail: alert.message, at: now)
            }
        }
    }

    /// One round of CDN probes; a change of the active CDN is a failover (or failback).
    func checkCDNHealth() {
        let now = context.now
        let failed = configuration.cdns.map { c -> Bool in
            let p = context.faults.magnitude(of: .cdnOutage, on: c.name)
            return p >= 1 || (p > 0 && probeStream.uniform() < p)
        }
        let before = activeCDN
        let (alerts, changed) = cdn.applyProbes(failed: failed, now: now)
        for alert in alerts {
            context.metrics.note(alert.kind == .critical ? "cdn.unhealthy" : "cdn.recovered", subject: alert.service, detail: alert.message, at: now)
        }
        guard changed else { return }
        let previousIndex = configuration.cdns.firstIndex { $0.name == before } ?? Int.max
        let kind = (cdn.active ?? Int.max) < previousIndex ? "cdn.failback" : "cdn.failover"
        context.metrics.note(kind, subject: "streaming", detail: "\(before ?? "none") → \(activeCDN ?? "none")", at: now)
        context.metrics.add(metrics.cdnFailovers)
        reregisterPulls()
    }
}
