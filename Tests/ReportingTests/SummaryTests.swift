import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import Reporting

final class SummaryJSONTests: XCTestCase {
    func object(_ report: RunReport) throws -> [String: Any] {
        let data = Data(SummaryJSON.render(report).utf8)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testRequiredFieldsAndValues() throws {
        let report = Synthetic.report()
        let json = try object(report)
        XCTAssertEqual(json["scenario"] as? String, "regional-failover-peak")
        XCTAssertEqual((json["seed"] as? NSNumber)?.uint64Value, 42)
        XCTAssertEqual(json["digest"] as? String, "9f3c2a71d04be815")
        XCTAssertEqual(json["complete"] as? Bool, true)
        XCTAssertEqual(json["verdict"] as? String, "fail")
        let slos = try XCTUnwrap(json["slos"] as? [[String: Any]])
        XCTAssertEqual(slos.count, 5)
        XCTAssertEqual(slos[1]["name"] as? String, "transcode p95 under 90 s")
        XCTAssertEqual(slos[1]["threshold"] as? String, "<= 90 s")
        XCTAssertEqual(slos[1]["value"] as? Double, 112.5)
        XCTAssertEqual(slos[1]["passed"] as? Bool, false)
        XCTAssertNil(slos[0]["ci_low"], "no CI fields on a single run")
        let conservation = try XCTUnwrap(json["conservation"] as? [String: [String: Any]])
        XCTAssertEqual(conservation.count, 6)
        let vp = try XCTUnwrap(conservation["video-processing"])
        XCTAssertEqual(vp["entered"] as? Int, 200_000)
        XCTAssertEqual(vp["completed"] as? Int, 198_999)
        XCTAssertEqual(vp["in_flight"] as? Int, 1)
        XCTAssertEqual(vp["balanced"] as? Bool, true)
        let reps = try XCTUnwrap(json["replications"] as? [[String: Any]])
        XCTAssertEqual(reps.count, 1)
        XCTAssertEqual(reps[0]["digest"] as? String, report.replications[0].digest)
        let latencies = try XCTUnwrap(reps[0]["latencies"] as? [String: [String: Any]])
        XCTAssertTrue(latencies["empty.latency"]?["p99"] is NSNull, "NaN is written as null")
    }

    func testKeysKeepTheirOrderAndHoldNoWallClock() {
        let text = SummaryJSON.render(Synthetic.report())
        let order = ["\"format\"", "\"scenario\"", "\"seed\"", "\"digest\"", "\"verdict\"", "\"complete\"", "\"slos\"",
                     "\"conservation\"", "\"replications\""]
        let positions = order.map { text.range(of: $0)!.lowerBound }
        XCTAssertEqual(positions, positions.sorted())
        XCTAssertFalse(text.contains("12.5,") && text.contains("\"total\""), "wall-clock timings stay out")
        XCTAssertFalse(text.contains("2025-01-01"))
    }

    func testReplicatedRunHasCIFields() throws {
        let json = try object(Synthetic.report(replications: 3))
        let slos = try XCTUnwrap(json["slos"] as? [[String: Any]])
        XCTAssertEqual(slos[0]["ci_low"] as? Double, 1.31)
        XCTAssertEqual(slos[0]["ci_high"] as? Double, 1.49)
        XCTAssertEqual(slos[0]["mean"] as? Double, 1.40)
        XCTAssertTrue(slos[2]["ci_low"] is NSNull)
        XCTAssertEqual((json["replications"] as? [Any])?.count, 3)
        let conservation = try XCTUnwrap(json["conservation"] as? [String: [String: Any]])
        XCTAssertEqual(conservation["recording"]?["entered"] as? Int, 300_000, "summed over replications")
    }

    func testInterruptedRunIsIncomplete() throws {
        let json = try object(Synthetic.report(replications: 2, complete: false))
        XCTAssertEqual(json["complete"] as? Bool, false)
        XCTAssertEqual(json["verdict"] as? String, "incomplete")
        XCTAssertEqual(json["interruption"] as? String, "SIGINT received")
    }
}

final class JUnitTests: XCTestCase {
    func testOneTestcasePerSLOPlusConservationAndCompletion() throws {
        let report = Synthetic.report()
        let doc = try XMLCheck.parse(JUnitReport.render(report))
        let cases = try doc.nodes(forXPath: "//testcase").compactMap { $0 as? XMLElement }
        XCTAssertEqual(cases.count, report.slos.count + 2)
        XCTAssertEqual(Set(cases.compactMap { $0.attribute(forName: "classname")?.stringValue }), [report.scenario])
        XCTAssertEqual(cases.map { $0.attribute(forName: "name")?.stringValue ?? "" },
                       report.slos.map(\.name) + ["conservation: nothing lost", "run completed"])
        let failures = try doc.nodes(forXPath: "//failure").compactMap { $0 as? XMLElement }
        XCTAssertEqual(failures.count, 1)
        let message = failures[0].attribute(forName: "message")?.stringValue ?? ""
        XCTAssertTrue(message.contains("112.5 s"), message)
        XCTAssertTrue(message.contains("<= 90 s"), message)
        let suite = try XCTUnwrap(try doc.nodes(forXPath: "//testsuite").first as? XMLElement)
        XCTAssertEqual(suite.attribute(forName: "failures")?.stringValue, "1")
        XCTAssertEqual(suite.attribute(forName: "tests")?.stringValue, "7")
    }

