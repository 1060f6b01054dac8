/// What the chart panels read: one replication's series, indexed by key convention.
struct ChartContext {
    let catalog: SeriesCatalog
    let warmUp: Double
    let events: [NotableEvent]
    let counters: [CounterTotal]
    let replicated: Bool

    init(replication: ReplicationResult, replicated: Bool) {
        catalog = SeriesCatalog(replication.metrics)
        warmUp = replication.metrics.warmUpEnd.seconds
        events = replication.metrics.events
        counters = replication.metrics.counters
        self.replicated = replicated
    }

    var times: [Double] { catalog.times }
}

/// Builds the report's chart sections from series-key conventions (README-conventions.md):
/// each panel looks for its keys, renders what exists and is skipped when there is no data.
enum ChartPanels {
    static let cellWidth = 600.0
    static let wideWidth = 1220.0
    /// Most label sets drawn in one chart; the rest are named in the caption.
    static let maxLines = 8

    static func sections(_ c: ChartContext) -> [ReportSection] {
        let which = c.replicated ? " Charts show replication 1." : ""
        var out: [ReportSection] = []
        func add(_ id: String, _ title: String, _ intro: String, _ panels: [ChartPanel]) {
            guard !panels.isEmpty else { return }
            out.append(ReportSection(id: id, title: title, intro: intro + which, body: ChartPanel.grid(panels)))
        }
        add("scaling", "Load and scaling",
            "Arrival rate per service (left axis) against desired and ready replicas (right axis, steps); node pools: nodes against pods waiting for one. Shaded: warm-up.",
            loadPanels(c) + nodePoolPanels(c))
        add("queues", "Queues", "Queue depth per priority; queues that stayed empty all run are not drawn.", queuePanels(c))
        add("latency", "Latency over time", "Per sampling interval: p99 solid, p50 dashed; latencies that stayed at 0 all run are not drawn.", latencyPanels(c))
        add("breakers", "Circuit breakers", "State of every circuit breaker over time.", breakerPanels(c))
        add("gpus", "GPUs", "Utilization per GPU type (left) with preemptions and CPU fallbacks per second (right).", gpuPanels(c))
        add("ai-streaming", "AI and streaming", "Model cache hit rate; edge and CDN request rates.", aiStreamingPanels(c))
        add("regions", "Regions", "Share of traffic sent to each region, and the requests each region served (dashed: sent to a region that was down); vertical lines mark failover and failback events.", regionPanels(c))
        add("losses-cost", "Losses and cost", "Drops and dead letters by reason (totals after warm-up); cost over time.", lossAndCostPanels(c))
        return out
    }

    // MARK: Load, queues, latency

    static func loadPanels(_ c: ChartContext) -> [ChartPanel] {
        var services = c.catalog.prefixes(endingWith: ".load")
        for s in c.catalog.prefixes(endingWith: ".replicas") where !services.contains(s) { services.append(s) }
        return services.flatMap { svc -> [ChartPanel] in
            let loads = c.catalog.all(svc + ".load")
            // A multi-region run labels its backup regions' copies `region=...` (the primary's load
            // is unlabelled): one chart per region, the primary first.
            let backups = SeriesCatalog.distinct("region", in: loads)
            func pick(_ metric: String, _ region: String?) -> SeriesCatalog.Entry? {
                guard !backups.isEmpty else { return c.catalog.one(metric) }
                let list = c.catalog.all(metric)
                guard let region else { return list.first { !backups.contains($0.parsed.label("region") ?? "") } }
                return list.first { $0.parsed.label("region") == region }
            }
            return ([nil] + backups.map(Optional.some)).compactMap { region in
                loadPanel(c, title: region.map { "\(svc) · \($0): load and replicas" } ?? "\(svc): load and replicas",
                          load: pick(svc + ".load", region), replicas: pick(svc + ".replicas", region),
                          ready: pick(svc + ".ready_replicas", region))
            }
        }
    }

    static func loadPanel(_ c: ChartContext, title: String, load: SeriesCatalog.Entry?, replicas: SeriesCatalog.Entry?,
                          ready: SeriesCatalog.Entry?) -> ChartPanel? {
        var series: [ChartSeries] = []
        var loadUnit = "arrivals/s"
        if let load {
            if !load.series.unit.isEmpty { loadUnit = load.series.unit }
            series.append(ChartSeries(label: "load", values: load.series.values, color: Palette.color(0), width: 2))
        }
        if let r = replicas {
            series.append(ChartSeries(label: "replicas", values: r.series.values, color: Palette.color(1),
                                      axis: .right, shape: .step, width: 2))
        }
        if let r = ready {
            series.append(ChartSeries(label: "ready replicas", values: r.series.values, color: Palette.color(2),
                                      axis: .right, shape: .step, style: .dashed, width: 2))
        }
        guard !series.isEmpty else { return nil }
        let onlyRight = series.allSatisfy { $0.axis == .right }
        if onlyRight { for i in series.indices { series[i].axis = .left } }
        let chart = LineChart(title: title, times: c.times, series: series,
                              leftFormat: onlyRight ? .plain("replicas") : .plain(loadUnit),
                              rightFormat: .plain("replicas"), rightTitle: "replicas",
                              leftInteger: onlyRight, rightInteger: true, warmUpEnd: c.warmUp, width: cellWidth)
        return ChartPanel(svg: chart.render())
    }

