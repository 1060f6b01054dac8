import Foundation

/// Renders a `PlanResult` as the Markdown that `loomsim plan` prints and writes to plan.md, and
/// as plan.json. Pure: values in, text out; no wall-clock figures, so the output is byte-identical
/// whatever the thread count.
public enum PlanReport {
    public static func markdown(_ r: PlanResult) -> String {
        var out = "# Capacity plan: \(r.scenario)\n\n"
        out += "Variables: " + zip(r.variables, r.directions).map { "`\($0)` (\($1))" }.joined(separator: ", ") + "  \n"
        out += "SLO bound: \(r.bound == "ci95" ? "pessimistic side of the 95% confidence interval (ci95)" : "as written") · "
        out += "\(r.replications) replication(s) per configuration · \(r.evaluations) configuration run(s) in all "
        out += "(candidate box: \(r.boxSize) per load)\n\n"
        guard let best = r.recommended else {
            out += "## No feasible configuration\n\nNo configuration within the variables' ranges meets every SLO at the scenario's load "
            out += "(even the all-maximum one). Widen the ranges or relax the SLOs.\n\n"
            out += curve(r)
            out += monotonicity(r)
            return out
        }
        out += "## Recommended configuration\n\n"
        for (key, value) in zip(r.variables, best.values) { out += "- `\(key)` = **\(value)**\n" }
        out += "\n**Cost: \(money(best.dollarsPerHour))/hour, \(money(best.dollarsPerRun)) for the run.**\n\n"
        out += "| SLO | bound | value | threshold | margin |\n|---|---|---|---|---|\n"
        for s in best.slos {
            let rel = s.relativeMargin.map { String(format: " (%+.0f%%)", $0 * 100) } ?? ""
            out += "| \(cell(s.name)) | \(s.bound) | \(s.valueText) | \(s.thresholdText) | \(s.marginText)\(rel) |\n"
        }
        out += "| nothing lost (conservation) | every replication | \(best.nothingLost ? "yes" : "no") | yes | |\n\n"
        out += "Bill (means over replications, after the warm-up):\n\n| item | quantity | $/unit-hour | $/hour |\n|---|---|---|---|\n"
        for i in best.bill {
            out += "| \(i.name) | \(String(format: "%.2f", i.quantity)) | \(money(i.unitPrice)) | \(money(i.dollarsPerHour)) |\n"
        }
        if best.warmUpSeconds.contains(where: { $0 > 0 }) {
            out += "\nWarm-up deleted per replication: " + best.warmUpSeconds.map { String(format: "%.0fs", $0) }.joined(separator: ", ") + "\n"
        }
        out += "\nDigest of the recommended configuration's run: `\(best.digest)`\n\n"
        out += verification(r)
        out += curve(r)
        out += monotonicity(r)
        return out
    }

    static func curve(_ r: PlanResult) -> String {
        var out = "## Capacity curve\n\nThe cheapest configuration meeting every SLO as the load grows (× the scenario's rates).\n\n"
        out += "| load | " + r.variables.map { "`\(shortKey($0))`" }.joined(separator: " | ") + " | $/hour | run | inferred |\n"
        out += "|---|" + r.variables.map { _ in "---|" }.joined() + "---|---|---|\n"
        for c in r.curve {
            let load = String(format: "%g×", c.load)
            let note = c.truncated ? " (search stopped at maxEvaluations)" : ""
            if let b = c.best {
                out += "| \(load) | " + b.values.joined(separator: " | ") + " | \(money(b.dollarsPerHour))\(note) | \(c.evaluated) | \(c.inferred) |\n"
            } else {
                out += "| \(load) | " + r.variables.map { _ in "—" }.joined(separator: " | ")
                    + " | infeasible within the ranges\(note) | \(c.evaluated) | \(c.inferred) |\n"
            }
        }
        return out
    }

    public static func json(_ r: PlanResult) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return (try? String(decoding: encoder.encode(r), as: UTF8.self)) ?? "{}"
    }

    /// The last two parts of a key path (`gpus.rtx-3060`), for table headers.
    static func shortKey(_ key: String) -> String {
        key.split(separator: ".").suffix(2).joined(separator: ".")
    }

    static func money(_ d: Double) -> String { String(format: "$%.2f", d) }

    static func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
}
