import ArgumentParser
import Foundation
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

            Prints the recommended configuration, its cost ($/hour and for the run), each SLO's value \
            against its threshold, and the capacity curve; writes <out>/plan.md and plan.json.

            Exit status: 0 a configuration meets the SLOs at the scenario's load, 1 none does \
            (within the ranges), 2 bad input.

            Example:
              loomsim plan Scenarios/capacity-plan-gpu.yaml --jobs 2
            """)

    @Argument(help: ArgumentHelp("The scenario file (with a plan: section).", valueName: "file")) var file: String
    @Option(name: .long, help: "Override the replications per configuration (plan.replications, else the scenario's).")
    var replications: Int?
    @Option(name: .long, help: ArgumentHelp("Where to write plan.md and plan.json (default: Reports/<scenario>-plan).", valueName: "dir"))
    var out: String?
    @Option(name: .long, help: "Replications run at once (default: every core). Results do not depend on it.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .long, help: "Seconds between metric samples.") var sampleInterval: Double = 10

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
        var count = 0
        evaluator.onEvaluated = { e, _ in
            count += 1
            printError("[\(count)] load \(String(format: "%g", e.load))× \(e.values.joined(separator: " ")): "
                       + "\(e.feasible ? "meets SLOs" : "fails") \(String(format: "$%.2f/h", e.dollarsPerHour))")
        }
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
        let markdown = PlanReport.markdown(result)
        print(markdown, terminator: "")
        let directory = URL(fileURLWithPath: out ?? "Reports/\(base.name)-plan")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(markdown.utf8).write(to: directory.appendingPathComponent("plan.md"))
            try Data(PlanReport.json(result).utf8).write(to: directory.appendingPathComponent("plan.json"))
        } catch {
            printError("\(directory.path): error: cannot write the plan: \(error)")
            throw ExitCode.failure
        }
        printError("plan: \(directory.appendingPathComponent("plan.md").path)")
        if result.recommended == nil {
            printError("\(file): no configuration within the plan's ranges meets every SLO at the scenario's load")
            throw ExitCode.failure
        }
    }
}
