import XCTest
@testable import LoomServices

/// The PgBouncer-pooled PostgreSQL cluster of seed §1.2.2.
final class PostgresClusterTests: XCTestCase {
    private func cluster(_ adjust: (inout PostgresCluster.Configuration) -> Void = { _ in }) throws
        -> (SimulatedRuntime, PlatformContext, PostgresCluster) {
        let rt = SimulatedRuntime(seed: 11)
        let ctx = PlatformContext(runtime: rt)
        var c = PostgresCluster.Configuration(name: "db")
        c.readTime = try .constant(0.002)
        c.writeTime = try .constant(0.004)
        c.replicationLag = try .constant(0.05)
        adjust(&c)
        return (rt, ctx, try PostgresCluster(configuration: c, context: ctx))
    }

    func testReadsRoundRobinOverReplicasAndFallBackToThePrimaryWhenReplicasAreDown() throws {
        let (rt, ctx, db) = try cluster()
        var results: [PostgresCluster.Result] = []
        for i in 0..<4 { db.read(entity: UInt64(i)) { results.append($0) } }
        rt.runUntilIdle()
        XCTAssertEqual(results.map(\.backend), [.replica(0), .replica(1), .replica(0), .replica(1)])

        for r in ["db.replica-1", "db.replica-2"] { ctx.faults.begin(ActiveFault(kind: .datastoreOutage, target: r)) }
        results = []
        for i in 0..<3 { db.read(entity: UInt64(i)) { results.append($0) } }
        rt.runUntilIdle()
        XCTAssertEqual(results.map(\.backend), [.primary, .primary, .primary])
        XCTAssertTrue(results.allSatisfy(\.isSuccess), "the primary answers the reads")
        XCTAssertEqual(db.primaryFallbacks, 3)
    }

    func testAsWrittenSelectionKeepsSendingReadsToADeadReplica() throws {
        let (rt, ctx, db) = try cluster { $0.replicaSelection = .asWritten }
        ctx.faults.begin(ActiveFault(kind: .datastoreOutage, target: "db.replica-1"))
        var failures: [PostgresCluster.Failure?] = Array(repeating: nil, count: 4)
        for i in 0..<4 { db.read(entity: UInt64(i)) { failures[i] = $0.failure } }
        rt.runUntilIdle()
        XCTAssertEqual(failures, [.unavailable, nil, .unavailable, nil],
                       "only saturation is checked (`OpenConnections < MaxOpenConnections`), not health")
    }

    func testSaturatedReplicasFallBackToThePrimary() throws {
        let (rt, _, db) = try cluster {
            $0.serverPoolSize = 1
            $0.maxClientConnections = 10
            $0.readTime = try! .constant(1)
        }
        var results: [PostgresCluster.Result] = []
        for i in 0..<3 { db.read(entity: UInt64(i)) { results.append($0) } }
        rt.runUntilIdle()
        XCTAssertEqual(results.map(\.backend).sorted { "\($0)" < "\($1)" }, [.primary, .replica(0), .replica(1)])
    }

    func testLaggingReplicasAreSkippedAndReadsAfterAWriteCanBeStale() throws {
        let (rt, _, db) = try cluster { $0.replicationLag = try! .constant(2) }
        var results: [PostgresCluster.Result] = []
        db.read(entity: 1) { results.append($0) }
        rt.runUntilIdle()
        XCTAssertEqual(results.first?.backend, .primary, "2 s behind exceeds maxReplicaLag (1 s)")

        let (rt2, _, db2) = try cluster()
        var stale: [Bool] = []
        db2.read(entity: 1, freshAfter: rt2.now) { stale.append($0.stale) }
        try rt2.run(until: try .seconds(1))
        db2.read(entity: 2, freshAfter: try .seconds(0.5)) { stale.append($0.stale) }
        rt2.runUntilIdle()
        XCTAssertEqual(stale, [true, false], "50 ms of lag hides a write made just before, not one 0.5 s old")
    }

