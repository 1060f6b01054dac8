import XCTest
@testable import LoomServices

/// User snapshots with versions and transactional restore (seed §7.1).
final class UserSnapshotTests: XCTestCase {
    /// Schedules `body` at `t` seconds.
    private func at(_ bench: UserManagementTestBench, _ t: Double, _ body: @escaping () -> Void) throws {
        try bench.runtime.schedule(at: try .seconds(t), EventKind("test.op"), entity: 0, body)
    }

    func testRestoringAnOlderVersionBringsBackItsDataButNotSessions() throws {
        let bench = try UserManagementTestBench { $0.snapshotInterval = nil }
        var results: [UserOperationResult] = []
        let s = bench.service
        try at(bench, 1) { s.updateUser(userID: 9, part: .profile) }
        try at(bench, 2) { s.updateUser(userID: 9, part: .permissions) }
        try at(bench, 3) { s.createSnapshot(userID: 9) { results.append($0) } }
        try at(bench, 4) { s.updateUser(userID: 9, part: .profile) }
        try at(bench, 5) { s.updateUser(userID: 9, part: .sessions) }
        try at(bench, 6) { s.createSnapshot(userID: 9) { results.append($0) } }
        try at(bench, 7) { s.updateUser(userID: 9, part: .permissions) }
        try bench.run(until: 8)
        XCTAssertEqual(results, [.succeeded(version: 1), .succeeded(version: 2)])
        XCTAssertEqual(s.snapshotVersions(of: 9), [1, 2])
        XCTAssertEqual(s.userData(9).profile, 2)
        XCTAssertEqual(s.userData(9).permissions, 2)

        s.restoreUser(userID: 9, version: 1) { results.append($0) }
        try bench.run(until: 9)
        XCTAssertEqual(results.last, .succeeded(version: 1))
        XCTAssertEqual(s.userData(9).profile, 1)
        XCTAssertEqual(s.userData(9).permissions, 1)
        XCTAssertEqual(s.userData(9).sessions, 1, "sessions are re-established, not restored")

        s.restoreUser(userID: 9) { results.append($0) }  // latest
        try bench.run(until: 10)
        XCTAssertEqual(results.last, .succeeded(version: 2))
        XCTAssertEqual(s.userData(9).profile, 2)
        XCTAssertEqual(s.statistics.restores, 2)
        XCTAssertTrue(bench.context.ledger.holds)
    }

    /// The restore writes profile, preferences and permissions in one transaction: when the
    /// primary fails it, nothing changes.
    func testAFailedRestoreTransactionRollsBackEverything() throws {
        let bench = try UserManagementTestBench { $0.snapshotInterval = nil }
        let s = bench.service
        var results: [UserOperationResult] = []
        try at(bench, 1) { s.updateUser(userID: 3, part: .preferences) }
        try at(bench, 2) { s.createSnapshot(userID: 3) }
        try at(bench, 3) { s.updateUser(userID: 3, part: .preferences) }
        try at(bench, 4) { s.updateUser(userID: 3, part: .profile) }
        try bench.run(until: 5)
        let before = s.userData(3)
        let errors = ActiveFault(kind: .dependencyErrors, target: "user-management.postgres", magnitude: 1)
        bench.context.faults.begin(errors)
        s.restoreUser(userID: 3) { results.append($0) }
        try bench.run(until: 6)
        XCTAssertEqual(results, [.failed(reason: "transaction-query-error")])
        XCTAssertEqual(s.userData(3), before, "rolled back: no part restored")
        XCTAssertEqual(s.statistics.rollbacks, 1)
        bench.context.faults.end(errors)
        s.restoreUser(userID: 3) { results.append($0) }
        try bench.run(until: 7)
        XCTAssertEqual(results.last, .succeeded(version: 1))
        XCTAssertEqual(s.userData(3).preferences, 1)
        XCTAssertEqual(s.userData(3).profile, 0)
        XCTAssertTrue(bench.context.ledger.holds)
    }

