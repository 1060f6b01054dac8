import XCTest
@testable import LoomServices

/// JWT validation with distributed caching (seed §10.1).
final class JWTValidationTests: XCTestCase {
    /// Mean validation time after warm-up, with the given cache mode: 10,000 active users with
    /// Zipf(1) popularity validating 500 tokens per second (one request per user every 20 s on
    /// average), over six pods.
    private func meanValidation(_ mode: JWTCacheMode) throws -> (mean: Double, stats: UserManagementStatistics, ledger: Bool) {
        let bench = try UserManagementTestBench(seed: 5) {
            $0.cacheMode = mode
            $0.activeUsers = 10_000
        }
        try bench.validate(rate: 500, from: 0, until: 300)
        try bench.run(until: 120)
        bench.context.metrics.endWarmUp(at: bench.runtime.now)
        try bench.run(until: 310)
        let latency = try XCTUnwrap(bench.context.metrics.snapshot().latency(named: "user-management.jwt_validation"))
        return (latency.mean, bench.service.statistics, bench.context.ledger.holds)
    }

    func testDistributedCacheCutsMeanValidationTimeByAboutTheSeedsNinetyPercent() throws {
        let cached = try meanValidation(.distributed)
        let uncached = try meanValidation(.disabled)
        let reduction = 1 - cached.mean / uncached.mean
        XCTAssertEqual(reduction, 0.9, accuracy: 0.05, "seed §10.1: 90 % reduction in validation time")
        let s = cached.stats
        let local = Double(s.localHits) / Double(s.validations)
        let redis = Double(s.redisHits) / Double(s.validations)
        XCTAssertGreaterThan(local, 0.5, "the popular users' tokens stay in every pod's cache")
        XCTAssertGreaterThan(redis, 0.2, "Redis catches most of what a pod has not seen")
        XCTAssertLessThan(Double(s.fullValidations) / Double(s.validations), 0.08)
        XCTAssertEqual(uncached.stats.fullValidations, uncached.stats.validations, accuracy: 5)
        XCTAssertTrue(cached.ledger)
        XCTAssertTrue(uncached.ledger)
    }

    func testASecondRequestHitsTheLocalCacheAndAnotherPodFindsItInRedis() throws {
        let bench = try UserManagementTestBench { $0.replicas = 2 }
        var answers: [JWTValidation] = []
        bench.service.validateToken(userID: 42) { answers.append($0) }
        try bench.run(until: 1)
        bench.service.validateToken(userID: 42) { answers.append($0) }  // the other pod
        try bench.run(until: 2)
        bench.service.validateToken(userID: 42) { answers.append($0) }  // the first pod again
        try bench.run(until: 3)
        XCTAssertEqual(answers.map(\.path), [.full, .redis, .localCache])
        XCTAssertEqual(answers[2].latency, .microseconds(20), "an in-process hit costs no round trip")
        XCTAssertGreaterThan(answers[0].latency, answers[1].latency)
    }

    func testLocalEntriesExpireAfterTheirTTLAndTokensRotate() throws {
        let bench = try UserManagementTestBench {
            $0.replicas = 1
            $0.localCacheTTL = .wholeSeconds(10)
            $0.tokenLifetime = .wholeSeconds(100)
        }
        // A user whose first token lives past the first 30 s (tokens rotate at per-user offsets).
        let user = try XCTUnwrap((UInt64(1)...100).first { bench.service.tokenKey($0, at: .zero).expiresAt.seconds > 30 })
        var paths: [JWTValidation.Path?] = []
        for t in [0.0, 5, 20, 21] {
            try bench.runtime.schedule(at: try .seconds(t), EventKind("v"), entity: 0) {
                bench.service.validateToken(userID: user) { paths.append($0.path) }
            }
        }
        try bench.run(until: 30)
        XCTAssertEqual(paths, [.full, .localCache, .redis, .localCache], "past the local TTL, Redis still has it")
        try bench.run(until: 250)
        bench.service.validateToken(userID: user) { paths.append($0.path) }
        try bench.run(until: 251)
        XCTAssertEqual(paths.last, .full, "a new token after the rotation is a miss everywhere")
    }

