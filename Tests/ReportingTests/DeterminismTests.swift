import Foundation
import XCTest
@testable import Reporting

final class DeterminismTests: XCTestCase {
    func testRenderingTwiceGivesIdenticalBytes() {
        for make in [{ Synthetic.report() }, { Synthetic.report(replications: 3) }, { Synthetic.report(replications: 2, complete: false) }] {
            let a = ReportWriter.documents(make()), b = ReportWriter.documents(make())
            XCTAssertEqual(a.map(\.name), ["report.html", "summary.md", "summary.json", "junit.xml"])
            for (x, y) in zip(a, b) { XCTAssertEqual(Array(x.text.utf8), Array(y.text.utf8), x.name) }
        }
    }

    func testWallClockNeverReachesDocuments() {
        var a = Synthetic.report(), b = Synthetic.report()
        a.wallClock = [WallClockTiming(label: "total", seconds: 1, text: "2025-01-01T00:00:00Z")]
        b.wallClock = [WallClockTiming(label: "total", seconds: 777, text: "2031-12-31T23:59:59Z")]
        for (x, y) in zip(ReportWriter.documents(a), ReportWriter.documents(b)) { XCTAssertEqual(x.text, y.text, x.name) }
    }

    func testWrittenFilesAreByteIdenticalAndNoTemporariesRemain() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("det-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let one = base.appendingPathComponent("one"), two = base.appendingPathComponent("two")
        try ReportWriter.writeDocuments(Synthetic.report(replications: 2), to: one)
        try ReportWriter.writeDocuments(Synthetic.report(replications: 2), to: two)
        for name in ["report.html", "summary.md", "summary.json", "junit.xml"] {
            XCTAssertEqual(try Data(contentsOf: one.appendingPathComponent(name)), try Data(contentsOf: two.appendingPathComponent(name)), name)
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: one.path)
        XCTAssertFalse(files.contains { $0.hasSuffix(".partial") })
    }
}

final class HTMLReportTests: XCTestCase {
    func testSelfContainedAndComplete() throws {
        let html = HTMLReport.render(Synthetic.report())
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertFalse(html.lowercased().contains("<script"))
        XCTAssertFalse(html.contains("<link"))
        XCTAssertFalse(html.contains("src="))
        XCTAssertFalse(html.contains("@import") || html.contains("url("))
        let external = html.components(separatedBy: "http").dropFirst().filter { !$0.hasPrefix("://www.w3.org/2000/svg") }
        XCTAssertTrue(external.isEmpty, "no network references")
        for id in ["slos", "conservation", "scaling", "queues", "latency", "breakers", "gpus", "ai-streaming", "regions",
                   "losses-cost", "latency-summary", "events", "index", "provenance", "run"] {
            XCTAssertTrue(html.contains("<section id=\"\(id)\">"), id)
        }
        XCTAssertTrue(html.contains("9f3c2a71d04be815"))
        XCTAssertTrue(html.contains("loomsim run Scenarios/regional-failover-peak.yaml --seed 42"))
        XCTAssertTrue(html.contains("<div class=\"verdict fail\">FAIL</div>"))
        XCTAssertTrue(html.contains("failover.started us-east-1"))
        XCTAssertTrue(html.contains("more events not listed"))
        XCTAssertFalse(html.contains("Incomplete run"))
        XCTAssertFalse(html.contains("NaN"))
        let grid = html.components(separatedBy: "<div class=\"grid\">\n")[1].components(separatedBy: "</div>")[0]
        try XMLCheck.assertWellFormed("<root>" + grid + "</root>")
    }

    func testPanelsWithoutDataAreSkipped() {
        var report = Synthetic.report(samples: 30)
        report.replications[0].metrics.series.removeAll {
            $0.key.hasPrefix("gpu.") || $0.key.hasPrefix("breaker.") || $0.key.hasPrefix("region.")
        }
        report.replications[0].metrics.series.append(TimeSeries(key: "gpu.utilization{type=X}", unit: "", values: Array(repeating: .nan, count: 30)))
        let html = HTMLReport.render(report)
        XCTAssertFalse(html.contains("<section id=\"gpus\">"))
        XCTAssertFalse(html.contains("<section id=\"breakers\">"))
        XCTAssertFalse(html.contains("<section id=\"regions\">"))
        XCTAssertTrue(html.contains("<section id=\"scaling\">"))
    }

    func testIncompleteRunShowsWarning() {
        let html = HTMLReport.render(Synthetic.report(replications: 2, complete: false))
        XCTAssertTrue(html.contains("<div class=\"verdict incomplete\">INCOMPLETE</div>"))
        XCTAssertTrue(html.contains("Incomplete run."))
        XCTAssertTrue(html.contains("SIGINT received"))
    }

    func testReplicatedRunShowsIntervals() {
        let html = HTMLReport.render(Synthetic.report(replications: 3))
        XCTAssertTrue(html.contains("95% CI"))
        XCTAssertTrue(html.contains("[1.31 s, 1.49 s]"))
        XCTAssertTrue(html.contains("Charts show replication 1."))
    }

    func testLongRunWithHundredsOfSeriesStaysSmall() {
        let report = Synthetic.report(samples: 3_600, interval: 1, extraSeries: 300)
        let html = HTMLReport.render(report)
        XCTAssertLessThan(html.utf8.count, 3_000_000)
    }

    func testEmptyReportStillRenders() {
        let report = RunReport(scenario: "empty", seed: 1, digest: "0000000000000000", replications: [])
        let html = HTMLReport.render(report)
        XCTAssertTrue(html.contains("INCOMPLETE"))
        XCTAssertFalse(SummaryJSON.render(report).isEmpty)
        XCTAssertFalse(MarkdownSummary.render(report).isEmpty)
    }
}
