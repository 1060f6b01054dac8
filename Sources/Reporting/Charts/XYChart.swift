/// A chart of one series against a numeric x that is not time — a capacity curve's cost (or a
/// variable's value) per load multiplier: a line through the points with a dot and an optional
/// label at each, a gap and a cross on the x axis where a point has no value (infeasible), and
/// a ring around one highlighted x (the recommendation). Ticks sit at the data's x values, so
/// every load is labelled. Pure: values in, SVG text out.
struct XYChart {
    var title: String
    var xs: [Double]
    /// nil: no value at that x (drawn as a cross on the axis).
    var ys: [Double?]
    var color: String
    var xLabel: (Double) -> String
    var xTitle: String
    var yFormat: ValueFormat = .plain("")
    var yTitle: String? = nil
    var yInteger = false
    /// Printed above each dot (nil entries: none).
    var labels: [String?] = []
    /// Tooltip of each point.
    var tooltips: [String] = []
    var legend: [LegendItem] = []
    var highlightX: Double? = nil
    var width = 600.0
    var height = 280.0

    func render() -> String {
        let chrome = ChartChrome(title: title, width: width, height: height, legend: legend, leftGutter: 62, rightGutter: 24,
                                 bottomGutter: 44)
        let finite = ys.compactMap { $0 }.filter(\.isFinite)
        // Headroom above the highest point for its label (and the ring).
        let y = ValueAxis(values: finite + [(finite.max() ?? 0) * 1.12], format: yFormat, integer: yInteger, target: 4)
        let xMax = xs.filter(\.isFinite).max() ?? 1
        let xHi = xMax > 0 ? xMax * 1.08 : 1
        func px(_ v: Double) -> Double { chrome.plotLeft + v / xHi * chrome.plotWidth }
        func py(_ v: Double) -> Double { y.y(v, top: chrome.plotTop, bottom: chrome.plotBottom) }
        var svg = SVGWriter(width: width, height: height, title: title)
        chrome.drawFrame(&svg, time: nil, left: y, leftTitle: yTitle)
        for x in xs where x.isFinite {
            svg.line(px(x), chrome.plotBottom, px(x), chrome.plotBottom + 4, cls: "axis")
            svg.text(xLabel(x), x: px(x), y: chrome.plotBottom + 17, cls: "tick", anchor: "middle")
        }
        svg.text(xTitle, x: (chrome.plotLeft + chrome.plotRight) / 2, y: height - 8, cls: "axt", anchor: "middle")
        // The line, broken where a point has no value.
        var runs: [[(Double, Double)]] = [[]]
        for (x, v) in zip(xs, ys) {
            if let v, v.isFinite, x.isFinite { runs[runs.count - 1].append((px(x), py(v))) } else if !runs[runs.count - 1].isEmpty { runs.append([]) }
        }
        let d = runs.filter { $0.count > 1 }.map { run in
            "M" + run.map { "\(SVGWriter.n($0.0)) \(SVGWriter.n($0.1))" }.joined(separator: "L")
        }.joined()
        if !d.isEmpty { svg.path(d, cls: "ln", stroke: color, strokeWidth: 2) }
        for (i, (x, v)) in zip(xs, ys).enumerated() where x.isFinite {
            let tip = i < tooltips.count ? tooltips[i] : nil
            if let v, v.isFinite {
                if let h = highlightX, h == x {
                    svg.raw("<circle cx=\"\(SVGWriter.n(px(x)))\" cy=\"\(SVGWriter.n(py(v)))\" r=\"9\" fill=\"none\" stroke=\"#1c2330\" stroke-width=\"2\"/>")
                }
                svg.raw("<circle cx=\"\(SVGWriter.n(px(x)))\" cy=\"\(SVGWriter.n(py(v)))\" r=\"4\" fill=\"\(Escape.markup(color))\">")
                svg.raw(tip.map { "<title>\(Escape.markup($0))</title>" } ?? "")
                svg.raw("</circle>")
                if i < labels.count, let label = labels[i] {
                    svg.text(label, x: px(x), y: py(v) - (highlightX == x ? 13 : 9), cls: "val", anchor: "middle")
                }
            } else {
                let cx = px(x), cy = chrome.plotBottom - 9
                svg.raw("<g class=\"miss\">" + (tip.map { "<title>\(Escape.markup($0))</title>" } ?? ""))
                svg.path("M\(SVGWriter.n(cx - 5)) \(SVGWriter.n(cy - 5))l10 10M\(SVGWriter.n(cx + 5)) \(SVGWriter.n(cy - 5))l-10 10",
                         cls: "ln", stroke: Palette.fail, strokeWidth: 2.5)
                svg.text("infeasible", x: cx, y: cy - 10, cls: "note", anchor: "middle")
                svg.raw("</g>")
            }
        }
        return svg.finished()
    }
}
