import Foundation
import LoomServices
import ScenarioKit
import XCTest
@testable import ScenarioRunner

/// The distributed breaker (seed §6.1), health monitoring and degradation remediation (§8)
/// driven through scenarios on the real `LoomPlatform`.
final class CrossServiceWiringTests: XCTestCase {

    struct Run {
        let result: PlatformSimulation.Result
        let platform: LoomPlatform

        func counter(_ key: String) -> Double { result.snapshot.counter(named: key)?.total ?? 0 }
        func calls(_ outcome: String, to dependency: String) -> Double {
            counter("breaker.calls{from=recording,outcome=\(outcome),to=\(dependency)}")
        }
        func series(_ key: String) -> [Double] { result.snapshot.series(named: key)?.values ?? [] }
        func events(_ kind: String) -> [NotableEvent] { result.snapshot.events.filter { $0.kind == kind } }
    }

    func run(_ yaml: String) throws -> Run {
        let (outcome, platform) = try LoomPlatformRun.replicate(try ScenarioLoader.load(yaml: yaml))
        return Run(result: outcome.result, platform: platform)
    }

    static func recording(faults: String, breaker: String = "{globalThreshold: 40}", extra: String = "", seed: Int = 5) -> String {
        """
        name: wiring
        seed: \(seed)
        duration: 8m
        replications: 1
        load:
          workloads:
            - name: sessions
              target: recording
              rate: 4/s
              mix:
                length: {constant: {value: 30s}}
        topology:
          services:
            recording:
              replicas: 5
              autoscaling: false
              breaker: {slidingWindowSize: 100, minimumNumberOfCalls: 100}
              distributedBreaker: \(breaker)
        \(extra)
        faults:
        \(faults)
        """
    }

    func assertConserved(_ r: Run, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(r.result.violations.isEmpty, "\(r.result.violations.prefix(3))", file: file, line: line)
        for flow in r.result.conservation { XCTAssertTrue(flow.isBalanced, "\(flow)", file: file, line: line) }
    }

    func testWithRedisDownTheCallsKeepBeingAllowedAndTheRefusalsAreCounted() throws {
        let down = try run(Self.recording(faults: "  - {kind: datastoreOutage, store: redis, at: 2m, duration: 3m}"))
        let up = try run(Self.recording(faults: "  - {kind: podLoss, service: recording, count: 1, at: 7m}"))
        for dependency in ["video-processing", "notification", "analytics"] {
            let failOpen = down.counter("breaker.fail_open{from=recording,to=\(dependency)}")
            // About 4 sessions/s for 3 minutes, each calling every dependency at least once.
            XCTAssertGreaterThan(failOpen, 500, dependency)
            XCTAssertGreaterThanOrEqual(down.counter("breaker.store_unavailable{from=recording,to=\(dependency)}"), failOpen)
            XCTAssertEqual(down.calls("rejected_global", to: dependency) + down.calls("rejected_local", to: dependency), 0,
                           "a missing shared store must not refuse calls to \(dependency)")
            XCTAssertEqual(up.counter("breaker.fail_open{from=recording,to=\(dependency)}"), 0, "Redis up: the shared count answers")
            XCTAssertEqual(up.counter("breaker.store_unavailable{from=recording,to=\(dependency)}"), 0)
        }
        // The scenario's `store: redis` reached the recording service's own cluster.
        let available = down.series("recording.redis.available")
        XCTAssertEqual(available.min(), 0)
        XCTAssertEqual(available.last, 1, "the cluster is back after the outage")
        XCTAssertEqual(down.result.conservation.first { $0.service == "recording" }?.count("failed"), 0)
        assertConserved(down)
        assertConserved(up)
    }

    func testErrorsOpenTheBreakerOnEveryInstanceOnceTheSharedCountReachesTheThreshold() throws {
        let r = try run(Self.recording(
            faults: "  - {kind: dependencyErrors, dependency: video-processing, caller: recording, errorRate: 100%, at: 3m, duration: 2m}"))
        let guarded = try XCTUnwrap(r.platform.recording?.guardedDependency(to: "video-processing"))
        XCTAssertEqual(guarded.instanceCount, 5, "one local breaker per serving recording pod")
        let failures = r.calls("failure", to: "video-processing")
        XCTAssertGreaterThanOrEqual(failures, 40, "the threshold is reached")
        // Each 1-minute window lets at most the threshold (plus calls already in flight) fail.
        XCTAssertLessThan(failures, 40 * 4, "after the threshold every instance rejects")
        XCTAssertGreaterThan(r.calls("rejected_global", to: "video-processing"), 100)
        XCTAssertEqual(r.calls("rejected_local", to: "video-processing"), 0, "no local breaker saw 100 calls of its own")
        let opened = r.events("breaker.opened").filter { $0.subject.hasPrefix("recording->video-processing") }
        XCTAssertEqual(opened.first?.subject, "recording->video-processing (global)")
        XCTAssertEqual(opened.first.map { $0.time.seconds } ?? 0, 180, accuracy: 30)
        XCTAssertEqual(r.series("breaker.state{from=recording,to=video-processing}").max(), 2)
        XCTAssertEqual(r.calls("rejected_global", to: "notification"), 0, "other dependencies keep their own counts")
        XCTAssertEqual(r.result.conservation.first { $0.service == "recording.downstream" }?.count("dead_lettered"), 0)
        assertConserved(r)
    }

