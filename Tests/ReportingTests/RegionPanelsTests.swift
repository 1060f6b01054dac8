import SimKernel
import XCTest
@testable import Reporting

/// The report's Regions section: traffic shares, and the requests each region served next to
/// those lost to a region that was down (multi-region runs, seed §9.1).
final class RegionPanelsTests: XCTestCase {
    func context(withServed: Bool) -> ChartContext {
        let times = (1...6).map { Instant(nanoseconds: Int64($0) * 10_000_000_000) }
        var series = [
            TimeSeries(key: metricKey("region.traffic_share", [("region", "us-east-1")]), unit: "fraction", values: [1, 1, 0, 0, 0.5, 1]),
            TimeSeries(key: metricKey("region.traffic_share", [("region", "us-west-2")]), unit: "fraction", values: [0, 0, 1, 1, 0.5, 0]),
        ]
        if withServed {
            series += [
                TimeSeries(key: metricKey("region.requests", [("region", "us-east-1")]) + ".rate", unit: "requests/s", values: [4, 0, 0, 0, 2, 4]),
                TimeSeries(key: metricKey("region.requests", [("region", "us-west-2")]) + ".rate", unit: "requests/s", values: [0, 0, 4, 4, 2, 0]),
                TimeSeries(key: "region.requests_unserved.rate", unit: "requests/s", values: [0, 4, 0, 0, 0, 0]),
            ]
        }
        let events = [NotableEvent(time: times[2], kind: "failover.completed", subject: "us-east-1", detail: "RTO 20 s")]
        let snapshot = MetricsSnapshot(times: times, series: series, counters: [], latencies: [], events: events,
                                       droppedEventCounts: [:], warmUpEnd: .zero)
        let replication = ReplicationResult(index: 0, seed: 1, digest: "0000000000000000", metrics: snapshot, conservation: [])
        return ChartContext(replication: replication, replicated: false)
    }

    func testServedRequestsChartFollowsTheShares() {
        let panels = ChartPanels.regionPanels(context(withServed: true))
        XCTAssertEqual(panels.count, 2)
        let served = panels[1].svg
        XCTAssertTrue(served.contains("Requests served by region"))
        XCTAssertTrue(served.contains("us-west-2"))
        XCTAssertTrue(served.contains("lost (region down)"))
        XCTAssertTrue(served.contains("failover.completed"), "failover markers on the served chart")
    }

    func testWithoutRoutingCountersOnlyTheSharesAreDrawn() {
        let panels = ChartPanels.regionPanels(context(withServed: false))
        XCTAssertEqual(panels.count, 1)
        XCTAssertTrue(panels[0].svg.contains("Traffic share by region"))
    }
}
