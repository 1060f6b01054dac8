/// The entry point for scenario files: load one (`load(path:)`), or check many and get every
/// problem of every file at once (`validate(paths:)`).
///
/// Loading reads the file and its `extends:` chain through the source provider (the file system
/// by default), merges them, decodes the common schema, then runs the `sectionChecks` — decoders
/// for `topology`, `policies` and the other service sections, written with the services — on the
/// merged document with the same sink, so their problems are reported together with the rest.
///
/// A loader holds closures and an existential provider, so it is not `Sendable`; make one per
/// task (they are cheap).
public struct ScenarioLoader {
    /// A decoder of service-specific sections: given a reader over the merged document (key path
    /// empty), it reads what it needs (`root.child("topology")`) and reports problems.
    public typealias SectionCheck = (NodeReader) -> Void

    public var provider: any ScenarioSourceProvider
    public var sectionChecks: [SectionCheck]

    public init(provider: any ScenarioSourceProvider = ScenarioFileReader(), sectionChecks: [SectionCheck] = []) {
        self.provider = provider
        self.sectionChecks = sectionChecks
    }

    /// Loads the scenario at `path`, or throws every error found in it and its bases, sorted.
    public func load(path: String) throws(ScenarioValidationError) -> Scenario {
        let sink = DiagnosticSink()
        let scenario = load(path: path, sink: sink)
        guard var scenario, !sink.hasErrors else { throw ScenarioValidationError(diagnostics: sink.diagnostics) }
        scenario.warnings = sink.diagnostics.filter { !$0.isError }
        return scenario
    }

    /// Loads the scenario at `path`, reporting into `sink`; nil when it cannot be built at all.
    /// A scenario may be returned even though the sink holds errors (from section checks, or in
    /// optional parts): check `sink.hasErrors`.
    public func load(path: String, sink: DiagnosticSink) -> Scenario? {
        guard let (root, files) = ExtendsResolver(provider: provider, sink: sink).resolve(path: path) else { return nil }
        let reader = NodeReader(root, sink: sink)
        let scenario = ScenarioDecoder(provider: provider).decode(reader, files: files)
        for check in sectionChecks { check(reader) }
        return scenario
    }

    /// Every diagnostic of every file in `paths` (errors and warnings), sorted by file, line and
    /// column; a base shared by several scenarios reports its problems once. Empty when all is well.
    public func validate(paths: [String]) -> [ScenarioDiagnostic] {
        let sink = DiagnosticSink()
        for path in paths { _ = load(path: path, sink: sink) }
        return sink.diagnostics
    }

    /// Loads the scenario at `path` from the file system.
    public static func load(path: String) throws(ScenarioValidationError) -> Scenario {
        try ScenarioLoader().load(path: path)
    }

    /// Validates the scenarios at `paths` on the file system.
    public static func validate(paths: [String]) -> [ScenarioDiagnostic] {
        ScenarioLoader().validate(paths: paths)
    }

    /// Loads a scenario held in memory as `file` (with any bases it extends in `bases`, keyed by
    /// path): for tests and tools that generate scenarios.
    public static func load(yaml: String, file: String = "scenario.yaml",
                            bases: [String: String] = [:]) throws(ScenarioValidationError) -> Scenario {
        var files = bases
        files[file] = yaml
        return try ScenarioLoader(provider: InMemorySources(files)).load(path: file)
    }
}
