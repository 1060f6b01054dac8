import Foundation
import LoomServices
import ScenarioKit
import XCTest
@testable import ScenarioRunner

/// `cost: {below: $X}` compares the run's final cost: `cost.total` is a cumulative gauge (dollars
/// spent so far), so its last sample is the run's bill. It used to be `sum(cost.total)`, which
/// added every sample after the warm-up (about 50× the bill for a 10-minute run sampled every 10 s).
final class CostSLOTests: XCTestCase {
    static func yaml(limit: String) -> String {
        """
        name: cost-slo
        seed: 3
        duration: 10m
        warmUp: 1m
        replications: 2
        load:
          workloads:
            - name: uploads
              target: video-processing
              rate: 0.1/s
              mix:
                duration: {lognormal: {mean: 1m, cv: 0.5}}
                resolution: {empirical: {values: [720, 1080], weights: [1, 1]}}
        topology:
          services:
            video-processing:
              gpus: {a100: 1, rtx-4080: 1, rtx-3060: 2}
              cpuWorkers: {replicas: 2}
        slos:
          - {name: budget, cost: {below: \(limit)}}
        """
    }

    func run(limit: String) throws -> ScenarioRun {
        let scenario = try ScenarioLoader.load(yaml: Self.yaml(limit: limit))
        let outcomes = try (0..<scenario.replications).map { i in
            try ReplicationRun(scenario: scenario, index: i).run(factory: PlatformAssembly.factory)
        }
        return ScenarioRun(scenario: scenario, outcomes: outcomes, plannedReplications: scenario.replications)
    }

    func testACostSLOReadsTheRunsFinalTotalNotTheSumOfItsSamples() throws {
        let run = try run(limit: "$1000")
        let finals = try run.outcomes.map { try XCTUnwrap($0.result.snapshot.series(named: "cost.total")?.values.last) }
        let mean = finals.reduce(0, +) / Double(finals.count)
        // The bill at the built-in prices: a100 $3.67 + rtx-4080 $0.55 + 2 × rtx-3060 $0.20 + pods,
        // for 10 minutes: at least $0.77.
        XCTAssertGreaterThan(mean, 0.77)
        XCTAssertLessThan(mean, 2)
        let verdict = try XCTUnwrap(run.sloVerdicts.first)
        XCTAssertEqual(try XCTUnwrap(verdict.result.measured), mean, accuracy: 1e-9)

        // A budget just above the bill passes, just below fails (the sum of samples was ≈ $40).
        let above = String(format: "$%.2f", mean + 0.02), below = String(format: "$%.2f", mean - 0.02)
        XCTAssertEqual(try self.run(limit: above).sloVerdicts.map(\.result.passed), [true])
        XCTAssertEqual(try self.run(limit: below).sloVerdicts.map(\.result.passed), [false])
    }
}
