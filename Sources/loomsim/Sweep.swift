import ArgumentParser
import Foundation
import Reporting
import ScenarioKit
import ScenarioRunner

/// `loomsim sweep FILE`: a scenario over a grid or Sobol design of values × its replications.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scenario over a sweep of values and write one results database and summary.",
        discussion: """
            The sweep is given by --param options (a grid over their values) or, when there is no \
            --param, by the file's sweep: section (grid: or sobol:). Each point is the scenario with \
            its values overridden, validated like a hand-written file, and run for every replication; \
            points and replications run in parallel (--jobs) with results identical to a serial run. \
            Every replication of every point uses the same seeds (common random numbers).

            --shard K/N runs the points whose id mod N is K; `loomsim merge` combines shard \
            databases. Rerunning with the same --out resumes: complete points are skipped. \
            --emit kubernetes|slurm prints a job definition that runs every shard (docs/sweeps.md).

            Writes <out>/results.sqlite (one run per point: its parameters and point id), \
            summary.md, summary.json and report.html (response curves).

            Exit status: 0 every point ran (SLO failures at some points are expected), 1 a failure, \
            2 bad input, 130 interrupted (rerun to resume).

            Examples:
              loomsim sweep Scenarios/gpu-contention.yaml --param topology.services.video-processing.gpus.rtx-3060=12,24,48
              loomsim sweep Scenarios/gpu-contention.yaml --param ... --shard 1/4 --out results/shard-1
              loomsim sweep Scenarios/gpu-contention.yaml --param ... --emit slurm --shards 4 > sweep.sh
            """)

    @Argument(help: ArgumentHelp("The scenario file.", valueName: "file")) var file: String
    @Option(name: .long, help: ArgumentHelp("A swept value: key.path=v1,v2,... (repeatable; a grid over all of them).",
                                            valueName: "key.path=v1,v2"))
    var param: [String] = []
    @Option(name: .long, help: "Override the scenario's seed.") var seed: UInt64?
    @Option(name: .long, help: "Override the number of replications per point.") var replications: Int?
    @Option(name: .long, help: ArgumentHelp("Where to write results (default: Reports/<scenario>-sweep).", valueName: "dir")) var out: String?
    @Option(name: .long, help: "Replications run at once (default: every core). Results do not depend on it.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .long, help: "Seconds between metric samples.") var sampleInterval: Double = 10
    @Option(name: .long, help: ArgumentHelp("Run only shard K of N: the points whose id mod N is K.", valueName: "K/N")) var shard: String?
    @Option(name: .long, help: ArgumentHelp("Print a job definition instead of running: kubernetes or slurm.", valueName: "kind")) var emit: String?
    @Option(name: .long, help: "With --emit: the number of shards (default: one per point, at most 100).") var shards: Int?
    @Option(name: .long, help: "With --emit kubernetes: shards running at once (default: all).") var parallelism: Int?
    @Option(name: .long, help: "With --emit kubernetes: the container image holding loomsim and the scenario.") var image = "loomsim:latest"
    @Option(name: .long, help: "With --emit kubernetes: the PersistentVolumeClaim mounted at /results.") var claim = "loomsim-results"
    @Option(name: .long, help: "With --emit slurm: the directory the shards write into.") var resultsDir = "results"
    @Option(name: .long, help: "With --emit: cores per shard.") var cpusPerShard = 2
    @Flag(name: .long, help: "Print the points (id and values) and exit.") var list = false

    func validate() throws {
        if let replications, replications < 1 { throw ValidationError("--replications must be ≥ 1, got \(replications)") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be ≥ 1, got \(jobs)") }
        guard sampleInterval > 0, sampleInterval.isFinite else { throw ValidationError("--sample-interval must be positive") }
        if let shard, Self.parseShard(shard) == nil {
            throw ValidationError("--shard \(shard): expected K/N with 0 ≤ K < N (for example 0/4)")
        }
        if let emit, !["kubernetes", "slurm"].contains(emit) {
            throw ValidationError("--emit \(emit): expected kubernetes or slurm")
        }
        if let shards, shards < 1 { throw ValidationError("--shards must be ≥ 1, got \(shards)") }
        if let parallelism, parallelism < 1 { throw ValidationError("--parallelism must be ≥ 1, got \(parallelism)") }
        guard cpusPerShard >= 1 else { throw ValidationError("--cpus-per-shard must be ≥ 1") }
    }

    static func parseShard(_ text: String) -> (index: Int, count: Int)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, k >= 0, k < n else { return nil }
        return (k, n)
    }

    func run() throws {
        let base = try loadScenario(file)
        let definition = try sweepDefinition(base)
        let all = definition.points()
        guard !all.isEmpty else {
            printError("\(file): error: the sweep has no points")
            throw ExitCode.badInput
        }
        if let emit { return try emitJob(emit, base: base, points: all.count) }
        let shardSpec = shard.flatMap(Self.parseShard)
        let points = all.filter { shardSpec == nil || $0.id % shardSpec!.count == shardSpec!.index }
        if list {
            for p in points { print("\(p.id)\t\(p.label)") }
            return
        }
        let scenarios: [Scenario]
        switch SweepScenarios.loadAll(base: file, points: points, sectionChecks: PlatformAssembly.sectionChecks,
                                      seed: seed, replications: replications) {
        case .success(let s): scenarios = s
        case .failure(let e):
            report(e.diagnostics)
            throw ExitCode.badInput
        }
        let directory = URL(fileURLWithPath: out ?? "Reports/\(base.name)-sweep")
        let database = try openDatabase(directory)
        let todo = try pointsToRun(points, scenarios: scenarios, database: database)
        let effectiveSeed = seed ?? base.seed
        let effectiveReplications = replications ?? base.replications
        printError("sweep \(base.name): \(all.count) point(s)\(shardSpec.map { ", shard \($0.index)/\($0.count): \(points.count)" } ?? ""); "
                   + "\(points.count - todo.count) already complete, \(todo.count) to run × \(effectiveReplications) replication(s), \(jobs) job(s)")

        installInterruptHandler()
        let started = Date()
        let byID = Dictionary(uniqueKeysWithValues: points.map { ($0.id, $0) })
        let counter = Progress(total: todo.count)
        let file = self.file
        let interval = try TimeAmount.seconds(sampleInterval)
        do {
            try SweepExecutor.run(todo, jobs: jobs, sampleInterval: interval, factory: PlatformAssembly.factory,
                                  wallClock: { Date().timeIntervalSinceReferenceDate },
                                  shouldContinue: { interruptRequested == 0 }) { result in
                let point = byID[result.id]!
                let outcomes: [ReplicationRun.Outcome]
                switch result.outcomes {
                case .success(let o): outcomes = o
                case .failure(let e):
                    printError("\(file): error: point \(point.id) (\(point.label)): \(e.message)")
                    throw ExitCode.badInput
                }
                guard result.complete else { return }
                let run = ScenarioRun(scenario: result.scenario, outcomes: outcomes, plannedReplications: result.scenario.replications)
                let events = outcomes.reduce(0) { $0 + $1.events }
                let report = SweepScenarios.report(
                    point: point, run: run, file: file, seed: effectiveSeed, replications: effectiveReplications,
                    wallClock: [WallClockTiming(label: "wall time", seconds: result.wallSeconds),
                                WallClockTiming(label: "events executed", text: "\(events)")])
                try database.record(report)
                let n = counter.next()
                printError("[\(n)/\(counter.total)] point \(point.id) \(point.label): \(run.passed ? "PASS" : "FAIL") digest=\(run.digest.hex)")
            }
        } catch let e as ExitCode {
            throw e
        } catch {
            printError("\(directory.path): error: \(error)")
            throw ExitCode.failure
        }
        let wall = Date().timeIntervalSince(started)
        let ranRuns = counter.done * effectiveReplications
        try writeSummary(database: database, to: directory)
        print("results: \(directory.appendingPathComponent("results.sqlite").path)")
        print("summary: \(directory.appendingPathComponent("summary.md").path)")
        print(String(format: "points=%d runs=%d wall_s=%.2f runs_per_minute=%.1f", counter.done, ranRuns, wall,
                     Double(ranRuns) / max(wall, 1e-9) * 60))
        if interruptRequested != 0 || counter.done < todo.count {
            printError("interrupted: \(todo.count - counter.done) point(s) not finished; rerun the same command to resume")
            throw ExitCode(130)
        }
    }

    /// The sweep: the --param grid, or else the file's sweep: section.
    func sweepDefinition(_ base: Scenario) throws -> SweepDefinition {
        if !param.isEmpty {
            do { return try SweepDefinition.parse(parameters: param) } catch {
                printError("error: \(error.message)")
                throw ExitCode.badInput
            }
        }
        guard let section = base.sections.sweep else {
            printError("\(file): error: nothing to sweep; give --param key.path=v1,v2,... or a sweep: section")
            throw ExitCode.badInput
        }
        let sink = DiagnosticSink()
        let definition = SweepDefinition.parse(section: section, sink: sink)
        if report(sink.diagnostics) || definition == nil { throw ExitCode.badInput }
        return definition!
    }

    func emitJob(_ kind: String, base: Scenario, points: Int) throws {
        var args: [String] = param.flatMap { ["--param", $0] }
        if let seed { args += ["--seed", "\(seed)"] }
        if let replications { args += ["--replications", "\(replications)"] }
        if sampleInterval != 10 { args += ["--sample-interval", "\(sampleInterval)"] }
        let n = shards ?? min(points, 100)
        let command = SweepEmit.Command(file: file, arguments: args, scenarioName: base.name, points: points)
        switch kind {
        case "kubernetes":
            print(SweepEmit.kubernetes(command, shards: n, parallelism: parallelism ?? n, image: image, claim: claim, cpus: cpusPerShard),
                  terminator: "")
        default:
            print(SweepEmit.slurm(command, shards: n, results: resultsDir, cpus: cpusPerShard), terminator: "")
        }
    }

    func openDatabase(_ directory: URL) throws -> ResultsDatabase {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return try ResultsDatabase.open(directory.appendingPathComponent("results.sqlite").path)
        } catch {
            printError("\(directory.path): error: cannot open the results database: \(error)")
            throw ExitCode.failure
        }
    }

    /// The points not yet complete in `database`; partial runs of them are removed. A complete
    /// point stored with other values, scenario, seed or replications means another sweep wrote
    /// there: bad input.
    func pointsToRun(_ points: [SweepPoint], scenarios: [Scenario], database: ResultsDatabase) throws -> [SweepExecutor.Job] {
        let stored = try database.storedRuns()
        var todo: [SweepExecutor.Job] = []
        for (p, s) in zip(points, scenarios) {
            let runs = stored.filter { $0.point == p.id }
            let expected = p.assignments.map { RunParameter($0.key, $0.value) }
            if let done = runs.first(where: \.complete) {
                guard done.parameters == expected, done.scenario == s.name, done.seed == s.seed,
                      done.plannedReplications == s.replications else {
                    printError("\(database.path): error: point \(p.id) is stored with other values (\(done.parameters.map { "\($0.key)=\($0.value)" }.joined(separator: " ")), "
                               + "seed \(done.seed), \(done.plannedReplications) replications); it holds another sweep — choose another --out")
                    throw ExitCode.badInput
                }
                continue
            }
            for r in runs { try database.deleteRun(r.runID) }
            todo.append(SweepExecutor.Job(id: p.id, scenario: s))
        }
        return todo
    }

    /// Counts finished points (called serially from the executor).
    final class Progress: @unchecked Sendable {
        let total: Int
        private let lock = NSLock()
        private(set) var done = 0
        init(total: Int) { self.total = total }
        func next() -> Int {
            lock.lock()
            defer { lock.unlock() }
            done += 1
            return done
        }
    }
}

/// Writes summary.md, summary.json and report.html of the sweep points stored in `database`.
func writeSummary(database: ResultsDatabase, to directory: URL) throws {
    do {
        let summary = SweepSummary(points: try database.storedPoints())
        try Data(summary.markdown.utf8).write(to: directory.appendingPathComponent("summary.md"))
        try Data(summary.json.utf8).write(to: directory.appendingPathComponent("summary.json"))
        try Data(summary.html.utf8).write(to: directory.appendingPathComponent("report.html"))
    } catch {
        printError("\(directory.path): error: cannot write the summary: \(error)")
        throw ExitCode.failure
    }
}
