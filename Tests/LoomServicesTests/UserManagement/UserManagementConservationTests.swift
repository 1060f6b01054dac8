import XCTest
@testable import LoomServices

/// Every validation and every user operation ends in exactly one terminal state under every
/// fault a scenario can inject on the user-management service's targets.
final class UserManagementConservationTests: XCTestCase {
    static let faults: [ActiveFault] = {
        var faults: [ActiveFault] = [
            ActiveFault(kind: .regionOutage, target: "us-east-1"),
            ActiveFault(kind: .networkPartition, target: "us-east-1", peer: "eu-west-1"),
            ActiveFault(kind: .nodeLoss, target: "us-east-1", magnitude: 2),
            ActiveFault(kind: .podLoss, target: "user-management", magnitude: 3),
            ActiveFault(kind: .gpuLoss, target: "a100"),
            ActiveFault(kind: .modelLoadFailure, target: "whisper"),
            ActiveFault(kind: .cdnOutage, target: "cloudfront"),
            ActiveFault(kind: .clockSkew, target: "us-east-1", magnitude: 2),
            ActiveFault(kind: .packetLoss, target: "us-east-1", peer: "eu-west-1", magnitude: 0.1),
            ActiveFault(kind: .replicationLag, target: "recording.postgres", magnitude: 5),
        ]
        for target in ["user-management.postgres", "user-management.postgres.primary", "user-management.postgres.replica-2",
                       "user-management.redis", "user-management.redis.primary", "user-management.snapshot-storage"] {
            faults.append(ActiveFault(kind: .datastoreOutage, target: target))
            faults.append(ActiveFault(kind: .dependencyErrors, target: target, magnitude: 0.5))
            faults.append(ActiveFault(kind: .dependencyLatency, target: target, magnitude: 0.2))
        }
        return faults
    }()

    func testLedgerHoldsUnderEveryFault() throws {
        XCTAssertEqual(Set(Self.faults.map(\.kind)), Set(FaultKind.allCases))
        for fault in Self.faults {
            let bench = try UserManagementTestBench(seed: 6) {
                $0.activeUsers = 2_000
                $0.snapshotInterval = .wholeSeconds(60)
            }
            try bench.validate(rate: 40, from: 0, until: 240)
            let s = bench.service
            for i in 0..<40 {
                let user = UInt64(i % 10 + 1)
                try bench.runtime.schedule(at: try .seconds(Double(i) * 6), EventKind("test.op"), entity: 0) {
                    switch i % 4 {
                    case 0: s.updateUser(userID: user, part: .permissions)
                    case 1: s.createSnapshot(userID: user)
                    case 2: s.restoreUser(userID: user)
                    default: s.updateUser(userID: user)
                    }
                }
            }
            try bench.runtime.schedule(at: try .seconds(60), EventKind("test.fault"), entity: 0) { bench.context.faults.begin(fault) }
            try bench.runtime.schedule(at: try .seconds(150), EventKind("test.fault"), entity: 0) { bench.context.faults.end(fault) }
            try bench.run(until: 600)
            let label = "\(fault.kind) on \(fault.target)"
            XCTAssertTrue(bench.context.ledger.holds, label)
            XCTAssertEqual(bench.context.ledger.violations, [], label)
            XCTAssertEqual(bench.flow?.inFlight, 0, label)
        }
    }
}
