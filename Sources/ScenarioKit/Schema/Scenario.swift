/// Whether a scenario runs on the simulated clock and backends or on the wall clock with real
/// transcoding and GPUs (DESIGN.md §1).
public enum RunMode: String, CaseIterable, Sendable, Hashable {
    case simulated, real
}

/// A scenario file after loading: its `extends:` chain merged, every common key validated and
/// decoded, defaults applied. The service-specific sections (`topology`, `policies`, `sweep`,
/// `plan`, `cost`) are kept as position-carrying nodes for their own decoders (see `NodeReader`).
public struct Scenario: Sendable {
    /// `[a-z0-9-]+`, at most 63 characters.
    public var name: String
    public var description: String?
    /// The run seed, from which every named random stream is derived; default `defaultSeed`.
    public var seed: UInt64
    /// Simulated (or, in real mode, wall-clock) length of each replication.
    public var duration: TimeAmount
    /// The initial part of each replication left out of statistics; default 0, below `duration`.
    public var warmUp: TimeAmount
    /// `warmUp: auto`: each replication's warm-up is chosen by MSER-5 on its SLO metrics'
    /// series (ScenarioRunner's `AutoWarmUp`); `warmUp` is then 0.
    public var warmUpAuto: Bool = false
    /// Independent replications (seeds derived from `seed` and the replication index); default 1.
    public var replications: Int
    public var mode: RunMode
    public var workloads: [Workload]
    public var faults: FaultTimeline
    public var slos: [SLOAssertion]
    public var sections: ScenarioSections
    /// The scenario file, then its bases in `extends:` order.
    public var sourceFiles: [String]
    /// The merged document (after `extends:`), positions intact.
    public var document: ScenarioNode
    /// Warnings found while loading (the scenario loaded despite them).
    public var warnings: [ScenarioDiagnostic]

    /// The seed used when a scenario gives none.
    public static let defaultSeed: UInt64 = 1

    public init(name: String, description: String? = nil, seed: UInt64 = Scenario.defaultSeed, duration: TimeAmount,
                warmUp: TimeAmount = .zero, replications: Int = 1, mode: RunMode = .simulated,
                workloads: [Workload] = [], faults: FaultTimeline = .empty, slos: [SLOAssertion] = [],
                sections: ScenarioSections = ScenarioSections(), sourceFiles: [String] = [],
                document: ScenarioNode, warnings: [ScenarioDiagnostic] = []) {
        self.name = name
        self.description = description
        self.seed = seed
        self.duration = duration
        self.warmUp = warmUp
        self.replications = replications
        self.mode = mode
        self.workloads = workloads
        self.faults = faults
        self.slos = slos
        self.sections = sections
        self.sourceFiles = sourceFiles
        self.document = document
        self.warnings = warnings
    }

    /// Evaluates every SLO with `lookup` (see `SLOAssertion.evaluate`), in file order.
    public func evaluateSLOs(_ lookup: (MetricQuery) -> Double?) -> [SLOResult] {
        slos.map { $0.evaluate(lookup) }
    }
}

/// The sections of a scenario that ScenarioKit accepts as mappings and hands, unread, to the
/// decoders written with the services. Each keeps its file, line and column positions.
public struct ScenarioSections: Sendable, Hashable {
    public var topology: ScenarioNode?
    public var policies: ScenarioNode?
    public var sweep: ScenarioNode?
    public var plan: ScenarioNode?
    public var cost: ScenarioNode?

    public init(topology: ScenarioNode? = nil, policies: ScenarioNode? = nil, sweep: ScenarioNode? = nil,
                plan: ScenarioNode? = nil, cost: ScenarioNode? = nil) {
        self.topology = topology
        self.policies = policies
        self.sweep = sweep
        self.plan = plan
        self.cost = cost
    }

    /// The section names, in document order of the schema.
    public static let names = ["topology", "policies", "sweep", "plan", "cost"]

    /// The section called `name`, if present.
    public subscript(name: String) -> ScenarioNode? {
        switch name {
        case "topology": return topology
        case "policies": return policies
        case "sweep": return sweep
        case "plan": return plan
        case "cost": return cost
        default: return nil
        }
    }

    /// A reader over section `name`, reporting into `sink` with key paths starting at the section.
    public func reader(_ name: String, sink: DiagnosticSink) -> NodeReader? {
        self[name].map { NodeReader($0, path: name, sink: sink) }
    }
}
