import LoomServices
import ScenarioKit
import XCTest
@testable import ScenarioRunner

/// Pod, node and GPU losses that name a region hit only that region's copy of a service; a GPU
/// loss that names no pool hits every pool (of its region).
final class RegionalFaultTests: XCTestCase {
    static func yaml(faults: String) -> String {
        """
        name: regional-faults
        seed: 5
        duration: 4m
        load:
          workloads:
            - name: sessions
              target: recording
              rate: 2/s
              mix:
                length: {lognormal: {mean: 30s, cv: 0.5}}
        topology:
          region: us-east-1
          regions: {backups: [us-west-2]}
          services:
            recording: {replicas: 4, autoscaling: false}
            video-processing:
              gpus: {rtx-3060: 4, rtx-4080: 2}
        faults:
        \(faults)
        """
    }

    func events(_ faults: String, kind: String) throws -> [NotableEvent] {
        let scenario = try ScenarioLoader.load(yaml: Self.yaml(faults: faults))
        let outcome = try ReplicationRun(scenario: scenario, index: 0).run(factory: PlatformAssembly.factory)
        XCTAssertTrue(outcome.result.violations.isEmpty, "\(outcome.result.violations)")
        return outcome.result.snapshot.events.filter { $0.kind == kind }
    }

    func testAPodLossThatNamesARegionKillsOnlyThatRegionsPods() throws {
        let scoped = try events("  - {kind: podLoss, service: recording, count: 3, region: us-west-2, at: 1m}", kind: "pod.lost")
        XCTAssertEqual(scoped.count, 3)
        XCTAssertTrue(scoped.allSatisfy { $0.subject.hasPrefix("recording-us-west-2-") }, "\(scoped.map(\.subject))")
        let everywhere = try events("  - {kind: podLoss, service: recording, count: 3, at: 1m}", kind: "pod.lost")
        XCTAssertEqual(everywhere.filter { $0.subject.hasPrefix("recording-us-east-1-") }.count, 3)
        XCTAssertEqual(everywhere.filter { $0.subject.hasPrefix("recording-us-west-2-") }.count, 3)
    }

    func testAGPULossWithoutAPoolHitsEveryPoolOfItsRegion() throws {
        let lost = try events("  - {kind: gpuLoss, count: 1, region: us-east-1, at: 1m, duration: 1m}", kind: "gpu.lost")
        XCTAssertEqual(Set(lost.map(\.subject)), ["us-east-1/rtx-3060", "us-east-1/rtx-4080"])
        let named = try events("  - {kind: gpuLoss, count: 2, pool: rtx-4080, at: 1m, duration: 1m}", kind: "gpu.lost")
        XCTAssertEqual(Set(named.map(\.subject)), ["us-east-1/rtx-4080", "us-west-2/rtx-4080"])
    }
}
