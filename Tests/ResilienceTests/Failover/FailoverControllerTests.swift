import Resilience
import XCTest

private func minutes(_ m: Int64) -> Instant { Instant.zero + .minutes(m) }

private func report(_ region: String, healthy: Bool, latencyMs: Int64 = 50, utilization: Double = 0.5, freshness: Double = 1)
    -> RegionHealthReport
{
    RegionHealthReport(
        region: region, isHealthy: healthy, averageLatency: .milliseconds(latencyMs), resourceUtilization: utilization,
        dataFreshness: freshness)
}

private func health(primary: Bool) -> [RegionHealthReport] {
    [report("us-east", healthy: primary), report("us-west", healthy: true), report("eu-west", healthy: true, utilization: 0.9)]
}

private func controller(_ variant: FailbackVariant = .intended) throws -> FailoverController {
    try FailoverController(configuration: .init(primaryRegion: "us-east", backupRegions: ["eu-west", "us-west"], variant: variant))
}

/// Fails over at minute 0 and starts failback at minute 10.
private func inFailback(_ variant: FailbackVariant) throws -> FailoverController {
    var c = try controller(variant)
    _ = try c.checkRegionHealth(health(primary: false), now: minutes(0))
    _ = try c.checkRegionHealth(health(primary: true), now: minutes(10))
    return c
}

final class FailoverControllerTests: XCTestCase {
    func testBackupScoresFollowTheSeedsFormula() {
        let scores = BackupRegionSelector.rank(
            ["a", "b", "c"],
            reports: [
                report("a", healthy: true, latencyMs: 1_000, utilization: 0.5, freshness: 0.8),
                report("b", healthy: false, latencyMs: 0, utilization: 0, freshness: 1),
                report("c", healthy: true, latencyMs: 0, utilization: 0.2, freshness: 0.9),
            ])
        XCTAssertEqual(scores.map(\.region), ["c", "a"], "unhealthy b is skipped")
        XCTAssertEqual(scores[1].composite, 0.5 * 0.3 + 0.5 * 0.4 + 0.8 * 0.3, accuracy: 1e-12)
        XCTAssertEqual(scores[0].composite, 1.0 * 0.3 + 0.8 * 0.4 + 0.9 * 0.3, accuracy: 1e-12)
    }

    func testEqualScoresPickTheEarlierListedBackup() {
        let reports = [report("x", healthy: true), report("y", healthy: true)]
        XCTAssertEqual(BackupRegionSelector.best(["y", "x"], reports: reports), "y")
        XCTAssertEqual(BackupRegionSelector.best(["x", "y"], reports: reports), "x")
        XCTAssertNil(BackupRegionSelector.best(["z"], reports: reports), "a region without a report is unreachable")
    }

    func testAnUnhealthyPrimaryFailsOverToTheBestBackup() throws {
        var c = try controller()
        XCTAssertEqual(try c.checkRegionHealth(health(primary: true), now: minutes(0)), [])
        XCTAssertEqual(
            try c.checkRegionHealth(health(primary: false), now: minutes(1)),
            [.redirectAll(to: "us-west"), .syncData(to: "us-west"), .failoverInitiated(from: "us-east", to: "us-west")])
        XCTAssertEqual(c.state.activeRegion, "us-west")
        XCTAssertEqual(c.state.trafficSplit, .all(to: "us-west"))
        XCTAssertEqual(try c.checkRegionHealth(health(primary: false), now: minutes(2)), [], "already failed over")
    }

    func testNoHealthyBackupIsReported() throws {
        var c = try controller()
        let reports = [report("us-east", healthy: false), report("us-west", healthy: false)]
        XCTAssertEqual(try c.checkRegionHealth(reports, now: .zero), [.noHealthyBackup])
        XCTAssertFalse(c.isFailedOver)
    }

    func testFailbackWaitsForTheMinimumTimeInFailover() throws {
        var c = try controller()
        _ = try c.checkRegionHealth(health(primary: false), now: minutes(0))
        XCTAssertEqual(try c.checkRegionHealth(health(primary: true), now: minutes(9)), [])
        XCTAssertEqual(
            try c.checkRegionHealth(health(primary: true), now: minutes(10)),
            [.failbackStarted, .splitTraffic(TrafficSplit(["us-east": 0.1, "us-west": 0.9])), .armStepTimer(at: minutes(15))])
        XCTAssertTrue(c.state.recoveryMode)
    }

    func testFailbackStepsThroughTenToAHundredPercentThenCompletes() throws {
        var c = try inFailback(.intended)
        var shares = [c.state.trafficSplit.share(of: "us-east")]
        var now = minutes(15)
        while c.state.recoveryMode {
            let decisions = c.failbackStepDue(primary: report("us-east", healthy: true), now: now)
            for case let .splitTraffic(split) in decisions { shares.append(split.share(of: "us-east")) }
            if decisions == [.failbackCompleted] { break }
            XCTAssertEqual(decisions.last, .armStepTimer(at: now + .minutes(5)))
            now = now + .minutes(5)
        }
        XCTAssertEqual(shares, [0.1, 0.25, 0.5, 0.75, 1.0])
        XCTAssertEqual(now, minutes(35), "the 100 % step is held and checked before completing")
        XCTAssertFalse(c.isFailedOver)
        XCTAssertFalse(c.state.recoveryMode)
        XCTAssertEqual(c.state.trafficSplit, .all(to: "us-east"))
    }

