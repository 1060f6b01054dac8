/// Decodes the common keys of a merged scenario document into a `Scenario`, reporting every
/// problem into the reader's sink (see `Scenarios/README.md` for the schema).
struct ScenarioDecoder {
    let provider: any ScenarioSourceProvider

    static let topLevelKeys = ["name", "description", "seed", "duration", "warmUp", "replications", "mode",
                               "load", "faults", "slos"] + ScenarioSections.names

    /// The scenario, or nil when a required part could not be read (the problems are in the sink).
    func decode(_ root: NodeReader, files: [String]) -> Scenario? {
        root.checkKeys(Self.topLevelKeys, expected: YAMLDocumentParser.contentHint)
        let name = root.required("name", as: .identifier)
        let description = root.optional("description", as: .string)
        let seed = root.optional("seed", as: .uint64, default: Scenario.defaultSeed)
        let duration = root.required("duration", as: ValueKind.positiveDuration.checked(expected: "a duration from 1ms to 366d, like 1h") {
            $0 > .hours(366 * 24) ? "\(DurationSyntax.format($0)) is longer than 366d" : nil
        })
        // `warmUp: auto` asks for MSER-5 truncation per replication (the runner chooses it).
        let warmUpAuto = root.child("warmUp")?.node.scalar.map { $0.text == "auto" && !$0.isQuoted } ?? false
        let warmUp = warmUpAuto ? .zero : root.optional("warmUp", as: ValueKind<TimeAmount>.withAuto, default: .zero)
        if let duration, warmUp >= duration, let node = root.child("warmUp") {
            node.error("warmUp \(DurationSyntax.format(warmUp)) is not shorter than duration \(DurationSyntax.format(duration))",
                       expected: "a warm-up shorter than the run")
        }
        let replications = root.optional("replications", as: .integer(in: 1...10_000), default: 1)
        let mode = root.optional("mode", as: .choice(RunMode.self), default: .simulated)
        let workloads = root.child("load").map { LoadDecoder(provider: provider, runDuration: duration).decode($0) } ?? []
        let faults = root.child("faults").map { FaultDecoder(runDuration: duration).decode($0) } ?? .empty
        let slos = root.child("slos").map { SLODecoder().decode($0) } ?? []
        var sections = ScenarioSections()
        for key in ScenarioSections.names {
            guard let section = root.child(key) else { continue }
            guard section.node.entries != nil else {
                section.error("found \(section.node.summary)", expected: "a mapping (the \(key) section)")
                continue
            }
            switch key {
            case "topology": sections.topology = section.node
            case "policies": sections.policies = section.node
            case "sweep": sections.sweep = section.node
            case "plan": sections.plan = section.node
            default: sections.cost = section.node
            }
        }
        guard let name, let duration else { return nil }
        var scenario = Scenario(name: name, description: description, seed: seed, duration: duration, warmUp: warmUp,
                        replications: replications, mode: mode, workloads: workloads, faults: faults, slos: slos,
                        sections: sections, sourceFiles: files, document: root.node)
        scenario.warmUpAuto = warmUpAuto
        return scenario
    }
}

extension ValueKind<TimeAmount> {
    /// A duration, with `auto` named in the hint (for `warmUp`).
    static var withAuto: ValueKind { .scalar(expected: "a duration like 5m, or auto (MSER-5 truncation)") { try DurationSyntax.parse($0) } }
}
