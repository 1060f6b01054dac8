import Foundation

/// A JSON document as a value: the shape conformance cases are written in.
///
/// Cases arrive as JSON lines whose fields differ per policy and may grow new, ignored fields,
/// so runners navigate them as values instead of decoding fixed structs. Numbers are `Double`
/// (JSON has one number type); integral values print without a fraction.
///
/// Why this is not Reporting's `JSONValue` (Sources/Reporting/Format/JSONValue.swift): the two
/// answer opposite needs. This one *reads* foreign JSON, so objects are dictionaries (key order
/// carries no meaning and equality ignores it), numbers are one `Double`, and it parses through
/// Foundation. Reporting's *writes* our own files byte-identically, so objects keep the order
/// they were built in, counters and 64-bit digests stay exact `Int64`/`UInt64` (a `Double`
/// would round digests above 2^53), and equality is equality of the printed text. One type
/// serving both would need both object representations and both equalities, and would have to
/// live in SimKernel (Conformance and Reporting may not import each other), pulling a JSON
/// parser into the simulation kernel: bigger than the two it replaces. So they stay separate.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses one JSON text; throws `JSONValueError.malformed` with the parser's explanation.
    public static func parse(_ text: String) throws -> JSONValue {
        guard let data = text.data(using: .utf8) else { throw JSONValueError.malformed("not UTF-8") }
        do {
            let any = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return try JSONValue(foundation: any)
        } catch let error as JSONValueError {
            throw error
        } catch {
            let ns = error as NSError
            let detail = (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription
            throw JSONValueError.malformed(detail)
        }
    }

    init(foundation any: Any) throws {
        switch any {
        case is NSNull: self = .null
        case let s as String: self = .string(s)
        case let n as NSNumber:
            // JSON booleans arrive as NSNumbers too; their boxed C type is `char` ("c"), which
            // no JSON number produces.
            if String(cString: n.objCType) == "c" { self = .bool(n.boolValue) } else { self = .number(n.doubleValue) }
        case let a as [Any]: self = .array(try a.map { try JSONValue(foundation: $0) })
        case let d as [String: Any]:
            var o: [String: JSONValue] = [:]
            for (k, v) in d { o[k] = try JSONValue(foundation: v) }
            self = .object(o)
        default: throw JSONValueError.malformed("unsupported JSON value \(type(of: any))")
        }
    }

    // MARK: Navigation

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { return o }; return nil }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var doubleValue: Double? { if case .number(let n) = self { return n }; return nil }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var isNull: Bool { self == .null }
    /// The number as an integer when it is integral.
    public var intValue: Int? {
        guard case .number(let n) = self, n.rounded() == n, abs(n) < 9e15 else { return nil }
        return Int(n)
    }

    // MARK: Output

    /// Compact JSON with object keys sorted, so output is byte-identical run to run.
    public var compactText: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += JSONValue.format(n)
        case .string(let s): JSONValue.writeString(s, to: &out)
        case .array(let a):
            out += "["
            for (i, v) in a.enumerated() {
                if i > 0 { out += "," }
                v.write(to: &out)
            }
            out += "]"
        case .object(let o):
            out += "{"
            for (i, k) in o.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                JSONValue.writeString(k, to: &out)
                out += ":"
                o[k]!.write(to: &out)
            }
            out += "}"
        }
    }

    static func format(_ n: Double) -> String {
        if !n.isFinite { return "null" }
        if n.rounded() == n && abs(n) < 1e15 { return String(Int64(n)) }
        return "\(n)"
    }

    static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + String(format: "%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

/// A JSON text that could not be read.
public enum JSONValueError: Error, CustomStringConvertible {
    case malformed(String)
    public var description: String {
        switch self { case .malformed(let why): return "malformed JSON: \(why)" }
    }
}

extension JSONValue: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}
