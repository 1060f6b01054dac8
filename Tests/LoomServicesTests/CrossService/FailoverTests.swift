import XCTest
@testable import LoomServices

/// Multi-region failover, gradual failback, RTO and RPO (seed §9.1).
final class FailoverTests: XCTestCase {
    static let primary = "us-east-1"
    static let west = "us-west-2"
    static let europe = "eu-west-1"

    func controller(_ bench: CrossServiceBench, variant: FailbackVariant = .intended,
                    lag: Distribution? = nil) throws -> DisasterRecoveryController {
        var config = DisasterRecoveryConfiguration(primaryRegion: Self.primary, backupRegions: [Self.europe, Self.west])
        config.failover.variant = variant
        config.regionLatency = [Self.west: .milliseconds(70), Self.europe: .milliseconds(80)]
        if let lag { config.replicationLag = lag }
        let dr = try DisasterRecoveryController(configuration: config, context: bench.context)
        dr.start()
        return dr
    }

    func outage(_ bench: CrossServiceBench, from: Double, to: Double? = nil) {
        let fault = ActiveFault(kind: .regionOutage, target: Self.primary)
        bench.at(from) { bench.context.faults.begin(fault) }
        if let to { bench.at(to) { bench.context.faults.end(fault) } }
    }

    func testPrimaryOutageFailsOverWithinDetectionPlusSwitch() throws {
        let bench = CrossServiceBench()
        let dr = try controller(bench)
        outage(bench, from: 95)
        try bench.run(until: 179)
        XCTAssertEqual(dr.router.share(of: Self.primary), 1, "the switch has not reached the clients yet")
        XCTAssertNil(dr.router.servingRegion(for: 42), "arrivals still sent to the failed region are lost")
        try bench.run(until: 181)
        XCTAssertEqual(dr.router.share(of: Self.west), 1, "the best backup: lower latency, same capacity and freshness")
        XCTAssertEqual(dr.router.servingRegion(for: 42), Self.west)
        let m = try XCTUnwrap(dr.measurements.first)
        XCTAssertEqual(m.cause, .failover)
        XCTAssertEqual(m.servingRegion, Self.west)
        // Detected at the 120 s check (≤ one 30 s interval after the outage), served 60 s later.
        XCTAssertEqual(m.rto, .wholeSeconds(85))
        XCTAssertLessThanOrEqual(m.rto, dr.configuration.failover.checkInterval + dr.configuration.trafficSwitchDelay)
        XCTAssertEqual(bench.events("failover.started").map(\.at), [120])
        XCTAssertEqual(bench.events("failover.completed").map(\.at), [180])
        bench.context.metrics.sample(at: bench.runtime.now)
        let snapshot = bench.context.metrics.snapshot()
        XCTAssertEqual(snapshot.series(named: "dr.rto")?.values.last, 85)
        XCTAssertEqual(snapshot.series(named: "region.traffic_share{region=us-west-2}")?.values.last, 1)
    }

    /// Primary shares 10/25/50/75/100 %, each 5 minutes, starting once 10 minutes have passed in
    /// failover; every change reaches the clients 60 s after the decision.
    func testFailbackStepsThroughTheSharesAfterTheMinimumTime() throws {
        let bench = CrossServiceBench()
        let dr = try controller(bench)
        outage(bench, from: 95, to: 400)
        var shares: [Double] = []
        for t in stride(from: 750.0, through: 2_350, by: 300) { bench.at(t) { shares.append(dr.router.share(of: Self.primary)) } }
        try bench.run(until: 2_400)
        // Failover decided at 120 s; failback starts at the first check ≥ 720 s.
        XCTAssertEqual(bench.events("failback.started").map(\.at), [720])
        XCTAssertEqual(shares, [0, 0.1, 0.25, 0.5, 0.75, 1.0])
        XCTAssertEqual(bench.events("failback.step").map(\.at), [780, 1_080, 1_380, 1_680, 1_980])
        XCTAssertEqual(bench.events("failback.completed").map(\.at), [2_220])
        XCTAssertFalse(dr.controller.isFailedOver)
        XCTAssertEqual(dr.measurements.count, 1)
        // The split is sticky: arrivals on the primary at 10 % are still there at 25 %.
        XCTAssertTrue(bench.context.ledger.holds)
    }

