import ArgumentParser
import Foundation
import LoomServices
import Reporting
import ScenarioKit
import ScenarioRunner

/// `loomsim seed-table`: the seed's §10.1 scalability table, reproduced — each row's scenario
/// pair run without and with the seed's solution, the measured improvement next to the claim.
struct SeedTable: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed-table",
        abstract: "Measure each row of the seed's §10.1 table without and with its solution, next to the claimed figure.",
        discussion: """
            For each row (recording, video-processing, ai-ml, streaming, analytics, user-management) \
            runs <scenarios>/<row>-without.yaml and <row>-with.yaml for every replication (in \
            parallel, --jobs; replication i of both variants shares its seed), measures the row's \
            metric per replication, and prints one table: without and with (mean ± 95 % CI), the \
            paired improvement with its 95 % CI, the seed's claim and a verdict. Writes \
            seed-table.md, seed-table.json and seed-table.html to --out. What each row configures \
            is documented in Scenarios/seed-table/README.md.

            Exit status: 0 the table was measured (whatever the verdicts), 1 a failure, 2 bad \
            input, 130 interrupted.

            Example:
              loomsim seed-table --replications 5 --out Reports/seed-table
              loomsim seed-table --row user-management --replications 2
            """)

    @Option(name: .long, help: ArgumentHelp("The folder of the row scenarios.", valueName: "dir")) var scenarios = "Scenarios/seed-table"
    @Option(name: .long, help: "Replications per variant (default: each scenario's own).") var replications: Int?
    @Option(name: .long, help: "Replications run at once (default: every core). Results do not depend on it.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .long, help: ArgumentHelp("Where to write the table (default: Reports/seed-table).", valueName: "dir")) var out = "Reports/seed-table"
    @Option(name: .long, help: ArgumentHelp("Run only this row (repeatable).", valueName: "row")) var row: [String] = []

    func validate() throws {
        if let replications, replications < 1 { throw ValidationError("--replications must be ≥ 1, got \(replications)") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be ≥ 1, got \(jobs)") }
        let known = SeedTableSuite.rows.map(\.id)
        for r in row where !known.contains(r) {
            throw ValidationError("--row \(r): unknown row; expected one of \(known.joined(separator: ", "))")
        }
    }

    /// One replication of one variant of one row.
    struct Job: Sendable {
        var row: Int
        var withSolution: Bool
        var scenario: Scenario
        var index: Int
    }

    func run() throws {
        let rows = SeedTableSuite.rows.filter { row.isEmpty || row.contains($0.id) }
        var pairs: [(without: Scenario, with: Scenario)] = []
        for r in rows {
            var without = try loadScenario("\(scenarios)/\(r.withoutFile)")
            var with = try loadScenario("\(scenarios)/\(r.withFile)")
            if let replications {
                without.replications = replications
                with.replications = replications
            }
            guard without.replications == with.replications else {
                printError("\(scenarios)/\(r.withFile): error: replications: \(with.replications) differs from \(r.withoutFile)'s \(without.replications); expected the pair to agree (or give --replications)")
                throw ExitCode.badInput
            }
            pairs.append((without, with))
        }
        var work: [Job] = []
        for (i, p) in pairs.enumerated() {
            for k in 0..<p.without.replications {
                work.append(Job(row: i, withSolution: false, scenario: p.without, index: k))
                work.append(Job(row: i, withSolution: true, scenario: p.with, index: k))
            }
        }
        printError("seed-table: \(rows.count) row(s), \(work.count) run(s), \(jobs) job(s)")
        installInterruptHandler()
        let started = Date()
        let factory = PlatformAssembly.factory
        let results = parallelMap(work, jobs: jobs) { job -> Result<ReplicationRun.Outcome, PlatformError> in
            do {
                let outcome = try ReplicationRun(scenario: job.scenario, index: job.index).run(factory: factory) { _ in interruptRequested == 0 }
                printError("  \(job.scenario.name) replication \(job.index): \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
                return .success(outcome)
            } catch let error as PlatformError {
                return .failure(error)
            } catch {
                return .failure(PlatformError("\(error)"))
            }
        }
        if interruptRequested != 0 {
            printError("interrupted: no table written")
            throw ExitCode(130)
        }
        var measured = rows.map { _ in (without: [Double?](), with: [Double?](), problems: [String]()) }
        for (job, result) in zip(work, results) {
            let outcome: ReplicationRun.Outcome
            switch result {
            case .success(let o): outcome = o
            case .failure(let e):
                printError("\(scenarios)/\(job.withSolution ? rows[job.row].withFile : rows[job.row].withoutFile): error: \(e.message)")
                throw ExitCode.badInput
            }
            let value = rows[job.row].measure(outcome)
            if job.withSolution { measured[job.row].with.append(value) } else { measured[job.row].without.append(value) }
            let r = outcome.result
            if !r.violations.isEmpty || !r.conservation.allSatisfy(\.isBalanced) {
                measured[job.row].problems.append("\(job.scenario.name) replication \(job.index) lost units (conservation check failed)")
            }
        }
        let tableRows = rows.enumerated().map { i, r in
            SeedTableRow(id: r.id, service: r.service, challenge: r.challenge, solution: r.solution, claim: r.claim,
                         metric: r.metric, definition: r.definition, unit: r.unit,
                         withoutConfiguration: r.withoutConfiguration, withConfiguration: r.withConfiguration, note: r.note,
                         without: measured[i].without, with: measured[i].with, problems: measured[i].problems)
        }
        var rerun = "loomsim seed-table --scenarios \(scenarios)"
        if let replications { rerun += " --replications \(replications)" }
        for r in row { rerun += " --row \(r)" }
        let report = SeedTableReport(rows: tableRows, replications: pairs.first?.without.replications ?? 0, rerunCommand: rerun)
        print(report.text, terminator: "")
        let directory = URL(fileURLWithPath: out)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(report.markdown.utf8).write(to: directory.appendingPathComponent("seed-table.md"))
            try Data(report.json.utf8).write(to: directory.appendingPathComponent("seed-table.json"))
            try Data(report.html.utf8).write(to: directory.appendingPathComponent("seed-table.html"))
        } catch {
            printError("\(directory.path): error: cannot write the table: \(error)")
            throw ExitCode.failure
        }
        print("table: \(directory.appendingPathComponent("seed-table.md").path)")
        print(String(format: "runs=%d wall_s=%.1f", work.count, Date().timeIntervalSince(started)))
    }
}
