import XCTest
@testable import LoomServices

/// Edge selection (§4.2.1), the edge cache's frontier model, and adaptive bitrate.
final class StreamingSelectionAndCacheTests: XCTestCase {
    func status(_ id: String, region: String = "r1", load: Int, latency: Double, bandwidth: Int64, healthy: Bool = true) -> EdgeServerStatus {
        EdgeServerStatus(id: id, region: region, capacity: 1_000, currentLoad: load, averageLatencySeconds: latency,
                         bandwidthLimit: 10_000_000_000, currentBandwidth: bandwidth, isHealthy: healthy)
    }

    /// The composite score weighs load 0.4, latency 0.3 and bandwidth 0.3: a busier but faster
    /// edge with spare bandwidth can beat an idle slow one; unhealthy edges never win.
    func testTheEdgeWithTheBestScoreIsChosen() {
        let servers = [
            status("idle-but-slow", load: 0, latency: 0.5, bandwidth: 0),                 // 0.4 + 0.2 + 0.3 = 0.9
            status("busy-and-fast", load: 200, latency: 0.01, bandwidth: 1_000_000_000),  // 0.32 + 0.297 + 0.27 = 0.887
            status("fast-half-full", load: 100, latency: 0.02, bandwidth: 500_000_000),   // 0.36 + 0.294 + 0.285 = 0.939
            status("best-but-down", load: 0, latency: 0.01, bandwidth: 0, healthy: false),
            status("other-region", region: "r2", load: 0, latency: 0.001, bandwidth: 0),
        ]
        XCTAssertEqual(StreamingLoadBalancer.score(servers[0]), 0.9, accuracy: 1e-12)
        XCTAssertEqual(StreamingLoadBalancer.score(servers[1]), 0.32 + 0.3 / 1.01 + 0.27, accuracy: 1e-12)
        XCTAssertEqual(StreamingLoadBalancer.selectOptimalEdgeServer(region: "r1", servers: servers), 2)
        XCTAssertEqual(StreamingLoadBalancer.selectOptimalEdgeServer(region: "unknown", servers: servers), 4,
                       "a region without servers falls back to every healthy server")
        var allDown = servers
        for i in 0..<4 { allDown[i].isHealthy = false }
        XCTAssertEqual(StreamingLoadBalancer.selectOptimalEdgeServer(region: "r1", servers: allDown, variant: .intended), 4)
        XCTAssertNil(StreamingLoadBalancer.selectOptimalEdgeServer(region: "r1", servers: allDown, variant: .asWritten),
                     "as written, a region whose servers are all unhealthy gets no server")
        // A full server is not excluded: its load score is 0 but it still competes.
        let full = [status("full-fast", load: 1_000, latency: 0, bandwidth: 0), status("half-slow", load: 500, latency: 3, bandwidth: 0)]
        XCTAssertEqual(StreamingLoadBalancer.selectOptimalEdgeServer(region: "r1", servers: full), 0)
    }

    /// The service picks, at every join, the edge the pure §4.2.1 rule picks from the live state.
    func testServiceRoutesEveryViewerToTheBestScoringEdge() throws {
        let rt = SimulatedRuntime(seed: 1)
        let ctx = PlatformContext(runtime: rt)
        let service = try StreamingService(configuration: StreamingConfiguration(), context: ctx)
        service.start()
        let streams = ctx.stream("test")
        for i in 0..<400 {
            let region = ["us-east-1", "eu-west-1", "sa-east-1"][i % 3]
            let expected = StreamingLoadBalancer.selectOptimalEdgeServer(region: region, servers: service.edgeStatuses)!
            let id = try service.startViewing(region: region, video: UInt64(i), quality: "720p", duration: 600)
            XCTAssertEqual(service.edge(ofViewer: id), service.configuration.edges[expected].id)
            try rt.run(until: rt.now + .saturatingSeconds(streams.exponential(mean: 0.5)))
        }
        let loads = service.edgeStatuses.map(\.currentLoad)
        XCTAssertEqual(loads.reduce(0, +), 400)
        XCTAssertGreaterThan(loads[1], 0, "load spreads to the second us-east-1 edge once the first is busier")
    }

