/// A horizontal bar chart of totals (drops and dead letters by reason): one bar per label,
/// in the given order, value printed at the bar's end. Horizontal so long labels stay readable.
struct BarChart {
    struct Bar {
        var label: String
        var value: Double
        var color: String
    }

    var title: String
    var bars: [Bar]
    var unit: String = ""
    var legend: [LegendItem] = []
    var width = 600.0
    var barHeight = 20.0
    /// The value printed at a bar's end.
    var valueText: (Double) -> String = { NumberFormat.significant($0, 4) }

    func render() -> String {
        let longest = bars.map { TextMetrics.width(TextMetrics.clip($0.label, 44), size: 11.5) }.max() ?? 60
        let gutter = min(max(80, longest + 16), width * 0.45)
        let probe = ChartChrome(title: title, width: width, height: 400, legend: legend, leftGutter: gutter, rightGutter: 70)
        let height = probe.plotTop + Double(bars.count) * (barHeight + 6) + 40
        let chrome = ChartChrome(title: title, width: width, height: height, legend: legend, leftGutter: gutter,
                                 rightGutter: 70, bottomGutter: 34)
        let maxValue = bars.map(\.value).filter(\.isFinite).max() ?? 1
        let axis = ValueAxis(values: [0, maxValue > 0 ? maxValue : 1], format: .plain(unit), target: 4)
        var svg = SVGWriter(width: width, height: height, title: title)
        svg.text(title, x: 8, y: 18, cls: "ttl")
        chrome.drawLegend(&svg)
        func x(_ v: Double) -> Double {
            chrome.plotLeft + (v - axis.lo) / (axis.hi - axis.lo) * chrome.plotWidth
        }
        for tick in axis.ticks {
            let tx = x(tick.value)
            svg.line(tx, chrome.plotTop, tx, chrome.plotBottom, cls: "grid")
            svg.text(tick.label, x: tx, y: chrome.plotBottom + 16, cls: "tick", anchor: "middle")
        }
        if !axis.unit.isEmpty {
            svg.text(axis.unit, x: (chrome.plotLeft + chrome.plotRight) / 2, y: height - 6, cls: "axt", anchor: "middle")
        }
        for (i, bar) in bars.enumerated() {
            let top = chrome.plotTop + 4 + Double(i) * (barHeight + 6)
            svg.text(TextMetrics.clip(bar.label, 44), x: chrome.plotLeft - 8, y: top + barHeight / 2 + 4, cls: "tick", anchor: "end")
            let v = bar.value.isFinite ? max(0, bar.value) : 0
            let w = x(v) - chrome.plotLeft
            svg.rect(chrome.plotLeft, top, max(w, v > 0 ? 1 : 0), barHeight, fill: bar.color,
                     tooltip: "\(bar.label): \(NumberFormat.significant(bar.value, 6))")
            svg.text(valueText(bar.value), x: chrome.plotLeft + w + 5, y: top + barHeight / 2 + 4, cls: "val")
        }
        svg.line(chrome.plotLeft, chrome.plotTop, chrome.plotLeft, chrome.plotBottom, cls: "axis")
        return svg.finished()
    }
}
