/// The edge caches: renditions joined and left by viewers, the frontier of what each edge has
/// pulled, LRU eviction of idle renditions, and the seed's proactive warming (§4.2.1 `warmCache`).
extension StreamingService {
    /// Rendition keys: the video id and the rung (4 bits).
    @inline(__always) func renditionKey(video: UInt64, quality: Int) -> UInt64 { video << 4 | UInt64(quality) }

    /// Runs `change` on a rendition and folds the change of its upstream pull streams into the
    /// edge's counts (the traffic tick reads only the counts).
    @inline(__always)
    func updating(_ r: RenditionState, on edge: EdgeServer, _ change: () -> Void) {
        let pulls = r.pullStreams, hits = r.cdnHit ? r.pullStreams : 0
        change()
        edge.pullStreams += r.pullStreams - pulls
        edge.pullStreamsCDNHit += (r.cdnHit ? r.pullStreams : 0) - hits
    }

    func position(_ v: ViewerSession) -> Double { (context.now - v.virtualStart).seconds }

    /// Adds `v` to its rendition on `edge`; returns whether its next segment is cached there.
    func joinRendition(_ v: ViewerSession, _ edge: EdgeServer) -> Bool {
        let key = renditionKey(video: v.video, quality: v.quality)
        let r = edge.renditions[key] ?? admit(key, lengthSeconds: v.videoLengthSeconds, quality: v.quality, on: edge)
        v.rendition = r
        let pos = position(v)
        let leaderPos = r.viewers.first.map(position) ?? 0
        let cached = !r.bypass && pos < max(r.cachedUpTo, leaderPos)
        if r.viewers.isEmpty { r.idleStamp &+= 1 }  // no longer idle: its LRU entry goes stale
        let lo = insertionIndex(of: v, in: r)
        updating(r, on: edge) {
            let previousLeader = r.viewers.first
            r.viewers.insert(v, at: lo)
            if lo == 0 {
                if let old = previousLeader { r.cachedUpTo = max(r.cachedUpTo, min(position(old), r.lengthSeconds)) }
                evaluateLeader(r, on: edge)
            }
        }
        context.metrics.add(cached ? metrics.joinHits : metrics.joinMisses)
        return cached
    }

