import XCTest
@testable import Reporting

final class ChartTests: XCTestCase {
    func testNaNSplitsALineIntoSeparateRuns() {
        let runs = Downsampler.segments(times: [0, 1, 2, 3, 4, 5], values: [1, 2, .nan, .nan, 3, 4], lo: 0, hi: 5, buckets: 100)
        XCTAssertEqual(runs.count, 2)
        XCTAssertEqual(runs[0].map(\.v), [1, 2])
        XCTAssertEqual(runs[1].map(\.v), [3, 4])
    }

    func testLineChartPathHasOneMovePerRun() {
        let chart = LineChart(title: "t", times: [0, 10, 20, 30, 40], series: [
            ChartSeries(label: "s", values: [1, 2, .nan, 4, 5], color: "#000000"),
        ])
        let svg = chart.render()
        let path = try! XCTUnwrap(svg.components(separatedBy: "<path class=\"ln\" d=\"").dropFirst()
            .map { String($0.prefix { $0 != "\"" }) }.first { $0.contains("L") })
        XCTAssertEqual(path.filter { $0 == "M" }.count, 2)
    }

    func testDownsamplingKeepsExtremesAndBoundsPoints() {
        let n = 10_000
        let times = (0..<n).map(Double.init)
        var values = times.map { sin($0 / 50) }
        values[4_321] = 50
        values[7_777] = -40
        let runs = Downsampler.segments(times: times, values: values, lo: 0, hi: Double(n - 1), buckets: 200)
        let points = runs.flatMap { $0 }
        XCTAssertLessThanOrEqual(points.count, 400)
        XCTAssertTrue(points.contains { $0.v == 50 && $0.t == 4_321 })
        XCTAssertTrue(points.contains { $0.v == -40 && $0.t == 7_777 })
        XCTAssertEqual(points.map(\.t), points.map(\.t).sorted(), "points stay in time order")
        XCTAssertEqual(runs, Downsampler.segments(times: times, values: values, lo: 0, hi: Double(n - 1), buckets: 200))
    }

    func testStateRunsMergeEqualStatesAndKeepShortOpenings() {
        let runs = Downsampler.stateRuns(times: [0, 1, 2, 3, 4], values: [0, 0, 2, 2, .nan], lo: 0, hi: 5, buckets: 100)
        XCTAssertEqual(runs.count, 3)
        XCTAssertEqual(runs[0].state, 0)
        XCTAssertEqual(runs[1].state, 2)
        XCTAssertEqual(runs[1].start, 2)
        XCTAssertEqual(runs[1].end, 4)
        XCTAssertNil(runs[2].state)
        var long = [Double](repeating: 0, count: 10_000)
        long[5_000] = 2
        let reduced = Downsampler.stateRuns(times: (0..<10_000).map(Double.init), values: long, lo: 0, hi: 9_999, buckets: 100)
        XCTAssertTrue(reduced.contains { $0.state == 2 }, "a one-sample opening survives downsampling")
        XCTAssertLessThanOrEqual(reduced.count, 3)
    }

    func testValueAxisTicksAreRoundAndCoverTheData() {
        let axis = ValueAxis(values: [0.3, 7.2], format: .plain("req/s"))
        XCTAssertEqual(axis.lo, 0)
        XCTAssertGreaterThanOrEqual(axis.hi, 7.2)
        XCTAssertEqual(axis.ticks.map(\.label), ["0", "2", "4", "6", "8"])
        let ms = ValueAxis(values: [0.012, 0.25], format: .seconds)
        XCTAssertEqual(ms.unit, "ms")
        XCTAssertTrue(ms.ticks.map(\.label).contains("250"))
        let k = ValueAxis(values: [0, 45_000], format: .plain("req/s"))
        XCTAssertEqual(k.unit, "kreq/s")
    }

    func testTimeAxisPicksUnitsBySpan() {
        XCTAssertEqual(TimeAxis(lo: 0, hi: 120).unit, "s")
        let minutes = TimeAxis(lo: 0, hi: 3_600)
        XCTAssertEqual(minutes.unit, "min")
        XCTAssertEqual(minutes.ticks.first?.label, "0")
        XCTAssertTrue(minutes.ticks.map(\.label).contains("30"))
        XCTAssertEqual(TimeAxis(lo: 0, hi: 86_400).unit, "h")
    }

    func testChartsEscapeLabelsAndStayWellFormed() throws {
        let svgs = [
            LineChart(title: "a<b", times: [0, 1], series: [ChartSeries(label: "x&y", values: [1, 2], color: "#000000")]).render(),
            StackedAreaChart(title: "share", times: [0, 1, 2], layers: [.init(label: "<eu>", values: [0.5, 0.5, .nan], color: "#0072B2")],
                             markers: [ChartMarker(time: 1, label: "failover.started \"x\"")]).render(),
            StateBandChart(title: "breakers", times: [0, 1, 2], rows: [.init(label: "a'b", values: [0, 2, 1])],
                           states: Palette.breakerStates.map { .init(value: $0.value, label: $0.label, color: $0.color) }).render(),
            BarChart(title: "drops", bars: [.init(label: "queue<full>", value: 3, color: "#D55E00")]).render(),
        ]
        for svg in svgs {
            XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
            XCTAssertTrue(svg.hasSuffix("</svg>"))
            XCTAssertFalse(svg.contains("NaN"))
            XCTAssertFalse(svg.contains("<eu>") || svg.contains("x&y") || svg.contains("queue<full>"))
            try XMLCheck.assertWellFormed(svg)
        }
    }

    func testBarChartOrdersNothingItselfAndPrintsValues() {
        let svg = BarChart(title: "t", bars: [.init(label: "a", value: 1_204, color: "#000"), .init(label: "b", value: 9, color: "#000")]).render()
        XCTAssertTrue(svg.contains(">1,204<"))
        XCTAssertLessThan(svg.range(of: ">a<")!.lowerBound, svg.range(of: ">b<")!.lowerBound)
    }
}
