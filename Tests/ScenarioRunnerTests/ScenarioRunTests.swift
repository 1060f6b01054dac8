import Foundation
import LoomServices
import ScenarioKit
import XCTest
@testable import ScenarioRunner

/// A one-service platform for exercising the runner: requests go through a queueing resource
/// named `object-storage`, so a datastore outage on it fails them.
final class EchoPlatform: PlatformInstance {
    let context: PlatformContext
    let store: QueueingResource
    let latency: MetricsRecorder.Latency
    var dispatched = 0

    init(simulation: PlatformSimulation) throws {
        context = simulation.context
        store = QueueingResource(name: "object-storage", capacity: 4, queueLimit: 100,
                                 serviceTime: try .exponential(mean: 0.2), context: context)
        latency = context.metrics.registerLatency("echo.latency")
    }

    func dispatch(_ workload: Workload, arrivalID: UInt64, attributes: [(name: String, value: MixValue)]) {
        dispatched += 1
        let started = context.now
        context.ledger.admit("echo", id: arrivalID, at: started)
        store.submit(entity: arrivalID) { [self] outcome in
            switch outcome {
            case .served:
                context.metrics.record(latency, context.now - started)
                context.ledger.finish("echo", id: arrivalID, .completed, at: context.now)
            case .failed: context.ledger.finish("echo", id: arrivalID, .failed(reason: "error"), at: context.now)
            case .rejected(let why): context.ledger.finish("echo", id: arrivalID, .dropped(reason: why.rawValue), at: context.now)
            }
        }
    }

    var provenance: [(component: String, real: Bool, detail: String)] { [("echo", false, "exponential service")] }
}

final class ScenarioRunTests: XCTestCase {
    static let yaml = """
        name: echo-check
        seed: 7
        duration: 10m
        warmUp: 1m
        replications: 3
        load:
          workloads:
            - {name: requests, target: echo, rate: 5/s}
        faults:
          - {kind: datastoreOutage, store: object-storage, at: 5m, duration: 1m}
        slos:
          - nothingLost: true
          - "p99(echo.latency) < 2s"
          - {metric: echo.dropped, stat: ratio, below: 15%, on: upper95}
          - {metric: echo.completed, stat: count, above: 100000}
        """

    func runEcho(_ yaml: String = ScenarioRunTests.yaml) throws -> ScenarioRun {
        let scenario = try ScenarioLoader.load(yaml: yaml)
        let outcomes = try (0..<scenario.replications).map { i in
            try ReplicationRun(scenario: scenario, index: i).run { _, simulation in try EchoPlatform(simulation: simulation) }
        }
        return ScenarioRun(scenario: scenario, outcomes: outcomes, plannedReplications: scenario.replications)
    }

    func testReplicationsSLOsAndTheOutage() throws {
        let run = try runEcho()
        XCTAssertTrue(run.complete)
        XCTAssertEqual(run.outcomes.map(\.index), [0, 1, 2])
        XCTAssertEqual(run.outcomes[0].seed, 7)
        XCTAssertNotEqual(run.outcomes[1].seed, run.outcomes[2].seed)
        let verdicts = run.sloVerdicts
        XCTAssertEqual(verdicts.map(\.result.passed), [true, true, true, false], verdicts.map(\.result.description).joined(separator: "\n"))
        // About 5/s for 10 min per replication, and the 1-minute outage drops ≈ 300 of them.
        for o in run.outcomes {
            let flow = try XCTUnwrap(o.result.conservation.first { $0.service == "echo" })
            XCTAssertEqual(Double(flow.entered), 3_000, accuracy: 300)
            XCTAssertEqual(Double(flow.count("dropped")), 300, accuracy: 80)
            XCTAssertTrue(flow.isBalanced)
            XCTAssertTrue(o.result.snapshot.events.contains { $0.kind == "fault.started" && $0.subject == "object-storage" })
        }
        XCTAssertFalse(run.passed, "the count SLO is set to fail")
        let report = run.report(rerunCommand: "loomsim run echo.yaml", interruption: nil, wallClock: [])
        XCTAssertEqual(report.slos.count, 4)
        XCTAssertNotNil(report.slos[1].ciLow, "replicated runs carry confidence intervals")
        XCTAssertEqual(report.replications.count, 3)
    }

    func testSameScenarioSameDigestAndNumbers() throws {
        let a = try runEcho(), b = try runEcho()
        XCTAssertEqual(a.digest, b.digest)
        // Compared as text: NaN (an interval without observations) is never == itself.
        XCTAssertTrue(a.outcomes.map { "\($0.result.snapshot)" } == b.outcomes.map { "\($0.result.snapshot)" })
        let other = try runEcho(ScenarioRunTests.yaml.replacingOccurrences(of: "seed: 7", with: "seed: 8"))
        XCTAssertNotEqual(other.digest, a.digest)
    }
}
