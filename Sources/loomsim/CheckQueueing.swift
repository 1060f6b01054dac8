import ArgumentParser
import Foundation
import QueueingValidation
import SimKernel

/// `loomsim check queueing`: the kernel against closed-form queueing results.
struct CheckQueueing: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queueing",
        abstract: "Validate the kernel against M/M/1, M/M/c (Erlang C), M/M/1/K, M/D/1 and M/G/1 (Pollaczek–Khinchine).",
        discussion: """
            For each case (model, parameters, metric, analytic value) the model is simulated by batch \
            means (one long run, warm-up deleted, batches doubled until the 99% interval is within \
            the target precision) and one line is printed: estimate, 99% confidence interval, \
            analytic value and PASS/FAIL. PASS means the analytic value is inside the interval, or \
            within 2% of the estimate when the interval is narrower than that. Cases that share a \
            model share one run. Exit status: 0 all pass, 1 any fails, 2 bad input.

            The case file format is a JSON array of {"model", "params", "metric", "value"}; \
            see the shipped cases with --print-cases.
            """)

    @Option(name: .long, help: ArgumentHelp("A JSON case file (default: the shipped cases).", valueName: "file"))
    var cases: String?

    @Option(name: .long, help: "Run seed; each model's streams derive from it.")
    var seed: UInt64 = 20_261_129

    @Option(name: .long, help: "Target relative half-width of the 99% interval (0 < p < 1).")
    var precision: Double = 0.01

    @Option(name: .long, help: "Most customers simulated per model, after the warm-up.")
    var maxCustomers: Int = 40_000_000

    @Option(name: .long, help: "Models simulated at once (default: every core). Results do not depend on it.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(name: .long, help: "Print the shipped case file and exit.")
    var printCases = false

    func validate() throws {
        guard precision > 0, precision < 1, precision.isFinite else {
            throw ValidationError("--precision must be between 0 and 1 (exclusive), got \(precision)")
        }
        guard jobs >= 1 else { throw ValidationError("--jobs must be ≥ 1, got \(jobs)") }
        guard maxCustomers >= 100_000 else {
            throw ValidationError("--max-customers must be at least 100000, got \(maxCustomers)")
        }
    }

    func run() throws {
        if printCases {
            print(shippedQueueingCases)
            return
        }
        let parsed: [AnalyticCase]
        do {
            if let path = cases {
                parsed = try AnalyticCase.parseFile(try readInputFile(path), fileName: path)
            } else {
                parsed = try AnalyticCase.parseFile(Data(shippedQueueingCases.utf8), fileName: "shipped cases")
            }
        } catch let error as QueueModelError {
            printError(error.message)
            throw ExitCode.badInput
        }
        var settings = BatchMeansSettings()
        settings.targetRelativeHalfWidth = precision
        settings.maxDepartures = maxCustomers
        let started = Date()
        let plan = QueueingCheckPlan(cases: parsed, seed: seed)
        let batchSettings = settings
        let estimates = parallelMap(plan.runs, jobs: jobs) { run in
            printError("check: simulating \(run.label) for \(run.metrics.map(\.rawValue).joined(separator: ", "))")
            return run.estimate(settings: batchSettings)
        }
        let results = plan.results(estimates: estimates)
        for r in results { print(r.line) }
        let failed = results.filter { !$0.passed }.count
        var digest = TraceDigest()
        for r in results { digest.record(word: r.digest.value) }
        print("seed=\(seed) digest=\(digest.hex) wall_s=\(String(format: "%.1f", Date().timeIntervalSince(started)))")
        print("\(results.count - failed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode.failure }
    }
}
