import LoomServices
import ScenarioKit

/// What stops a plan: a configuration that cannot be built (bad input, with the scenario's
/// file:line:column diagnostics) or a run that failed.
public enum PlanError: Error, Sendable {
    case badInput([ScenarioDiagnostic], message: String?)
    case runFailed(String)
}

/// Runs the configurations a `PlanSearch` asks for: each is the base scenario with the variables'
/// values (a sweep-point child document, validated like a hand-written file), its workloads'
/// rates multiplied by the load, its replications and its SLO bounds set for planning. A batch
/// runs on `SweepExecutor` (replications in parallel, handed back in order); every evaluation is
/// cached by (configuration, load), so the capacity curve and the search never run one twice.
/// All candidates share the scenario's seeds (common random numbers): the differences between
/// them are the variables', not the draws'.
public final class PlanEvaluator {
    public let file: String
    public let definition: PlanDefinition
    public let cost: CostModel
    public let replications: Int
    public let jobs: Int
    public let sampleInterval: TimeAmount
    let sectionChecks: [ScenarioLoader.SectionCheck]
    let factory: PlatformFactory
    let provider: any ScenarioSourceProvider
    let wallClock: @Sendable () -> Double
    private var cache: [Key: PlanEvaluation] = [:]
    /// Every evaluation, in the order it was run (deterministic: batches are in search order).
    public private(set) var history: [PlanEvaluation] = []
    /// Called after each finished configuration with its run and wall-clock seconds (progress
    /// lines, database rows); the evaluation is `history.last`.
    public var onEvaluated: (PlanEvaluation, ScenarioRun, Double) throws -> Void = { _, _, _ in }
    private var nextID = 0

    struct Key: Hashable { var point: [Int]; var load: Double }

    public init(file: String, definition: PlanDefinition, cost: CostModel, replications: Int, jobs: Int,
                sampleInterval: TimeAmount, sectionChecks: [ScenarioLoader.SectionCheck], factory: @escaping PlatformFactory,
                provider: any ScenarioSourceProvider = ScenarioFileReader(), wallClock: @escaping @Sendable () -> Double = { 0 }) {
        self.file = file
        self.definition = definition
        self.cost = cost
        self.replications = replications
        self.jobs = jobs
        self.sampleInterval = sampleInterval
        self.sectionChecks = sectionChecks
        self.factory = factory
        self.provider = provider
        self.wallClock = wallClock
    }

    /// The values of configuration `point`.
    public func values(_ point: [Int]) -> [String] { zip(definition.variables, point).map { $0.candidates[$1] } }

    /// The cached evaluation of `point` at `load`, if it was run.
    public func evaluation(_ point: [Int], load: Double) -> PlanEvaluation? { cache[Key(point: point, load: load)] }

    /// Runs the configurations not yet cached (in parallel) and returns every one's evaluation, in order.
    public func evaluate(_ points: [[Int]], load: Double) throws(PlanError) -> [PlanEvaluation] {
        var jobsToRun: [SweepExecutor.Job] = []
        var pending: [Int: [Int]] = [:]
        for p in points where cache[Key(point: p, load: load)] == nil && !pending.values.contains(p) {
            let scenario = try scenario(for: p, load: load)
            jobsToRun.append(SweepExecutor.Job(id: nextID, scenario: scenario))
            pending[nextID] = p
            nextID += 1
        }
        if !jobsToRun.isEmpty {
            let collected = Collected()
            do {
                try SweepExecutor.run(jobsToRun, jobs: jobs, sampleInterval: sampleInterval, factory: factory, wallClock: wallClock) { r in
                    collected.append(r)
                }
            } catch {
                throw .runFailed("\(error)")
            }
            for r in collected.results {
                guard case .success(let outcomes) = r.outcomes else {
                    if case .failure(let e) = r.outcomes { throw .runFailed(e.message) }
                    continue
                }
                let p = pending[r.id]!
                let run = ScenarioRun(scenario: r.scenario, outcomes: outcomes, plannedReplications: r.scenario.replications)
                let spec = PlatformSpec.decode(root: NodeReader(r.scenario.document, sink: DiagnosticSink()))
                let e = PlanEvaluation(point: p, values: values(p), load: load, run: run, cost: cost, spec: spec)
                cache[Key(point: p, load: load)] = e
                history.append(e)
                do { try onEvaluated(e, run, r.wallSeconds) } catch { throw .runFailed("\(error)") }
            }
        }
        return points.map { cache[Key(point: $0, load: load)]! }
    }

    /// The scenario of `point` at `load`, ready to run.
    public func scenario(for point: [Int], load: Double) throws(PlanError) -> Scenario {
        let assignments = zip(definition.variables, point).map { SweepAssignment(key: $0.key, value: $0.candidates[$1]) }
        let sweepPoint = SweepPoint(id: nextID, assignments: assignments)
        let sink = DiagnosticSink()
        guard var s = SweepScenarios.load(base: file, point: sweepPoint, sectionChecks: sectionChecks, sink: sink, baseProvider: provider),
              !sink.diagnostics.contains(where: \.isError) else {
            throw .badInput(sink.diagnostics.filter(\.isError).sorted(), message: "configuration \(sweepPoint.label) cannot be built")
        }
        s.replications = replications
        if definition.bound == .ci95 {
            for i in s.slos.indices where s.slos[i].query.bound == .mean {
                switch s.slos[i].comparison {
                case .below, .atMost: s.slos[i].query.bound = .upper95
                case .above, .atLeast: s.slos[i].query.bound = .lower95
                }
            }
        }
        return try Self.scaled(s, by: load)
    }

    /// `scenario` with every workload's arrival rate multiplied by `load` (a spike of that
    /// multiplier over the whole run, on top of the profile's own shape and spikes).
    public static func scaled(_ scenario: Scenario, by load: Double) throws(PlanError) -> Scenario {
        guard load != 1 else { return scenario }
        var s = scenario
        for i in s.workloads.indices {
            switch s.workloads[i].pattern {
            case .poisson(var profile):
                profile.spikes.append(RateProfile.Spike(at: .zero, duration: s.duration, multiplier: load))
                s.workloads[i].pattern = .poisson(profile)
            case .trace:
                throw .badInput([ScenarioDiagnostic(location: s.workloads[i].location, path: "load.workloads[\(i)]",
                                                    problem: "a trace replay cannot be scaled to \(load)× load",
                                                    hint: "plan with loads: [1], or use a rate profile")], message: nil)
            }
        }
        return s
    }

    /// Finished points, collected in the executor's (serial, ordered) hand-over.
    private final class Collected: @unchecked Sendable {
        var results: [SweepExecutor.PointResult] = []
        func append(_ r: SweepExecutor.PointResult) { results.append(r) }
    }
}
