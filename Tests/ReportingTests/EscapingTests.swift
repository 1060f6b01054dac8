import XCTest
@testable import Reporting

final class EscapingTests: XCTestCase {
    func testMarkupEscapesTheFiveSpecialCharacters() {
        XCTAssertEqual(Escape.markup("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
    }

    func testMarkupReplacesCharactersXMLForbids() {
        XCTAssertEqual(Escape.markup("a\u{0}b\u{1B}c\td\ne"), "a\u{FFFD}b\u{FFFD}c\td\ne")
        XCTAssertEqual(Escape.markup("ok ✓ µs"), "ok ✓ µs")
    }

    func testMarkdownCellCannotBreakATableOrInjectHTML() {
        XCTAssertEqual(Escape.markdownCell("a|b\nc<script>"), "a\\|b c&lt;script&gt;")
        XCTAssertEqual(Escape.markdownCell("x_y*z"), "x\\_y\\*z")
    }

    func testMarkdownCodeSpanSurvivesBackticks() {
        XCTAssertEqual(Escape.markdownCode("run"), "`run`")
        XCTAssertEqual(Escape.markdownCode("a`b"), "``a`b``")
    }

    func testJSONQuoteEscapesControlsQuotesAndBackslashes() {
        var out = ""
        JSONValue.quote("a\"b\\c\nd\u{1}é", into: &out)
        XCTAssertEqual(out, "\"a\\\"b\\\\c\\nd\\u0001é\"")
    }

    func testJSONNumbersAreDeterministicAndNonFiniteIsNull() {
        XCTAssertEqual(JSONValue.number(text: 3), "3")
        XCTAssertEqual(JSONValue.number(text: 0.1), "0.1")
        XCTAssertEqual(JSONValue.number(text: -2.5), "-2.5")
        XCTAssertEqual(JSONValue.number(text: .nan), "null")
        XCTAssertEqual(JSONValue.number(text: -.infinity), "null")
        XCTAssertEqual(JSONValue.object([("b", .int(1)), ("a", .array([.bool(true), .null]))]).compact(), "{\"b\":1,\"a\":[true,null]}")
    }

    func testHTMLReportEscapesHostileNames() {
        var report = Synthetic.report(samples: 30, name: "<script>alert('x')</script>&co")
        report.replications[0].metrics.series.append(
            TimeSeries(key: "</svg><script>.load", unit: "<b>", values: Array(repeating: 1, count: 30)))
        report.slos[0].name = "p99 < 2 s & \"fast\""
        let html = HTMLReport.render(report)
        XCTAssertFalse(html.contains("<script"))
        XCTAssertFalse(html.contains("</svg><script"))
        XCTAssertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;co"))
        XCTAssertTrue(html.contains("p99 &lt; 2 s &amp; &quot;fast&quot;"))
    }
}

final class NumberFormatTests: XCTestCase {
    func testFixed() {
        XCTAssertEqual(NumberFormat.fixed(1.005, 1), "1.0")
        XCTAssertEqual(NumberFormat.fixed(-1.25, 2), "-1.25")
        XCTAssertEqual(NumberFormat.fixed(-0.04, 1), "0.0")
        XCTAssertEqual(NumberFormat.fixed(12, 0), "12")
        XCTAssertEqual(NumberFormat.fixed(0.5, 3), "0.500")
        XCTAssertEqual(NumberFormat.fixed(.nan, 2), "–")
    }

    func testSignificantAndUnits() {
        XCTAssertEqual(NumberFormat.significant(0.0012345), "0.00123")
        XCTAssertEqual(NumberFormat.significant(12.5), "12.5")
        XCTAssertEqual(NumberFormat.significant(123_456.7), "123,457")
        XCTAssertEqual(NumberFormat.withUnit(0.25, "s"), "250 ms")
        XCTAssertEqual(NumberFormat.withUnit(0.000_012, "s"), "12 µs")
        XCTAssertEqual(NumberFormat.withUnit(7_200, "s"), "2 h")
        XCTAssertEqual(NumberFormat.withUnit(0.99937, "ratio", digits: 4), "99.94 %")
        XCTAssertEqual(NumberFormat.withUnit(3, "req/s"), "3 req/s")
    }

    func testClockAndDuration() {
        XCTAssertEqual(NumberFormat.clock(3_725), "1:02:05")
        XCTAssertEqual(NumberFormat.clock(1.5), "0:00:01.5")
        XCTAssertEqual(NumberFormat.duration(3_590), "59 min 50 s")
        XCTAssertEqual(NumberFormat.duration(7_260), "2 h 1 min")
        XCTAssertEqual(NumberFormat.duration(45), "45 s")
    }

    func testSeriesKeyParsing() {
        let k = SeriesKey("gpu.preemptions{type=T4,zone=a}.rate")
        XCTAssertEqual(k.metric, "gpu.preemptions.rate")
        XCTAssertEqual(k.label("type"), "T4")
        XCTAssertEqual(k.label("zone"), "a")
        XCTAssertEqual(k.shortLabel, "T4 · a")
        XCTAssertEqual(SeriesKey("cost.total").metric, "cost.total")
        XCTAssertTrue(SeriesKey("cost.total").labels.isEmpty)
    }
}
