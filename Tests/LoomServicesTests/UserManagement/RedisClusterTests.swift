import XCTest
@testable import LoomServices

/// Redis with Sentinel (the data layer of seed §1.1, used by §1.4.1, §6.1, §7.1, §10.1).
final class RedisClusterTests: XCTestCase {
    private func cluster(_ adjust: (inout RedisCluster.Configuration) -> Void = { _ in }) throws
        -> (SimulatedRuntime, PlatformContext, RedisCluster) {
        let rt = SimulatedRuntime(seed: 4)
        let ctx = PlatformContext(runtime: rt)
        var c = RedisCluster.Configuration(name: "cache")
        c.commandLatency = try .constant(0.001)
        adjust(&c)
        return (rt, ctx, try RedisCluster(configuration: c, context: ctx))
    }

    /// Commands every second against a primary that dies at 10 s and stays dead: they fail until
    /// Sentinel has marked it down (30 s) and promoted a replica (3 s), then succeed.
    func testAPrimaryFailureLastsTheSentinelFailoverTime() throws {
        let (rt, ctx, redis) = try cluster()
        var failedAt: [Double] = []
        var okAt: [Double] = []
        try rt.schedule(at: try .seconds(10), EventKind("fault"), entity: 0) {
            ctx.faults.begin(ActiveFault(kind: .datastoreOutage, target: "cache.primary"))
        }
        for t in stride(from: 1.0, through: 80, by: 1) {
            try rt.schedule(at: try .seconds(t), EventKind("cmd"), entity: 0) {
                redis.execute { $0.isOK ? okAt.append(t) : failedAt.append(t) }
            }
        }
        rt.runUntilIdle()
        // The promotion at 43 s is scheduled after the command of 43 s, which still fails.
        XCTAssertEqual(failedAt, Array(stride(from: 10.0, through: 43, by: 1)), "down from 10 s to 10 + 30 + 3 s")
        XCTAssertEqual(okAt.count, 80 - failedAt.count)
        XCTAssertEqual(redis.failovers, 1)
        let events = ctx.metrics.snapshot().events
        XCTAssertEqual(events.map(\.kind), ["failover.started", "failover.completed"])
        XCTAssertEqual(events.last?.time, Instant.zero + .wholeSeconds(43))
        XCTAssertEqual(redis.send().isOK, true)
    }

    func testAPrimaryBackBeforeSentinelMarksItDownNeedsNoFailover() throws {
        let (rt, ctx, redis) = try cluster()
        let fault = ActiveFault(kind: .datastoreOutage, target: "cache.primary")
        ctx.faults.begin(fault)
        try rt.run(until: try .seconds(20))
        XCTAssertFalse(redis.isAvailable)
        ctx.faults.end(fault)
        XCTAssertTrue(redis.isAvailable, "back at once")
        rt.runUntilIdle()
        XCTAssertEqual(redis.failovers, 0)
        XCTAssertEqual(ctx.metrics.snapshot().events.map(\.kind), ["failover.started", "failover.aborted"])
    }

    func testAWholeClusterOutageLastsTheFault() throws {
        let (rt, ctx, redis) = try cluster()
        let fault = ActiveFault(kind: .datastoreOutage, target: "cache")
        ctx.faults.begin(fault)
        try rt.run(until: try .seconds(300))
        XCTAssertFalse(redis.isAvailable, "no Sentinel can promote inside a dead cluster")
        var replies: [RedisCluster.Reply] = []
        redis.execute { replies.append($0) }
        XCTAssertEqual(replies, [.failed(.unavailable, latency: .zero)])
        XCTAssertEqual(redis.send().failure, .unavailable)
        ctx.faults.end(fault)
        XCTAssertTrue(redis.isAvailable)
    }

    func testMaxClientsRefusesConnectionsBeyondTheLimit() throws {
        let (rt, _, redis) = try cluster { $0.maxClients = 2 }
        var replies: [RedisCluster.Reply] = []
        for _ in 0..<3 { redis.execute { replies.append($0) } }
        rt.runUntilIdle()
        XCTAssertEqual(replies.map(\.failure), [.maxClients, nil, nil])
    }

    func testInjectedErrorsAndLatency() throws {
        let (rt, ctx, redis) = try cluster()
        ctx.faults.begin(ActiveFault(kind: .dependencyLatency, target: "cache", magnitude: 0.25))
        var replies: [RedisCluster.Reply] = []
        redis.execute { replies.append($0) }
        rt.runUntilIdle()
        XCTAssertEqual(replies.first?.latency, .milliseconds(251))
        ctx.faults.begin(ActiveFault(kind: .dependencyErrors, target: "cache", magnitude: 1))
        XCTAssertEqual(redis.send().failure, .error)
    }

    /// The distributed breaker's store (§6.1) lives in the cluster: shared by every copy and
    /// unreachable during an outage, when the breaker falls back to its local state.
    func testTheSharedFailureStoreFollowsTheClustersAvailability() throws {
        let (_, ctx, redis) = try cluster()
        var a = redis.sharedFailureStore()
        var b = redis.sharedFailureStore()
        try a.incrementFailureCount(forKey: "k", expiry: .minutes(5), now: .zero)
        XCTAssertEqual(try b.failureCount(forKey: "k", now: .zero), 1, "one store behind every copy")
        ctx.faults.begin(ActiveFault(kind: .datastoreOutage, target: "cache"))
        XCTAssertThrowsError(try b.failureCount(forKey: "k", now: .zero))
    }

    func testConfigurationErrorsNameTheField() {
        var c = RedisCluster.Configuration(name: "cache")
        c.maxClients = 0
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("maxClients must be at least 1")) }
    }
}
