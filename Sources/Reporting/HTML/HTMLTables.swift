/// The report's tables: SLOs, conservation, and the run's identity (replications, provenance,
/// parameters, resolved scenario). Measurement tables are in `HTMLTables+Measurements.swift`.
enum HTMLTables {
    static func sloSection(_ report: RunReport) -> ReportSection {
        guard !report.slos.isEmpty else {
            return ReportSection(id: "slos", title: "SLOs", body: "<p class=\"muted\">The scenario defines no SLOs.</p>")
        }
        let ci = report.isReplicated
        let level = NumberFormat.trimmed(report.confidenceLevel * 100, 1)
        var columns: [HTMLTable.Column] = [.init(title: "Result"), .init(title: "SLO"), .init(title: "Metric"),
                                           .init(title: "Threshold"), .init(title: "Measured", numeric: true)]
        if ci { columns += [.init(title: "Mean", numeric: true), .init(title: "\(level)% CI", numeric: true)] }
        var table = HTMLTable(columns: columns)
        for slo in report.slos {
            var cells = [
                slo.passed ? "<span class=\"badge pass\">PASS</span>" : "<span class=\"badge fail\">FAIL</span>",
                HTMLTable.text(slo.name),
                "<code>\(HTMLTable.text(slo.metric))</code>",
                HTMLTable.text(slo.threshold),
                HTMLTable.text(NumberFormat.withUnit(slo.value, slo.unit, digits: 4)),
            ]
            if ci {
                cells.append(slo.mean.map { HTMLTable.text(NumberFormat.withUnit($0, slo.unit, digits: 4)) } ?? "–")
                cells.append(interval(slo))
            }
            table.rows.append(.init(cells: cells, cls: slo.passed ? "pass" : "fail"))
        }
        let failed = report.slos.filter { !$0.passed }.count
        let intro = failed == 0
            ? "All \(report.slos.count) SLOs met."
            : "\(failed) of \(report.slos.count) SLOs missed."
        let note = ci ? " Intervals are \(level)% Student-t confidence intervals over \(report.replications.count) replications." : ""
        return ReportSection(id: "slos", title: "SLOs", intro: intro + note, body: table.render())
    }

    static func interval(_ slo: SLOResult) -> String {
        guard let lo = slo.ciLow, let hi = slo.ciHigh else { return "–" }
        return HTMLTable.text("[\(NumberFormat.withUnit(lo, slo.unit, digits: 4)), \(NumberFormat.withUnit(hi, slo.unit, digits: 4))]")
    }

    static func conservationSection(_ report: RunReport) -> ReportSection {
        let rows = report.conservationRows
        guard !rows.isEmpty else {
            return ReportSection(id: "conservation", title: "Conservation",
                                 body: "<p class=\"muted\">No service reported flow counts.</p>")
        }
        var table = HTMLTable(columns: [
            .init(title: "Service"), .init(title: "Entered", numeric: true), .init(title: "Completed", numeric: true),
            .init(title: "Failed", numeric: true), .init(title: "Dead-lettered", numeric: true),
            .init(title: "Dropped", numeric: true), .init(title: "In flight", numeric: true), .init(title: "Balanced"),
        ])
        for r in rows {
            table.rows.append(.init(cells: [
                HTMLTable.text(r.service), NumberFormat.integer(r.entered), NumberFormat.integer(r.completed),
                NumberFormat.integer(r.failed), NumberFormat.integer(r.deadLettered), NumberFormat.integer(r.dropped),
                NumberFormat.integer(r.inFlight),
                r.balanced ? "<span class=\"ok\">✓</span>" : "<span class=\"bad\">✗</span>",
            ], cls: r.balanced ? "pass" : "fail"))
        }
        var body = table.render()
        let violations = report.conservationViolations
        if !violations.isEmpty {
            body += "<h3>Violations (\(violations.count))</h3><ul>"
            for v in violations.prefix(50) { body += "<li class=\"mono\">\(Escape.markup(v))</li>" }
            if violations.count > 50 { body += "<li class=\"muted\">and \(violations.count - 50) more</li>" }
            body += "</ul>"
        }
        var intro = "Every unit of work that entered a service ends in exactly one terminal state or is still in flight: entered = completed + failed + dead-lettered + dropped + in flight."
        if report.replications.count > 1 { intro += " Counts are summed over \(report.replications.count) replications." }
        return ReportSection(id: "conservation", title: "Conservation", intro: intro, body: body)
    }

    /// Replications, what was real and modelled, parameters and the resolved scenario.
    static func runSections(_ report: RunReport) -> [ReportSection] {
        var out: [ReportSection] = []
        if !report.provenance.isEmpty {
            var table = HTMLTable(columns: [.init(title: "Component"), .init(title: "Mode"), .init(title: "Detail")])
            for p in report.provenance {
                table.rows.append(.init(cells: [HTMLTable.text(p.component),
                                                "<span class=\"badge \(p.mode.rawValue)\">\(p.mode.rawValue)</span>",
                                                HTMLTable.text(p.detail)]))
            }
            out.append(ReportSection(id: "provenance", title: "Real and modelled",
                                     intro: "Which parts of this run executed real code or backends and which were modelled.",
                                     body: table.render()))
        }
        var reps = HTMLTable(columns: [.init(title: "#", numeric: true), .init(title: "Seed", numeric: true),
                                       .init(title: "Digest"), .init(title: "Simulated", numeric: true),
                                       .init(title: "Complete"), .init(title: "Conservation")])
        for r in report.replications {
            reps.rows.append(.init(cells: [
                String(r.index + 1), String(r.seed), "<code>\(HTMLTable.text(r.digest))</code>",
                HTMLTable.text(NumberFormat.clock(r.endSeconds)),
                r.complete ? "<span class=\"ok\">yes</span>" : "<span class=\"bad\">interrupted</span>",
                r.conservationHolds ? "<span class=\"ok\">✓ holds</span>" : "<span class=\"bad\">✗ violated</span>",
            ], cls: r.complete && r.conservationHolds ? nil : "fail"))
        }
        var body = reps.render()
        if !report.parameters.isEmpty {
            var params = HTMLTable(columns: [.init(title: "Parameter"), .init(title: "Value")])
            for p in report.parameters { params.rows.append(.init(cells: ["<code>\(HTMLTable.text(p.key))</code>", HTMLTable.text(p.value)])) }
            body += "<h3>Parameters</h3>" + params.render()
        }
        if !report.resolvedScenario.isEmpty {
            body += "<details><summary>Resolved scenario (as run, defaults filled in)</summary>"
            body += "<pre class=\"scenario\">\(Escape.markup(report.resolvedScenario))</pre></details>"
        }
        out.append(ReportSection(id: "run", title: "Run", body: body))
        return out
    }
}
