/// Chart panels for node pools: what the cluster autoscaler did and what it cost in waiting.
extension ChartPanels {
    /// One chart per pool: nodes (left, steps) against unschedulable pods (right, steps), so a
    /// planner sees pods waiting for the provisioning latency after every scale-up decision.
    static func nodePoolPanels(_ c: ChartContext) -> [ChartPanel] {
        let nodes = c.catalog.all("nodepool.nodes")
        let pending = c.catalog.all("nodepool.pending_pods")
        var pools = SeriesCatalog.distinct("pool", in: nodes + pending)
        if pools.isEmpty && !(nodes.isEmpty && pending.isEmpty) { pools = [""] }
        return pools.compactMap { pool in
            func pick(_ list: [SeriesCatalog.Entry]) -> SeriesCatalog.Entry? {
                pool.isEmpty ? list.first : list.first { $0.parsed.label("pool") == pool }
            }
            var series: [ChartSeries] = []
            if let n = pick(nodes) {
                series.append(ChartSeries(label: "nodes", values: n.series.values, color: Palette.color(1), shape: .step, width: 2))
            }
            if let p = pick(pending) {
                series.append(ChartSeries(label: "pending pods", values: p.series.values, color: Palette.color(5),
                                          axis: series.isEmpty ? .left : .right, shape: .step, style: .dashed, width: 1.8))
            }
            guard !series.isEmpty else { return nil }
            let chart = LineChart(title: pool.isEmpty ? "Node pool" : "Node pool \(pool)", times: c.times, series: series,
                                  leftFormat: .plain("nodes"), rightFormat: .plain("pods"), rightTitle: "pending pods",
                                  leftInteger: true, rightInteger: true, warmUpEnd: c.warmUp, width: cellWidth)
            return ChartPanel(svg: chart.render())
        }
    }
}
