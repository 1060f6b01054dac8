import ArgumentParser
import Foundation
import LoomServices
import Reporting
import ScenarioKit
import ScenarioRunner

/// `loomsim run FILE`: one scenario, its replications, its report.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scenario and write its report.",
        discussion: """
            Runs every replication of the scenario (in parallel, --jobs), checks its SLOs and writes \
            Reports/<scenario>/ (or --out): report.html (open it in a browser), summary.md, \
            summary.json, results.sqlite and junit.xml. Progress goes to standard error; Ctrl-C \
            stops at the next sample and still writes consistent results, marked incomplete (a \
            second Ctrl-C quits at once).

            Exit status: 0 every SLO holds, 1 an SLO failed or something was lost, 2 bad input, \
            130 interrupted.

            Example:
              loomsim run Scenarios/peak-recording-hour.yaml --replications 5 --out out/peak
            """)

    @Argument(help: ArgumentHelp("The scenario file.", valueName: "file")) var file: String
    @Option(name: .long, help: "Override the scenario's seed.") var seed: UInt64?
    @Option(name: .long, help: "Override the number of replications.") var replications: Int?
    @Option(name: .long, help: ArgumentHelp("Where to write the report (default: Reports/<scenario>).", valueName: "dir")) var out: String?
    @Option(name: .long, help: "Replications run at once (default: every core). Results do not depend on it.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .long, help: "Seconds between metric samples.") var sampleInterval: Double = 10
    @Flag(name: .long, help: "Do not print the SLO and conservation summary.") var quiet = false
    @OptionGroup var realMode: RealRunOptions
    @OptionGroup var traceOptions: TraceOptions

    func validate() throws {
        if let replications, replications < 1 { throw ValidationError("--replications must be ≥ 1, got \(replications)") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be ≥ 1, got \(jobs)") }
        guard sampleInterval > 0, sampleInterval.isFinite else { throw ValidationError("--sample-interval must be positive") }
    }

    func run() throws {
        var scenario = try loadScenario(file)
        if let seed { scenario.seed = seed }
        if let replications { scenario.replications = replications }
        if realMode.real || scenario.mode == .real {
            if traceOptions.trace != nil { printError("error: --trace records simulated runs only, not --real ones"); throw ExitCode.badInput }
            let directory = URL(fileURLWithPath: out ?? "Reports/\(scenario.name)")
            let passed = try runReal(scenario, file: file, options: realMode, out: directory)
            if !passed { throw ExitCode.failure }
            return
        }
        installInterruptHandler()
        let recorder = try traceOptions.recorder(for: scenario)
        let outcome = try runScenario(scenario, file: file, jobs: jobs, sampleInterval: try .seconds(sampleInterval),
                                      label: scenario.name, trace: recorder)
        let directory = URL(fileURLWithPath: out ?? "Reports/\(scenario.name)")
        try writeReport(outcome, to: directory)
        if !quiet { printSummary(outcome) }
        try traceOptions.write(recorder, scenario: scenario)
        print("report: \(directory.appendingPathComponent("report.html").path)")
        print("seed=\(scenario.seed) digest=\(outcome.run.digest.hex) \(outcome.run.passed ? "PASS" : "FAIL")\(outcome.run.complete ? "" : " (incomplete)")")
        if !outcome.run.complete { throw ExitCode(130) }
        if !outcome.run.passed { throw ExitCode.failure }
    }
}

/// A finished (or interrupted) scenario run with its wall-clock figures.
struct ScenarioOutcome {
    var run: ScenarioRun
    var report: RunReport
    var wallSeconds: Double
    var events: UInt64
}

/// Loads a scenario with the platform's section checks; bad input prints every diagnostic and exits 2.
func loadScenario(_ path: String) throws -> Scenario {
    let loader = ScenarioLoader(sectionChecks: PlatformAssembly.sectionChecks)
    let sink = DiagnosticSink()
    let scenario = loader.load(path: path, sink: sink)
    if report(sink.diagnostics) || scenario == nil { throw ExitCode.badInput }
    return scenario!
}

/// Runs every replication (in parallel up to `jobs`) and assembles the report.
func runScenario(_ scenario: Scenario, file: String, jobs: Int, sampleInterval: TimeAmount, label: String,
                 trace: RunTraceRecorder? = nil) throws -> ScenarioOutcome {
    let progress = ProgressReporter(label: label, totalSimulatedSeconds: scenario.duration.seconds * Double(scenario.replications))
    let started = Date()
    let factory = PlatformAssembly.factory
    let results = parallelMap(Array(0..<scenario.replications), jobs: jobs) { index -> Result<ReplicationRun.Outcome, PlatformError> in
        do {
            let replication = ReplicationRun(scenario: scenario, index: index, sampleInterval: sampleInterval)
            let outcome = try replication.run(factory: factory, trace: index == 0 ? trace : nil) { reached in
                progress.update(replication: index, simulatedSeconds: reached.seconds)
                return interruptRequested == 0
            }
            return .success(outcome)
        } catch let error as PlatformError {
            return .failure(error)
        } catch {
            return .failure(PlatformError("\(error)"))
        }
    }
    progress.finish()
    var outcomes: [ReplicationRun.Outcome] = []
    for r in results {
        switch r {
        case .success(let o): outcomes.append(o)
        case .failure(let e):
            printError("\(file): error: \(e.message)")
            throw ExitCode.badInput
        }
    }
    let wall = Date().timeIntervalSince(started)
    let run = ScenarioRun(scenario: scenario, outcomes: outcomes, plannedReplications: scenario.replications)
    let events = outcomes.reduce(0) { $0 + $1.events }
    let report = run.report(
        rerunCommand: "loomsim run \(file) --seed \(scenario.seed) --replications \(scenario.replications)",
        interruption: run.complete ? nil : "interrupted by Ctrl-C before the end of the run",
        wallClock: [WallClockTiming(label: "wall time", seconds: wall),
                    WallClockTiming(label: "events executed", text: "\(events)"),
                    WallClockTiming(label: "events per second", seconds: Double(events) / max(wall, 1e-9))])
    return ScenarioOutcome(run: run, report: report, wallSeconds: wall, events: events)
}

func writeReport(_ outcome: ScenarioOutcome, to directory: URL) throws {
    do {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try ReportWriter.write(outcome.report, to: directory)
    } catch {
        printError("\(directory.path): error: cannot write the report: \(error)")
        throw ExitCode.failure
    }
}

func printSummary(_ outcome: ScenarioOutcome) {
    for v in outcome.run.sloVerdicts {
        print("\(v.result.passed ? "PASS" : "FAIL")  \(v.assertion.name): measured \(v.result.measuredText)")
    }
    for o in outcome.run.outcomes.prefix(1) {
        for flow in o.result.conservation {
            print("conservation \(flow.service): entered \(flow.entered), completed \(flow.count("completed")), failed \(flow.count("failed")), dead-lettered \(flow.count("dead_lettered")), dropped \(flow.count("dropped")), in flight \(flow.inFlight)\(flow.isBalanced ? "" : " UNBALANCED")")
        }
    }
    print(String(format: "events=%llu wall_s=%.2f events_per_s=%.0f", outcome.events, outcome.wallSeconds, Double(outcome.events) / max(outcome.wallSeconds, 1e-9)))
}
