import XCTest
@testable import LoomServices

/// CDN failover, edge outages, warming's effect on the hit rate, conservation and determinism.
final class StreamingFaultTests: XCTestCase {
    typealias FaultWindow = (start: Double, end: Double, fault: ActiveFault)

    /// A run of `minutes` with Poisson viewer arrivals (`rate` per second) over four regions,
    /// Zipf-popular videos and a mix of requested qualities.
    static func run(seed: UInt64, minutes: Int64 = 20, rate: Double = 20, faults: [FaultWindow] = [],
                    configure: (inout StreamingConfiguration) -> Void = { _ in }) throws -> (PlatformSimulation.Result, StreamingService) {
        let sim = try PlatformSimulation(seed: seed, duration: .minutes(minutes), sampleInterval: .wholeSeconds(10))
        var c = StreamingConfiguration()
        c.edges = c.edges.map {
            var e = $0
            e.capacity = 400
            e.bandwidthLimitGbps = 1
            e.cacheCapacityGB = 20
            return e
        }
        configure(&c)
        let service = try StreamingService(configuration: c, context: sim.context)
        service.start()
        let ctx = sim.context
        let arrivals = ctx.stream("test.viewers")
        let catalog = try StreamingVideoCatalog(videoCount: 5_000, zipfExponent: 0.9)
        let regions = ["us-east-1", "us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1"]
        let qualities = ["480p", "720p", "720p", "1080p"]
        func arrive() {
            try! service.startViewing(region: regions[Int(arrivals.integer(below: UInt(regions.count)))],
                                      video: catalog.drawVideo(from: arrivals),
                                      quality: qualities[Int(arrivals.integer(below: UInt(qualities.count)))],
                                      duration: arrivals.exponential(mean: 150), videoLength: 120 + 360 * arrivals.uniform())
            ctx.after(.saturatingSeconds(arrivals.exponential(mean: 1 / rate)), EventKind("test.arrival"), arrive)
        }
        ctx.after(.zero, EventKind("test.arrival"), arrive)
        for (start, end, fault) in faults {
            ctx.at(try .seconds(start), EventKind("test.fault")) { ctx.faults.begin(fault) }
            ctx.at(try .seconds(end), EventKind("test.fault")) { ctx.faults.end(fault) }
        }
        return (sim.run(), service)
    }

    static func total(_ r: PlatformSimulation.Result, _ key: String) -> Double { r.snapshot.counter(named: key)?.total ?? 0 }

    /// CloudFront goes down: misses fail until three failed probes mark it unhealthy, then flow
    /// through Cloudflare (cold: its first pulls go to the origin); when CloudFront recovers two
    /// good probes bring traffic back.
    func testCDNOutageFailsOverToTheOtherCDNAndBack() throws {
        let outage = ActiveFault(kind: .cdnOutage, target: "cloudfront")
        let (r, service) = try Self.run(seed: 1, minutes: 12, faults: [(300, 480, outage)])
        let events = r.snapshot.events.filter { $0.kind.hasPrefix("cdn.") }
        let failover = try XCTUnwrap(events.first { $0.kind == "cdn.failover" })
        XCTAssertEqual(failover.detail, "cloudfront → cloudflare")
        XCTAssertGreaterThan(failover.time.seconds, 300)
        XCTAssertLessThanOrEqual(failover.time.seconds, 330, "three failed probes, 10 s apart")
        let failback = try XCTUnwrap(events.first { $0.kind == "cdn.failback" })
        XCTAssertGreaterThan(failback.time.seconds, 480)
        XCTAssertLessThanOrEqual(failback.time.seconds, 500)
        XCTAssertEqual(service.activeCDN, "cloudfront")
        XCTAssertGreaterThan(Self.total(r, "streaming.cdn.requests{cdn=cloudflare}"), 0)
        XCTAssertGreaterThan(Self.total(r, "streaming.segments.failed{reason=cdn-unavailable}"), 0)
        // Cloudflare only ever carried the failover window's misses.
        let active = try XCTUnwrap(r.snapshot.series(named: "streaming.cdn.active"))
        XCTAssertEqual(Double(active.values.filter { $0 == 1 }.count), (failback.time.seconds - failover.time.seconds) / 10, accuracy: 1)
        XCTAssertTrue(r.violations.isEmpty)
    }

    /// The seed's proactive warming fetches a stream's rendition when it starts on an edge that
    /// lacks it: the edge hit rate rises (at the price of upstream bytes for videos abandoned early).
    func testCacheWarmingRaisesTheHitRate() throws {
        var hitRate: [Bool: Double] = [:]
        var upstream: [Bool: Double] = [:]
        for warming in [false, true] {
            let (r, _) = try Self.run(seed: 2, minutes: 10) { $0.cacheWarmingEnabled = warming }
            let edge = Self.total(r, "streaming.segments.served{source=edge}")
            let cdn = Self.total(r, "streaming.segments.served{source=cdn}")
            let origin = Self.total(r, "streaming.segments.served{source=origin}")
            hitRate[warming] = edge / (edge + cdn + origin)
            upstream[warming] = Self.total(r, "streaming.egress_gb{tier=cdn}")
        }
        XCTAssertGreaterThan(hitRate[true]!, hitRate[false]! + 0.05, "\(hitRate)")
        XCTAssertGreaterThan(upstream[true]!, upstream[false]!, "warming fetches whole renditions")
    }

