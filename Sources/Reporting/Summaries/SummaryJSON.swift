/// Renders `summary.json`: the machine-readable essentials of a run for CI and scripts.
///
/// Keys appear in a fixed order; numbers print through `JSONValue` (integers as integers,
/// doubles in shortest round-trip form, NaN/∞ as null); no wall-clock value appears. Layout
/// (`format` = "loomsim.summary/1"):
/// `format, scenario, description, seed, digest, verdict, complete, interruption, rerun,
/// planned_replications, confidence_level, slos[{name, metric, threshold, value, unit, passed,
/// mean, ci_low, ci_high}], conservation{service: {entered, completed, failed, dead_lettered,
/// dropped, in_flight, balanced}}, conservation_holds, conservation_violations[],
/// replications[{index, seed, digest, complete, simulated_seconds, conservation_holds,
/// latencies{key: {count, mean, p50, p90, p95, p99, p999, max}}, counters{key: total}}],
/// provenance[{component, mode, detail}], parameters{key: value}, point`.
/// The `mean`/`ci_low`/`ci_high` fields appear only on replicated runs.
public enum SummaryJSON {
    /// The document as a value (tests read fields from it).
    public static func value(_ report: RunReport) -> JSONValue {
        let ci = report.isReplicated
        let slos: [JSONValue] = report.slos.map { s in
            var members: [(String, JSONValue)] = [
                ("name", .string(s.name)), ("metric", .string(s.metric)), ("threshold", .string(s.threshold)),
                ("value", .number(s.value)), ("unit", .string(s.unit)), ("passed", .bool(s.passed)),
            ]
            if ci {
                members += [("mean", .optional(s.mean)), ("ci_low", .optional(s.ciLow)), ("ci_high", .optional(s.ciHigh))]
            }
            return .object(members)
        }
        let conservation: [(String, JSONValue)] = report.conservationRows.map { r in
            (r.service, .object([
                ("entered", .int(Int64(r.entered))), ("completed", .int(Int64(r.completed))),
                ("failed", .int(Int64(r.failed))), ("dead_lettered", .int(Int64(r.deadLettered))),
                ("dropped", .int(Int64(r.dropped))), ("in_flight", .int(Int64(r.inFlight))),
                ("balanced", .bool(r.balanced)),
            ]))
        }
        return .object([
            ("format", .string("loomsim.summary/1")),
            ("scenario", .string(report.scenario)),
            ("description", .string(report.description)),
            ("seed", .uint(report.seed)),
            ("digest", .string(report.digest)),
            ("verdict", .string(report.verdict.rawValue)),
            ("complete", .bool(report.complete)),
            ("interruption", report.interruption.map { .string($0) } ?? .null),
            ("rerun", .string(report.rerunCommand)),
            ("planned_replications", .int(Int64(report.plannedReplications))),
            ("confidence_level", .number(report.confidenceLevel)),
            ("slos", .array(slos)),
            ("conservation", .object(conservation)),
            ("conservation_holds", .bool(report.conservationHolds)),
            ("conservation_violations", .array(report.conservationViolations.map { .string($0) })),
            ("replications", .array(report.replications.map(replication))),
            ("provenance", .array(report.provenance.map {
                .object([("component", .string($0.component)), ("mode", .string($0.mode.rawValue)), ("detail", .string($0.detail))])
            })),
            ("parameters", .object(report.parameters.map { ($0.key, .string($0.value)) })),
            ("point", .int(Int64(report.point))),
        ])
    }

    static func replication(_ r: ReplicationResult) -> JSONValue {
        .object([
            ("index", .int(Int64(r.index))),
            ("seed", .uint(r.seed)),
            ("digest", .string(r.digest)),
            ("complete", .bool(r.complete)),
            ("simulated_seconds", .number(r.endSeconds)),
            ("conservation_holds", .bool(r.conservationHolds)),
            ("latencies", .object(r.metrics.latencies.map { l in
                (l.key, .object([
                    ("count", .uint(l.count)), ("mean", .number(l.mean)), ("p50", .number(l.p50)),
                    ("p90", .number(l.p90)), ("p95", .number(l.p95)), ("p99", .number(l.p99)),
                    ("p999", .number(l.p999)), ("max", .number(l.max)),
                ]))
            })),
            ("counters", .object(r.metrics.counters.map { ($0.key, .number($0.total)) })),
        ])
    }

    /// The file's text (pretty-printed, trailing newline).
    public static func render(_ report: RunReport) -> String { value(report).pretty() }
}