    /// Where `v` sits (or would sit) in the rendition's viewers, ordered by (virtualStart, id).
    private func insertionIndex(of v: ViewerSession, in r: RenditionState) -> Int {
        var lo = 0, hi = r.viewers.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let m = r.viewers[mid]
            if m.virtualStart < v.virtualStart || (m.virtualStart == v.virtualStart && m.id < v.id) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Removes `v` from its rendition; a departing leader extends the cached prefix to where it
    /// got (its position at `until`).
    func leaveRendition(_ v: ViewerSession, _ edge: EdgeServer, until: Instant) {
        guard let r = v.rendition else { return }
        v.rendition = nil
        let i = insertionIndex(of: v, in: r)
        guard i < r.viewers.count, r.viewers[i] === v else { return }
        updating(r, on: edge) {
            r.viewers.remove(at: i)
            if i == 0 {
                r.cachedUpTo = max(r.cachedUpTo, min((until - v.virtualStart).seconds, r.lengthSeconds))
                evaluateLeader(r, on: edge)
            }
        }
        guard r.viewers.isEmpty else { return }
        if r.bypass {
            edge.renditions[r.key] = nil
        } else {
            markIdle(r, on: edge)
        }
    }

    /// Puts an idle rendition at the back of the LRU. Entries of renditions that became active
    /// again stay behind, stale; when they outnumber the live ones the LRU is compacted, so it
    /// stays proportional to the cache.
    func markIdle(_ r: RenditionState, on edge: EdgeServer) {
        r.idleStamp &+= 1
        edge.idleLRU.append((r.key, r.idleStamp))
        if edge.idleLRU.count > 2 * edge.renditions.count + 1_024 {
            edge.idleLRU = edge.idleLRU.filter { entry in
                guard let live = edge.renditions[entry.key] else { return false }
                return live.idleStamp == entry.stamp && live.viewers.isEmpty
            }
        }
    }

    /// Decides whether the rendition's leader pulls from upstream now; if it is behind the
    /// cached prefix, schedules the instant it catches up.
    func evaluateLeader(_ r: RenditionState, on edge: EdgeServer) {
        r.leaderGeneration &+= 1
        guard let leader = r.viewers.first else {
            r.isFrontier = false
            return
        }
        if r.bypass {
            r.cdnHit = cdn.registerPull(r.key, edge: edge.index)
            return
        }
        if r.isFullyCached {
            r.isFrontier = false
            return
        }
        if position(leader) >= r.cachedUpTo {
            r.isFrontier = true
            r.cdnHit = cdn.registerPull(r.key, edge: edge.index)
            return
        }
        r.isFrontier = false
        let catchUp = leader.virtualStart + .saturatingSeconds(r.cachedUpTo)
        guard catchUp < leader.endsAt else { return }
        wheel.schedule(.catchUp(r, edge, generation: r.leaderGeneration), atTick: tickIndex(catchUp))
    }

    /// The leader reached the end of the cached prefix: it pulls from upstream from now on.
    func leaderCaughtUp(_ r: RenditionState, on edge: EdgeServer, generation: UInt64) {
        guard edge.renditions[r.key] === r, r.leaderGeneration == generation, !r.isFullyCached, !r.viewers.isEmpty else { return }
        updating(r, on: edge) {
            r.isFrontier = true
            r.cdnHit = cdn.registerPull(r.key, edge: edge.index)
        }
    }

    /// A rendition first requested on an edge: cached if room can be made by evicting idle
    /// renditions, least recently used first; otherwise it bypasses the cache.
    private func admit(_ key: UInt64, lengthSeconds: Double, quality: Int, on edge: EdgeServer) -> RenditionState {
        let r = RenditionState(key: key, lengthSeconds: lengthSeconds, bitrateBps: bitrates[quality])
        if makeRoom(for: r.bytes, on: edge) {
            edge.cachedBytes += r.bytes
        } else {
            r.bypass = true
            context.metrics.add(metrics.cacheBypass)
        }
        edge.renditions[key] = r
        return r
    }

    private func makeRoom(for bytes: Double, on edge: EdgeServer) -> Bool {
        guard bytes <= edge.cacheCapacityBytes else { return false }
        while edge.cachedBytes + bytes > edge.cacheCapacityBytes {
            guard let (key, stamp) = edge.idleLRU.popFirst() else { return false }
            guard let victim = edge.renditions[key], victim.idleStamp == stamp, victim.viewers.isEmpty, !victim.warming else { continue }
            edge.renditions[key] = nil
            edge.cachedBytes -= victim.bytes
            context.metrics.add(metrics.cacheEvictions)
        }
        return true
    }

    /// The seed's `warmCache`: fetches the rest of the rendition through the active CDN (or the
    /// origin) at `warmingThroughputMBps`; when it arrives the whole rendition is cached.
    func startWarming(_ r: RenditionState, on edge: EdgeServer) {
        let bytes = (r.lengthSeconds - r.cachedUpTo) * r.bitrateBps / 8
        let active = cdn.active
        let direct = active == nil && configuration.originDirectFallback
        var fails = active == nil && !direct
        var cdnHit = false
        if let c = active {
            let p = context.faults.magnitude(of: .cdnOutage, on: configuration.cdns[c].name)
            fails = p > 0 && probeStream.uniform() < p
            if !fails { cdnHit = cdn.registerPull(r.key, edge: edge.index) }
        }
        if !cdnHit && !fails && isOriginDown { fails = true }
        r.warming = true
        context.metrics.add(metrics.cacheWarms)
        let seconds = upstreamLatency(cdnHit: cdnHit) + bytes / (configuration.warmingThroughputMBps * 1e6)
        let fetch = WarmFetch(rendition: r, edge: edge, bytes: bytes, cdn: active, cdnHit: cdnHit, fails: fails)
        wheel.schedule(.warmed(fetch), atTick: tickIndex(context.now + .saturatingSeconds(seconds)))
    }

    /// A warm fetch arrived (or failed): the whole rendition is cached.
    func finishWarming(_ w: WarmFetch) {
        let r = w.rendition, edge = w.edge
        guard edge.renditions[r.key] === r else { return }
        r.warming = false
        if !w.fails {
            accountUpstream(bytes: w.bytes, cdn: w.cdn, fromOrigin: !w.cdnHit)
            updating(r, on: edge) {
                r.cachedUpTo = r.lengthSeconds
                evaluateLeader(r, on: edge)
            }
        } else {
            context.metrics.add(metrics.cacheWarmFailures)
        }
        if r.viewers.isEmpty { markIdle(r, on: edge) }
    }

    /// The active CDN changed: every rendition pulling from upstream registers with the new one
    /// (edges in order, renditions by key), so a cold CDN sends the first pull of each to origin.
    func reregisterPulls() {
        for edge in edges {
            let pulling = edge.renditions.values.filter { $0.pullStreams > 0 }.sorted { $0.key < $1.key }
            for r in pulling {
                updating(r, on: edge) { r.cdnHit = cdn.registerPull(r.key, edge: edge.index) }
            }
        }
    }
}
