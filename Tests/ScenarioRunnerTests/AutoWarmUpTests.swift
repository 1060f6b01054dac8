import Foundation
import LoomServices
import ScenarioKit
import XCTest
@testable import ScenarioRunner

/// `warmUp: auto`: MSER-5 on the SLO metrics' series deletes a known initial transient and
/// (almost) nothing from a stationary series; a replication's warm-up is the pilot's choice.
final class AutoWarmUpTests: XCTestCase {
    /// 120 samples at 10 s: `transient` samples falling from 100 to 10, then a deterministic wobble around 10.
    func snapshot(transient: Int) -> MetricsSnapshot {
        let times = (1...120).map { Instant.zero + .wholeSeconds(Int64($0 * 10)) }
        let values = (0..<120).map { i -> Double in
            let noise = 2 * sin(Double(i) * 1.7) + cos(Double(i) * 0.9)
            return i < transient ? 100 - 90 * Double(i) / Double(transient) + noise : 10 + noise
        }
        return MetricsSnapshot(times: times, series: [TimeSeries(key: "video-processing.queue_depth{priority=normal}", unit: "jobs", values: values)],
                               counters: [], latencies: [], events: [], droppedEventCounts: [:], warmUpEnd: .zero)
    }

    var slos: [SLOAssertion] {
        get throws { try ScenarioLoader.load(yaml: "name: a\nduration: 20m\nslos:\n  - \"mean(video-processing.queue_depth) < 50\"\n").slos }
    }

    func testAKnownTransientIsDeleted() throws {
        let c = AutoWarmUp.choose(snapshot(transient: 30), slos: try slos)
        XCTAssertTrue((30...40).contains(c.samples), "deleted \(c.samples) samples")
        XCTAssertEqual(c.end, Instant.zero + .wholeSeconds(Int64(c.samples * 10)))
        XCTAssertEqual(c.metric, "video-processing.queue_depth")
        XCTAssertTrue(c.reliable)
    }

    func testAStationarySeriesLosesLittle() throws {
        let c = AutoWarmUp.choose(snapshot(transient: 0), slos: try slos)
        XCTAssertLessThanOrEqual(c.samples, 15)
    }

    func testWarmUpAutoIsReadAndResolved() throws {
        let s = try ScenarioLoader.load(yaml: "name: a\nduration: 20m\nwarmUp: auto\n")
        XCTAssertTrue(s.warmUpAuto)
        XCTAssertEqual(s.warmUp, .zero)
        XCTAssertTrue(s.resolvedText.contains("warmUp: auto"))
        XCTAssertThrowsError(try ScenarioLoader.load(yaml: "name: a\nduration: 20m\nwarmUp: automatic\n")) {
            XCTAssertTrue("\($0)".contains("or auto (MSER-5"), "\($0)")
        }
    }

    func testAReplicationWithWarmUpAutoDeletesThePilotsChoice() throws {
        let yaml = PlanTests.base.replacingOccurrences(of: "warmUp: 1m", with: "warmUp: auto")
            .replacingOccurrences(of: "rtx-3060: 8}", with: "rtx-3060: 3}")
        let s = try ScenarioLoader.load(yaml: yaml)
        var fixed = s
        fixed.warmUpAuto = false
        let pilot = try ReplicationRun(scenario: fixed, index: 0).run(factory: PlatformAssembly.factory)
        let choice = AutoWarmUp.choose(pilot.result.snapshot, slos: s.slos)
        let auto = try ReplicationRun(scenario: s, index: 0).run(factory: PlatformAssembly.factory)
        XCTAssertEqual(auto.result.snapshot.warmUpEnd, choice.end)
        XCTAssertEqual(auto.result.snapshot.times, pilot.result.snapshot.times)
        XCTAssertEqual(auto.result.snapshot.series.first { $0.key == "video-processing.in_flight" }?.values,
                       pilot.result.snapshot.series.first { $0.key == "video-processing.in_flight" }?.values,
                       "the warm-up deletes statistics; it must not change the trajectory")
    }
}
