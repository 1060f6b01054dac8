/// One node of a scenario document after `extends:` merging: a scalar, a list or a mapping, each
/// carrying the file, line and column it came from.
///
/// Yams' `Node` carries a line and column but not a file; once a child scenario is merged onto its
/// base, one mapping holds values from several files, so the tree is copied into this type, where
/// every node knows its own file. Mappings keep document order (keys are unique strings), so
/// everything rendered from a node is deterministic. Decoders read nodes through `NodeReader`.
public struct ScenarioNode: Sendable, Hashable {
    /// What a node holds.
    public enum Content: Sendable, Hashable {
        case scalar(Scalar)
        case sequence([ScenarioNode])
        case mapping([Entry])
    }

    /// A scalar as written: its text and whether it was quoted (a quoted `"123"` is a string).
    public struct Scalar: Sendable, Hashable {
        public var text: String
        /// False for plain scalars (`90s`, `true`, `12`); true for quoted and block scalars.
        public var isQuoted: Bool

        public init(text: String, isQuoted: Bool = false) {
            self.text = text
            self.isQuoted = isQuoted
        }

        /// A plain `~`, `null` or empty scalar: YAML's null, read as "absent".
        public var isNull: Bool {
            !isQuoted && ["", "~", "null", "Null", "NULL"].contains(text)
        }
    }

    /// One `key: value` pair of a mapping, with the position of the key itself.
    public struct Entry: Sendable, Hashable {
        public var key: String
        public var keyLocation: SourceLocation
        public var value: ScenarioNode

        public init(key: String, keyLocation: SourceLocation, value: ScenarioNode) {
            self.key = key
            self.keyLocation = keyLocation
            self.value = value
        }
    }

    public var content: Content
    public var location: SourceLocation

    public init(_ content: Content, at location: SourceLocation) {
        self.content = content
        self.location = location
    }

    /// A plain scalar.
    public static func scalar(_ text: String, quoted: Bool = false, at location: SourceLocation) -> ScenarioNode {
        ScenarioNode(.scalar(Scalar(text: text, isQuoted: quoted)), at: location)
    }

    public var scalar: Scalar? {
        if case .scalar(let s) = content { return s }
        return nil
    }

    public var elements: [ScenarioNode]? {
        if case .sequence(let s) = content { return s }
        return nil
    }

    public var entries: [Entry]? {
        if case .mapping(let m) = content { return m }
        return nil
    }

    /// True for YAML null (`~`, `null`, nothing).
    public var isNull: Bool { scalar?.isNull ?? false }

    /// The value under `key` when this is a mapping that has it.
    public subscript(key: String) -> ScenarioNode? {
        entries?.first { $0.key == key }?.value
    }

    /// What the node is, for messages: `a mapping`, `a list`, `null` or the quoted text.
    public var summary: String {
        switch content {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let s):
            if s.isNull { return "null" }
            let text = s.text.count > 40 ? String(s.text.prefix(37)) + "..." : s.text
            return "\"\(text.replacingNewlines)\""
        }
    }

    /// The number of nodes in this subtree (itself included).
    public var nodeCount: Int {
        switch content {
        case .scalar: return 1
        case .sequence(let s): return 1 + s.reduce(0) { $0 + $1.nodeCount }
        case .mapping(let m): return 1 + m.reduce(0) { $0 + 1 + $1.value.nodeCount }
        }
    }
}

extension String {
    var replacingNewlines: String {
        var out = ""
        for c in self {
            switch c {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.append(c)
            }
        }
        return out
    }
}
