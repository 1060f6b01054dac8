/// A JSON document with ordered object keys and a deterministic printer: integers print as
/// integers, doubles with Swift's shortest round-trip form (identical on every run and machine),
/// NaN and infinities as `null`. Used for `summary.json` and the trace-event export.
///
/// Conformance has its own `JSONValue` (a reader: dictionary objects, `Double` numbers, a
/// Foundation parser); it is kept separate on purpose — see the note on that type
/// (Sources/Conformance/JSONValue.swift) for why one type cannot serve both.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// Keys in the order given; the printer never reorders them.
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.compact() == b.compact() }

    /// An optional double, `null` when absent.
    public static func optional(_ v: Double?) -> JSONValue { v.map { .number($0) } ?? .null }

    /// Indented with two spaces, one member per line, ending in a newline.
    public func pretty() -> String {
        var out = ""
        write(to: &out, indent: 0, pretty: true)
        out += "\n"
        return out
    }

    /// On one line, no spaces.
    public func compact() -> String {
        var out = ""
        write(to: &out, indent: 0, pretty: false)
        return out
    }

    func write(to out: inout String, indent: Int, pretty: Bool) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .uint(let u): out += String(u)
        case .number(let d): out += JSONValue.number(text: d)
        case .string(let s): JSONValue.quote(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                if pretty { newline(&out, indent + 1) }
                item.write(to: &out, indent: indent + 1, pretty: pretty)
            }
            if pretty { newline(&out, indent) }
            out += "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out += "," }
                if pretty { newline(&out, indent + 1) }
                JSONValue.quote(key, into: &out)
                out += pretty ? ": " : ":"
                value.write(to: &out, indent: indent + 1, pretty: pretty)
            }
            if pretty { newline(&out, indent) }
            out += "}"
        }
    }

    private func newline(_ out: inout String, _ indent: Int) {
        out += "\n"
        out += String(repeating: "  ", count: indent)
    }

    /// The JSON text of a double: integral values below 2^53 without a fraction ("3"), others in
    /// Swift's shortest round-trip form ("0.1", "1e-05"); non-finite values as `null`.
    public static func number(text d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded(), abs(d) < 9_007_199_254_740_992 { return String(Int64(d)) }
        return "\(d)"
    }

    /// Appends `s` as a JSON string literal (RFC 8259 escapes, control characters as \u00XX).
    public static func quote(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
