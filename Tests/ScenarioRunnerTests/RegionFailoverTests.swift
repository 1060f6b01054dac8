import LoomServices
import ScenarioKit
import XCTest
@testable import ScenarioRunner

/// Multi-region runs (seed §9.1): a primary outage detected by health checks, failover to a
/// backup, gradual failback, RTO/RPO, and the accounting of arrivals no region served.
final class RegionFailoverTests: XCTestCase {
    /// Checks every 10 s, two failed checks to declare the primary down, a 20 s switch delay:
    /// traffic must be on a backup between 30 s and 40 s after the outage starts.
    static func yaml(lag: String = "5s", lagFault: Bool = false, regions: Bool = true) -> String {
        """
        name: failover-check
        seed: 11
        duration: 16m
        replications: 1
        load:
          workloads:
            - name: sessions
              target: recording
              rate: 2/s
              mix:
                length: {lognormal: {mean: 30s, cv: 0.5}}
        topology:
          region: us-east-1
        \(regions ? "  regions: {backups: [us-west-2, eu-west-1], backupScale: 50%}" : "")
          services:
            recording: {replicas: 2, autoscaling: false}
        \(regions ? """
        policies:
          failover:
            healthCheckInterval: 10s
            unhealthyChecks: 2
            trafficSwitchDelay: 20s
            minimumFailoverDuration: 3m
            failbackSteps: [25%, 50%, 100%]
            failbackStepDuration: 1m
            replicationLag: \(lag)
            regionLatency: {us-west-2: 10ms, eu-west-1: 90ms}
        """ : "")
        faults:
        \(lagFault ? "  - {kind: replicationLag, store: postgres-primary, region: us-east-1, lag: 20s, at: 2m, until: 3m5s}" : "")
          - {kind: regionOutage, region: us-east-1, at: 3m5s, duration: 3m}
        """
    }


    func run(_ yaml: String) throws -> (outcome: ReplicationRun.Outcome, platform: LoomPlatform) {
        try LoomPlatformRun.replicate(try ScenarioLoader.load(yaml: yaml))
    }

    func testFailoverWithinDetectionAndSwitchTimeToTheBestBackup() throws {
        let (outcome, platform) = try run(Self.yaml())
        let dr = try XCTUnwrap(platform.disasterRecovery)
        let failover = try XCTUnwrap(dr.measurements.first)
        XCTAssertEqual(failover.cause, .failover)
        XCTAssertEqual(failover.failedRegion, "us-east-1")
        XCTAssertEqual(failover.servingRegion, "us-west-2", "the lower-latency backup wins")
        XCTAssertEqual(failover.downAt, .zero + .wholeSeconds(185))
        // Detection: the 2nd failed check, at most 2 × 10 s after the outage (at least 1 × 10 s);
        // then the 20 s switch delay.
        XCTAssertGreaterThanOrEqual(failover.rto, .wholeSeconds(30))
        XCTAssertLessThanOrEqual(failover.rto, .wholeSeconds(40))
        let rto = try XCTUnwrap(outcome.result.snapshot.series(named: "dr.rto")?.values.last)
        XCTAssertEqual(rto, failover.rto.seconds, accuracy: 1e-9)
        // The backup's own copy of the services took the sessions, under region-labelled keys,
        // while the primary's series keep their single-region names.
        let counters = outcome.result.snapshot.counters
        let backup = try XCTUnwrap(counters.first { $0.key == "region.requests{region=us-west-2}" }).total
        XCTAssertGreaterThan(backup, 2 * 150, "about 2/s for the outage and the failback")
        XCTAssertEqual(try XCTUnwrap(counters.first { $0.key == "region.requests{region=eu-west-1}" }).total, 0)
        XCTAssertNotNil(outcome.result.snapshot.series(named: "recording.active_sessions"))
        let west = try XCTUnwrap(outcome.result.snapshot.series(named: "recording.active_sessions{region=us-west-2}"))
        XCTAssertGreaterThan(west.values.filter { !$0.isNaN }.max() ?? 0, 10)
        // Backups start with half the pods (autoscaling is off here, so they stay there).
        XCTAssertEqual(outcome.result.snapshot.series(named: "recording.replicas{region=us-east-1}")?.values.first, 2)
        XCTAssertEqual(outcome.result.snapshot.series(named: "recording.replicas{region=us-west-2}")?.values.first, 1)
    }

