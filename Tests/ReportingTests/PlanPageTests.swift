import XCTest
@testable import Reporting

/// plan.html from a hand-made plan: every text escaped, the recommendation, the curve with its
/// infeasible load, the frontier sorted by cost with the recommendation highlighted, and the
/// same bytes on every rendering.
final class PlanPageTests: XCTestCase {
    static func page(scenario: String = "gpu <plan> & \"co\"") -> PlanPage {
        let variables = ["topology.gpus.rtx-3060", "topology.gpus.<b>x</b>"]
        let rec = PlanPage.Recommendation(
            values: ["4", "2"], dollarsPerHour: 6.25, dollarsPerRun: 1.5625,
            slos: [PlanPage.SLOMargin(name: "wait <script>alert(1)</script>", bound: "upper95", valueText: "26.06s",
                                      thresholdText: "< 2m", marginText: "+1m34s", relativeMargin: 0.78, passed: true)],
            nothingLost: true, bill: [PlanPage.BillLine(name: "gpu.rtx-3060@us-east-1", quantity: 4, unitPrice: 0.2, dollarsPerHour: 0.8)],
            digest: "abc123")
        let a = PlanPage.Configuration(values: ["4", "2"], feasible: true, dollarsPerHour: 6.25)
        let b = PlanPage.Configuration(values: ["2", "2"], feasible: false, dollarsPerHour: 5.75)
        let c = PlanPage.Configuration(values: ["8", "2"], feasible: true, dollarsPerHour: 7.05)
        return PlanPage(
            scenario: scenario, variables: variables, directions: ["moreIsBetter", "moreIsBetter"], bound: "ci95", replications: 3,
            evaluations: 12, boxSize: 20, recommendation: rec,
            curve: [PlanPage.CurvePoint(load: 0.5, best: b, evaluated: 3, inferred: 2, truncated: false),
                    PlanPage.CurvePoint(load: 1, best: a, evaluated: 5, inferred: 4, truncated: false),
                    PlanPage.CurvePoint(load: 2, best: nil, evaluated: 1, inferred: 0, truncated: false)],
            frontier: [c, b, a], neighbourCheck: PlanPage.NeighbourCheck(searched: ["4", "2"], neighbours: [b, c], moves: 0),
            inversions: [PlanPage.Inversion(load: 1, feasible: ["2", "1"], infeasible: ["2", "2"])], inversionCount: 11,
            inversionLimit: 10, rerunCommand: "loomsim plan 'a<b>.yaml'")
    }

    func testThePageEscapesTextAndShowsTheRecommendationCurveAndFrontier() throws {
        let html = Self.page().html
        XCTAssertFalse(html.contains("<script>"), "unescaped SLO name")
        XCTAssertFalse(html.contains("<b>x</b>"), "unescaped variable key")
        XCTAssertTrue(html.contains("wait &lt;script&gt;alert(1)&lt;/script&gt;"))
        XCTAssertTrue(html.contains("<h1>gpu &lt;plan&gt; &amp; &quot;co&quot;</h1>"))
        XCTAssertTrue(html.contains("loomsim plan &#39;a&lt;b&gt;.yaml&#39;"))
        XCTAssertTrue(html.contains("Cost: $6.25/hour, $1.56 for the run."), "recommendation's cost")
        XCTAssertTrue(html.contains("+1m34s (+78%)"), "SLO margin with its relative margin")
        // The curve: three loads on the x axis, a cross for the infeasible 2× and its table row.
        for load in ["0.5×", "1×", "2×"] { XCTAssertTrue(html.contains(">\(load)</text>"), load) }
        XCTAssertTrue(html.contains("2×: no configuration within the ranges meets every SLO"))
        XCTAssertTrue(html.contains("<span class=\"badge fail\">infeasible</span>"))
        // The frontier: sorted by cost (the failing $5.75 first), the recommendation starred, colours apart.
        let cheap = try XCTUnwrap(html.range(of: "rtx-3060=2, &lt;b&gt;x&lt;/b&gt;=2: 5.75"))
        let best = try XCTUnwrap(html.range(of: "★ rtx-3060=4, &lt;b&gt;x&lt;/b&gt;=2: 6.25"))
        let dear = try XCTUnwrap(html.range(of: "rtx-3060=8, &lt;b&gt;x&lt;/b&gt;=2: 7.05"))
        XCTAssertLessThan(cheap.lowerBound, best.lowerBound)
        XCTAssertLessThan(best.lowerBound, dear.lowerBound)
        XCTAssertTrue(html.contains("fill=\"\(PlanPage.infeasibleColor)\"><title>rtx-3060=2"))
        XCTAssertTrue(html.contains("fill=\"\(PlanPage.recommendedColor)\"><title>★ rtx-3060=4"))
        // Checks: the neighbour table and the inversion list with the count of the rest.
        XCTAssertTrue(html.contains("<code>rtx-3060=2, &lt;b&gt;x&lt;/b&gt;=1</code> meets every SLO but"))
        XCTAssertTrue(html.contains("… 10 more (at most 10 listed per load)"))
        // Deterministic, and the SVG charts are well-formed XML.
        XCTAssertEqual(html, Self.page().html)
        for svg in html.components(separatedBy: "<svg ").dropFirst() {
            try XMLCheck.assertWellFormed("<svg " + svg.components(separatedBy: "</svg>")[0] + "</svg>")
        }
    }

    func testAPlanWithoutARecommendationSaysSo() {
        var page = Self.page()
        page.recommendation = nil
        page.neighbourCheck = nil
        page.curve = page.curve.map { var c = $0; c.best = nil; return c }
        let html = page.html
        XCTAssertTrue(html.contains("NO FEASIBLE CONFIGURATION"))
        XCTAssertFalse(html.contains("id=\"recommended\""))
        XCTAssertFalse(html.contains("★"))
        XCTAssertEqual(html.components(separatedBy: "<span class=\"badge fail\">infeasible</span>").count - 1, 3)
    }
}
