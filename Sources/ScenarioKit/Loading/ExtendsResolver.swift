/// Reads a scenario file and the chain of base files it `extends:`, and merges them into one
/// document (see `NodeMerge`).
///
/// `extends:` names one base file, relative to the directory of the file that names it. Chains are
/// followed up to `ScenarioLimits.maximumExtendsDepth` files. A cycle, a base that cannot be read
/// and a base that is not a mapping are reported at the `extends:` value that names it; problems
/// inside a base are reported at the base's own file, line and column.
struct ExtendsResolver {
    let provider: any ScenarioSourceProvider
    let sink: DiagnosticSink

    /// The merged document of `path` and the files it came from (the file first, then its bases).
    func resolve(path: String) -> (root: ScenarioNode, files: [String])? {
        load(path: path, chain: [], reference: nil)
    }

    /// Where a base file was named: the `extends:` value in the child.
    private struct Reference {
        var location: SourceLocation
        var written: String
    }

    private func load(path: String, chain: [String], reference: Reference?) -> (ScenarioNode, [String])? {
        if let reference, let start = chain.firstIndex(of: path) {
            let cycle = (chain[start...] + [path]).joined(separator: " → ")
            sink.error(at: reference.location, path: "extends", "\"\(reference.written)\" closes a cycle: \(cycle)",
                       expected: "a chain of base files that ends")
            return nil
        }
        if let reference, chain.count >= ScenarioLimits.maximumExtendsDepth {
            sink.error(at: reference.location, path: "extends",
                       "the extends chain is longer than \(ScenarioLimits.maximumExtendsDepth) files",
                       expected: "a shorter chain of base files")
            return nil
        }
        let bytes: [UInt8]
        switch provider.contents(of: path, limit: ScenarioLimits.maximumScenarioBytes) {
        case .success(let b): bytes = b
        case .failure(let failure):
            if let reference {
                sink.error(at: reference.location, path: "extends",
                           "base file \"\(reference.written)\" (\(path)): \(failure.problem)",
                           expected: "a path to a scenario file, relative to this file's directory")
            } else {
                sink.error(at: .start(of: path), path: "", failure.problem, expected: "a scenario file")
            }
            return nil
        }
        guard let root = YAMLDocumentParser.parse(bytes, file: path, sink: sink) else { return nil }
        guard var entries = root.entries else {
            sink.error(at: root.location, path: "", "the top level is \(root.summary)",
                       expected: YAMLDocumentParser.contentHint)
            return nil
        }
        guard let index = entries.firstIndex(where: { $0.key == "extends" }) else {
            return (NodeMerge.normalize(root, path: "", sink: sink), [path])
        }
        let extends = entries.remove(at: index).value
        let child = ScenarioNode(.mapping(entries), at: root.location)
        if extends.isNull { return (NodeMerge.normalize(child, path: "", sink: sink), [path]) }
        guard let written = extends.scalar?.text, !written.isEmpty else {
            sink.error(at: extends.location, path: "extends", "found \(extends.summary)",
                       expected: "the path of one base scenario file, like base.yaml")
            return nil
        }
        let basePath = ScenarioPaths.resolve(written, from: path)
        guard let (base, baseFiles) = load(path: basePath, chain: chain + [path],
                                           reference: Reference(location: extends.location, written: written)) else {
            return nil
        }
        return (NodeMerge.merge(base: base, child: child, path: "", sink: sink), [path] + baseFiles)
    }
}