    func testAnUnhealthyPrimaryAtAStepCheckRevertsToTheBackup() throws {
        var c = try inFailback(.intended)
        _ = c.failbackStepDue(primary: report("us-east", healthy: true), now: minutes(15))
        _ = c.failbackStepDue(primary: report("us-east", healthy: true), now: minutes(20))
        XCTAssertEqual(
            c.failbackStepDue(primary: report("us-east", healthy: false), now: minutes(25)),
            [.redirectAll(to: "us-west"), .failbackReverted(primaryShare: 0.5)])
        XCTAssertFalse(c.state.recoveryMode)
        XCTAssertEqual(c.state.trafficSplit, .all(to: "us-west"))
        XCTAssertEqual(c.failbackStepDue(primary: report("us-east", healthy: true), now: minutes(30)), [], "stale timer")
    }

    func testIntendedRevertsAtTheNextCheckAsWrittenWaitsForTheStepToEnd() throws {
        var intended = try inFailback(.intended)
        var asWritten = try inFailback(.asWritten)
        let tick = minutes(10) + .wholeSeconds(30)
        XCTAssertEqual(
            try intended.checkRegionHealth(health(primary: false), now: tick),
            [.redirectAll(to: "us-west"), .failbackReverted(primaryShare: 0.1)])
        XCTAssertEqual(try asWritten.checkRegionHealth(health(primary: false), now: tick), [], "the seed's ticker is blocked")
        XCTAssertEqual(asWritten.state.trafficSplit.share(of: "us-east"), 0.1, "10 % still goes to the sick primary")
        XCTAssertEqual(
            asWritten.failbackStepDue(primary: report("us-east", healthy: false), now: minutes(15)),
            [.redirectAll(to: "us-west"), .failbackReverted(primaryShare: 0.1)])
    }

    func testIntendedRevertRestartsTheMinimumTimeInFailoverAsWrittenDoesNot() throws {
        var intended = try inFailback(.intended)
        var asWritten = try inFailback(.asWritten)
        _ = intended.failbackStepDue(primary: report("us-east", healthy: false), now: minutes(15))
        _ = asWritten.failbackStepDue(primary: report("us-east", healthy: false), now: minutes(15))
        let next = minutes(15) + .wholeSeconds(30)
        XCTAssertEqual(try intended.checkRegionHealth(health(primary: true), now: next), [])
        XCTAssertEqual(try asWritten.checkRegionHealth(health(primary: true), now: next).first, .failbackStarted)
        XCTAssertEqual(try intended.checkRegionHealth(health(primary: true), now: minutes(25)).first, .failbackStarted)
    }

    func testStabilityCanRequireSeveralHealthyChecks() throws {
        var c = try FailoverController(
            configuration: .init(primaryRegion: "us-east", backupRegions: ["us-west"], stableChecksRequired: 3))
        _ = try c.checkRegionHealth(health(primary: false), now: minutes(0))
        XCTAssertEqual(try c.checkRegionHealth(health(primary: true), now: minutes(10)), [])
        XCTAssertEqual(try c.checkRegionHealth(health(primary: true), now: minutes(11)), [])
        XCTAssertEqual(try c.checkRegionHealth(health(primary: true), now: minutes(12)).first, .failbackStarted)
    }

    func testInvalidConfigurationAndMissingReportsThrow() throws {
        func make(_ config: FailoverController.Configuration) -> FailoverConfigurationError? {
            do { _ = try FailoverController(configuration: config); return nil } catch { return error as? FailoverConfigurationError }
        }
        XCTAssertEqual(make(.init(primaryRegion: "a", backupRegions: [])), .noBackupRegions)
        XCTAssertEqual(make(.init(primaryRegion: "a", backupRegions: ["b", "a"])), .duplicateRegion("a"))
        XCTAssertEqual(make(.init(primaryRegion: "a", backupRegions: ["b"], failbackSteps: [0.5, 0.25, 1])), .invalidFailbackSteps([0.5, 0.25, 1]))
        XCTAssertEqual(make(.init(primaryRegion: "a", backupRegions: ["b"], failbackSteps: [0.5, 0.9])), .invalidFailbackSteps([0.5, 0.9]))
        XCTAssertEqual(make(.init(primaryRegion: "a", backupRegions: ["b"], stepDuration: .zero)), .nonPositiveDuration(name: "stepDuration", .zero))
        XCTAssertEqual(make(.init(primaryRegion: "a", backupRegions: ["b"], stableChecksRequired: 0)), .nonPositiveStableChecks(0))
        var c = try controller()
        XCTAssertThrowsError(try c.checkRegionHealth([report("us-west", healthy: true)], now: .zero)) {
            XCTAssertEqual($0 as? FailoverConfigurationError, .missingPrimaryReport("us-east"))
        }
    }
}
