/// A small document tree for rendering a resolved scenario as YAML or JSON: deterministic key
/// order, conservative quoting, no dependence on an emitter's defaults.
enum ResolvedValue {
    /// Written as is: numbers, booleans and canonical unit syntax (`90s`, `100/s`, `2Gi`).
    case plain(String)
    /// A string, quoted when a YAML reader would otherwise take it for something else.
    case string(String)
    case list([ResolvedValue])
    case map([(String, ResolvedValue)])

    /// The scenario node as written (plain scalars stay plain, quoted ones stay strings).
    init(_ node: ScenarioNode) {
        switch node.content {
        case .scalar(let s): self = s.isQuoted ? .string(s.text) : .plain(s.text)
        case .sequence(let s): self = .list(s.map(ResolvedValue.init))
        case .mapping(let m): self = .map(m.map { ($0.key, ResolvedValue($0.value)) })
        }
    }

    // MARK: YAML

    func yaml(indent: Int = 0) -> String {
        var out = ""
        appendYAML(to: &out, indent: indent)
        return out
    }

    private func appendYAML(to out: inout String, indent: Int) {
        let pad = String(repeating: " ", count: indent)
        switch self {
        case .map(let entries):
            for (key, value) in entries {
                // Keys are read as text by scenario readers, so `on` or `1` need no quotes.
                out += pad + Self.yamlScalar(key, plain: true) + ":"
                value.appendValue(to: &out, indent: indent)
            }
        case .list(let items):
            for item in items {
                out += pad + "-"
                switch item {
                case .map(let entries) where !entries.isEmpty:
                    var nested = ""
                    item.appendYAML(to: &nested, indent: indent + 2)
                    out += " " + nested.dropFirst(indent + 2)
                case .list(let inner) where !inner.isEmpty:
                    out += "\n"
                    item.appendYAML(to: &out, indent: indent + 2)
                default:
                    item.appendValue(to: &out, indent: indent)
                }
            }
        case .plain, .string:
            out += pad
            appendValue(to: &out, indent: indent)
        }
    }

    /// The value after `key:` (or `-`): inline for scalars and empty collections, else on the
    /// following lines, indented.
    private func appendValue(to out: inout String, indent: Int) {
        switch self {
        case .plain(let text): out += " " + Self.yamlScalar(text, plain: true) + "\n"
        case .string(let text): out += " " + Self.yamlScalar(text, plain: false) + "\n"
        case .map(let entries) where entries.isEmpty: out += " {}\n"
        case .list(let items) where items.isEmpty: out += " []\n"
        case .map:
            out += "\n"
            appendYAML(to: &out, indent: indent + 2)
        case .list:
            out += "\n"
            appendYAML(to: &out, indent: indent + 2)
        }
    }

    /// `text` as a YAML scalar: plain when safe, else double-quoted. A `plain` value may look like
    /// a number or boolean (that is what it is); a string must not.
    static func yamlScalar(_ text: String, plain: Bool) -> String {
        let indicators: Set<Character> = ["-", "?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "`"]
        let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"]
        var quote = text.isEmpty || text != text.trimmingSpaces || text.contains(": ") || text.contains(" #")
            || text.hasSuffix(":") || text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
        if let first = text.first, indicators.contains(first), !(plain && first == "-" && NumberSyntax.parse(text) != nil) {
            quote = true
        }
        if !plain {
            let lower = text.lowercased()
            if reserved.contains(lower) || NumberSyntax.parse(text) != nil || Double(text) != nil || text.contains(":") {
                quote = true
            }
        }
        return quote ? jsonString(text) : text
    }

    // MARK: JSON

    func json(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent + 1)
        let close = String(repeating: "  ", count: indent)
        switch self {
        case .plain(let text):
            if let number = NumberSyntax.parse(text) { return NumberSyntax.format(number) }
            if text == "true" || text == "false" { return text }
            if ["", "~", "null", "Null", "NULL"].contains(text) { return "null" }
            return Self.jsonString(text)
        case .string(let text): return Self.jsonString(text)
        case .list(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { pad + $0.json(indent: indent + 1) }.joined(separator: ",\n") + "\n\(close)]"
        case .map(let entries):
            if entries.isEmpty { return "{}" }
            return "{\n" + entries.map { pad + Self.jsonString($0.0) + ": " + $0.1.json(indent: indent + 1) }
                .joined(separator: ",\n") + "\n\(close)}"
        }
    }

    /// A JSON string literal (also a valid YAML double-quoted scalar).
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
