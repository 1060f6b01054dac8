import ArgumentParser
import Foundation
import Reporting
import ScenarioKit
import ScenarioRunner

/// `loomsim plan FILE`: the cheapest configuration meeting every SLO, and the capacity curve.
struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the cheapest configuration that meets every SLO, and the capacity curve.",
        discussion: """
            Reads the file's plan: section (decision variables with their candidate values, load \
            multipliers, replications, the SLO bound) and cost: section (prices; Scenarios/README.md). \
            The search assumes more capacity never breaks an SLO: it binary-searches each variable's \
            smallest feasible value, then the staircase of minimal feasible configurations, and \
            settles many verdicts without running them. Each configuration runs its replications in \
            parallel (--jobs); the answer does not depend on --jobs.

            The model need not be monotone (the video pipeline is not at small fleets), so the \
            recommendation's neighbours (one candidate step down and up on each variable) are run \
            too, a cheaper feasible neighbour replaces it, and every pair of runs where less capacity \
            meets the SLOs but more fails is reported ("monotonicity violated at ...").

            Prints the recommended configuration, its cost ($/hour and for the run), each SLO's value \
            against its threshold, the neighbour check and the capacity curve, then the plan's \
            throughput (configurations evaluated per minute); writes <out>/plan.md, plan.json, \
            plan.html (the same as a self-contained page with the capacity-curve and cost charts) and \
            results.sqlite (one run per configuration and load, with plan_evaluations: load, \
            feasibility, cost; RESULTS-SCHEMA.md).

            Exit status: 0 a configuration meets the SLOs at the scenario's load, 1 none does \
            (within the ranges), 2 bad input.

            Example:
              loomsim plan Scenarios/capacity-plan-gpu.yaml --jobs 2
            """)

    @Argument(help: ArgumentHelp("The scenario file (with a plan: section).", valueName: "file")) var file: String
    @Option(name: .long, help: "Override the replications per configuration (plan.replications, else the scenario's).")
    var replications: Int?
    @Option(name: .long, help: ArgumentHelp("Where to write plan.md, plan.json and plan.html (default: Reports/<scenario>-plan).", valueName: "dir"))
    var out: String?
    @Option(name: .long, help: "Replications run at once (default: every core). Results do not depend on it.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .long, help: "Seconds between metric samples.") var sampleInterval: Double = 10
    @Flag(name: .long, help: "Store every time series of every configuration in results.sqlite (default: cost.total and replica counts).")
    var allSeries = false

    func validate() throws {
        if let replications, replications < 1 { throw ValidationError("--replications must be ≥ 1, got \(replications)") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be ≥ 1, got \(jobs)") }
        guard sampleInterval > 0, sampleInterval.isFinite else { throw ValidationError("--sample-interval must be positive") }
    }

    func run() throws {
        let base = try loadScenario(file)
        guard let section = base.sections.plan else {
            printError("\(file): error: no plan: section; add one with the decision variables (Scenarios/README.md, \"plan:\")")
            throw ExitCode.badInput
        }
        let sink = DiagnosticSink()
        let definition = PlanDefinition.parse(section: section, sink: sink)
        let cost = CostModel.parse(section: base.sections.cost, sink: sink)
        if report(sink.diagnostics) || definition == nil || cost == nil { throw ExitCode.badInput }
        let reps = replications ?? definition!.replications ?? base.replications
        if definition!.bound == .ci95 && reps < 2 {
            printError("\(file): error: plan.on: ci95 needs at least 2 replications per configuration (got \(reps)); set plan.replications")
            throw ExitCode.badInput
        }
        let evaluator = PlanEvaluator(file: file, definition: definition!, cost: cost!, replications: reps, jobs: jobs,
                                      sampleInterval: try TimeAmount.seconds(sampleInterval),
                                      sectionChecks: PlatformAssembly.sectionChecks, factory: PlatformAssembly.factory,
                                      wallClock: { Date().timeIntervalSinceReferenceDate })
        let directory = URL(fileURLWithPath: out ?? "Reports/\(base.name)-plan")
        let database = try openPlanDatabase(directory)
        let store = PlanStore(database: database, file: file, variables: definition!.variables.map(\.key), allSeries: allSeries)
        var count = 0
        evaluator.onEvaluated = { e, run, wall in
            try store.record(e, run: run, seq: count, wallSeconds: wall)
            count += 1
            printError("[\(count)] load \(String(format: "%g", e.load))× \(e.values.joined(separator: " ")): "
                       + "\(e.feasible ? "meets SLOs" : "fails") \(String(format: "$%.2f/h", e.dollarsPerHour))")
        }
        let started = Date()
        printError("plan \(base.name): \(definition!.variables.count) variable(s), \(definition!.loads.count) load(s), "
                   + "\(reps) replication(s) per configuration, \(jobs) job(s)")
        let result: PlanResult
        do {
            result = try Planner.plan(scenario: base.name, evaluator: evaluator)
        } catch {
            switch error {
            case .badInput(let diagnostics, let message):
                if let message { printError("\(file): error: \(message)") }
                report(diagnostics)
                throw ExitCode.badInput
            case .runFailed(let message):
                printError("\(file): error: \(message)")
                throw ExitCode.failure
            }
        }
        let wall = Date().timeIntervalSince(started)
        let markdown = PlanReport.markdown(result)
        print(markdown, terminator: "")
        do {
            try store.mark(result, history: evaluator.history)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(markdown.utf8).write(to: directory.appendingPathComponent("plan.md"))
            try Data(PlanReport.json(result).utf8).write(to: directory.appendingPathComponent("plan.json"))
            let rerun = "loomsim plan \(SweepScenarios.shellQuote(file))" + (replications.map { " --replications \($0)" } ?? "")
            try Data(PlanReport.html(result, history: evaluator.history, rerunCommand: rerun).utf8)
                .write(to: directory.appendingPathComponent("plan.html"))
        } catch {
            printError("\(directory.path): error: cannot write the plan: \(error)")
            throw ExitCode.failure
        }
        printError("plan: \(directory.appendingPathComponent("plan.md").path)")
        printError("page: \(directory.appendingPathComponent("plan.html").path)")
        printError("results: \(directory.appendingPathComponent("results.sqlite").path)")
        // Wall-clock figures stay out of plan.md/plan.json, which must not depend on --jobs.
        print(String(format: "\nconfigurations=%d runs=%d wall_s=%.1f configurations_per_minute=%.1f",
                     result.evaluations, result.evaluations * reps, wall, Double(result.evaluations) / max(wall, 1e-9) * 60))
        if result.recommended == nil {
            printError("\(file): no configuration within the plan's ranges meets every SLO at the scenario's load")
            throw ExitCode.failure
        }
    }
}

extension Plan {
    /// `<out>/results.sqlite`, fresh: a previous plan's database there is replaced; one holding
    /// other runs (a sweep, a single run) is refused rather than mixed with the plan.
    func openPlanDatabase(_ directory: URL) throws -> ResultsDatabase {
        let path = directory.appendingPathComponent("results.sqlite").path
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            if FileManager.default.fileExists(atPath: path) {
                let old = try ResultsDatabase.open(path)
                let foreign = try old.holdsRunsOtherThanAPlan()
                try old.close()
                if foreign {
                    printError("\(path): error: holds runs that are not a plan's (a sweep or a run); choose another --out")
                    throw ExitCode.badInput
                }
                try FileManager.default.removeItem(atPath: path)
            }
            return try ResultsDatabase.open(path)
        } catch let e as ExitCode {
            throw e
        } catch {
            printError("\(directory.path): error: cannot open the results database: \(error)")
            throw ExitCode.failure
        }
    }
}

