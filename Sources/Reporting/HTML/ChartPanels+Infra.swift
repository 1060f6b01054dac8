/// Chart panels for infrastructure: breakers, GPUs, AI/streaming, regions, losses and cost.
extension ChartPanels {
    static func breakerPanels(_ c: ChartContext) -> [ChartPanel] {
        let entries = c.catalog.all("breaker.state")
        guard !entries.isEmpty else { return [] }
        let rows = entries.map { e -> StateBandChart.Row in
            var opens = 0
            var last: Int? = nil
            for v in e.series.values where v.isFinite {
                let s = Int(v.rounded())
                if s == 2 && last != 2 { opens += 1 }
                last = s
            }
            let name = e.parsed.labels.isEmpty ? e.parsed.key : e.parsed.shortLabel
            return StateBandChart.Row(label: opens > 0 ? "\(name) (\(opens)× open)" : name, values: e.series.values)
        }
        let states = Palette.breakerStates.map { StateBandChart.State(value: $0.value, label: $0.label, color: $0.color) }
        let chart = StateBandChart(title: "Circuit breaker states", times: c.times, rows: rows, states: states,
                                   markers: markers(c, prefixes: ["failover.", "failback."]), width: wideWidth)
        return [ChartPanel(svg: chart.render(), wide: true)]
    }

    static func gpuPanels(_ c: ChartContext) -> [ChartPanel] {
        let util = c.catalog.all("gpu.utilization")
        let pre = c.catalog.all("gpu.preemptions.rate"), fb = c.catalog.all("gpu.cpu_fallbacks.rate")
        guard !(util.isEmpty && pre.isEmpty && fb.isEmpty) else { return [] }
        var types = SeriesCatalog.distinct("type", in: util + pre + fb)
        if types.isEmpty { types = [""] }
        return types.compactMap { type in
            func pick(_ list: [SeriesCatalog.Entry]) -> SeriesCatalog.Entry? {
                type.isEmpty ? list.first : list.first { $0.parsed.label("type") == type }
            }
            var series: [ChartSeries] = []
            var percent = true
            if let u = pick(util) {
                percent = (u.series.values.filter(\.isFinite).max() ?? 0) <= 1.0001
                series.append(ChartSeries(label: "utilization", values: u.series.values, color: Palette.color(0), width: 2))
            }
            if let p = pick(pre) {
                series.append(ChartSeries(label: "preemptions/s", values: p.series.values, color: Palette.color(3),
                                          axis: series.isEmpty ? .left : .right, width: 1.6))
            }
            if let f = pick(fb) {
                series.append(ChartSeries(label: "CPU fallbacks/s", values: f.series.values, color: Palette.color(4),
                                          axis: series.isEmpty ? .left : .right, style: .dashed, width: 1.6))
            }
            guard !series.isEmpty else { return nil }
            let hasUtil = pick(util) != nil
            let chart = LineChart(title: type.isEmpty ? "GPUs" : "GPU \(type)", times: c.times, series: series,
                                  leftFormat: hasUtil ? (percent ? .percent : .plain("%")) : .plain("/s"),
                                  rightFormat: .plain("/s"), leftTitle: hasUtil ? "utilization (%)" : "events/s",
                                  rightTitle: "events/s", leftFixedMax: hasUtil && percent ? 1 : nil,
                                  warmUpEnd: c.warmUp, width: cellWidth)
            return ChartPanel(svg: chart.render())
        }
    }

    static func aiStreamingPanels(_ c: ChartContext) -> [ChartPanel] {
        var panels: [ChartPanel] = []
        let hits = c.catalog.all("ai.model_cache.hit_rate")
        if !hits.isEmpty {
            let series = hits.prefix(maxLines).enumerated().map { i, e in
                ChartSeries(label: e.parsed.labels.isEmpty ? "hit rate" : e.parsed.shortLabel, values: e.series.values,
                            color: Palette.color(i + 2), width: 2)
            }
            let chart = LineChart(title: "AI model cache hit rate", times: c.times, series: series, leftFormat: .percent,
                                  leftTitle: "hit rate (%)", leftFixedMax: 1, warmUpEnd: c.warmUp, width: cellWidth)
            panels.append(ChartPanel(svg: chart.render(), caption: overflow(hits.count)))
        }
        let edge = c.catalog.all("streaming.edge.requests.rate"), cdn = c.catalog.all("streaming.cdn.requests.rate")
        if !(edge.isEmpty && cdn.isEmpty) {
            var series: [ChartSeries] = []
            for (tier, list, style) in [("edge", edge, LegendStyle.line), ("CDN", cdn, LegendStyle.dashed)] {
                for e in list.prefix(maxLines / 2) {
                    let label = e.parsed.labels.isEmpty ? tier : "\(tier) \(e.parsed.shortLabel)"
                    series.append(ChartSeries(label: label, values: e.series.values, color: Palette.color(series.count),
                                              style: style, width: 1.8))
                }
            }
            let unit = (edge.first ?? cdn.first)?.series.unit ?? "req/s"
            let chart = LineChart(title: "Edge and CDN requests", times: c.times, series: series,
                                  leftFormat: .plain(unit.isEmpty ? "req/s" : unit), warmUpEnd: c.warmUp, width: cellWidth)
            let hidden = edge.count + cdn.count - series.count
            panels.append(ChartPanel(svg: chart.render(), caption: hidden > 0 ? "\(hidden) more series not drawn." : nil))
        }
        return panels
    }

