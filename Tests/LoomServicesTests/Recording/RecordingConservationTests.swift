import XCTest
@testable import LoomServices

/// Every session and every downstream call ends in exactly one terminal state under every fault
/// a scenario can inject on the recording service's targets.
final class RecordingConservationTests: XCTestCase {
    /// Every fault kind, on every target of the recording service it can act on.
    static let faults: [ActiveFault] = {
        var faults: [ActiveFault] = [
            ActiveFault(kind: .regionOutage, target: "us-east-1"),
            ActiveFault(kind: .networkPartition, target: "us-east-1", peer: "eu-west-1"),
            ActiveFault(kind: .nodeLoss, target: "us-east-1", magnitude: 3),
            ActiveFault(kind: .podLoss, target: "recording", magnitude: 4),
            ActiveFault(kind: .gpuLoss, target: "a100", magnitude: 2),
            ActiveFault(kind: .modelLoadFailure, target: "whisper"),
            ActiveFault(kind: .cdnOutage, target: "cloudfront"),
            ActiveFault(kind: .clockSkew, target: "us-east-1", magnitude: 2),
            ActiveFault(kind: .packetLoss, target: "us-east-1", peer: "eu-west-1", magnitude: 0.1),
            ActiveFault(kind: .replicationLag, target: "recording.postgres", magnitude: 5),
        ]
        let stores = ["recording.postgres", "recording.postgres.primary", "recording.postgres.replica-1",
                      "recording.redis", "recording.redis.primary", "recording.snapshot-storage",
                      "recording->video-processing", "recording->notification", "recording->analytics"]
        for target in stores {
            faults.append(ActiveFault(kind: .datastoreOutage, target: target))
            faults.append(ActiveFault(kind: .dependencyErrors, target: target, magnitude: 0.5))
            faults.append(ActiveFault(kind: .dependencyLatency, target: target, magnitude: 6))
        }
        return faults
    }()

    func testLedgerHoldsUnderEveryFault() throws {
        XCTAssertEqual(Set(Self.faults.map(\.kind)), Set(FaultKind.allCases), "every kind is exercised")
        for fault in Self.faults {
            let bench = try RecordingTestBench(seed: 9) {
                $0.breaker.slidingWindowSize = 10
                $0.breaker.minimumNumberOfCalls = 10
                $0.pod.crashesPerHour = 2
            }
            try bench.arrive(rate: 1, from: 0, until: 600, length: 120, tier: "free", type: nil)
            try bench.runtime.schedule(at: try .seconds(200), EventKind("test.fault"), entity: 0) { bench.context.faults.begin(fault) }
            try bench.runtime.schedule(at: try .seconds(320), EventKind("test.fault"), entity: 0) { bench.context.faults.end(fault) }
            try bench.run(until: 4_500)
            let label = "\(fault.kind) on \(fault.target)"
            XCTAssertTrue(bench.context.ledger.holds, label)
            XCTAssertEqual(bench.context.ledger.violations, [], label)
            let flow = try XCTUnwrap(bench.flow, label)
            XCTAssertEqual(flow.inFlight, 0, "every session has ended: \(label)")
            XCTAssertEqual(flow.entered, bench.service.statistics.requested, label)
            XCTAssertEqual(bench.service.sessionsInFlight, 0, label)
            XCTAssertEqual(bench.downstream?.inFlight ?? 0, bench.service.pendingRetries, label)
            XCTAssertEqual(bench.service.pendingRetries, 0, "retries delivered or dead-lettered within the hour: \(label)")
        }
    }

    func testEveryFaultAtOnceStillBalances() throws {
        let bench = try RecordingTestBench(seed: 13) { $0.pod.crashesPerHour = 4 }
        try bench.arrive(rate: 3, from: 0, until: 1_200, length: 200, type: nil)
        for (i, fault) in Self.faults.enumerated() {
            let start = 100 + Double(i * 13 % 900)
            try bench.runtime.schedule(at: try .seconds(start), EventKind("test.fault"), entity: 0) { bench.context.faults.begin(fault) }
            try bench.runtime.schedule(at: try .seconds(start + 90), EventKind("test.fault"), entity: 0) { bench.context.faults.end(fault) }
        }
        try bench.run(until: 7_200)
        XCTAssertTrue(bench.context.ledger.holds)
        let flow = try XCTUnwrap(bench.flow)
        XCTAssertEqual(flow.inFlight, 0)
        XCTAssertGreaterThan(flow.terminal[.completed] ?? 0, 0)
        XCTAssertGreaterThan(flow.finished, flow.terminal[.completed] ?? 0, "some sessions ended otherwise")
    }
}
