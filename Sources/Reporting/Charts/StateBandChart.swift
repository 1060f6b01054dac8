/// A state band ("swimlane") chart: one horizontal band per entity (a circuit breaker), coloured
/// by its state over simulated time. Short excursions survive downsampling (each pixel bucket
/// shows its worst state); rows without any sample are skipped by the caller.
struct StateBandChart {
    struct Row {
        var label: String
        var values: [Double]
    }
    struct State {
        var value: Int
        var label: String
        var color: String
    }

    var title: String
    var times: [Double]
    var rows: [Row]
    var states: [State]
    var markers: [ChartMarker] = []
    var width = 1200.0
    var rowHeight = 22.0

    func render() -> String {
        let used = Set(rows.flatMap { $0.values.compactMap { $0.isFinite ? Int($0.rounded()) : nil } })
        let legend = states.filter { used.contains($0.value) }.map { LegendItem(label: $0.label, color: $0.color, style: .swatch) }
        let longest = rows.map { TextMetrics.width(TextMetrics.clip($0.label, 40), size: 11.5) }.max() ?? 60
        let gutter = min(max(90, longest + 16), width * 0.35)
        let probe = ChartChrome(title: title, width: width, height: 400, legend: legend, leftGutter: gutter, markerLane: !markers.isEmpty)
        let totalHeight = probe.plotTop + Double(rows.count) * rowHeight + 46
        let chrome = ChartChrome(title: title, width: width, height: totalHeight, legend: legend, leftGutter: gutter,
                                 markerLane: !markers.isEmpty)
        let time = TimeAxis(lo: times.first ?? 0, hi: times.last ?? 1, maxTicks: max(4, Int(chrome.plotWidth / 70)))
        var svg = SVGWriter(width: width, height: totalHeight, title: title)
        chrome.drawFrame(&svg, time: time, left: nil)
        let colors = Dictionary(states.map { ($0.value, $0) }, uniquingKeysWith: { a, _ in a })
        let buckets = max(1, Int(chrome.plotWidth))
        for (r, row) in rows.enumerated() {
            let top = chrome.plotTop + Double(r) * rowHeight
            svg.text(TextMetrics.clip(row.label, 40), x: chrome.plotLeft - 8, y: top + rowHeight / 2 + 4, cls: "tick", anchor: "end")
            for run in Downsampler.stateRuns(times: times, values: row.values, lo: time.lo, hi: time.hi, buckets: buckets) {
                guard let s = run.state else { continue }
                let x0 = time.x(run.start, left: chrome.plotLeft, right: chrome.plotRight)
                let x1 = time.x(run.end, left: chrome.plotLeft, right: chrome.plotRight)
                let style = colors[s]
                let name = style?.label ?? "state \(s)"
                svg.rect(x0, top + 3, max(x1 - x0, 0.6), rowHeight - 6, fill: style?.color ?? "#777777",
                         tooltip: "\(row.label): \(name) \(NumberFormat.clock(run.start))–\(NumberFormat.clock(run.end))")
            }
            if r > 0 { svg.line(chrome.plotLeft, top, chrome.plotRight, top, cls: "grid") }
        }
        chrome.drawMarkers(&svg, time: time, markers: markers)
        return svg.finished()
    }
}
