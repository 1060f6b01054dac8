/// One line of a `LineChart`.
struct ChartSeries {
    /// Which value axis a series is read against.
    enum Axis { case left, right }
    /// How the line is drawn: straight segments between samples, or steps (for counts such as
    /// replicas that change at an instant and hold).
    enum Shape { case line, step }

    var label: String
    var values: [Double]
    var color: String
    var axis: Axis = .left
    var shape: Shape = .line
    var style: LegendStyle = .line
    var width: Double = 1.8
}

/// A multi-series line chart over simulated time with one or two value axes, NaN gaps,
/// min/max downsampling, a shaded warm-up and event markers. Pure: values in, SVG text out.
struct LineChart {
    var title: String
    var times: [Double]
    var series: [ChartSeries]
    var leftFormat: ValueFormat = .plain("")
    var rightFormat: ValueFormat = .plain("")
    var leftTitle: String? = nil
    var rightTitle: String? = nil
    var leftInteger = false
    var rightInteger = false
    var leftFixedMax: Double? = nil
    var rightFixedMax: Double? = nil
    var markers: [ChartMarker] = []
    var warmUpEnd: Double? = nil
    var width = 600.0
    var height = 280.0

    func render() -> String {
        let hasRight = series.contains { $0.axis == .right }
        let legend = series.map {
            LegendItem(label: $0.label + (hasRight && $0.axis == .right ? " (right)" : ""), color: $0.color, style: $0.style)
        }
        let chrome = ChartChrome(title: title, width: width, height: height, legend: legend,
                                 rightGutter: hasRight ? 62 : 18, markerLane: !markers.isEmpty)
        let time = TimeAxis(lo: times.first ?? 0, hi: times.last ?? 1, maxTicks: max(4, Int(chrome.plotWidth / 70)))
        let left = ValueAxis(values: series.filter { $0.axis == .left }.flatMap(\.values), format: leftFormat,
                             integer: leftInteger, fixedMax: leftFixedMax)
        let right = hasRight
            ? ValueAxis(values: series.filter { $0.axis == .right }.flatMap(\.values), format: rightFormat,
                        integer: rightInteger, fixedMax: rightFixedMax)
            : nil
        var svg = SVGWriter(width: width, height: height, title: title)
        chrome.drawFrame(&svg, time: time, left: left, right: right, leftTitle: leftTitle, rightTitle: rightTitle)
        if let w = warmUpEnd, w > 0 { chrome.drawWarmUp(&svg, time: time, end: w) }
        let buckets = max(1, Int(chrome.plotWidth / 2))
        for s in series {
            let axis = s.axis == .right ? right! : left
            let runs = Downsampler.segments(times: times, values: s.values, lo: time.lo, hi: time.hi, buckets: buckets)
            let d = LineChart.pathData(runs, shape: s.shape) { p in
                (time.x(p.t, left: chrome.plotLeft, right: chrome.plotRight),
                 axis.y(p.v, top: chrome.plotTop, bottom: chrome.plotBottom))
            }
            guard !d.isEmpty else { continue }
            svg.path(d, cls: "ln", stroke: s.color, dash: s.style.dash, strokeWidth: s.width,
                     tooltip: s.label + LineChart.rangeNote(s.values))
        }
        chrome.drawMarkers(&svg, time: time, markers: markers)
        return svg.finished()
    }

    /// SVG path data for runs of points: `M x y L x y x y…` (or `H`/`V` steps); a run of one point
    /// becomes a dot (a zero-length segment drawn with round caps).
    static func pathData(_ runs: [[Downsampler.Point]], shape: ChartSeries.Shape,
                         project: (Downsampler.Point) -> (Double, Double)) -> String {
        var d = ""
        for run in runs where !run.isEmpty {
            let (x0, y0) = project(run[0])
            d += "M\(SVGWriter.n(x0)) \(SVGWriter.n(y0))"
            if run.count == 1 { d += "h0.1"; continue }
            switch shape {
            case .line:
                d += "L"
                for (i, p) in run.dropFirst().enumerated() {
                    let (x, y) = project(p)
                    d += (i == 0 ? "" : " ") + "\(SVGWriter.n(x)) \(SVGWriter.n(y))"
                }
            case .step:
                var lastY = y0
                for p in run.dropFirst() {
                    let (x, y) = project(p)
                    d += "H\(SVGWriter.n(x))"
                    if SVGWriter.n(y) != SVGWriter.n(lastY) { d += "V\(SVGWriter.n(y))" }
                    lastY = y
                }
            }
        }
        return d
    }

    /// " (min … – max …)" for a tooltip.
    static func rangeNote(_ values: [Double]) -> String {
        let finite = values.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max() else { return " (no data)" }
        return ": min \(NumberFormat.significant(lo)), max \(NumberFormat.significant(hi))"
    }
}