    /// Viewers of one video on one edge: the first (the leader) pulls every segment from
    /// upstream; a later viewer, behind it, hits. When the leader leaves, the follower hits until
    /// it reaches where the leader got, then becomes the frontier.
    func testTheLeaderMissesFollowersHitUntilTheyPassTheCachedPrefix() throws {
        var c = StreamingConfiguration()
        c.edges = [EdgeServerConfiguration(id: "e1", region: "r1")]
        c.cacheWarmingEnabled = false
        let rt = SimulatedRuntime(seed: 2)
        let ctx = PlatformContext(runtime: rt)
        let service = try StreamingService(configuration: c, context: ctx)
        service.start()
        let edge = service.edges[0]
        try service.startViewing(region: "r1", video: 7, quality: "720p", duration: 60)
        XCTAssertEqual(edge.pullStreams, 1)
        try rt.run(until: try .seconds(20))
        try service.startViewing(region: "r1", video: 7, quality: "720p", duration: 200)
        XCTAssertEqual(edge.viewerCount, 2)
        XCTAssertEqual(edge.pullStreams, 1, "only the leader pulls")
        try rt.run(until: try .seconds(61))
        XCTAssertEqual(edge.viewerCount, 1)
        XCTAssertEqual(edge.pullStreams, 0, "the follower (at 41 s) is inside the 60 s the leader cached")
        try rt.run(until: try .seconds(81))
        XCTAssertEqual(edge.pullStreams, 1, "at 60 s into the video it reaches the frontier again")
        let r = try XCTUnwrap(edge.renditions[service.renditionKey(video: 7, quality: 2)])
        XCTAssertEqual(r.cachedUpTo, 60, accuracy: 1e-9)
        XCTAssertTrue(ctx.ledger.holds)
    }

    /// The seed's warm fetch caches the whole rendition, so even the first viewer stops missing
    /// once it arrives (300 s of 720p = 105 MB at 100 MB/s after 0.2 s of CDN and origin latency:
    /// 1.25 s, applied at the 2 s tick).
    func testWarmingCachesTheWholeRendition() throws {
        var c = StreamingConfiguration()
        c.edges = [EdgeServerConfiguration(id: "e1", region: "r1")]
        let rt = SimulatedRuntime(seed: 3)
        let ctx = PlatformContext(runtime: rt)
        let service = try StreamingService(configuration: c, context: ctx)
        service.start()
        try service.startViewing(region: "r1", video: 9, quality: "720p", duration: 300)
        XCTAssertEqual(service.edges[0].pullStreams, 1)
        try rt.run(until: try .seconds(1.9))
        XCTAssertEqual(service.edges[0].pullStreams, 1)
        try rt.run(until: try .seconds(2))
        XCTAssertEqual(service.edges[0].pullStreams, 0)
        XCTAssertEqual(ctx.metrics.snapshot().counter(named: "streaming.cache.warms")?.total, 1)
    }

    /// An edge whose viewers want more bandwidth than it has: players step down to the rung the
    /// max–min fair share carries, and climb back when viewers leave.
    func testBandwidthPressureDowngradesAndHeadroomUpgrades() throws {
        var c = StreamingConfiguration()
        c.edges = [EdgeServerConfiguration(id: "e1", region: "r1", bandwidthLimitGbps: 0.02)]  // 20 Mbit/s
        let rt = SimulatedRuntime(seed: 4)
        let ctx = PlatformContext(runtime: rt)
        let service = try StreamingService(configuration: c, context: ctx)
        service.start()
        let edge = service.edges[0]
        // Four 1080p viewers fit (20 Mbit/s); the next four start at 360p and push demand over.
        for i in 0..<8 { try service.startViewing(region: "r1", video: UInt64(i), quality: "1080p", duration: i < 6 ? 30 : 300) }
        XCTAssertGreaterThan(edge.demandBps, edge.bandwidthLimitBps)
        try rt.run(until: try .seconds(1.5))
        XCTAssertLessThanOrEqual(edge.demandBps, edge.bandwidthLimitBps)
        XCTAssertEqual(edge.buckets[3].count, 0, "no one keeps 1080p: the fair share is 4.2 Mbit/s")
        let snapshot = ctx.metrics.snapshot()
        XCTAssertGreaterThan(snapshot.counter(named: "streaming.quality_changes{direction=down}")?.total ?? 0, 0)
        try rt.run(until: try .seconds(60))
        XCTAssertEqual(edge.viewerCount, 2)
        XCTAssertEqual(edge.buckets[3].count, 2, "with the others gone both climb back to 1080p")
        XCTAssertGreaterThan(ctx.metrics.snapshot().counter(named: "streaming.quality_changes{direction=up}")?.total ?? 0, 0)
        XCTAssertTrue(ctx.ledger.holds)
    }
}