    func testFailbackRevertsWhenThePrimaryFailsDuringIt() throws {
        func run(_ variant: FailbackVariant) throws -> (revertedAt: [Double], backAt: Double?, m: DisasterRecoveryMeasurement?) {
            let bench = CrossServiceBench()
            let dr = try controller(bench, variant: variant)
            outage(bench, from: 95, to: 400)
            outage(bench, from: 1_100)  // the primary fails again while it serves 25 %
            var backAt: Double?
            bench.at(1_090) { XCTAssertEqual(dr.router.share(of: Self.primary), 0.25) }
            // Half-second offsets: a check at the same instant as the switch would run before it.
            for t in stride(from: 1_100.5, through: 1_500, by: 1) {
                bench.at(t) { if backAt == nil && dr.router.share(of: Self.west) == 1 { backAt = t } }
            }
            try bench.run(until: 1_500)
            XCTAssertTrue(dr.controller.isFailedOver)
            return (bench.events("failback.reverted").map(\.at), backAt, dr.measurements.last)
        }
        let intended = try run(.intended)
        XCTAssertEqual(intended.revertedAt, [1_110], "the next 30 s check sees the primary down")
        XCTAssertEqual(intended.backAt, 1_170.5)
        XCTAssertEqual(intended.m?.cause, .failbackReverted)
        XCTAssertEqual(intended.m?.rto, .wholeSeconds(70))
        let asWritten = try run(.asWritten)
        XCTAssertEqual(asWritten.revertedAt, [1_320], "as written: only at the end of the 5-minute step")
        XCTAssertEqual(asWritten.backAt, 1_380.5)
    }

    /// Writes every 100 ms replicate with a constant 5 s lag; the outage loses the last 5 s.
    func testRPOEqualsTheReplicationLagAtTheOutage() throws {
        let bench = CrossServiceBench()
        let dr = try controller(bench, lag: try .constant(5))
        var arrival: UInt64 = 0
        bench.context.every(.milliseconds(100), EventKind("test.write"), startingAfter: .milliseconds(50)) {
            arrival += 1
            dr.recordWrite(forArrival: arrival)
        }
        bench.context.at(Instant(nanoseconds: 301_020_000_000), EventKind("test.outage")) {
            bench.context.faults.begin(ActiveFault(kind: .regionOutage, target: Self.primary))
        }
        try bench.run(until: 500)
        let m = try XCTUnwrap(dr.measurements.first)
        XCTAssertEqual(m.rpo, .wholeSeconds(5), "newest lost write 300.95 s, newest replicated 295.95 s")
        XCTAssertEqual(m.lostWrites, 50, "the writes of 296.05 … 300.95 s")
        XCTAssertEqual(m.rto.seconds, 390 - 301.02, accuracy: 1e-9)
        let flow = try XCTUnwrap(bench.flow(DisasterRecoveryController.ledgerService))
        XCTAssertEqual(flow.count("dropped"), 50 + 50, "lost to us-west-2, diverged to eu-west-1")
        XCTAssertTrue(bench.context.ledger.holds)
        let unacknowledged = bench.context.metrics.snapshot().counter(named: "dr.unacknowledged_writes")?.total ?? 0
        XCTAssertEqual(unacknowledged, 890, accuracy: 1, "writes sent to the failed region until the switch at 390 s")
        XCTAssertEqual(dr.router.share(of: Self.west), 1)
    }

    func testAPartitionCutsReplicationWithoutFailoverAndHealsWithoutLoss() throws {
        let bench = CrossServiceBench()
        let dr = try controller(bench, lag: try .constant(1))
        bench.context.every(.milliseconds(100), EventKind("test.write")) { dr.recordWrite(in: Self.primary) }
        let partition = ActiveFault(kind: .networkPartition, target: Self.primary, peer: Self.west)
        bench.at(100) { bench.context.faults.begin(partition) }
        bench.at(160) { bench.context.faults.end(partition) }
        try bench.run(until: 300)
        XCTAssertTrue(dr.measurements.isEmpty, "the checker outside the regions still sees the primary")
        XCTAssertEqual(bench.flow(DisasterRecoveryController.ledgerService)?.count("dropped"), 0)
        XCTAssertTrue(bench.context.ledger.holds)
    }

    func testRouterSplitIsStableAndMatchesTheShares() throws {
        let bench = CrossServiceBench()
        let router = RegionRouter(regions: [Self.primary, Self.west], faults: bench.context.faults)
        router.apply(TrafficSplit([Self.primary: 0.25, Self.west: 0.75]))
        let onPrimaryAt25 = (0..<100_000 as Range<UInt64>).filter { router.regionIndex(for: $0) == 0 }
        XCTAssertEqual(Double(onPrimaryAt25.count) / 100_000, 0.25, accuracy: 0.01)
        router.apply(TrafficSplit([Self.primary: 0.5, Self.west: 0.5]))
        XCTAssertTrue(onPrimaryAt25.allSatisfy { router.regionIndex(for: $0) == 0 }, "raising the primary's share moves no one off it")
    }
}
