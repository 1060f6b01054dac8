/// A stacked area chart over simulated time (region traffic shares through failover and
/// failback): layers stacked bottom-up in the given order, NaN counted as zero, per-bucket
/// means when the series is longer than the plot is wide, event markers on top.
struct StackedAreaChart {
    struct Layer {
        var label: String
        var values: [Double]
        var color: String
    }

    var title: String
    var times: [Double]
    var layers: [Layer]
    var format: ValueFormat = .percent
    var fixedMax: Double? = nil
    var markers: [ChartMarker] = []
    var width = 600.0
    var height = 280.0

    func render() -> String {
        let legend = layers.map { LegendItem(label: $0.label, color: $0.color, style: .swatch) }
        let chrome = ChartChrome(title: title, width: width, height: height, legend: legend, markerLane: !markers.isEmpty)
        let time = TimeAxis(lo: times.first ?? 0, hi: times.last ?? 1, maxTicks: max(4, Int(chrome.plotWidth / 70)))
        let reduced = Downsampler.alignedMeans(times: times, layers: layers.map(\.values), lo: time.lo, hi: time.hi,
                                               buckets: max(1, Int(chrome.plotWidth / 2)))
        var tops: [[Double]] = []
        var running = [Double](repeating: 0, count: reduced.times.count)
        for layer in reduced.layers {
            for i in running.indices { running[i] += layer[i] }
            tops.append(running)
        }
        let axis = ValueAxis(values: running, format: format, fixedMax: fixedMax)
        var svg = SVGWriter(width: width, height: height, title: title)
        chrome.drawFrame(&svg, time: time, left: axis)
        func x(_ t: Double) -> String { SVGWriter.n(time.x(t, left: chrome.plotLeft, right: chrome.plotRight)) }
        func y(_ v: Double) -> String { SVGWriter.n(axis.y(v, top: chrome.plotTop, bottom: chrome.plotBottom)) }
        let zero = [Double](repeating: 0, count: reduced.times.count)
        for (k, layer) in layers.enumerated() where !reduced.times.isEmpty {
            let top = tops[k]
            let bottom = k == 0 ? zero : tops[k - 1]
            var d = "M\(x(reduced.times[0])) \(y(top[0]))L"
            for i in reduced.times.indices.dropFirst() { d += (i == 1 ? "" : " ") + "\(x(reduced.times[i])) \(y(top[i]))" }
            for i in reduced.times.indices.reversed() { d += " \(x(reduced.times[i])) \(y(bottom[i]))" }
            d += "Z"
            svg.path(d, cls: "area", fill: layer.color, tooltip: layer.label + LineChart.rangeNote(layer.values))
        }
        chrome.drawMarkers(&svg, time: time, markers: markers)
        return svg.finished()
    }
}
