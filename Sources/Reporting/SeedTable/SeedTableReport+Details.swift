extension SeedTableReport {
    /// One line of a row's details: a label and its text, `problem` for a caveat to stress.
    struct DetailLine {
        var label: String
        var text: String
        var problem = false
    }

    /// What each row measures and configures, in the order both `markdown` and `html` list it
    /// (the two renderings differ only in markup, never in content).
    static func details(_ r: SeedTableRow) -> [DetailLine] {
        [DetailLine(label: "Seed", text: "\(r.solution) → \(r.claim.text)"),
         DetailLine(label: "Metric", text: "\(r.metric) — \(r.definition)"),
         DetailLine(label: "Without", text: r.withoutConfiguration),
         DetailLine(label: "With", text: r.withConfiguration),
         DetailLine(label: "Per replication, without", text: "\(list(r.without, r.unit)); with: \(list(r.with, r.unit))"),
         DetailLine(label: "Note", text: r.note)]
            + r.problems.map { DetailLine(label: "Problem", text: $0, problem: true) }
    }
}
