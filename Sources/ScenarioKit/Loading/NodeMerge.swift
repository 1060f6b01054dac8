/// The deep merge behind `extends:`: a child scenario's values laid over its base's.
///
/// - Mappings merge key by key, recursively; the base's key order is kept and the child's new
///   keys follow in the child's order.
/// - Lists and scalars in the child replace the base's whole.
/// - `key+: [...]` appends the child's list to the base's list under `key` (or is the list itself
///   when the base has none).
/// - `key: null` (or `~`) deletes the base's `key`.
/// Every merged node keeps the file, line and column it was written at, so a diagnostic about a
/// value inherited from a base points into the base.
enum NodeMerge {
    static func merge(base: ScenarioNode, child: ScenarioNode, path: String, sink: DiagnosticSink) -> ScenarioNode {
        guard let baseEntries = base.entries, let childEntries = child.entries else { return child }
        var result = baseEntries
        for entry in childEntries {
            let appending = entry.key.count > 1 && entry.key.hasSuffix("+")
            let key = appending ? String(entry.key.dropLast()) : entry.key
            let keyPath = path.isEmpty ? key : "\(path).\(key)"
            let index = result.firstIndex { $0.key == key }
            if entry.value.isNull {
                if let index { result.remove(at: index) }
                continue
            }
            var value = entry.value
            if appending {
                guard let added = value.elements else {
                    sink.error(at: value.location, path: keyPath + "+", "found \(value.summary)",
                               expected: "a list to append to the base's \"\(key)\"")
                    continue
                }
                if let index {
                    guard let existing = result[index].value.elements else {
                        sink.error(at: entry.keyLocation, path: keyPath + "+",
                                   "the base's \"\(key)\" is \(result[index].value.summary), not a list",
                                   expected: "\"\(key)+\" only where the base has a list")
                        continue
                    }
                    value = ScenarioNode(.sequence(existing + added), at: value.location)
                }
            } else if let index, result[index].value.entries != nil, value.entries != nil {
                value = merge(base: result[index].value, child: value, path: keyPath, sink: sink)
            }
            let merged = ScenarioNode.Entry(key: key, keyLocation: entry.keyLocation, value: value)
            if let index { result[index] = merged } else { result.append(merged) }
        }
        return ScenarioNode(.mapping(result), at: child.location)
    }

    /// A document with no base: `key+` lists become plain `key` lists and null values are
    /// dropped, exactly as if it had been merged onto an empty base.
    static func normalize(_ node: ScenarioNode, path: String, sink: DiagnosticSink) -> ScenarioNode {
        merge(base: ScenarioNode(.mapping([]), at: node.location), child: node, path: path, sink: sink)
    }
}
