/// One row of the seed's §10.1 table, measured: the scenario pair's per-replication values of the
/// row's metric without and with the seed's solution, and what the seed claims.
public struct SeedTableRow: Sendable {
    /// Short id (`recording`), also the stem of the row's scenario files.
    public var id: String
    /// The seed's columns: component, challenge, solution.
    public var service: String
    public var challenge: String
    public var solution: String
    public var claim: SeedTableClaim
    /// The metric's name as printed ("peak concurrent sessions") and how it is measured.
    public var metric: String
    public var definition: String
    /// Unit for `NumberFormat.withUnit` ("s", "ratio", "jobs/h", "" …).
    public var unit: String
    /// What each variant configures, and what the figure depends on.
    public var withoutConfiguration: String
    public var withConfiguration: String
    public var note: String
    /// One value per replication (nil: the metric had no data in that replication).
    public var without: [Double?]
    public var with: [Double?]
    /// Anything that makes the numbers doubtful (units lost, incomplete runs).
    public var problems: [String]

    public init(id: String, service: String, challenge: String, solution: String, claim: SeedTableClaim,
                metric: String, definition: String, unit: String, withoutConfiguration: String, withConfiguration: String,
                note: String, without: [Double?], with: [Double?], problems: [String] = []) {
        self.id = id
        self.service = service
        self.challenge = challenge
        self.solution = solution
        self.claim = claim
        self.metric = metric
        self.definition = definition
        self.unit = unit
        self.withoutConfiguration = withoutConfiguration
        self.withConfiguration = withConfiguration
        self.note = note
        self.without = without
        self.with = with
        self.problems = problems
    }

    public var withoutEstimate: SeedTableEstimate? { SeedTableEstimate(without) }
    public var withEstimate: SeedTableEstimate? { SeedTableEstimate(with) }

    /// Paired improvement: a reduction for reduction claims, a ratio otherwise.
    public var improvement: SeedTableImprovement? {
        SeedTableImprovement(without: without, with: with, measure: claim.kind == .reduction ? .reduction : .ratio)
    }

    public var verdict: SeedTableVerdict {
        guard let solution = withEstimate else { return .notMeasurable("the solution's run has no \(metric)") }
        if claim.kind == .atLeast {
            return SeedTableVerdict.judge(lower: solution.lower, upper: solution.upper, claimed: claim.value)
        }
        guard withoutEstimate != nil else { return .notMeasurable("the baseline's run has no \(metric)") }
        guard let improvement else { return .notMeasurable("the baseline measured 0 \(metric): no ratio") }
        return SeedTableVerdict.judge(lower: improvement.lower, upper: improvement.upper, claimed: claim.value)
    }

    // MARK: Text

    /// "1,500 ± 0" style: the mean and the 95 % half-width.
    public static func estimateText(_ e: SeedTableEstimate?, unit: String) -> String {
        guard let e else { return "–" }
        let half = e.values.count >= 2 ? NumberFormat.withUnit(e.halfWidth, unit) : "n/a"
        return "\(NumberFormat.withUnit(e.mean, unit)) ± \(half)"
    }

    public var improvementText: String {
        guard let i = improvement else { return "–" }
        let interval = i.perReplication.count >= 2 ? " [\(Self.improvementNumber(i.lower, i.measure)), \(Self.improvementNumber(i.upper, i.measure))]" : " [no interval]"
        return Self.improvementNumber(i.mean, i.measure) + interval
    }

    static func improvementNumber(_ v: Double, _ m: SeedTableImprovement.Measure) -> String {
        switch m {
        case .ratio: return NumberFormat.significant(v, 3) + "x"
        case .reduction: return NumberFormat.significant(v * 100, 3) + " %"
        }
    }

    public var verdictText: String {
        if case let .notMeasurable(why) = verdict { return "not measurable: \(why)" }
        if claim.kind == .atLeast, let e = withEstimate {
            let lower = e.values.count >= 2 ? NumberFormat.withUnit(e.lower, unit) : "n/a"
            return "\(verdict.label) (solution ≥ \(NumberFormat.withUnit(claim.value, unit))? 95 % lower bound \(lower))"
        }
        return verdict.label
    }
}

/// The whole measured table: every row, how many replications, and its renderings (plain text
/// for the terminal, Markdown, JSON, HTML). Pure values in, text out: the same rows give the
/// same bytes (no clock, no machine facts).
public struct SeedTableReport: Sendable {
    public var rows: [SeedTableRow]
    public var replications: Int
    /// The command that reproduces the table.
    public var rerunCommand: String