/// Writes a plan's evaluations into its results database as they finish (one run per
/// configuration and load, `parameters` = the variables' values and `load`), then marks the
/// capacity curve's rows and the recommendation.
final class PlanStore {
    let database: ResultsDatabase
    let file: String
    let variables: [String]
    let allSeries: Bool
    private var runIDs: [Int: Int64] = [:]

    init(database: ResultsDatabase, file: String, variables: [String], allSeries: Bool) {
        self.database = database
        self.file = file
        self.variables = variables
        self.allSeries = allSeries
    }

    func record(_ e: PlanEvaluation, run: ScenarioRun, seq: Int, wallSeconds: Double) throws {
        let load = String(format: "%g", e.load)
        var report = run.report(rerunCommand: "loomsim plan \(SweepScenarios.shellQuote(file)) --replications \(e.replications)",
                                interruption: run.complete ? nil : "interrupted before the end of the run",
                                wallClock: [WallClockTiming(label: "wall time", seconds: wallSeconds)])
        report.point = seq
        report.parameters = zip(variables, e.values).map { RunParameter($0, $1) } + [RunParameter("load", load)]
        if !allSeries {
            // The series the bill is computed from; the rest make a plan's database ~50× larger.
            for i in report.replications.indices {
                report.replications[i].metrics.series.removeAll { s in
                    !(s.key == "cost.total" || s.key.contains(".replicas{") || s.key.hasSuffix(".replicas"))
                }
            }
        }
        let id = try database.record(report)
        runIDs[seq] = id
        let configuration = zip(variables, e.values).map { "\($0)=\($1)" }.joined(separator: " ")
        try database.recordPlanEvaluation(
            ResultsDatabase.PlanEvaluationRow(seq: seq, load: e.load, configuration: configuration, feasible: e.feasible,
                                              nothingLost: e.nothingLost, dollarsPerHour: e.dollarsPerHour,
                                              dollarsPerRun: e.dollarsPerRun), run: id)
    }

    func mark(_ result: PlanResult, history: [PlanEvaluation]) throws {
        func seq(_ e: PlanEvaluation?) -> Int? {
            guard let e else { return nil }
            return history.firstIndex { $0.point == e.point && $0.load == e.load }
        }
        try database.markPlan(cheapest: result.curve.compactMap { seq($0.best) }, recommended: seq(result.recommended))
    }
}