    func testRemediationScalesTheCalledServiceUpWhenItsLatencyDegrades() throws {
        let r = try run(Self.recording(
            faults: "  - {kind: dependencyLatency, dependency: analytics, caller: recording, latency: 800ms, at: 6m}",
            extra: "    analytics: {replicas: 2}\npolicies:\n  remediation: {interval: 1m, baselineSamples: 3, cooldown: 5m}"))
        let key = "remediation.actions{action=scale_up_instances,service=recording->analytics}"
        XCTAssertEqual(r.counter(key), 1, "one scale-up, then the cooldown")
        let scaled = r.events("remediation.scaled")
        XCTAssertEqual(scaled.map(\.subject), ["analytics"])
        XCTAssertGreaterThanOrEqual(scaled.first.map { $0.time.seconds } ?? 0, 360)
        // 2 × 1.5 rounded up; analytics' own HPA (no load of its own) may scale it back later.
        XCTAssertEqual(scaled.first?.detail, "us-east-1: 2 → 3 replicas")
        XCTAssertTrue(r.events("degradation.critical").contains { $0.subject == "recording->analytics" })
        XCTAssertFalse(r.events("degradation.critical").contains { $0.subject == "recording->notification" })
        assertConserved(r)
    }

    func testHealthMonitorAlertsOnARegionOutageAndCountsTheRecovery() throws {
        let r = try run(Self.recording(
            faults: "  - {kind: regionOutage, region: us-east-1, at: 2m, duration: 2m}",
            extra: """
            policies:
              health: {interval: 15s, unhealthyThreshold: 2, healthyThreshold: 3}
            """))
        XCTAssertEqual(r.counter("health.alerts{kind=critical,service=recording}"), 1)
        XCTAssertEqual(r.counter("health.alerts{kind=recovery,service=recording}"), 1)
        let critical = try XCTUnwrap(r.events("health.critical").first)
        // Two failed probes, 15 s apart, after the outage starts at 2m (answers time out at 5 s).
        XCTAssertEqual(critical.time.seconds, 120 + 15 + 5, accuracy: 16)
        let status = r.series("health.status{service=recording}")
        XCTAssertEqual(status.max(), 2)
        XCTAssertEqual(status.last, 1)
    }

    func testSameSeedSameDigestUnderTheseFaults() throws {
        let faults = """
          - {kind: datastoreOutage, store: redis, at: 2m, duration: 2m}
          - {kind: dependencyErrors, dependency: video-processing, caller: recording, errorRate: 60%, at: 4m, duration: 2m}
        """
        let a = try run(Self.recording(faults: faults, extra: "policies: {health: {}, remediation: {}}"))
        let b = try run(Self.recording(faults: faults, extra: "policies: {health: {}, remediation: {}}"))
        let c = try run(Self.recording(faults: faults, extra: "policies: {health: {}, remediation: {}}", seed: 6))
        XCTAssertEqual(a.result.digest, b.result.digest)
        XCTAssertEqual("\(a.result.snapshot)", "\(b.result.snapshot)")
        XCTAssertNotEqual(a.result.digest, c.result.digest)
        assertConserved(a)
    }

    func testBadSettingsAreReportedWithTheirPath() {
        let yaml = Self.recording(faults: "  []", breaker: "{globalThreshold: 0, windw: 1m}", extra: """
            policies:
              health: {interval: 0s}
              remediation: {warning: 60%, critical: 30%}
            """)
        let loader = ScenarioLoader(provider: InMemorySources(["s.yaml": yaml]), sectionChecks: PlatformAssembly.sectionChecks)
        XCTAssertThrowsError(try loader.load(path: "s.yaml")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("topology.services.recording.distributedBreaker.windw"), text)
            XCTAssertTrue(text.contains("distributedBreaker.globalThreshold"), text)
            XCTAssertTrue(text.contains("policies.health.interval"), text)
            XCTAssertTrue(text.contains("policies.remediation.critical"), text)
        }
    }
}
