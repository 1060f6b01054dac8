import Resilience
import XCTest

private func seconds(_ s: Int64) -> Instant { Instant.zero + .wholeSeconds(s) }
private let fast = TimeAmount.milliseconds(20)

private func monitor(_ variant: HealthThresholdVariant, healthy: Int = 3, unhealthy: Int = 3) throws -> ServiceHealthMonitor {
    try ServiceHealthMonitor(
        checkInterval: .wholeSeconds(10),
        services: [
            .init(name: "recording", healthyThreshold: healthy, unhealthyThreshold: unhealthy, timeout: .wholeSeconds(2)),
            .init(name: "analytics", healthyThreshold: healthy, unhealthyThreshold: unhealthy, timeout: .wholeSeconds(1)),
        ],
        variant: variant)
}

final class ServiceHealthMonitorTests: XCTestCase {
    func testRoundsProbeServicesInRegistrationOrder() throws {
        let m = try monitor(.intended)
        XCTAssertEqual(
            m.beginRound(now: seconds(5)),
            HealthCheckRound(
                probes: [HealthProbe(service: "recording", timeoutAt: seconds(7)), HealthProbe(service: "analytics", timeoutAt: seconds(6))],
                nextRoundAt: seconds(15)))
    }

    func testConsecutiveFailuresReachingTheThresholdAlertOnce() throws {
        var m = try monitor(.intended)
        for t in 0..<2 {
            let u = try m.record(.unhealthy(reason: "503"), service: "recording", responseTime: fast, now: seconds(Int64(t)))
            XCTAssertNil(u.alert)
            XCTAssertEqual(u.status, .unknown)
        }
        let third = try m.record(.unhealthy(reason: "503"), service: "recording", responseTime: fast, now: seconds(2))
        XCTAssertEqual(third.status, .unhealthy)
        XCTAssertEqual(third.changedFrom, .unknown)
        XCTAssertEqual(
            third.alert, HealthAlert(kind: .critical, service: "recording", message: "Service recording is unhealthy: 503", at: seconds(2)))
        XCTAssertNil(try m.record(.unhealthy(reason: "503"), service: "recording", responseTime: fast, now: seconds(3)).alert)
        XCTAssertEqual(m.services["recording"]?.consecutiveFailures, 4)
        XCTAssertEqual(m.services["recording"]?.errorRate, 1)
    }

    func testAsWrittenOneSuccessMarksHealthyIntendedNeedsHealthyThreshold() throws {
        var intended = try monitor(.intended)
        var asWritten = try monitor(.asWritten)
        for t in 0..<3 {
            _ = try intended.record(.unhealthy(reason: "down"), service: "recording", responseTime: fast, now: seconds(Int64(t)))
            _ = try asWritten.record(.unhealthy(reason: "down"), service: "recording", responseTime: fast, now: seconds(Int64(t)))
        }
        let recovered = HealthAlert(kind: .recovery, service: "recording", message: "Service recording recovered", at: seconds(3))
        let w = try asWritten.record(.healthy, service: "recording", responseTime: fast, now: seconds(3))
        XCTAssertEqual(w.status, .healthy)
        XCTAssertEqual(w.alert, recovered)

        let i1 = try intended.record(.healthy, service: "recording", responseTime: fast, now: seconds(3))
        XCTAssertEqual(i1.status, .unhealthy)
        XCTAssertNil(i1.alert)
        XCTAssertEqual(try intended.record(.healthy, service: "recording", responseTime: fast, now: seconds(4)).status, .unhealthy)
        let i3 = try intended.record(.healthy, service: "recording", responseTime: fast, now: seconds(5))
        XCTAssertEqual(i3.status, .healthy)
        XCTAssertEqual(i3.changedFrom, .unhealthy)
        XCTAssertEqual(i3.alert?.kind, .recovery)
    }

    func testAFailureRestartsTheSuccessStreak() throws {
        var m = try monitor(.intended)
        for t in 0..<3 { _ = try m.record(.unhealthy(reason: "x"), service: "analytics", responseTime: fast, now: seconds(Int64(t))) }
        _ = try m.record(.healthy, service: "analytics", responseTime: fast, now: seconds(3))
        _ = try m.record(.healthy, service: "analytics", responseTime: fast, now: seconds(4))
        _ = try m.record(.unhealthy(reason: "flap"), service: "analytics", responseTime: fast, now: seconds(5))
        _ = try m.record(.healthy, service: "analytics", responseTime: fast, now: seconds(6))
        XCTAssertEqual(try m.record(.healthy, service: "analytics", responseTime: fast, now: seconds(7)).status, .unhealthy)
        XCTAssertEqual(try m.record(.healthy, service: "analytics", responseTime: fast, now: seconds(8)).status, .healthy)
    }

    func testOnlyAnUnhealthyServiceRecoversUnderTheIntent() throws {
        var intended = try monitor(.intended, healthy: 1)
        var asWritten = try monitor(.asWritten)
        let first = try intended.record(.healthy, service: "recording", responseTime: fast, now: .zero)
        XCTAssertEqual(first.status, .healthy)
        XCTAssertEqual(first.changedFrom, .unknown)
        XCTAssertNil(first.alert, "nothing recovered: the service was never unhealthy")
        XCTAssertEqual(
            try asWritten.record(.healthy, service: "recording", responseTime: fast, now: .zero).alert?.kind, .recovery,
            "the seed alerts 'recovered' on the first check")
    }

    func testASlowProbeCountsAsAFailure() throws {
        var m = try monitor(.intended, unhealthy: 1)
        let u = try m.record(.healthy, service: "analytics", responseTime: .milliseconds(1_001), now: .zero)
        XCTAssertEqual(u.status, .unhealthy)
        XCTAssertEqual(u.alert?.message, "Service analytics is unhealthy: health check timed out after 1s")
        XCTAssertEqual(m.services["analytics"]?.responseTime, .milliseconds(1_001))
    }

    func testInvalidConfigurationAndUnknownServicesThrow() throws {
        XCTAssertThrowsError(try ServiceHealthMonitor(checkInterval: .zero, services: [])) {
            XCTAssertEqual($0 as? ServiceHealthMonitorError, .nonPositiveCheckInterval(.zero))
        }
        let bad = ServiceHealthConfiguration(name: "x", healthyThreshold: 0, unhealthyThreshold: 1, timeout: .wholeSeconds(1))
        XCTAssertThrowsError(try ServiceHealthMonitor(checkInterval: .wholeSeconds(1), services: [bad])) {
            XCTAssertEqual($0 as? ServiceHealthMonitorError, .nonPositiveThreshold(service: "x", name: "healthyThreshold", value: 0))
        }
        let ok = ServiceHealthConfiguration(name: "x", healthyThreshold: 1, unhealthyThreshold: 1, timeout: .wholeSeconds(1))
        XCTAssertThrowsError(try ServiceHealthMonitor(checkInterval: .wholeSeconds(1), services: [ok, ok])) {
            XCTAssertEqual($0 as? ServiceHealthMonitorError, .duplicateService("x"))
        }
        var m = try monitor(.intended)
        XCTAssertThrowsError(try m.record(.healthy, service: "nope", responseTime: fast, now: .zero)) {
            XCTAssertEqual($0 as? ServiceHealthMonitorError, .unknownService("nope"))
        }
    }
}