    static func regionPanels(_ c: ChartContext) -> [ChartPanel] {
        let shares = c.catalog.all("region.traffic_share")
        guard !shares.isEmpty else { return [] }
        let layers = shares.enumerated().map { i, e in
            StackedAreaChart.Layer(label: e.parsed.label("region") ?? e.parsed.shortLabel, values: e.series.values,
                                   color: Palette.color(i))
        }
        let maxTotal = (0..<c.times.count).map { i in shares.reduce(0.0) { s, e in
            let v = i < e.series.values.count ? e.series.values[i] : .nan
            return s + (v.isFinite ? v : 0)
        } }.max() ?? 0
        let fraction = maxTotal <= 1.0001
        let chart = StackedAreaChart(title: "Traffic share by region", times: c.times, layers: layers,
                                     format: fraction ? .percent : .plain(shares[0].series.unit),
                                     fixedMax: fraction ? 1 : nil,
                                     markers: markers(c, prefixes: ["failover.", "failback."]),
                                     width: wideWidth, height: 320)
        return [ChartPanel(svg: chart.render(), wide: true)] + servedByRegionPanels(c)
    }

    /// Requests each region served and those sent to a region that was down: unlike the shares
    /// (where traffic is sent), this shows the gap between an outage and the failover.
    static func servedByRegionPanels(_ c: ChartContext) -> [ChartPanel] {
        let served = c.catalog.all("region.requests.rate"), lost = c.catalog.all("region.requests_unserved.rate")
        guard !served.isEmpty else { return [] }
        var series = served.prefix(maxLines).enumerated().map { i, e in
            ChartSeries(label: e.parsed.label("region") ?? e.parsed.shortLabel, values: e.series.values, color: Palette.color(i), width: 1.8)
        }
        for e in lost.prefix(1) {
            series.append(ChartSeries(label: "lost (region down)", values: e.series.values, color: "#D55E00", style: .dashed, width: 1.8))
        }
        let chart = LineChart(title: "Requests served by region", times: c.times, series: series, leftFormat: .plain("req/s"),
                              markers: markers(c, prefixes: ["failover.", "failback."]), warmUpEnd: c.warmUp,
                              width: wideWidth, height: 280)
        return [ChartPanel(svg: chart.render(), caption: overflow(served.count), wide: true)]
    }

    static func lossAndCostPanels(_ c: ChartContext) -> [ChartPanel] {
        var panels: [ChartPanel] = []
        for (metric, title, color) in [("drops", "Drops by reason", "#D55E00"), ("dead_letters", "Dead letters by reason", "#CC79A7")] {
            let bars = c.counters.filter { counter in
                let m = SeriesKey(counter.key).metric
                return (m == metric || m.hasSuffix("." + metric)) && counter.total.isFinite && counter.total > 0
            }.map { counter -> BarChart.Bar in
                let k = SeriesKey(counter.key)
                let prefix = k.metric == metric ? "" : String(k.metric.dropLast(metric.count + 1)) + " · "
                return BarChart.Bar(label: prefix + (k.labels.isEmpty ? k.metric : k.shortLabel), value: counter.total, color: color)
            }.enumerated().sorted { ($0.element.value, -$0.offset) > ($1.element.value, -$1.offset) }.map(\.element)
            guard !bars.isEmpty else { continue }
            let unit = c.counters.first { SeriesKey($0.key).metric.hasSuffix(metric) }?.unit ?? ""
            panels.append(ChartPanel(svg: BarChart(title: title, bars: Array(bars.prefix(20)), unit: unit, width: cellWidth).render(),
                                     caption: bars.count > 20 ? "\(bars.count - 20) smaller reasons not drawn." : nil))
        }
        let cost = c.catalog.all("cost.total")
        if !cost.isEmpty {
            let series = cost.prefix(maxLines).enumerated().map { i, e in
                ChartSeries(label: e.parsed.labels.isEmpty ? "total" : e.parsed.shortLabel, values: e.series.values,
                            color: Palette.color(i), width: 2)
            }
            let unit = cost[0].series.unit
            let chart = LineChart(title: "Cost", times: c.times, series: series, leftFormat: .plain(unit.isEmpty ? "$" : unit),
                                  warmUpEnd: c.warmUp, width: cellWidth)
            panels.append(ChartPanel(svg: chart.render(), caption: overflow(cost.count)))
        }
        return panels
    }

    /// Markers for events whose kind starts with one of `prefixes`.
    static func markers(_ c: ChartContext, prefixes: [String]) -> [ChartMarker] {
        c.events.filter { e in prefixes.contains { e.kind.hasPrefix($0) } }.prefix(60).map { e in
            ChartMarker(time: e.time.seconds, label: e.subject.isEmpty ? e.kind : "\(e.kind) \(e.subject)")
        }
    }
}