    /// Known priorities in urgency order, with fixed colours so every service's chart agrees.
    static let priorities: [(name: String, color: String)] = [
        ("critical", "#D55E00"), ("high", "#E69F00"), ("normal", "#0072B2"), ("medium", "#0072B2"),
        ("low", "#009E73"), ("background", "#CC79A7"), ("batch", "#CC79A7"),
    ]

    static func queuePanels(_ c: ChartContext) -> [ChartPanel] {
        c.catalog.prefixes(endingWith: ".queue_depth").compactMap { svc in
            let entries = c.catalog.all(svc + ".queue_depth")
            // A queue that never held anything is a flat line: leave it out.
            guard entries.contains(where: { $0.series.values.contains { $0.isFinite && $0 != 0 } }) else { return nil }
            let rank = { (e: SeriesCatalog.Entry) -> Int in
                let p = e.parsed.label("priority")?.lowercased() ?? ""
                return priorities.firstIndex { $0.name == p } ?? priorities.count
            }
            let ordered = entries.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
            var fallback = 0
            let series = ordered.prefix(maxLines).map { e -> ChartSeries in
                let p = e.parsed.label("priority")
                let known = priorities.first { $0.name == p?.lowercased() }?.color
                if known == nil { fallback += 1 }
                return ChartSeries(label: p ?? e.parsed.shortLabel, values: e.series.values,
                                   color: known ?? Palette.color(fallback + 4), width: 1.8)
            }
            let unit = entries[0].series.unit
            let chart = LineChart(title: "\(svc): queue depth by priority", times: c.times, series: series,
                                  leftFormat: .plain(unit.isEmpty ? "items" : unit), warmUpEnd: c.warmUp, width: cellWidth)
            return ChartPanel(svg: chart.render(), caption: overflow(entries.count))
        }
    }

    static func latencyPanels(_ c: ChartContext) -> [ChartPanel] {
        var bases = c.catalog.prefixes(endingWith: ".p99")
        for b in c.catalog.prefixes(endingWith: ".p50") where !bases.contains(b) { bases.append(b) }
        return bases.compactMap { base in
            let p99 = c.catalog.all(base + ".p99"), p50 = c.catalog.all(base + ".p50")
            var labelSets: [String] = []
            for e in p99 + p50 where !labelSets.contains(e.parsed.labelText) { labelSets.append(e.parsed.labelText) }
            var series: [ChartSeries] = []
            for (i, labels) in labelSets.prefix(maxLines).enumerated() {
                let entry = (p99 + p50).first { $0.parsed.labelText == labels }
                let name = labels.isEmpty ? "" : (entry?.parsed.shortLabel ?? labels) + " "
                if let e = p99.first(where: { $0.parsed.labelText == labels }) {
                    series.append(ChartSeries(label: name + "p99", values: e.series.values, color: Palette.color(i), width: 2))
                }
                if let e = p50.first(where: { $0.parsed.labelText == labels }) {
                    series.append(ChartSeries(label: name + "p50", values: e.series.values, color: Palette.color(i),
                                              style: .dashed, width: 1.5))
                }
            }
            guard !series.isEmpty else { return nil }
            let unit = (p99.first ?? p50.first)?.series.unit ?? "s"
            // A latency that never rose above the histogram's 1 µs floor (a wait that never
            // waited) is a flat line: leave it out.
            let floor = unit == "s" ? 1e-6 : 0
            guard series.contains(where: { $0.values.contains { $0.isFinite && $0 > floor } }) else { return nil }
            let chart = LineChart(title: "\(base): latency percentiles", times: c.times, series: series,
                                  leftFormat: unit == "s" ? .seconds : .plain(unit), warmUpEnd: c.warmUp, width: cellWidth)
            return ChartPanel(svg: chart.render(), caption: overflow(labelSets.count))
        }
    }

    /// A caption naming how many label sets a chart left out.
    static func overflow(_ count: Int) -> String? {
        count > maxLines ? "\(count - maxLines) more label sets not drawn; see All measurements." : nil
    }
}
