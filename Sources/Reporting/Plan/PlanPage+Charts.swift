/// The plan page's two charts: the capacity curve (cheapest feasible $/hour per load, with each
/// variable's value per load as small multiples and a table) and the cost frontier at 1× (every
/// configuration run at the scenario's load, sorted by cost, feasible and failing apart, the
/// recommendation highlighted).
extension PlanPage {
    static let feasibleColor = "#009E73"
    static let infeasibleColor = "#D55E00"
    static let recommendedColor = "#0072B2"

    func curveSection() -> ReportSection {
        let xs = curve.map(\.load)
        let anyInfeasible = curve.contains { $0.best == nil }
        var legend = [LegendItem(label: "cheapest feasible $/hour", color: Self.recommendedColor, style: .line)]
        if anyInfeasible { legend.append(LegendItem(label: "✗ infeasible within the ranges", color: Palette.fail, style: .swatch)) }
        if recommendation != nil { legend.append(LegendItem(label: "○ recommendation (1×)", color: "#1c2330", style: .swatch)) }
        let tips = curve.map { c in
            Self.load(c.load) + ": " + (c.best.map { configuration($0.values) + " at " + Self.money($0.dollarsPerHour) + "/hour" }
                                        ?? "no configuration within the ranges meets every SLO")
        }
        let chart = XYChart(title: "Capacity curve: cheapest feasible cost per load", xs: xs, ys: curve.map { $0.best?.dollarsPerHour },
                            color: Self.recommendedColor, xLabel: Self.load, xTitle: "load (× the scenario's arrival rates)",
                            yFormat: .plain("$/hour"), labels: curve.map { $0.best.map { Self.money($0.dollarsPerHour) } },
                            tooltips: tips, legend: legend, highlightX: recommendation == nil ? nil : 1, width: 1000, height: 340)
        var panels = [ChartPanel(svg: chart.render(), wide: true)]
        for (i, key) in variables.enumerated() {
            let values = curve.map { $0.best.map { $0.values[i] } }
            let numbers = values.map { $0.flatMap(Double.init) }
            // A variable whose values are not numbers is only in the table below.
            guard zip(values, numbers).allSatisfy({ ($0 == nil) == ($1 == nil) }) else { continue }
            let small = XYChart(title: Self.shortKey(key), xs: xs, ys: numbers, color: Palette.color(i + 1), xLabel: Self.load,
                                xTitle: "load (×)", yTitle: "value",
                                yInteger: numbers.allSatisfy { ($0 ?? 0) == ($0 ?? 0).rounded() },
                                labels: values, tooltips: zip(xs, values).map { Self.load($0) + ": " + Self.shortKey(key) + " = " + ($1 ?? "infeasible") },
                                highlightX: recommendation == nil ? nil : 1, width: 480, height: 220)
            panels.append(ChartPanel(svg: small.render(), caption: key))
        }
        var table = HTMLTable(columns: [HTMLTable.Column(title: "load", numeric: true)]
                              + variables.map { HTMLTable.Column(title: Self.shortKey($0), numeric: true) }
                              + ["$/hour", "run", "inferred"].map { HTMLTable.Column(title: $0, numeric: true) })
        for c in curve {
            let note = c.truncated ? " (search stopped at maxEvaluations)" : ""
            var cells = [HTMLTable.text(Self.load(c.load))]
            if let b = c.best {
                cells += b.values.map(HTMLTable.text) + [HTMLTable.text(Self.money(b.dollarsPerHour) + note)]
            } else {
                cells += variables.map { _ in "—" } + ["<span class=\"badge fail\">infeasible</span>" + HTMLTable.text(note)]
            }
            cells += [String(c.evaluated), String(c.inferred)]
            table.rows.append(HTMLTable.Row(cells: cells, cls: c.best == nil ? "fail" : (c.load == 1 ? "pass" : nil)))
        }
        return ReportSection(id: "curve", title: "Capacity curve",
                             intro: "The cheapest configuration meeting every SLO as the load grows (× the scenario's rates); "
                                + "\"run\" counts the configurations run at that load, \"inferred\" the verdicts settled by monotonicity without a run.",
                             body: ChartPanel.grid(panels) + "\n" + table.render())
    }

    func frontierSection() -> ReportSection {
        // Sorted by cost; ties keep run order (a stable sort of an ordered input: deterministic).
        let sorted = frontier.enumerated().sorted { a, b in
            a.element.dollarsPerHour < b.element.dollarsPerHour || (a.element.dollarsPerHour == b.element.dollarsPerHour && a.offset < b.offset)
        }.map(\.element)
        let best = recommendation?.values
        let bars = sorted.map { c in
            let recommended = c.values == best
            return BarChart.Bar(label: (recommended ? "★ " : "") + configuration(c.values),
                                value: c.dollarsPerHour,
                                color: recommended ? Self.recommendedColor : (c.feasible ? Self.feasibleColor : Self.infeasibleColor))
        }
        var legend = [LegendItem(label: "meets every SLO", color: Self.feasibleColor, style: .swatch),
                      LegendItem(label: "fails an SLO", color: Self.infeasibleColor, style: .swatch)]
        if best != nil { legend.append(LegendItem(label: "★ recommended", color: Self.recommendedColor, style: .swatch)) }
        let chart = BarChart(title: "Every configuration run at 1×, by cost", bars: bars, unit: "$/hour", legend: legend, width: 1000, barHeight: 16,
                             valueText: Self.money)
        let feasible = frontier.filter(\.feasible).count
        let intro = "\(frontier.count) configuration(s) run at the scenario's load, \(feasible) meeting every SLO; "
            + "the recommendation is the cheapest of those. Configurations the search settled without a run are not shown."
        return ReportSection(id: "frontier", title: "Cost frontier at 1×", intro: intro,
                             body: frontier.isEmpty ? "<p class=\"muted\">No configuration was run at 1×.</p>" : ChartPanel(svg: chart.render(), wide: true).render())
    }
}
