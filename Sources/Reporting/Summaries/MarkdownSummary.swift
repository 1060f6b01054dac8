/// Renders `summary.md`: the essentials in Markdown for pull requests and CI logs: verdict,
/// identity, SLO table, conservation table and the slowest latencies.
public enum MarkdownSummary {
    /// Latency rows listed (highest p99 first).
    static let topLatencies = 10

    public static func render(_ report: RunReport) -> String {
        var md = "# \(Escape.markdownCell(report.scenario)): \(report.verdict.label)\n\n"
        if !report.description.isEmpty { md += Escape.markdownCell(report.description) + "\n\n" }
        if !report.complete {
            md += "> **Warning: incomplete run.**"
            if let why = report.interruption { md += " Stopped: \(Escape.markdownCell(why))." }
            md += " \(report.replications.filter(\.complete).count) of \(report.plannedReplications) replications finished;"
            md += " the numbers cover only the part that ran.\n\n"
        }
        md += "| | |\n|---|---|\n"
        md += "| Verdict | **\(report.verdict.label)** |\n"
        md += "| Seed | \(report.seed) |\n"
        md += "| Digest | `\(Escape.markdownCell(report.digest))` |\n"
        md += "| Replications | \(report.replications.count) of \(report.plannedReplications) |\n"
        md += "| Simulated time | \(NumberFormat.duration(report.simulatedSeconds)) |\n"
        if !report.rerunCommand.isEmpty { md += "| Re-run | \(Escape.markdownCode(report.rerunCommand).replacingCharacters("|", with: "\\|")) |\n" }
        md += "\n## SLOs\n\n"
        if report.slos.isEmpty {
            md += "No SLOs defined.\n"
        } else {
            let ci = report.isReplicated
            let level = NumberFormat.trimmed(report.confidenceLevel * 100, 1)
            md += "| Result | SLO | Threshold | Measured |" + (ci ? " Mean | \(level)% CI |" : "") + "\n"
            md += "|---|---|---|---:|" + (ci ? "---:|---:|" : "") + "\n"
            for s in report.slos {
                md += "| \(s.passed ? "✅ PASS" : "❌ FAIL") | \(Escape.markdownCell(s.name)) | \(Escape.markdownCell(s.threshold)) | "
                md += Escape.markdownCell(NumberFormat.withUnit(s.value, s.unit, digits: 4)) + " |"
                if ci {
                    md += " " + (s.mean.map { Escape.markdownCell(NumberFormat.withUnit($0, s.unit, digits: 4)) } ?? "–") + " |"
                    if let lo = s.ciLow, let hi = s.ciHigh {
                        md += " [\(Escape.markdownCell(NumberFormat.withUnit(lo, s.unit, digits: 4))), \(Escape.markdownCell(NumberFormat.withUnit(hi, s.unit, digits: 4)))] |"
                    } else {
                        md += " – |"
                    }
                }
                md += "\n"
            }
        }
        md += "\n## Conservation\n\n"
        let rows = report.conservationRows
        if rows.isEmpty {
            md += "No service reported flow counts.\n"
        } else {
            md += "| Service | Entered | Completed | Failed | Dead-lettered | Dropped | In flight | Balanced |\n"
            md += "|---|---:|---:|---:|---:|---:|---:|:---:|\n"
            for r in rows {
                md += "| \(Escape.markdownCell(r.service)) | \(r.entered) | \(r.completed) | \(r.failed) | \(r.deadLettered) | "
                md += "\(r.dropped) | \(r.inFlight) | \(r.balanced ? "✓" : "✗") |\n"
            }
            let v = report.conservationViolations
            if !v.isEmpty {
                md += "\n\(v.count) violation\(v.count == 1 ? "" : "s"):\n\n"
                for line in v.prefix(20) { md += "- \(Escape.markdownCell(line))\n" }
                if v.count > 20 { md += "- and \(v.count - 20) more\n" }
            }
        }
        if let r = report.chartedReplication, !r.metrics.latencies.isEmpty {
            let ranked = r.metrics.latencies.enumerated().sorted { a, b in
                let x = a.element.p99.isNaN ? -1 : a.element.p99, y = b.element.p99.isNaN ? -1 : b.element.p99
                return x != y ? x > y : a.offset < b.offset
            }.map(\.element)
            md += "\n## Top latencies\(report.replications.count > 1 ? " (replication 1)" : "")\n\n"
            md += "| Latency | Count | p50 | p95 | p99 | Max |\n|---|---:|---:|---:|---:|---:|\n"
            for l in ranked.prefix(topLatencies) {
                md += "| `\(Escape.markdownCell(l.key).replacingCharacters("`", with: "'"))` | \(l.count) | "
                md += [l.p50, l.p95, l.p99, l.max].map { NumberFormat.withUnit($0, "s") }.joined(separator: " | ") + " |\n"
            }
        }
        if !report.provenance.isEmpty {
            md += "\n## Real and modelled\n\n"
            for p in report.provenance {
                md += "- **\(Escape.markdownCell(p.component))**: \(p.mode.rawValue)"
                md += p.detail.isEmpty ? "\n" : " (\(Escape.markdownCell(p.detail)))\n"
            }
        }
        return md
    }
}