    func testStatementPoolModeCannotRunTheRestoreTransaction() throws {
        let bench = try UserManagementTestBench {
            $0.snapshotInterval = nil
            $0.postgres.poolMode = .statement
        }
        let s = bench.service
        var results: [UserOperationResult] = []
        try at(bench, 1) { s.createSnapshot(userID: 3) }
        try at(bench, 2) { s.restoreUser(userID: 3) { results.append($0) } }
        try bench.run(until: 3)
        XCTAssertEqual(results, [.failed(reason: "transaction-transaction-unsupported")])
    }

    func testPastRetentionTheRestoreReadsTheS3Backup() throws {
        let bench = try UserManagementTestBench {
            $0.snapshotInterval = nil
            $0.snapshotRetention = .wholeSeconds(60)
        }
        let s = bench.service
        var results: [UserOperationResult] = []
        try at(bench, 1) { s.updateUser(userID: 5) }
        try at(bench, 2) { s.createSnapshot(userID: 5) }
        try at(bench, 3) { s.updateUser(userID: 5) }
        try at(bench, 120) { s.restoreUser(userID: 5) { results.append($0) } }
        try bench.run(until: 121)
        XCTAssertEqual(results, [.succeeded(version: 1)])
        XCTAssertEqual(s.statistics.restoresFromBackup, 1)
        XCTAssertEqual(s.userData(5).profile, 1)
    }

    /// Redis down while snapshotting: the intent still backs the snapshot up to S3; the seed as
    /// written throws before the backup, so there is nothing to restore.
    func testARedisOutageDuringASnapshotLeavesOnlyTheIntendedS3Copy() throws {
        for variant in UserSnapshotVariant.allCases {
            let bench = try UserManagementTestBench {
                $0.snapshotInterval = nil
                $0.snapshotVariant = variant
            }
            let s = bench.service
            var results: [UserOperationResult] = []
            let outage = ActiveFault(kind: .datastoreOutage, target: "user-management.redis")
            try at(bench, 1) { s.updateUser(userID: 8) }
            try at(bench, 2) { bench.context.faults.begin(outage) }
            try at(bench, 3) { s.createSnapshot(userID: 8) { results.append($0) } }
            try at(bench, 4) { bench.context.faults.end(outage) }
            try at(bench, 5) { s.updateUser(userID: 8) }
            try at(bench, 6) { s.restoreUser(userID: 8) { results.append($0) } }
            try bench.run(until: 7)
            switch variant {
            case .intended:
                XCTAssertEqual(results, [.succeeded(version: 1), .succeeded(version: 1)])
                XCTAssertEqual(s.statistics.restoresFromBackup, 1)
                XCTAssertEqual(s.userData(8).profile, 1)
            case .asWritten:
                XCTAssertEqual(results, [.failed(reason: "snapshot-redis-unavailable"), .failed(reason: "no-snapshot")])
                XCTAssertEqual(s.userData(8).profile, 2)
            }
            XCTAssertTrue(bench.context.ledger.holds)
        }
    }

    func testThePeriodicSweepSnapshotsUsersChangedSinceTheirLastSnapshot() throws {
        let bench = try UserManagementTestBench { $0.snapshotInterval = .minutes(10) }
        let s = bench.service
        for user in UInt64(1)...20 { try at(bench, Double(user)) { s.updateUser(userID: user) } }
        try at(bench, 700) { s.updateUser(userID: 3) }
        try bench.run(until: 1_300)
        XCTAssertEqual((1...20).map { s.snapshotVersions(of: $0).count }, (1...20).map { $0 == 3 ? 2 : 1 },
                       "everyone at 600 s, only the user changed since at 1,200 s")
        XCTAssertEqual(s.statistics.snapshotsCreated, 21)
        XCTAssertTrue(bench.context.ledger.holds)
    }

    func testAPermissionChangeInvalidatesTheCachedTokenInRedis() throws {
        let bench = try UserManagementTestBench {
            $0.snapshotInterval = nil
            $0.replicas = 2
        }
        let s = bench.service
        var paths: [JWTValidation.Path?] = []
        try at(bench, 1) { s.validateToken(userID: 4) { paths.append($0.path) } }  // pod A: full
        try at(bench, 2) { s.updateUser(userID: 4, part: .permissions) }
        try at(bench, 3) { s.validateToken(userID: 4) { paths.append($0.path) } }  // pod B: Redis entry gone
        try bench.run(until: 4)
        XCTAssertEqual(paths, [.full, .full])
    }
}
