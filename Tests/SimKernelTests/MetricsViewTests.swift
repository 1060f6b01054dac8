import XCTest
@testable import SimKernel

/// Labelled metric views and ledger id spaces: how a second copy of a model (a backup region's
/// services) measures into the same run without colliding with the first.
final class MetricsViewTests: XCTestCase {
    func testALabelledViewRegistersLabelledKeysIntoTheSameMeasurements() {
        let root = MetricsRecorder()
        let west = root.labelled([("region", "us-west-2")])
        var a = 1.0, b = 2.0
        root.registerGauge("recording.active_sessions", unit: "sessions") { a }
        west.registerGauge("recording.active_sessions", unit: "sessions") { b }
        // An existing label set is merged and sorted; a label the key already has is kept.
        west.registerGauge(metricKey("ai-ml.replicas", [("region", "us-west-2")]), unit: "workers") { 3 }
        west.registerGauge(metricKey("video.queue_depth", [("priority", "high")]), unit: "jobs") { 4 }
        let rootCounter = root.registerCounter("jobs", unit: "jobs")
        let westCounter = west.registerCounter("jobs", unit: "jobs")
        root.add(rootCounter, 5)
        west.add(westCounter, 7)
        west.sample(at: .zero + .wholeSeconds(10))
        a = 10; b = 20
        root.sample(at: .zero + .wholeSeconds(20))

        let s = root.snapshot()
        XCTAssertEqual(s.times.count, 2)
        XCTAssertEqual(s.series(named: "recording.active_sessions")?.values, [1, 10])
        XCTAssertEqual(s.series(named: "recording.active_sessions{region=us-west-2}")?.values, [2, 20])
        XCTAssertEqual(s.series(named: "ai-ml.replicas{region=us-west-2}")?.values, [3, 3])
        XCTAssertEqual(s.series(named: "video.queue_depth{priority=high,region=us-west-2}")?.values, [4, 4])
        XCTAssertEqual(s.counter(named: "jobs")?.total, 5)
        XCTAssertEqual(s.counter(named: "jobs{region=us-west-2}")?.total, 7)
        XCTAssertEqual(west.snapshot().counters.map(\.key), s.counters.map(\.key))
    }

    func testALedgerIdSpaceKeepsIdsApartAndCountsIntoTheSameFlow() {
        let ledger = ConservationLedger()
        let west = ledger.idSpace("us-west-2")
        ledger.admit("video-processing", id: 1, at: .zero)
        west.admit("video-processing", id: 1, at: .zero)
        XCTAssertEqual(ledger.violations, [])
        XCTAssertTrue(west.isInFlight("video-processing", id: 1))
        west.finish("video-processing", id: 1, .completed, at: .zero)
        XCTAssertTrue(ledger.isInFlight("video-processing", id: 1), "the root's unit 1 is another unit")
        XCTAssertFalse(west.isInFlight("video-processing", id: 1))
        west.finish("video-processing", id: 1, .completed, at: .zero)
        XCTAssertEqual(ledger.violations.count, 1, "finishing the region's unit twice is still caught")
        let flow = ledger.snapshot.first { $0.service == "video-processing" }
        XCTAssertEqual(flow?.entered, 2)
        XCTAssertEqual(flow?.inFlight, 1)
        XCTAssertEqual(west.snapshot, ledger.snapshot)
    }
}
