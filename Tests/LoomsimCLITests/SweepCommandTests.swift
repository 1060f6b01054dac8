import Foundation
import XCTest

/// `loomsim sweep` and `loomsim merge` end to end: shards as separate processes merge into the
/// unsharded sweep's rows, resume skips finished points, bad values exit 2 with a location.
final class SweepCommandTests: XCTestCase {
    static let scenario = RunCommandTests.scenario
    static let gpus = "topology.services.video-processing.gpus.rtx-3060=2,6,12"
    static let a100 = "topology.services.video-processing.gpus.a100=1,2"

    func write(_ text: String, in dir: URL, name: String = "s.yaml") throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func dump(_ dir: URL) throws -> String {
        let r = try Loomsim.run(["merge", "--dump", dir.appendingPathComponent("results.sqlite").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout
    }

    func testShardsAsSeparateProcessesMergeIntoTheUnshardedSweep() throws {
        let dir = try Loomsim.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try write(Self.scenario, in: dir)
        let sweep = ["sweep", file, "--param", Self.gpus, "--param", Self.a100]

        let whole = dir.appendingPathComponent("whole")
        let r = try Loomsim.run(sweep + ["--out", whole.path, "--jobs", "2"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("points=6 runs=12"), r.stdout)
        for name in ["results.sqlite", "summary.md", "summary.json", "report.html"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: whole.appendingPathComponent(name).path), name)
        }
        let expected = try dump(whole)
        XCTAssertTrue(expected.contains(#"parameters|run=p5|point=5|seq=0|key="topology.services.video-processing.gpus.rtx-3060"|value="12""#), expected.prefix(2000).description)

        // Three shards at once, each its own process and database.
        let group = DispatchGroup()
        let statuses = StatusBox()
        for k in 0..<3 {
            group.enter()
            Thread.detachNewThread {
                let s = (try? Loomsim.run(sweep + ["--shard", "\(k)/3", "--jobs", "1", "--out", dir.appendingPathComponent("shard-\(k)").path]))
                statuses.set(k, s)
                group.leave()
            }
        }
        group.wait()
        for k in 0..<3 { XCTAssertEqual(statuses.get(k)?.status, 0, statuses.get(k)?.stderr ?? "no result") }
        XCTAssertTrue(statuses.get(1)?.stdout.contains("points=2 runs=4") ?? false)

        let merged = dir.appendingPathComponent("merged")
        let m = try Loomsim.run(["merge"] + [2, 0, 1].map { dir.appendingPathComponent("shard-\($0)").path } + ["--out", merged.path])
        XCTAssertEqual(m.status, 0, m.stderr)
        XCTAssertTrue(m.stdout.contains("merged 6 point(s) from 3 database(s)"), m.stdout)
        XCTAssertEqual(try dump(merged), expected, "merged shards hold the unsharded sweep's rows")
        XCTAssertEqual(try Data(contentsOf: merged.appendingPathComponent("summary.json")),
                       try Data(contentsOf: whole.appendingPathComponent("summary.json")))

        // Merging into a directory that already holds a database is refused.
        let again = try Loomsim.run(["merge", dir.appendingPathComponent("shard-0").path, "--out", merged.path])
        XCTAssertEqual(again.status, 2)

        // Resume: the whole sweep into shard 0's directory runs only the other points.
        let resumed = try Loomsim.run(sweep + ["--out", dir.appendingPathComponent("shard-0").path, "--jobs", "2"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("2 already complete, 4 to run"), resumed.stderr)
        XCTAssertEqual(try dump(dir.appendingPathComponent("shard-0")), expected)
        let nothing = try Loomsim.run(sweep + ["--out", whole.path])
        XCTAssertTrue(nothing.stderr.contains("6 already complete, 0 to run"), nothing.stderr)
        XCTAssertEqual(try dump(whole), expected)

        // Another sweep into the same directory is refused rather than mixed in.
        let other = try Loomsim.run(["sweep", file, "--param", "topology.services.video-processing.gpus.rtx-3060=3", "--out", whole.path])
        XCTAssertEqual(other.status, 2, other.stderr)
        XCTAssertTrue(other.stderr.contains("holds another sweep"), other.stderr)
    }

    func testBadInputAndJobFiles() throws {
        let dir = try Loomsim.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try write(Self.scenario, in: dir)

        let bad = try Loomsim.run(["sweep", file, "--param", "topology.services.video-processing.gpus.rtx-3060=4,many", "--out", dir.path])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("s.yaml#point-1:"), bad.stderr)
        XCTAssertTrue(bad.stderr.contains("\"many\""), bad.stderr)
        XCTAssertEqual(try Loomsim.run(["sweep", file]).status, 2, "nothing to sweep")
        XCTAssertEqual(try Loomsim.run(["sweep", file, "--param", "x"]).status, 2)
        XCTAssertEqual(try Loomsim.run(["sweep", file, "--param", Self.gpus, "--shard", "3/3"]).status, 2)

        let list = try Loomsim.run(["sweep", file, "--param", Self.gpus, "--param", Self.a100, "--shard", "1/2", "--list"])
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertEqual(list.stdout.split(separator: "\n").map { $0.split(separator: "\t")[0] }, ["1", "3", "5"])

        let k8s = try Loomsim.run(["sweep", file, "--param", Self.gpus, "--emit", "kubernetes", "--shards", "3"])
        XCTAssertEqual(k8s.status, 0, k8s.stderr)
        XCTAssertTrue(k8s.stdout.contains("completionMode: Indexed") && k8s.stdout.contains("completions: 3"), k8s.stdout)
        let slurm = try Loomsim.run(["sweep", file, "--param", Self.gpus, "--emit", "slurm"])
        XCTAssertEqual(slurm.status, 0, slurm.stderr)
        XCTAssertTrue(slurm.stdout.contains("#SBATCH --array=0-2") && slurm.stdout.contains("SLURM_ARRAY_TASK_ID"), slurm.stdout)
    }

    func testSobolSectionInTheFile() throws {
        let dir = try Loomsim.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try write(Self.scenario + """

            sweep:
              sobol:
                points: 3
                ranges:
                  topology.services.video-processing.gpus.rtx-3060: {min: 2, max: 12, integer: true}
                  topology.services.video-processing.gpuWaitBudget: {min: 30, max: 120, unit: s}
            """, in: dir)
        let r = try Loomsim.run(["sweep", file, "--replications", "1", "--out", dir.appendingPathComponent("o").path])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("points=3 runs=3"), r.stdout)
        let md = try String(contentsOf: dir.appendingPathComponent("o/summary.md"), encoding: .utf8)
        XCTAssertTrue(md.contains("gpuWaitBudget"), md)
    }
}

private final class StatusBox: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int: CommandResult] = [:]
    func set(_ k: Int, _ v: CommandResult?) { lock.lock(); values[k] = v; lock.unlock() }
    func get(_ k: Int) -> CommandResult? { lock.lock(); defer { lock.unlock() }; return values[k] }
}
