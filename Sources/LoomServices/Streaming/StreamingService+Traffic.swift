/// Why an aggregated segment request failed; the raw value is the metric label and ledger reason.
enum SegmentFailure: String, CaseIterable {
    case edgeDown = "edge-down"
    case edgeOverloaded = "edge-overloaded"
    case cdnUnavailable = "cdn-unavailable"
    case noUpstream = "no-upstream"
    case originUnavailable = "origin-unavailable"
}

/// Segment traffic in aggregate: one pass over the edges every tick.
extension StreamingService {
    /// A Poisson draw with `mean` (0 for a non-positive mean).
    @inline(__always) func poisson(_ mean: Double) -> Int {
        guard mean > 0, let d = try? Distribution.poisson(mean: mean) else { return 0 }
        return Int(trafficStream.sample(d))
    }

    /// One tick of every edge's segment requests: how many, and how each ended.
    ///
    /// Requests of an edge with `n` viewers are Poisson with mean `n × tick / segment`; each is
    /// refused when the edge is down, or with probability `(n − capacity)/n` when it is over
    /// capacity; otherwise it misses with probability `pull streams / n` (the renditions'
    /// leaders at the frontier, and bypassing renditions), and a miss is served by the active
    /// CDN (with the share of pulls the CDN already holds), by the origin, or fails with the
    /// CDN's outage magnitude or the origin's outage. Poisson splitting makes each outcome's
    /// count an independent Poisson draw.
    func trafficTick() {
        // First the changes deferred to this tick, so the traffic sees the state of this instant.
        for entry in wheel.take(tick: context.now.nanoseconds / tick.nanoseconds) {
            switch entry {
            case let .leave(v): leave(v)
            case let .warmed(fetch): finishWarming(fetch)
            case let .catchUp(r, edge, generation): leaderCaughtUp(r, on: edge, generation: generation)
            }
        }
        let dt = configuration.tickSeconds
        let segment = configuration.segmentDurationSeconds
        let active = cdn.active
        let direct = active == nil && configuration.originDirectFallback
        let cdnFailure = active.map { context.faults.magnitude(of: .cdnOutage, on: configuration.cdns[$0].name) } ?? 0
        let originDown = isOriginDown
        let ledger = context.ledger
        let now = context.now
        for edge in edges {
            let n = edge.viewerCount
            let base = edge.configuration.baseLatencySeconds
            guard n > 0 else {
                edge.servedBps = 0
                edge.averageLatency += configuration.latencyEWMAWeight * (base - edge.averageLatency)
                continue
            }
            let lambda = Double(n) * dt / segment
            var failed = [Int](repeating: 0, count: SegmentFailure.allCases.count)
            var hits = 0, cdnServed = 0, originServed = 0
            let down = isDown(edge)
            if down {
                failed[0] = poisson(lambda)
            } else {
                let over = max(0, Double(n - edge.configuration.capacity)) / Double(n)
                failed[1] = poisson(lambda * over)
                let admitted = lambda * (1 - over)
                let missShare = min(1, Double(edge.pullStreams) / Double(n))
                hits = poisson(admitted * (1 - missShare))
                let misses = admitted * missShare
                var toOrigin = 0.0
                if active != nil {
                    let cdnHitShare = edge.pullStreams > 0 ? Double(edge.pullStreamsCDNHit) / Double(edge.pullStreams) : 0
                    failed[2] = poisson(misses * cdnFailure)
                    cdnServed = poisson(misses * (1 - cdnFailure) * cdnHitShare)
                    toOrigin = misses * (1 - cdnFailure) * (1 - cdnHitShare)
                } else if direct {
                    toOrigin = misses
                } else {
                    failed[3] = poisson(misses)
                }
                if originDown { failed[4] = poisson(toOrigin) } else { originServed = poisson(toOrigin) }
            }
            let failures = failed.reduce(0, +)
            let served = hits + cdnServed + originServed
            let total = served + failures
            // Conservation by count: every request of the tick ends within it.
            ledger.admit(Self.segmentsLedgerName, count: total)
            ledger.finish(Self.segmentsLedgerName, count: served, .completed, at: now)
            for i in failed.indices where failed[i] > 0 {
                ledger.finish(Self.segmentsLedgerName, count: failed[i], metrics.failureStates[i], at: now)
                context.metrics.add(metrics.segmentFailures[i], Double(failed[i]))
            }
            let m = context.metrics
            m.add(metrics.edgeRequests[edge.index], Double(total))
            m.add(metrics.servedFromEdge, Double(hits))
            m.add(metrics.servedFromCDN, Double(cdnServed))
            m.add(metrics.servedFromOrigin, Double(originServed))
            if let c = active { m.add(metrics.cdnRequests[c], Double(cdnServed + originServed + failed[2] + failed[4])) }
            m.add(metrics.originRequests, Double(originServed + failed[4]))
            edge.intervalHits += hits
            edge.intervalLookups += down ? 0 : total - failed[1]

            // Bytes and money: every served segment leaves the edge; misses also cross the CDN
            // and, when the CDN lacks them, leave the origin.
            let segmentBytes = edge.demandBps / Double(n) * segment / 8
            let edgeBytes = Double(served) * segmentBytes
            m.add(metrics.egressEdge, edgeBytes / 1e9)
            context.costs.add(edgeBytes / 1e9 * edge.configuration.egressCostPerGB, to: metrics.edgeCostCategory)
            if cdnServed > 0 { accountUpstream(bytes: Double(cdnServed) * segmentBytes, cdn: active, fromOrigin: false) }
            if originServed > 0 { accountUpstream(bytes: Double(originServed) * segmentBytes, cdn: active, fromOrigin: true) }

            // Rebuffering: failed segments stall playback; so does a share below the lowest rung.
            var stall = total > 0 ? Double(failures) / Double(total) : (down ? 1 : 0)
            let share = edge.fairShare(bitrates: bitrates)
            if share < bitrates[0] { stall += 1 - share / bitrates[0] }
            stall = min(1, stall)
            edge.stallIntegral += stall * dt
            intervalStallSeconds += Double(n) * stall * dt
            intervalWatchSeconds += Double(n) * dt
            m.add(metrics.rebufferSeconds, Double(n) * stall * dt)
            m.add(metrics.watchSeconds, Double(n) * dt)

            // AvgLatency: base, queueing on the link, and the upstream fetch of misses.
            let demand = edge.demandBps
            edge.servedBps = min(demand, edge.bandwidthLimitBps) * (total > 0 ? Double(served) / Double(total) : 1)
            if !down && served > 0 {
                let rho = min(demand / edge.bandwidthLimitBps, configuration.maxQueueingUtilization)
                var upstream = 0.0
                if let c = active {
                    let cfg = configuration.cdns[c]
                    upstream = Double(cdnServed) * cfg.fetchLatencySeconds
                        + Double(originServed) * (cfg.fetchLatencySeconds + cfg.originFetchLatencySeconds)
                } else {
                    upstream = Double(originServed) * configuration.originLatencySeconds
                }
                let mean = base + base * rho / (1 - rho) + upstream / Double(served)
                edge.averageLatency += configuration.latencyEWMAWeight * (mean - edge.averageLatency)
            }
            adaptBitrates(on: edge)
            // Players re-request the stream when the edge itself refuses them (a new edge helps);
            // upstream failures are the CDN manager's to route around.
            let refused = failed[0] + failed[1]
            if total > 0 && Double(refused) / Double(total) >= configuration.rerouteFailureFraction && !edge.rerouteScheduled {
                edge.rerouteScheduled = true
                context.after(.saturatingSeconds(configuration.playerRetryDelaySeconds), Self.rerouteKind, entity: UInt64(edge.index)) {
                    [unowned self, unowned edge] in self.reroute(edge)
                }
            }
        }
    }

    /// Counts and bills bytes fetched from upstream (a CDN, and the origin behind it or alone).
    func accountUpstream(bytes: Double, cdn c: Int?, fromOrigin: Bool) {
        let gb = bytes / 1e9
        if let c {
            let cfg = configuration.cdns[c]
            context.metrics.add(metrics.egressCDN, gb)
            context.costs.add(gb * cfg.egressCostPerGB, to: metrics.cdnCostCategories[c])
            if fromOrigin {
                context.metrics.add(metrics.egressOrigin, gb)
                context.costs.add(gb * cfg.originTransferCostPerGB, to: metrics.originCostCategory)
            }
        } else {
            context.metrics.add(metrics.egressOrigin, gb)
            context.costs.add(gb * configuration.originEgressCostPerGB, to: metrics.originCostCategory)
        }
    }
}
