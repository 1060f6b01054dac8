/// Tables of what one replication measured: latency percentiles, counter totals, notable
/// events and an index of every series.
extension HTMLTables {
    /// Most notable events listed individually; the rest are counted by kind.
    static let eventRows = 100

    static func measurementSections(_ r: ReplicationResult, replicated: Bool) -> [ReportSection] {
        let which = replicated ? " (replication 1)" : ""
        var out: [ReportSection] = []
        let m = r.metrics
        if !m.latencies.isEmpty {
            var t = HTMLTable(columns: [.init(title: "Latency"), .init(title: "Count", numeric: true)]
                + ["Mean", "p50", "p90", "p95", "p99", "p99.9", "Max"].map { .init(title: $0, numeric: true) })
            for l in m.latencies {
                t.rows.append(.init(cells: ["<code>\(HTMLTable.text(l.key))</code>", NumberFormat.integer(Int(clamping: l.count))]
                    + [l.mean, l.p50, l.p90, l.p95, l.p99, l.p999, l.max].map { HTMLTable.text(NumberFormat.withUnit($0, "s")) }))
            }
            out.append(ReportSection(id: "latency-summary", title: "Latency summary" + which,
                                     intro: "After the warm-up, from HdrHistograms with three significant digits.",
                                     body: t.render()))
        }
        if !m.events.isEmpty || !m.droppedEventCounts.isEmpty {
            out.append(ReportSection(id: "events", title: "Notable events" + which, body: eventsTable(m)))
        }
        var body = ""
        if !m.counters.isEmpty {
            var t = HTMLTable(columns: [.init(title: "Counter"), .init(title: "Total", numeric: true), .init(title: "Unit")], scroll: true)
            for c in m.counters {
                t.rows.append(.init(cells: ["<code>\(HTMLTable.text(c.key))</code>", NumberFormat.significant(c.total, 6), HTMLTable.text(c.unit)]))
            }
            body += "<details><summary>Counter totals (\(m.counters.count))</summary>\(t.render())</details>"
        }
        if !m.series.isEmpty {
            var t = HTMLTable(columns: [.init(title: "Series"), .init(title: "Unit"), .init(title: "Min", numeric: true),
                                        .init(title: "Mean", numeric: true), .init(title: "Max", numeric: true),
                                        .init(title: "Last", numeric: true)], scroll: true)
            for s in m.series {
                let finite = s.values.filter(\.isFinite)
                let mean = finite.isEmpty ? Double.nan : finite.reduce(0, +) / Double(finite.count)
                t.rows.append(.init(cells: ["<code>\(HTMLTable.text(s.key))</code>", HTMLTable.text(s.unit),
                                            NumberFormat.significant(finite.min() ?? .nan, 4), NumberFormat.significant(mean, 4),
                                            NumberFormat.significant(finite.max() ?? .nan, 4),
                                            NumberFormat.significant(s.values.last ?? .nan, 4)]))
            }
            body += "<details><summary>All series (\(m.series.count), \(m.times.count) samples each)</summary>\(t.render())</details>"
        }
        if !body.isEmpty {
            out.append(ReportSection(id: "index", title: "All measurements" + which,
                                     intro: "Every counter and series the run recorded; the results database holds the full values.",
                                     body: body))
        }
        return out
    }

    static func eventsTable(_ m: MetricsSnapshot) -> String {
        eventKindsTable(m) + "<h3>Timeline</h3>" + eventListTable(m)
    }

    /// One row per event kind (sorted by kind): how many, first and last time; kinds only
    /// counted because the recorder's list was full show their count alone.
    static func eventKindsTable(_ m: MetricsSnapshot) -> String {
        var first: [String: Double] = [:], last: [String: Double] = [:], count: [String: Int] = [:]
        for e in m.events {
            count[e.kind, default: 0] += 1
            if first[e.kind] == nil { first[e.kind] = e.time.seconds }
            last[e.kind] = e.time.seconds
        }
        let kinds = Set(count.keys).union(m.droppedEventCounts.keys).sorted()
        var t = HTMLTable(columns: [.init(title: "Kind"), .init(title: "Count", numeric: true),
                                    .init(title: "First", numeric: true), .init(title: "Last", numeric: true)])
        for k in kinds {
            let n = (count[k] ?? 0) + (m.droppedEventCounts[k] ?? 0)
            t.rows.append(.init(cells: ["<code>\(HTMLTable.text(k))</code>", NumberFormat.integer(n),
                                        first[k].map { HTMLTable.text(NumberFormat.clock($0)) } ?? "–",
                                        last[k].map { HTMLTable.text(NumberFormat.clock($0)) } ?? "–"]))
        }
        return t.render()
    }

    static func eventListTable(_ m: MetricsSnapshot) -> String {
        var t = HTMLTable(columns: [.init(title: "Time", numeric: true), .init(title: "Kind"), .init(title: "Subject"), .init(title: "Detail")],
                          scroll: m.events.count > 25)
        for e in m.events.prefix(eventRows) {
            t.rows.append(.init(cells: [HTMLTable.text(NumberFormat.clock(e.time.seconds)), "<code>\(HTMLTable.text(e.kind))</code>",
                                        HTMLTable.text(e.subject), HTMLTable.text(e.detail)]))
        }
        var body = t.render()
        var rest: [String: Int] = m.droppedEventCounts
        for e in m.events.dropFirst(eventRows) { rest[e.kind, default: 0] += 1 }
        if !rest.isEmpty {
            let total = rest.values.reduce(0, +)
            body += "<p class=\"muted\">\(NumberFormat.integer(total)) more events not listed here: "
            body += rest.keys.sorted().map { "<code>\(Escape.markup($0))</code> × \(NumberFormat.integer(rest[$0]!))" }.joined(separator: ", ")
            body += ".</p>"
        }
        return body
    }
}