    /// An edge goes down: its players fail segments and come back to it until the health checker
    /// marks it unhealthy; then the balancer avoids it. With every edge of a region down the
    /// intended rule sends viewers abroad, the seed's fails them.
    func testRegionOutageFallsBackToOtherRegionsOnlyWhenIntended() throws {
        let outage = ActiveFault(kind: .regionOutage, target: "eu-west-1")
        var failedSessions: [EdgeFallbackVariant: Int] = [:]
        for variant in EdgeFallbackVariant.allCases {
            let (r, _) = try Self.run(seed: 3, minutes: 10, faults: [(120, 400, outage)]) { $0.edgeFallback = variant }
            let sessions = try XCTUnwrap(r.conservation.first { $0.service == "streaming" })
            failedSessions[variant] = sessions.terminal[.failed(reason: "no-healthy-edge")] ?? 0
            XCTAssertGreaterThan(Self.total(r, "streaming.segments.failed{reason=edge-down}"), 0)
            XCTAssertTrue(r.snapshot.events.contains { $0.kind == "edge.unhealthy" && $0.subject == "eu-west-1-edge-1" })
            XCTAssertTrue(r.violations.isEmpty)
        }
        XCTAssertEqual(failedSessions[.intended], 0)
        XCTAssertGreaterThan(failedSessions[.asWritten] ?? 0, 50)
    }

    static let everyFault: [FaultWindow] = [
        (60, 200, ActiveFault(kind: .cdnOutage, target: "cloudfront")),
        (150, 260, ActiveFault(kind: .cdnOutage, target: "cloudflare", magnitude: 0.5)),
        (240, 330, ActiveFault(kind: .nodeLoss, target: "us-east-1-edge-1")),
        (300, 420, ActiveFault(kind: .regionOutage, target: "ap-southeast-1")),
        (450, 520, ActiveFault(kind: .datastoreOutage, target: "streaming-origin")),
        (540, 600, ActiveFault(kind: .regionOutage, target: "us-east-1")),
    ]

    func testLedgerHoldsUnderEveryFault() throws {
        for variant in EdgeFallbackVariant.allCases {
            let (r, service) = try Self.run(seed: 4, minutes: 12, faults: Self.everyFault) { $0.edgeFallback = variant }
            XCTAssertEqual(r.violations, [])
            let sessions = try XCTUnwrap(r.conservation.first { $0.service == "streaming" })
            let segments = try XCTUnwrap(r.conservation.first { $0.service == "streaming.segments" })
            XCTAssertTrue(sessions.isBalanced && segments.isBalanced)
            XCTAssertEqual(sessions.inFlight, service.viewerCount)
            XCTAssertEqual(segments.inFlight, 0, "segment requests end within their tick")
            XCTAssertGreaterThan(segments.entered, 100_000)
            for reason in SegmentFailure.allCases where reason != .noUpstream {
                XCTAssertGreaterThan(Self.total(r, "streaming.segments.failed{reason=\(reason.rawValue)}"), 0, reason.rawValue)
            }
            let served = ["edge", "cdn", "origin"].map { Self.total(r, "streaming.segments.served{source=\($0)}") }.reduce(0, +)
            let failed = SegmentFailure.allCases.map { Self.total(r, "streaming.segments.failed{reason=\($0.rawValue)}") }.reduce(0, +)
            XCTAssertEqual(Int(served + failed), segments.entered)
            XCTAssertGreaterThan(r.snapshot.latency(named: "streaming.startup_time")?.count ?? 0, 1_000)
        }
    }

    func testSameSeedGivesTheSameDigestAndMetrics() throws {
        let (a, _) = try Self.run(seed: 5, minutes: 8, faults: Self.everyFault)
        let (b, _) = try Self.run(seed: 5, minutes: 8, faults: Self.everyFault)
        XCTAssertEqual(a.digest, b.digest)
        XCTAssertEqual(String(describing: a.snapshot), String(describing: b.snapshot))
        XCTAssertEqual(a.conservation, b.conservation)
        let (c, _) = try Self.run(seed: 6, minutes: 8, faults: Self.everyFault)
        XCTAssertNotEqual(a.digest, c.digest)
    }

    func testConfigurationValidationNamesTheField() {
        var c = StreamingConfiguration()
        c.edges[0].capacity = 0
        XCTAssertThrowsError(try c.validate()) { XCTAssertEqual("\($0)", "edges[us-east-1-edge-1].capacity must be at least 1 stream, got 0") }
        c = StreamingConfiguration()
        c.qualityLadder = [StreamingQualityLevel(name: "hi", bitrateMbps: 5), StreamingQualityLevel(name: "lo", bitrateMbps: 1)]
        XCTAssertThrowsError(try c.validate()) { XCTAssertEqual("\($0)", "qualityLadder must rise in bitrate: lo (1.0) after hi") }
    }
}