    public init(rows: [SeedTableRow], replications: Int, rerunCommand: String) {
        self.rows = rows
        self.replications = replications
        self.rerunCommand = rerunCommand
    }

    static let headers = ["row", "metric", "without (mean ± 95 % CI)", "with (mean ± 95 % CI)",
                          "measured improvement [95 % CI]", "seed claims", "verdict"]

    func cells(_ r: SeedTableRow) -> [String] {
        [r.id, r.metric, SeedTableRow.estimateText(r.withoutEstimate, unit: r.unit), SeedTableRow.estimateText(r.withEstimate, unit: r.unit),
         r.improvementText, r.claim.text, r.verdictText]
    }

    /// An aligned plain-text table for the terminal.
    public var text: String {
        let table = [Self.headers] + rows.map(cells)
        var widths = Array(repeating: 0, count: Self.headers.count)
        for line in table { for (i, c) in line.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == cells.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count) }
                .joined(separator: "  ")
        }
        var out = line(Self.headers) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for r in rows { out += line(cells(r)) + "\n" }
        return out
    }

    public var markdown: String {
        var out = "# The seed's §10.1 table, measured\n\n"
        out += "Each row runs its scenario pair (`Scenarios/seed-table/<row>-without.yaml` and `-with.yaml`) for "
        out += "\(replications) replication(s); replication i of both variants uses the same seed, and the improvement "
        out += "is computed per replication (paired) with a 95 % Student-t interval. A claim is *reproduced* when the whole "
        out += "interval reaches the claimed figure, *not reproduced* when the whole interval falls short, *inconclusive* otherwise.\n\n"
        out += "| " + Self.headers.joined(separator: " | ") + " |\n"
        out += "|" + Self.headers.map { _ in "---" }.joined(separator: "|") + "|\n"
        for r in rows { out += "| " + cells(r).map(Escape.markdownCell).joined(separator: " | ") + " |\n" }
        out += "\n## What each row measures and configures\n"
        for r in rows {
            out += "\n### \(r.id): \(Escape.markdownCell(r.service)) — \(Escape.markdownCell(r.challenge))\n\n"
            for d in Self.details(r) { out += d.problem ? "- **\(d.label):** \(d.text)\n" : "- \(d.label): \(d.text)\n" }
        }
        out += "\nRerun: `\(rerunCommand)`\n"
        return out
    }

    static func list(_ values: [Double?], _ unit: String) -> String {
        values.map { $0.map { NumberFormat.withUnit($0, unit) } ?? "–" }.joined(separator: ", ")
    }

    public var json: String {
        func numbers(_ v: [Double?]) -> JSONValue { .array(v.map { JSONValue.optional($0) }) }
        func estimate(_ e: SeedTableEstimate?) -> JSONValue {
            guard let e else { return .null }
            return .object([("mean", .number(e.mean)), ("ciLow", .number(e.lower)), ("ciHigh", .number(e.upper))])
        }
        let items: [JSONValue] = rows.map { r in
            var verdictReason: JSONValue = .null
            if case let .notMeasurable(why) = r.verdict { verdictReason = .string(why) }
            let improvement: JSONValue = r.improvement.map { i in
                .object([("measure", .string(i.measure.rawValue)), ("mean", .number(i.mean)), ("ciLow", .number(i.lower)),
                         ("ciHigh", .number(i.upper)), ("perReplication", .array(i.perReplication.map { .number($0) }))])
            } ?? .null
            return .object([
                ("row", .string(r.id)), ("service", .string(r.service)), ("challenge", .string(r.challenge)),
                ("solution", .string(r.solution)),
                ("claim", .object([("text", .string(r.claim.text)), ("kind", .string(r.claim.kind.rawValue)), ("value", .number(r.claim.value))])),
                ("metric", .string(r.metric)), ("definition", .string(r.definition)), ("unit", .string(r.unit)),
                ("without", .object([("configuration", .string(r.withoutConfiguration)), ("perReplication", numbers(r.without)),
                                     ("estimate", estimate(r.withoutEstimate))])),
                ("with", .object([("configuration", .string(r.withConfiguration)), ("perReplication", numbers(r.with)),
                                  ("estimate", estimate(r.withEstimate))])),
                ("improvement", improvement),
                ("verdict", .string(r.verdict.label)), ("verdictReason", verdictReason),
                ("note", .string(r.note)), ("problems", .array(r.problems.map { .string($0) })),
            ])
        }
        return JSONValue.object([("replications", .int(Int64(replications))), ("rerun", .string(rerunCommand)),
                                 ("rows", .array(items))]).pretty()
    }
}
