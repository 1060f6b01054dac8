/// Reads one node of a scenario with precise, collected errors: the decoding toolkit for every
/// section of a scenario, including those (topology, policies) decoded by the services.
///
/// A reader is a node, its key path (`load.workloads[2]`) and the shared `DiagnosticSink`.
/// Lookups never throw: a missing, misspelt or ill-typed value is reported with its file, line,
/// column and key path, and the lookup returns nil so decoding goes on and finds every other
/// problem too. A typical decoder:
///
/// ```swift
/// func decodeService(_ r: NodeReader) -> Service? {
///     r.checkKeys(["name", "replicas", "memory", "timeout"])
///     let name = r.required("name", as: .identifier)
///     let replicas = r.optional("replicas", as: .integer(in: 1...1_000)) ?? 1
///     let memory = r.optional("memory", as: .size)
///     let timeout = r.optional("timeout", as: .duration, default: .wholeSeconds(30))
///     guard let name else { return nil }
///     return Service(name: name, replicas: replicas, memory: memory, timeout: timeout)
/// }
/// let services = root.sequence("services", required: true).compactMap(decodeService)
/// ```
/// `null` reads as absent. Errors are reported at the offending value; a missing required key at
/// the mapping that lacks it. Repeating the same report (asking twice for a key that is missing)
/// records it once.
///
/// A reader shares its load's `DiagnosticSink` (a class confined to that load), so it is not
/// `Sendable`: decode on the thread that loads.
public struct NodeReader {
    public let node: ScenarioNode
    /// The key path of `node`, like `load.workloads[2].rate`; empty for the document.
    public let path: String
    public let sink: DiagnosticSink

    public init(_ node: ScenarioNode, path: String = "", sink: DiagnosticSink) {
        self.node = node
        self.path = path
        self.sink = sink
    }

    public var location: SourceLocation { node.location }
    public var isNull: Bool { node.isNull }

    // MARK: Reporting

    /// Reports an error at this node: `<path>: <problem>; expected <expected>`.
    public func error(_ problem: String, expected: String) {
        sink.error(at: location, path: path, problem, expected: expected)
    }

    /// Reports an error at this node with a free-form hint.
    public func error(_ problem: String, hint: String) {
        sink.error(at: location, path: path, problem, hint: hint)
    }

    /// Reports a warning at this node.
    public func warning(_ problem: String, hint: String) {
        sink.warning(at: location, path: path, problem, hint: hint)
    }

    /// The key path of `key` under this node.
    public func path(of key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    // MARK: Mappings

    /// Checks that this node is a mapping whose keys are all in `allowed`; reports the node if it
    /// is not a mapping, and each unknown key at the key (with a "did you mean" when one is close).
    /// Returns false when the node is not a mapping.
    @discardableResult
    public func checkKeys(_ allowed: [String], expected: String = "a mapping") -> Bool {
        guard let entries = node.entries else {
            error("found \(node.summary)", expected: expected)
            return false
        }
        for entry in entries where !allowed.contains(entry.key) {
            sink.error(at: entry.keyLocation, path: path(of: entry.key), "unknown key",
                       hint: Suggestion.hint(for: entry.key, among: allowed))
        }
        return true
    }

    /// True when this node is a mapping holding a non-null `key`.
    public func has(_ key: String) -> Bool {
        guard let value = node[key] else { return false }
        return !value.isNull
    }

    /// The reader of `key`'s value, when present and not null.
    public func child(_ key: String) -> NodeReader? {
        guard let value = node[key], !value.isNull else { return nil }
        return NodeReader(value, path: path(of: key), sink: sink)
    }

    /// The location of `key` itself (not its value), when present.
    public func keyLocation(of key: String) -> SourceLocation? {
        node.entries?.first { $0.key == key }?.keyLocation
    }

    /// The entries of this mapping in document order, each as a reader (for mappings keyed by
    /// user-chosen names, like `regions: {us-east-1: {...}}`). Reports a node that is not a mapping.
    public func entries(expected: String = "a mapping") -> [(key: String, reader: NodeReader)] {
        guard let entries = node.entries else {
            if !isNull { error("found \(node.summary)", expected: expected) }
            return []
        }
        return entries.filter { !$0.value.isNull }.map { ($0.key, NodeReader($0.value, path: path(of: $0.key), sink: sink)) }
    }

    /// Reports that `key` is missing, at this mapping, with what was expected.
    public func reportMissing(_ key: String, expected: String) {
        sink.error(at: location, path: path(of: key), "required key is missing", expected: expected)
    }

    /// The value of a required key, read as `kind`; nil (after a report) when missing or invalid.
    public func required<Value>(_ key: String, as kind: ValueKind<Value>) -> Value? {
        guard requireMapping() else { return nil }
        guard let child = child(key) else {
            reportMissing(key, expected: kind.expected)
            return nil
        }
        return child.value(as: kind)
    }

    /// The value of an optional key, read as `kind`; nil when absent (or invalid, after a report).
    public func optional<Value>(_ key: String, as kind: ValueKind<Value>) -> Value? {
        guard requireMapping() else { return nil }
        return child(key)?.value(as: kind)
    }

    /// The value of an optional key, or `defaultValue` when it is absent or invalid (an invalid
    /// value is still reported).
    public func optional<Value>(_ key: String, as kind: ValueKind<Value>, default defaultValue: Value) -> Value {
        optional(key, as: kind) ?? defaultValue
    }

    /// The elements of the list under `key` (empty when absent, or not a list after a report).
    public func sequence(_ key: String, required: Bool = false, expected: String = "a list") -> [NodeReader] {
        guard requireMapping() else { return [] }
        guard let child = child(key) else {
            if required { reportMissing(key, expected: expected) }
            return []
        }
        return child.elements(expected: expected)
    }

    /// The elements of this node as a list (reported when it is not one).
    public func elements(expected: String = "a list") -> [NodeReader] {
        guard let elements = node.elements else {
            error("found \(node.summary)", expected: expected)
            return []
        }
        return elements.enumerated().map { NodeReader($0.element, path: "\(path)[\($0.offset)]", sink: sink) }
    }

    /// Which of `keys` are present (non-null), in the order of `keys`.
    public func present(_ keys: [String]) -> [String] { keys.filter { has($0) } }

    /// Reports at the second of `keys` present if more than one is; returns the first present.
    /// `what` names the choice for the message (`"a rate profile"`).
    @discardableResult
    public func atMostOne(of keys: [String], what: String) -> String? {
        let found = present(keys)
        if found.count > 1, let second = found.dropFirst().first {
            sink.error(at: keyLocation(of: second) ?? location, path: path(of: second),
                       "\(second) cannot be combined with \(found[0])",
                       expected: "only one of \(keys.joined(separator: ", ")) as \(what)")
        }
        return found.first
    }

    /// Like `atMostOne`, and also reports (at this mapping) when none is present.
    @discardableResult
    public func exactlyOne(of keys: [String], what: String) -> String? {
        guard requireMapping() else { return nil }
        if present(keys).isEmpty {
            sink.error(at: location, path: path, "\(what) is missing",
                       expected: "one of \(keys.joined(separator: ", "))")
            return nil
        }
        return atMostOne(of: keys, what: what)
    }

    /// Reports this node once if it is not a mapping.
    @discardableResult
    func requireMapping() -> Bool {
        if node.entries != nil { return true }
        error("found \(node.summary)", expected: "a mapping")
        return false
    }

    // MARK: Values

    /// This node read as `kind`; nil after a report when it does not fit.
    public func value<Value>(as kind: ValueKind<Value>) -> Value? {
        kind.read(self)
    }
}
