import Yams

/// Bytes of one YAML file in, a position-carrying `ScenarioNode` out (or diagnostics): the pure
/// core of reading a scenario file.
///
/// Order of checks: empty, binary or non-UTF-8 bytes (`SourceText`); only whitespace and comments;
/// the lexical safety scan (aliases in keys, nesting depth); Yams' composer (its problem and
/// line:column become the diagnostic); then the copy into `ScenarioNode` under a node budget that
/// refuses alias bombs. YAML merge keys (`<<: *defaults`) are applied while copying: the mapping's
/// own keys win, then earlier merged mappings over later ones.
enum YAMLDocumentParser {
    static let contentHint = "a YAML mapping of scenario keys (name, duration, load, ...)"

    static func parse(_ bytes: [UInt8], file: String, sink: DiagnosticSink,
                      content: String = contentHint) -> ScenarioNode? {
        guard let text = SourceText.decode(bytes, file: file, content: content, sink: sink) else { return nil }
        if SourceText.isBlank(text) {
            sink.error(at: .start(of: file), path: "",
                       "the file holds no YAML content, only whitespace or comments", expected: content)
            return nil
        }
        let utf8 = Array(text.utf8)
        if let finding = YAMLSafetyScan.scan(utf8) {
            sink.error(at: .of(byteOffset: finding.offset, in: utf8, file: file), path: "",
                       finding.problem, hint: finding.hint)
            return nil
        }
        let composed: Node?
        do {
            composed = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            sink.report(diagnostic(for: error, text: text, file: file))
            return nil
        } catch {
            sink.error(at: .start(of: file), path: "", "invalid YAML: \(error)", expected: "well-formed YAML")
            return nil
        }
        guard let composed else {
            sink.error(at: .start(of: file), path: "",
                       "the file holds no YAML content, only whitespace or comments", expected: content)
            return nil
        }
        var builder = NodeBuilder(file: file, sink: sink)
        let node = builder.build(composed, fallback: .start(of: file))
        if builder.exceeded {
            sink.error(at: .start(of: file), path: "",
                       "the document expands to more than \(ScenarioLimits.maximumNodes) nodes (aliases nested in aliases, a \"billion laughs\"?)",
                       expected: "a scenario of ordinary size")
            return nil
        }
        return node
    }

    /// Yams' error as one diagnostic at the position libyaml reported.
    static func diagnostic(for error: YamlError, text: String, file: String) -> ScenarioDiagnostic {
        let wellFormed = "expected well-formed YAML"
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            if problem.contains("nesting level") {
                return ScenarioDiagnostic(location: at(mark), path: "", problem: "invalid YAML: the document nests too deeply",
                                          hint: "expected a scenario of ordinary depth")
            }
            if problem.contains("found another document") {
                return ScenarioDiagnostic(location: at(mark), path: "", problem: "the file holds more than one YAML document",
                                          hint: "expected a single document (remove the \"---\" separator)")
            }
            var message = "invalid YAML: \(problem)"
            if let context, !context.text.isEmpty {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            return ScenarioDiagnostic(location: at(mark), path: "", problem: message, hint: wellFormed)
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            return ScenarioDiagnostic(location: at(context.mark), path: "",
                                      problem: "duplicate key \(keys) in a mapping", hint: "expected each key once")
        case let .reader(problem, offset, _, _):
            let location = offset.map { SourceLocation.of(scalarOffset: $0, in: text, file: file) } ?? .start(of: file)
            return ScenarioDiagnostic(location: location, path: "", problem: "invalid YAML: \(problem)", hint: wellFormed)
        default:
            return ScenarioDiagnostic(location: .start(of: file), path: "", problem: "invalid YAML: \(error)", hint: wellFormed)
        }
    }
}

/// Copies a Yams tree into `ScenarioNode`s, counting nodes (an alias counts as a full copy) and
/// stopping once the budget is spent.
struct NodeBuilder {
    let file: String
    let sink: DiagnosticSink
    var budget = ScenarioLimits.maximumNodes
    private(set) var exceeded = false

    init(file: String, sink: DiagnosticSink) {
        self.file = file
        self.sink = sink
    }

    mutating func build(_ node: Node, fallback: SourceLocation) -> ScenarioNode {
        let location = node.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) } ?? fallback
        budget -= 1
        if budget < 0 { exceeded = true }
        if exceeded { return .scalar("", at: location) }
        switch node {
        case .scalar(let s):
            return .scalar(s.string, quoted: s.style != .plain && s.style != .any, at: location)
        case .sequence(let s):
            var elements: [ScenarioNode] = []
            elements.reserveCapacity(s.count)
            for element in s {
                elements.append(build(element, fallback: location))
                if exceeded { break }
            }
            return ScenarioNode(.sequence(elements), at: location)
        case .mapping(let m):
            return mapping(m, at: location)
        case .alias:
            return .scalar("", at: location)
        }
    }

    private mutating func mapping(_ m: Node.Mapping, at location: SourceLocation) -> ScenarioNode {
        var own: [ScenarioNode.Entry] = []
        var merged: [ScenarioNode.Entry] = []
        for (key, value) in m {
            let keyLocation = key.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) } ?? location
            guard case .scalar(let k) = key else {
                sink.error(at: keyLocation, path: "", "a mapping key is \(key.isMapping ? "a mapping" : "a list")",
                           expected: "plain string keys")
                continue
            }
            let built = build(value, fallback: keyLocation)
            if exceeded { break }
            if k.string == "<<", k.style == .plain || k.style == .any {
                let sources = built.entries.map { [$0] } ?? built.elements?.compactMap(\.entries) ?? []
                if built.entries == nil, built.elements?.allSatisfy({ $0.entries != nil }) != true {
                    sink.error(at: built.location, path: "<<", "a merge key holds \(built.summary)",
                               expected: "a mapping or a list of mappings, like <<: *defaults")
                }
                for source in sources {
                    for entry in source where !merged.contains(where: { $0.key == entry.key }) { merged.append(entry) }
                }
                continue
            }
            own.append(ScenarioNode.Entry(key: k.string, keyLocation: keyLocation, value: built))
        }
        let ownKeys = Set(own.map(\.key))
        return ScenarioNode(.mapping(own + merged.filter { !ownKeys.contains($0.key) }), at: location)
    }
}

private extension Node {
    var isMapping: Bool {
        if case .mapping = self { return true }
        return false
    }
}
