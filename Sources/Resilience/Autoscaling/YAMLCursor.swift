import Yams

/// A position in a composed YAML document (a Yams node and its key path) with typed readers that
/// throw `HPAManifestError` carrying the path, what was found, what was expected and the node's
/// line:column. Used by `HPAManifest`; scalar rules follow how Kubernetes decodes YAML via JSON
/// (integers must be unquoted; quantities may be numbers or strings; `null` means absent).
struct YAMLCursor {
    let node: Node
    let path: String

    var line: Int? { node.mark?.line }
    var column: Int? { node.mark?.column }

    func error(_ problem: String, expected: String, at path: String? = nil) -> HPAManifestError {
        HPAManifestError(path: path ?? self.path, problem: problem, expected: expected, line: line, column: column)
    }

    /// `null`, `~` or an empty plain scalar.
    var isNull: Bool {
        guard case .scalar(let s) = node, s.style == .plain || s.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    /// What the node is, for messages: `a mapping`, `a list`, `the string "x"`, `10`.
    var found: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let s):
            if isNull { return "null" }
            return s.style == .plain || s.style == .any ? "\(s.string)" : "the string \"\(s.string)\""
        }
    }

    /// The entries of a mapping, in document order; rejects non-scalar and duplicate keys.
    func mapping() throws(HPAManifestError) -> [(key: String, value: YAMLCursor)] {
        guard case .mapping(let m) = node else { throw error("found \(found)", expected: "a mapping") }
        var out: [(key: String, value: YAMLCursor)] = []
        var seen: Set<String> = []
        for (k, v) in m {
            guard case .scalar(let ks) = k else {
                throw HPAManifestError(path: path, problem: "found a non-scalar key", expected: "field names",
                                       line: k.mark?.line, column: k.mark?.column)
            }
            let childPath = path.isEmpty ? ks.string : "\(path).\(ks.string)"
            guard seen.insert(ks.string).inserted else {
                throw HPAManifestError(path: childPath, problem: "duplicate field", expected: "each field once",
                                       line: k.mark?.line, column: k.mark?.column)
            }
            out.append((ks.string, YAMLCursor(node: v, path: childPath)))
        }
        return out
    }

    /// A mapping read into a field table, rejecting unknown fields when `strict`.
    func fields(allowed: Set<String>, strict: Bool) throws(HPAManifestError) -> YAMLFields {
        let entries = try mapping()
        var table: [String: YAMLCursor] = [:]
        for (key, value) in entries {
            if !allowed.contains(key) {
                if strict {
                    throw value.error("unknown field \"\(key)\"",
                                      expected: "one of \(allowed.sorted().joined(separator: ", "))")
                }
                continue
            }
            if !value.isNull { table[key] = value }
        }
        return YAMLFields(cursor: self, table: table)
    }

    func sequence() throws(HPAManifestError) -> [YAMLCursor] {
        guard case .sequence(let s) = node else { throw error("found \(found)", expected: "a list") }
        return s.enumerated().map { YAMLCursor(node: $0.element, path: "\(path)[\($0.offset)]") }
    }

    func string() throws(HPAManifestError) -> String {
        guard case .scalar(let s) = node, !isNull else { throw error("found \(found)", expected: "a string") }
        return s.string
    }

    func int32(in range: ClosedRange<Int64> = Int64(Int32.min)...Int64(Int32.max),
               expected: String = "an integer") throws(HPAManifestError) -> Int32 {
        guard case .scalar(let s) = node, !isNull else { throw error("found \(found)", expected: expected) }
        guard s.style == .plain || s.style == .any else {
            throw error("found \(found)", expected: "\(expected), unquoted")
        }
        var text = Substring(s.string)
        if text.first == "+" { text = text.dropFirst() }
        guard let v = Int64(text), text.allSatisfy({ $0.isNumber || $0 == "-" }) else {
            throw error("found \(found)", expected: expected)
        }
        guard range.contains(v) else { throw error("is \(v)", expected: expected) }
        return Int32(v)
    }

    func quantity() throws(HPAManifestError) -> Quantity {
        guard case .scalar(let s) = node, !isNull else {
            throw error("found \(found)", expected: "a quantity such as 500m, 2Gi or 100")
        }
        do {
            return try Quantity(s.string)
        } catch {
            throw self.error("found \"\(s.string)\", which is not a quantity (\(error))",
                             expected: "a quantity such as 500m, 2Gi or 100")
        }
    }

    func stringMap() throws(HPAManifestError) -> [String: String] {
        var out: [String: String] = [:]
        for (key, value) in try mapping() { out[key] = try value.string() }
        return out
    }
}

/// The non-null fields of one mapping, for required/optional lookups with precise errors.
struct YAMLFields {
    let cursor: YAMLCursor
    let table: [String: YAMLCursor]

    subscript(key: String) -> YAMLCursor? { table[key] }

    func required(_ key: String, expected: String) throws(HPAManifestError) -> YAMLCursor {
        guard let v = table[key] else {
            let path = cursor.path.isEmpty ? key : "\(cursor.path).\(key)"
            throw cursor.error("missing", expected: expected, at: path)
        }
        return v
    }
}
