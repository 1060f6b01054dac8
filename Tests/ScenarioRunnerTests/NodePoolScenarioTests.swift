import Foundation
import LoomServices
import ScenarioKit
import XCTest
@testable import ScenarioRunner

/// `topology.nodePools` in a scenario: decoded with precise errors, and in a run the recording
/// service's HPA scale-ups wait for the cluster autoscaler's nodes.
final class NodePoolScenarioTests: XCTestCase {
    static let yaml = """
        name: pools
        seed: 3
        duration: 15m
        load:
          workloads:
            - name: sessions
              target: recording
              steps:
                - {at: 0s, rate: 5/s}
                - {at: 5m, rate: 25/s}
              mix:
                length: {lognormal: {mean: 5m, cv: 1.0}}
        topology:
          region: us-east-1
          nodePools:
            - name: general
              services: [recording]
              machine: {cpu: 4, memory: 16Gi}
              nodes: {initial: 3, min: 2, max: 12}
              provisioning: 2m
              costPerNodeHour: $0.20
          services:
            recording:
              replicas: 6
              maxSessionsPerPod: 150
        faults:
          - {kind: nodeLoss, pool: general, count: 2, at: 10m, duration: 3m}
        slos:
          - nothingLost: true
        """

    func load(_ yaml: String) throws -> Scenario {
        var files: [String: String] = [:]
        files["pools.yaml"] = yaml
        return try ScenarioLoader(provider: InMemorySources(files), sectionChecks: PlatformAssembly.sectionChecks).load(path: "pools.yaml")
    }

    func testBadPoolsAreReportedWithTheirPlaceAndWhatIsExpected() {
        let bad = Self.yaml
            .replacingOccurrences(of: "services: [recording]", with: "services: [streaming]")
            .replacingOccurrences(of: "nodes: {initial: 3, min: 2, max: 12}", with: "nodes: {initial: 3, min: 5, max: 4}")
            .replacingOccurrences(of: "provisioning: 2m", with: "provisioning: soon")
        XCTAssertThrowsError(try load(bad)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("pools.yaml:17:18: error: topology.nodePools[0].services[0]: \"streaming\" has no pods to place"), text)
            XCTAssertTrue(text.contains("topology.nodePools[0].provisioning"), text)
            XCTAssertTrue(text.contains("pools.yaml:19:14: error: topology.nodePools[0].nodes: need min ≤ initial ≤ max, got min 5, initial 3, max 4"), text)
        }
    }

    func testScaleUpsWaitForNodesAndNodesAreBilled() throws {
        let scenario = try load(Self.yaml)
        let outcome = try ReplicationRun(scenario: scenario, index: 0).run(factory: PlatformAssembly.factory)
        let snapshot = outcome.result.snapshot
        func series(_ key: String) throws -> [Double] {
            try XCTUnwrap(snapshot.series.first { $0.key == key }, key).values
        }
        let nodes = try series("nodepool.nodes{pool=general}")
        let pending = try series("nodepool.pending_pods{pool=general}")
        XCTAssertEqual(nodes.first, 3)
        XCTAssertGreaterThan(nodes.max() ?? 0, 3, "the autoscaler added nodes for the HPA's new pods")
        XCTAssertLessThanOrEqual(nodes.max() ?? 0, 12)
        XCTAssertGreaterThan(pending.max() ?? 0, 0, "new pods waited for capacity")
        let wait = try XCTUnwrap(snapshot.latency(named: "nodepool.scheduling_wait{pool=general}"))
        XCTAssertGreaterThan(wait.max, 60, "a pod waited for a node to be provisioned (about 2 minutes)")
        XCTAssertTrue(snapshot.events.contains { $0.kind == "pod.lost" && $0.detail == "node-loss" })
        let cost = try series("cost.total").last ?? 0
        XCTAssertGreaterThan(cost, 0)
        XCTAssertTrue(outcome.result.violations.isEmpty, "\(outcome.result.violations)")
        let again = try ReplicationRun(scenario: scenario, index: 0).run(factory: PlatformAssembly.factory)
        XCTAssertEqual(again.result.digest, outcome.result.digest)
    }
}