    func testHostileNamesStayValidXMLAndFailuresAreReported() throws {
        var report = Synthetic.report(samples: 20, complete: false, name: "a<b>&\"c\"\u{1}")
        report.slos[0] = SLOResult(name: "]]> <x/>", metric: "m&m", threshold: "< 1 & > 0", value: .nan, passed: false)
        report.replications[0].conservationViolations = ["12s: svc: unit 7 finished twice <oops>"]
        let xml = JUnitReport.render(report)
        let doc = try XMLCheck.parse(xml)
        let cases = try doc.nodes(forXPath: "//testcase").compactMap { $0 as? XMLElement }
        XCTAssertEqual(cases.first?.attribute(forName: "name")?.stringValue, "]]> <x/>")
        XCTAssertEqual(cases.first?.attribute(forName: "classname")?.stringValue, "a<b>&\"c\"\u{FFFD}")
        XCTAssertEqual(try doc.nodes(forXPath: "//failure").count, 4, "SLO 0, SLO 1, conservation, completion")
    }
}

final class MarkdownTests: XCTestCase {
    func testEssentialsArePresent() {
        let md = MarkdownSummary.render(Synthetic.report(replications: 3))
        XCTAssertTrue(md.hasPrefix("# regional-failover-peak: FAIL\n"))
        XCTAssertTrue(md.contains("| Seed | 42 |"))
        XCTAssertTrue(md.contains("`9f3c2a71d04be815`"))
        XCTAssertTrue(md.contains("❌ FAIL | transcode p95 under 90 s"))
        XCTAssertTrue(md.contains("95% CI"))
        XCTAssertTrue(md.contains("| video-processing | 600000 | 596997 |"))
        XCTAssertTrue(md.contains("## Top latencies (replication 1)"))
        let latencyRows = md.components(separatedBy: "## Top latencies")[1].split(separator: "\n").filter { $0.hasPrefix("| `") }
        XCTAssertEqual(latencyRows.first.map(String.init)?.contains("user-management"), true, "highest p99 first")
    }

    func testIncompleteWarning() {
        let md = MarkdownSummary.render(Synthetic.report(replications: 2, complete: false))
        XCTAssertTrue(md.hasPrefix("# regional-failover-peak: INCOMPLETE"))
        XCTAssertTrue(md.contains("**Warning: incomplete run.**"))
    }
}
