/// The parts every time chart shares: title, legend, plot area, grid, axes with ticks and unit
/// titles, a shaded warm-up and vertical event markers. Charts compute a `ChartChrome`, draw
/// the frame, then their data inside `plotLeft…plotRight × plotTop…plotBottom`.
struct ChartChrome {
    let title: String
    let width: Double
    let height: Double
    let plotLeft: Double
    let plotRight: Double
    let plotTop: Double
    let plotBottom: Double
    private let legendRows: [[(item: LegendItem, x: Double)]]
    private let legendTop: Double

    static let titleHeight = 26.0
    static let legendRowHeight = 18.0

    /// Height of the strip above the plot that holds marker labels (two rows).
    static let markerLaneHeight = 28.0
    private let markerLane: Bool

    init(title: String, width: Double, height: Double, legend: [LegendItem],
         leftGutter: Double = 62, rightGutter: Double = 18, bottomGutter: Double = 44, markerLane: Bool = false) {
        self.markerLane = markerLane
        self.title = title
        self.width = width
        self.height = height
        plotLeft = leftGutter
        plotRight = width - rightGutter
        legendTop = ChartChrome.titleHeight + 4
        legendRows = ChartChrome.layoutLegend(legend, from: leftGutter, to: width - rightGutter)
        plotTop = legendTop + Double(legendRows.count) * ChartChrome.legendRowHeight + (legendRows.isEmpty ? 6 : 10)
            + (markerLane ? ChartChrome.markerLaneHeight : 0)
        plotBottom = height - bottomGutter
    }

    var plotWidth: Double { plotRight - plotLeft }
    var plotHeight: Double { plotBottom - plotTop }

    static func layoutLegend(_ items: [LegendItem], from left: Double, to right: Double) -> [[(item: LegendItem, x: Double)]] {
        var rows: [[(item: LegendItem, x: Double)]] = []
        var row: [(item: LegendItem, x: Double)] = []
        var x = left
        for item in items {
            let w = 26 + TextMetrics.width(item.label) + 16
            if !row.isEmpty && x + w > right {
                rows.append(row)
                row = []
                x = left
            }
            row.append((item, x))
            x += w
        }
        if !row.isEmpty { rows.append(row) }
        return rows
    }

    /// Title, legend, grid lines, axis ticks and axis titles.
    func drawFrame(_ svg: inout SVGWriter, time: TimeAxis?, left: ValueAxis?, right: ValueAxis? = nil,
                   leftTitle: String? = nil, rightTitle: String? = nil) {
        svg.text(title, x: 8, y: 18, cls: "ttl")
        drawLegend(&svg)
        svg.rect(plotLeft, plotTop, plotWidth, plotHeight, cls: "plot")
        if let axis = left {
            for tick in axis.ticks {
                let y = axis.y(tick.value, top: plotTop, bottom: plotBottom)
                svg.line(plotLeft, y, plotRight, y, cls: "grid")
                svg.text(tick.label, x: plotLeft - 6, y: y + 4, cls: "tick", anchor: "end")
            }
            let t = leftTitle ?? axis.unit
            if !t.isEmpty { svg.text(t, x: 14, y: (plotTop + plotBottom) / 2, cls: "axt", anchor: "middle", rotate: -90) }
        }
        if let axis = right {
            for tick in axis.ticks {
                let y = axis.y(tick.value, top: plotTop, bottom: plotBottom)
                svg.line(plotRight, y, plotRight + 4, y, cls: "axis")
                svg.text(tick.label, x: plotRight + 7, y: y + 4, cls: "tick", anchor: "start")
            }
            let t = rightTitle ?? axis.unit
            if !t.isEmpty { svg.text(t, x: width - 10, y: (plotTop + plotBottom) / 2, cls: "axt", anchor: "middle", rotate: 90) }
            svg.line(plotRight, plotTop, plotRight, plotBottom, cls: "axis")
        }
        if let time = time {
            for tick in time.ticks {
                let x = time.x(tick.value, left: plotLeft, right: plotRight)
                svg.line(x, plotBottom, x, plotBottom + 4, cls: "axis")
                svg.text(tick.label, x: x, y: plotBottom + 17, cls: "tick", anchor: "middle")
            }
            svg.text("simulated time (\(time.unit))", x: (plotLeft + plotRight) / 2, y: height - 8, cls: "axt", anchor: "middle")
        }
        svg.line(plotLeft, plotBottom, plotRight, plotBottom, cls: "axis")
        svg.line(plotLeft, plotTop, plotLeft, plotBottom, cls: "axis")
    }

    /// The legend rows under the title.
    func drawLegend(_ svg: inout SVGWriter) {
        for (r, row) in legendRows.enumerated() {
            let y = legendTop + Double(r) * ChartChrome.legendRowHeight + 9
            for (item, x) in row {
                switch item.style {
                case .swatch:
                    svg.rect(x, y - 6, 18, 12, cls: "sw", fill: item.color)
                default:
                    svg.path("M\(SVGWriter.n(x)) \(SVGWriter.n(y))h20", cls: "ln", stroke: item.color,
                             dash: item.style.dash, strokeWidth: 2.5)
                }
                svg.text(item.label, x: x + 26, y: y + 4, cls: "leg")
            }
        }
    }

    /// Shades the warm-up period (measurements there are excluded from totals).
    func drawWarmUp(_ svg: inout SVGWriter, time: TimeAxis, end: Double) {
        guard end > time.lo else { return }
        let x1 = time.x(min(end, time.hi), left: plotLeft, right: plotRight)
        svg.rect(plotLeft, plotTop, x1 - plotLeft, plotHeight, cls: "warm",
                 tooltip: "warm-up until \(NumberFormat.clock(end)) (excluded from totals)")
        if x1 - plotLeft > 50 { svg.text("warm-up", x: plotLeft + 4, y: plotBottom - 5, cls: "note") }
    }

    /// Vertical dashed markers whose labels sit in the strip above the plot (two rows, so
    /// neighbours do not overlap); a label that fits in neither row is left out, and the
    /// marker keeps a tooltip with its time and label.
    func drawMarkers(_ svg: inout SVGWriter, time: TimeAxis, markers: [ChartMarker]) {
        let laneTop = plotTop - (markerLane ? ChartChrome.markerLaneHeight : 0)
        var rowEnds = [Double](repeating: -Double.infinity, count: 2)
        for m in markers where m.time >= time.lo && m.time <= time.hi {
            let x = time.x(m.time, left: plotLeft, right: plotRight)
            svg.raw("<g class=\"mk\"><title>\(Escape.markup(NumberFormat.clock(m.time) + " " + m.label))</title>")
            let label = TextMetrics.clip(m.label, 32)
            let w = TextMetrics.width(label, size: 10.5)
            let anchorEnd = x + w + 4 > plotRight
            let start = anchorEnd ? x - w - 3 : x
            let end = anchorEnd ? x : x + w + 3
            let row = markerLane ? rowEnds.firstIndex(where: { $0 < start - 6 }) : nil
            svg.line(x, row.map { laneTop + 2 + Double($0) * 13 } ?? plotTop, x, plotBottom, cls: "mkl")
            if let row {
                rowEnds[row] = end
                svg.text(label, x: anchorEnd ? x - 3 : x + 3, y: laneTop + 11 + Double(row) * 13, cls: "mkt",
                         anchor: anchorEnd ? "end" : nil)
            }
            svg.raw("</g>")
        }
    }
}
