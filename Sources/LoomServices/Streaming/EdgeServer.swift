import DequeModule

/// One viewer's playback session: an individual entity that joins, changes quality, moves
/// between edges, rebuffers and leaves (its segment requests are aggregated per edge).
final class ViewerSession {
    let id: UInt64
    let region: String
    let video: UInt64
    let videoLengthSeconds: Double
    let requestedQuality: Int
    let endsAt: Instant
    var quality: Int
    var edge = -1
    var rendition: RenditionState?
    /// The instant the viewer would have started to be at its current position without stalls:
    /// position = now − virtualStart. Kept across edge and quality moves.
    var virtualStart: Instant
    /// The edge's stall integral when the viewer arrived there.
    var stallMark = 0.0
    var stallSeconds = 0.0
    /// Index in its edge's bucket for its quality (O(1) removal).
    var bucketSlot = -1
    var startupAttempts = 0
    var isDowngraded = false
    var ended = false

    init(id: UInt64, region: String, video: UInt64, videoLengthSeconds: Double, quality: Int, startedAt: Instant, endsAt: Instant) {
        self.id = id
        self.region = region
        self.video = video
        self.videoLengthSeconds = videoLengthSeconds
        self.requestedQuality = quality
        self.quality = quality
        self.virtualStart = startedAt
        self.endsAt = endsAt
    }
}

/// One rendition (a video at one quality) at one edge: the cached prefix, the viewers watching
/// it there ordered by position, and whether its leader is pulling new segments from upstream.
///
/// Viewers watch from the start, so an edge's cache of a rendition is the prefix any viewer has
/// reached (`cachedUpTo`); the viewer furthest ahead (the leader) misses on every segment while it
/// is beyond that prefix (it is "at the frontier"), and everyone behind it hits. A warm fetch
/// caches the whole rendition. A rendition that found no room in the cache (`bypass`) misses for
/// every viewer.
final class RenditionState {
    let key: UInt64
    let bytes: Double
    let lengthSeconds: Double
    let bitrateBps: Double
    /// Viewers ordered by `virtualStart` (the leader first), ties by id.
    var viewers: [ViewerSession] = []
    /// Seconds of the rendition cached from the start.
    var cachedUpTo = 0.0
    var isFrontier = false
    /// Whether the active CDN already holds what this rendition's frontier pulls.
    var cdnHit = false
    var bypass = false
    var warming = false
    /// Bumped when it goes idle (LRU entries carry it) and when its leader changes (catch-up events).
    var idleStamp: UInt64 = 0
    var leaderGeneration: UInt64 = 0

    init(key: UInt64, lengthSeconds: Double, bitrateBps: Double) {
        self.key = key
        self.lengthSeconds = lengthSeconds
        self.bitrateBps = bitrateBps
        self.bytes = lengthSeconds * bitrateBps / 8
    }

    var isFullyCached: Bool { cachedUpTo >= lengthSeconds }

    /// Segment streams this rendition pulls from upstream: its leader at the frontier, or every
    /// viewer when it bypasses the cache.
    var pullStreams: Int { bypass ? viewers.count : (isFrontier ? 1 : 0) }
}

/// An edge server's running state: its viewers by quality, the demand they put on its
/// bandwidth, its cache of renditions with an LRU of idle ones, and what the load balancer and
/// the traffic model read (load, `AvgLatency`, served bandwidth, health).
final class EdgeServer {
    let index: Int
    let configuration: EdgeServerConfiguration
    let bandwidthLimitBps: Double
    let cacheCapacityBytes: Double
    /// Viewers by quality rung.
    var buckets: [[ViewerSession]]
    var viewerCount = 0
    /// Sum of its viewers' bitrates, bit/s.
    var demandBps = 0.0
    var renditions: [UInt64: RenditionState] = [:]
    var idleLRU: Deque<(key: UInt64, stamp: UInt64)> = []
    var cachedBytes = 0.0
    /// Σ pullStreams over renditions, and the part whose pulls hit at the active CDN.
    var pullStreams = 0
    var pullStreamsCDNHit = 0
    /// `AvgLatency`, seconds (EWMA of per-tick mean segment latency).
    var averageLatency: Double
    /// Bandwidth served in the last tick, bit/s (`CurrentBandwidth`).
    var servedBps = 0.0
    /// Stall seconds per viewer accumulated since the start (viewers difference it).
    var stallIntegral = 0.0
    /// As the health checker last reported (`HealthStatus == HealthStatusHealthy`).
    var isHealthy = true
    var rerouteScheduled = false
    /// Viewers below their requested quality, oldest downgrade first (upgrade candidates).
    var downgraded: Deque<ViewerSession> = []
    /// Interval counts for the hit-rate gauge.
    var intervalHits = 0
    var intervalLookups = 0

    init(index: Int, configuration: EdgeServerConfiguration, rungs: Int) {
        self.index = index
        self.configuration = configuration
        bandwidthLimitBps = configuration.bandwidthLimitGbps * 1e9
        cacheCapacityBytes = configuration.cacheCapacityGB * 1e9
        averageLatency = configuration.baseLatencySeconds
        buckets = Array(repeating: [], count: rungs)
    }

    /// The load balancer's view of this edge.
    var status: EdgeServerStatus {
        EdgeServerStatus(id: configuration.id, region: configuration.region, capacity: configuration.capacity,
                         currentLoad: viewerCount, averageLatencySeconds: averageLatency,
                         bandwidthLimit: Int64(bandwidthLimitBps), currentBandwidth: Int64(servedBps), isHealthy: isHealthy)
    }

    var score: Double {
        StreamingLoadBalancer.score(currentLoad: viewerCount, capacity: configuration.capacity,
                                    averageLatencySeconds: averageLatency, currentBandwidth: Int64(servedBps),
                                    bandwidthLimit: Int64(bandwidthLimitBps))
    }

    func addToBucket(_ v: ViewerSession) {
        v.bucketSlot = buckets[v.quality].count
        buckets[v.quality].append(v)
    }

    func removeFromBucket(_ v: ViewerSession) {
        let q = v.quality
        let last = buckets[q].removeLast()
        if last !== v {
            buckets[q][v.bucketSlot] = last
            last.bucketSlot = v.bucketSlot
        }
        v.bucketSlot = -1
    }

    /// Every viewer on the edge, ordered by id (a defined order for moves).
    var viewersByID: [ViewerSession] { buckets.flatMap { $0 }.sorted { $0.id < $1.id } }

    /// The max–min fair share of bandwidth per stream, bit/s: streams needing less than the
    /// share get what they need, the rest split what remains equally (TCP-like fairness).
    func fairShare(bitrates: [Double]) -> Double {
        var remaining = bandwidthLimitBps
        var streams = viewerCount
        for (q, bucket) in buckets.enumerated() where !bucket.isEmpty {
            let share = remaining / Double(streams)
            if bitrates[q] > share { return share }
            remaining -= bitrates[q] * Double(bucket.count)
            streams -= bucket.count
        }
        return streams > 0 ? remaining / Double(streams) : .infinity
    }
}