    func testARedisOutageFallsBackToFullValidationWithoutFailures() throws {
        let bench = try UserManagementTestBench(seed: 2) { $0.activeUsers = 1_000 }
        try bench.validate(rate: 200, from: 0, until: 200)
        bench.context.faults.begin(ActiveFault(kind: .datastoreOutage, target: "user-management.redis"))
        try bench.run(until: 210)
        XCTAssertEqual(bench.service.statistics.validationFailures, 0)
        XCTAssertEqual(bench.service.statistics.redisHits, 0)
        XCTAssertGreaterThan(bench.service.statistics.localHits, 0)
        XCTAssertTrue(bench.context.ledger.holds)
    }

    func testAPostgresOutageFailsOnlyTheValidationsThatMissEveryCache() throws {
        let bench = try UserManagementTestBench(seed: 2) { $0.activeUsers = 1_000 }
        try bench.validate(rate: 200, from: 0, until: 200)
        try bench.run(until: 100)
        bench.context.faults.begin(ActiveFault(kind: .datastoreOutage, target: "user-management.postgres"))
        try bench.run(until: 210)
        let s = bench.service.statistics
        XCTAssertGreaterThan(s.validationFailures, 0)
        XCTAssertLessThan(Double(s.validationFailures), 0.1 * Double(s.validations), "the caches keep most users validated")
        let flow = try XCTUnwrap(bench.flow)
        XCTAssertEqual(flow.terminal[.failed(reason: "jwt-user-lookup-unavailable")], s.validationFailures)
        XCTAssertEqual(flow.inFlight, 0)
        XCTAssertTrue(bench.context.ledger.holds)
    }

    func testLocalTokenCacheEvictsTheLeastRecentlyUsedEntry() {
        var cache = LocalTokenCache(capacity: 3)
        let later = Instant.zero + .hours(1)
        for key in UInt64(1)...3 { cache.insert(key, expiresAt: later) }
        XCTAssertTrue(cache.lookup(1, now: .zero))  // 2 is now the least recently used
        cache.insert(4, expiresAt: later)
        XCTAssertFalse(cache.lookup(2, now: .zero))
        XCTAssertTrue(cache.lookup(1, now: .zero))
        XCTAssertTrue(cache.lookup(3, now: .zero))
        XCTAssertTrue(cache.lookup(4, now: .zero))
        XCTAssertEqual(cache.evictions, 1)
        XCTAssertFalse(cache.lookup(4, now: later), "expired entries are dropped on access")
        XCTAssertEqual(cache.count, 2)
        cache.invalidate(1)
        XCTAssertFalse(cache.lookup(1, now: .zero))
    }

    func testDeterministicDigestAndMetrics() throws {
        func run() throws -> (TraceDigest, String) {
            let bench = try UserManagementTestBench(seed: 8) {
                $0.activeUsers = 500
                $0.snapshotInterval = .wholeSeconds(20)
            }
            bench.context.every(.wholeSeconds(30), EventKind("test.sample"), startingAfter: .wholeSeconds(30)) {
                bench.context.metrics.sample(at: bench.runtime.now)
            }
            try bench.validate(rate: 100, from: 0, until: 60)
            for user in UInt64(1)...5 { bench.service.updateUser(userID: user, part: .permissions) }
            bench.context.faults.begin(ActiveFault(kind: .podLoss, target: "user-management", magnitude: 2))
            try bench.run(until: 90)
            return (bench.runtime.digest, String(describing: bench.context.metrics.snapshot()))
        }
        let (d1, m1) = try run()
        let (d2, m2) = try run()
        XCTAssertEqual(d1, d2)
        XCTAssertEqual(m1, m2)
    }
}
