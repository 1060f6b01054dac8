/// A small HTML table builder. Cells are HTML fragments: callers escape text with `Escape.markup`
/// (or `HTMLTable.text`) so that numbers and badges can be mixed with plain text.
struct HTMLTable {
    struct Column {
        var title: String
        var numeric: Bool = false
    }
    struct Row {
        var cells: [String]
        var cls: String? = nil
    }

    var columns: [Column]
    var rows: [Row] = []
    /// Wrap in a scrolling box (long tables).
    var scroll = false

    static func text(_ s: String) -> String { Escape.markup(s) }

    func render() -> String {
        var out = scroll ? "<div class=\"scroll\">" : ""
        out += "<table><thead><tr>"
        for c in columns { out += c.numeric ? "<th class=\"n\">" : "<th>"; out += Escape.markup(c.title) + "</th>" }
        out += "</tr></thead><tbody>\n"
        for row in rows {
            out += row.cls.map { "<tr class=\"\($0)\">" } ?? "<tr>"
            for (i, cell) in row.cells.enumerated() {
                let numeric = i < columns.count && columns[i].numeric
                out += (numeric ? "<td class=\"n\">" : "<td>") + cell + "</td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody></table>"
        if scroll { out += "</div>" }
        return out
    }
}

/// One section of the report: an anchor, a heading, an optional introduction and its body.
struct ReportSection {
    var id: String
    var title: String
    var intro: String? = nil
    var body: String

    func render() -> String {
        var out = "<section id=\"\(Escape.markup(id))\"><h2>\(Escape.markup(title))</h2>\n"
        if let intro { out += "<p class=\"intro\">\(Escape.markup(intro))</p>\n" }
        out += body + "\n</section>\n"
        return out
    }
}

/// A chart with an optional caption, full width or one cell of the two-column grid.
struct ChartPanel {
    var svg: String
    var caption: String? = nil
    var wide = false

    func render() -> String {
        var out = wide ? "<figure class=\"wide\">" : "<figure>"
        out += svg
        if let caption { out += "<figcaption>\(Escape.markup(caption))</figcaption>" }
        return out + "</figure>\n"
    }

    /// Panels in the responsive grid.
    static func grid(_ panels: [ChartPanel]) -> String {
        "<div class=\"grid\">\n" + panels.map { $0.render() }.joined() + "</div>"
    }
}
