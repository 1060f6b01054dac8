import ArgumentParser
import Foundation
import Reporting
import ScenarioRunner

/// `loomsim merge DIR... --out DIR`: combines the databases of a sweep's shards.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Combine the results databases of sweep shards into one.",
        discussion: """
            Reads DIR/results.sqlite of every DIR (or a .sqlite file named directly), copies every \
            complete sweep point into <out>/results.sqlite in point order and writes the sweep \
            summary (summary.md, summary.json, report.html). The merged database holds the same \
            rows as the unsharded sweep (wall-clock timings aside). Incomplete points are left out \
            with a warning; a point stored twice must agree, or the merge fails.

            Exit status: 0 merged, 1 the shards disagree, 2 bad input.

            Example:
              loomsim merge results/shard-* --out results/merged
            """)

    @Argument(help: ArgumentHelp("Shard result directories (or results.sqlite files).", valueName: "dir"))
    var inputs: [String] = []
    @Option(name: .long, help: ArgumentHelp("Where to write the merged results (must not hold a database yet).", valueName: "dir"))
    var out: String?
    @Option(name: .long, help: ArgumentHelp("Instead of merging, print the rows of a results database in canonical order (run ids replaced by sweep points, wall clock left out), to compare two databases with diff.", valueName: "file"))
    var dump: String?

    func validate() throws {
        if dump == nil {
            guard !inputs.isEmpty else { throw ValidationError("name at least one shard directory") }
            guard out != nil else { throw ValidationError("--out is required") }
        }
    }

    func run() throws {
        if let dump {
            guard FileManager.default.fileExists(atPath: dump) else {
                printError("\(dump): error: no such file")
                throw ExitCode.badInput
            }
            do {
                for line in try ResultsDatabase.open(dump).canonicalRows() { print(line) }
            } catch {
                printError("\(dump): error: cannot read the results database: \(error)")
                throw ExitCode.badInput
            }
            return
        }
        guard let out else { throw ExitCode.badInput }
        var sources: [(path: String, db: ResultsDatabase)] = []
        for input in inputs {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
                printError("\(input): error: no such file or directory")
                throw ExitCode.badInput
            }
            let path = isDirectory.boolValue ? URL(fileURLWithPath: input).appendingPathComponent("results.sqlite").path : input
            guard FileManager.default.fileExists(atPath: path) else {
                printError("\(path): error: no results database here (expected a shard's --out directory)")
                throw ExitCode.badInput
            }
            do { sources.append((path, try ResultsDatabase.open(path))) } catch {
                printError("\(path): error: cannot open the results database: \(error)")
                throw ExitCode.badInput
            }
        }
        // Every complete point, and where it is stored.
        var chosen: [Int: (path: String, run: ResultsDatabase.StoredRun)] = [:]
        var identity: (scenario: String, seed: UInt64, path: String)?
        for (path, db) in sources {
            let runs: [ResultsDatabase.StoredRun]
            do { runs = try db.storedRuns() } catch {
                printError("\(path): error: cannot read: \(error)")
                throw ExitCode.badInput
            }
            for r in runs {
                guard r.complete else {
                    printError("\(path): warning: point \(r.point) is incomplete and left out; rerun its shard to finish it")
                    continue
                }
                if let identity, identity.scenario != r.scenario || identity.seed != r.seed {
                    printError("\(path): error: holds \(r.scenario) seed \(r.seed), but \(identity.path) holds \(identity.scenario) seed \(identity.seed); these are not shards of one sweep")
                    throw ExitCode.badInput
                }
                identity = identity ?? (r.scenario, r.seed, path)
                if let other = chosen[r.point] {
                    if other.run.digest != r.digest || other.run.parameters != r.parameters {
                        printError("\(path): error: point \(r.point) differs from the one in \(other.path) (digest \(r.digest ?? "-") vs \(other.run.digest ?? "-"))")
                        throw ExitCode.failure
                    }
                    continue
                }
                chosen[r.point] = (path, r)
            }
        }
        let directory = URL(fileURLWithPath: out)
        let target = directory.appendingPathComponent("results.sqlite").path
        if FileManager.default.fileExists(atPath: target) {
            printError("\(target): error: already exists; merge into an empty --out directory")
            throw ExitCode.badInput
        }
        let merged: ResultsDatabase
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            merged = try ResultsDatabase.open(target)
            for point in chosen.keys.sorted() {
                let (path, run) = chosen[point]!
                try merged.copyRun(run.runID, from: path)
            }
        } catch {
            printError("\(target): error: cannot write the merged database: \(error)")
            throw ExitCode.failure
        }
        try writeSummary(database: merged, to: directory)
        print("merged \(chosen.count) point(s) from \(sources.count) database(s) into \(target)")
        print("summary: \(directory.appendingPathComponent("summary.md").path)")
    }
}