    func testTrafficReturnsToThePrimaryInStepsAfterRecovery() throws {
        let (outcome, _) = try run(Self.yaml())
        let snapshot = outcome.result.snapshot
        let share = try XCTUnwrap(snapshot.series(named: "region.traffic_share{region=us-east-1}"))
        var levels: [Double] = []
        for v in share.values where levels.last != v { levels.append(v) }
        XCTAssertEqual(levels, [1, 0, 0.25, 0.5, 1])
        // Failback starts only after the primary is back (6m05s) and 3 minutes in failover, and
        // each step is held for its minute.
        let steps = snapshot.events.filter { $0.kind == "failback.step" }.map(\.time)
        XCTAssertEqual(steps.count, 3)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(steps.first), .zero + .wholeSeconds(365))
        for (a, b) in zip(steps, steps.dropFirst()) { XCTAssertGreaterThanOrEqual(b - a, .wholeSeconds(60)) }
        XCTAssertEqual(snapshot.counter(named: "dr.failbacks_completed")?.total, 1)
        XCTAssertEqual(snapshot.counter(named: "dr.failback_reverts")?.total, 0)
    }

    func testRPOReflectsTheReplicationLag() throws {
        // A constant 5 s lag: the writes of the last 5 s before the outage never reached the backup.
        let plain = try XCTUnwrap(try run(Self.yaml()).platform.disasterRecovery?.measurements.first)
        XCTAssertGreaterThan(plain.rpo, .wholeSeconds(4))
        XCTAssertLessThanOrEqual(plain.rpo, .milliseconds(5_010))
        XCTAssertGreaterThan(plain.lostWrites, 0)
        // A replicationLag fault adds 20 s to everything the primary replicates.
        let lagged = try XCTUnwrap(try run(Self.yaml(lagFault: true)).platform.disasterRecovery?.measurements.first)
        XCTAssertGreaterThan(lagged.rpo, .wholeSeconds(24))
        XCTAssertLessThanOrEqual(lagged.rpo, .milliseconds(25_010))
        XCTAssertGreaterThan(lagged.lostWrites, 3 * plain.lostWrites)
    }

    func testArrivalsNoRegionServedAreAccountedFor() throws {
        let (outcome, platform) = try run(Self.yaml())
        let result = outcome.result
        XCTAssertEqual(result.violations, [])
        XCTAssertTrue(result.conservation.allSatisfy(\.isBalanced))
        let routing = try XCTUnwrap(result.conservation.first { $0.service == PlatformRegions.routingFlow })
        let lost = routing.count("dropped")
        XCTAssertEqual(routing.terminal[.dropped(reason: PlatformRegions.lostReason)], lost)
        XCTAssertEqual(Double(lost), result.snapshot.counter(named: "region.requests_unserved")?.total)
        // Lost only between the outage and the switch: about 2/s over the RTO.
        let rto = try XCTUnwrap(platform.disasterRecovery?.lastRTO).seconds
        XCTAssertEqual(Double(lost), 2 * rto, accuracy: 0.5 * 2 * rto)
        // Every arrival that was served reached a region's recording service.
        let recording = try XCTUnwrap(result.conservation.first { $0.service == "recording" })
        XCTAssertEqual(recording.entered, routing.count("completed"))
        XCTAssertEqual(routing.entered, routing.finished)
    }

    func testDeterministicAndSingleRegionRunsUntouched() throws {
        let a = try run(Self.yaml()).outcome.result
        let b = try run(Self.yaml()).outcome.result
        XCTAssertEqual(a.digest, b.digest)
        XCTAssertEqual(a.snapshot.series.map(\.key), b.snapshot.series.map(\.key))
        let single = try run(Self.yaml(regions: false))
        XCTAssertNil(single.platform.disasterRecovery)
        XCTAssertFalse(single.outcome.result.snapshot.series.contains { $0.key.hasPrefix("region.") || $0.key.contains("region=us-west-2") })
        XCTAssertNotEqual(single.outcome.result.digest, a.digest)
    }

    func testRegionsAndFailoverKeysAreValidatedWithLocations() throws {
        let yaml = """
            name: bad-regions
            duration: 5m
            load:
              workloads:
                - {name: s, target: recording, rate: 1/s}
            topology:
              region: us-east-1
              regions: {primary: us-west-2, backups: [eu-west-1]}
            policies:
              failover:
                unhealthyChecks: 0
                failbackSteps: [50%, 20%]
                replicationLag: {lognormal: {mean: 1G, cv: 1}}
                failbakStepDuration: 1m
            """
        let scenario = try ScenarioLoader.load(yaml: yaml)
        let sink = DiagnosticSink()
        _ = PlatformSpec.decode(root: NodeReader(scenario.document, sink: sink))
        let messages = sink.diagnostics.map(\.description)
        func has(_ prefix: String, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertTrue(messages.contains { $0.hasPrefix(prefix) && $0.contains(fragment) }, "\(prefix) … \(fragment) in\n\(messages.joined(separator: "\n"))",
                          file: file, line: line)
        }
        has("scenario.yaml:8:22: error: topology.regions.primary", "differs from topology.region")
        has("scenario.yaml:11:22: error: policies.failover.unhealthyChecks", "out of range")
        has("scenario.yaml:12:20: error: policies.failover.failbackSteps", "do not rise")
        has("scenario.yaml:13:21: error: policies.failover.replicationLag", "distribution of durations")
        has("scenario.yaml:14:5: error: policies.failover.failbakStepDuration", "did you mean \"failbackStepDuration\"")
        // The whole loading path (as `loomsim validate` runs it) fails too.
        XCTAssertThrowsError(try PlatformAssembly.factory(scenario, PlatformSimulation(seed: 1, duration: .minutes(5))))
    }
}