    /// Seed-style primary failure: writes fail until a replica is promoted after detection (30 s)
    /// plus promotion (5 s), then succeed although the old primary is still down.
    func testPrimaryOutageIsHealedByPromotionAfterTheFailoverTime() throws {
        let (rt, ctx, db) = try cluster()
        let fault = ActiveFault(kind: .datastoreOutage, target: "db.primary")
        ctx.faults.begin(fault)
        var outcomes: [(Double, PostgresCluster.Failure?)] = []
        for t in stride(from: 1.0, through: 60, by: 1) {
            try rt.schedule(at: try .seconds(t), EventKind("w"), entity: 0) {
                db.write { outcomes.append((t, $0.failure)) }
            }
        }
        rt.runUntilIdle()
        XCTAssertTrue(outcomes.filter { $0.0 < 35 }.allSatisfy { $0.1 == .unavailable })
        XCTAssertTrue(outcomes.filter { $0.0 >= 35 }.allSatisfy { $0.1 == nil })
        XCTAssertEqual(db.failovers, 1)
        XCTAssertTrue(ctx.faults.isActive(.datastoreOutage, on: "db.primary"), "the old primary is still down")
        ctx.faults.end(fault)
    }

    func testAPrimaryBackBeforeDetectionCausesNoFailover() throws {
        let (rt, ctx, db) = try cluster()
        let fault = ActiveFault(kind: .datastoreOutage, target: "db.primary")
        ctx.faults.begin(fault)
        try rt.run(until: try .seconds(10))
        XCTAssertFalse(db.isPrimaryAvailable)
        ctx.faults.end(fault)
        XCTAssertTrue(db.isPrimaryAvailable)
        rt.runUntilIdle()
        XCTAssertEqual(db.failovers, 0)
    }

    func testWholeClusterOutageTakesReplicasDownForItsLength() throws {
        let (rt, ctx, db) = try cluster()
        let fault = ActiveFault(kind: .datastoreOutage, target: "db")
        ctx.faults.begin(fault)
        var failures: [PostgresCluster.Failure?] = []
        db.read { failures.append($0.failure) }
        db.write { failures.append($0.failure) }
        XCTAssertEqual(failures, [.unavailable, .unavailable])
        ctx.faults.end(fault)
        failures = []
        db.read { failures.append($0.failure) }
        db.write { failures.append($0.failure) }
        rt.runUntilIdle()
        XCTAssertEqual(failures, [nil, nil])
    }

    /// Session pool mode pins a server connection per idle client connection: with 4 server
    /// connections and Go's 2 idle connections per pod, only two pods get connections; a third
    /// waits `query_wait_timeout` and is refused. Transaction mode serves all three.
    func testSessionPoolModeExhaustsTheServerPoolWhenClientPodsScaleOut() throws {
        for mode in [PostgresCluster.PoolMode.session, .transaction] {
            let (rt, _, db) = try cluster {
                $0.poolMode = mode
                $0.serverPoolSize = 4
                $0.replicaCount = 0
            }
            var failures: [UInt64: PostgresCluster.Failure?] = [:]
            for pod in UInt64(1)...3 { db.write(client: pod) { failures[pod] = $0.failure } }
            rt.runUntilIdle()
            if mode == .session {
                XCTAssertEqual(db.sessionModePodLimit, 2)
                XCTAssertEqual(failures[1], .some(nil))
                XCTAssertEqual(failures[3], .some(.waitTimeout))
                XCTAssertEqual(rt.now, Instant.zero + .wholeSeconds(120), "refused after query_wait_timeout")
                db.releaseClient(1)
                db.write(client: 3) { failures[3] = $0.failure }
                rt.runUntilIdle()
                XCTAssertEqual(failures[3], .some(nil), "a pod that went away frees its pinned connections")
            } else {
                XCTAssertEqual(Array(failures.values), [nil, nil, nil])
            }
        }
    }

    func testMaxOpenConnsCapsConcurrencyAndStatementModeRefusesTransactions() throws {
        let (rt, _, db) = try cluster {
            $0.maxOpenConnsPerClientPod = 1
            $0.writeTime = try! .constant(1)
        }
        db.setClientPods(2, for: "recording")
        XCTAssertEqual(db.primary.capacity, 2)
        var latencies: [Double] = []
        for _ in 0..<3 { db.write { latencies.append($0.latency.seconds) } }
        rt.runUntilIdle()
        XCTAssertEqual(latencies, [1, 1, 2], "the third write waits for one of the two connections")

        let (_, _, statementDB) = try cluster { $0.poolMode = .statement }
        var failure: PostgresCluster.Failure?
        statementDB.write(statements: 3, transactional: true) { failure = $0.failure }
        XCTAssertEqual(failure, .transactionUnsupported)
    }

    func testConfigurationErrorsNameTheField() {
        var c = PostgresCluster.Configuration(name: "db")
        c.maxClientConnections = 5
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("maxClientConnections (5) must be at least serverPoolSize (20)")) }
        c = PostgresCluster.Configuration(name: "db")
        c.connMaxIdleTime = .zero
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("connMaxIdleTime")) }
    }
}
