import Foundation
import LoomServices
import Reporting
import ScenarioKit
import XCTest
@testable import ScenarioRunner

/// Sweeps: definitions (grid, Sobol, --param, sweep: section), point scenarios built through
/// `extends:`, parallel = serial, shards merged = unsharded, resume, summaries and job files.
final class SweepTests: XCTestCase {
    static let base = """
        name: sweep-gpu
        seed: 3
        duration: 10m
        warmUp: 1m
        replications: 2
        load:
          workloads:
            - name: uploads
              target: video-processing
              rate: 0.5/s
              mix:
                tier: {categorical: {free: 50%, enterprise: 50%}}
                duration: {lognormal: {mean: 2m, cv: 1.0}}
        topology:
          services:
            video-processing:
              gpus: {a100: 1, rtx-4080: 2, rtx-3060: 6}
              cpuWorkers: {replicas: 2}
        slos:
          - nothingLost: true
          - "p99(video-processing.queue_wait{priority=high}) < 10m"
        """
    static let file = "scenarios/sweep-gpu.yaml"
    static let gpuKey = "topology.services.video-processing.gpus.rtx-3060"

    var provider: InMemorySources { InMemorySources([Self.file: Self.base]) }

    // MARK: Definitions

    func testGridPointsAreTheCartesianProductFirstParameterSlowest() throws {
        let d = try SweepDefinition.parse(parameters: ["a.x=1,2,3", "b.y=p,q"])
        let points = d.points()
        XCTAssertEqual(points.map(\.id), Array(0..<6))
        XCTAssertEqual(points.map(\.label), ["a.x=1 b.y=p", "a.x=1 b.y=q", "a.x=2 b.y=p", "a.x=2 b.y=q", "a.x=3 b.y=p", "a.x=3 b.y=q"])
        XCTAssertEqual(d.keys, ["a.x", "b.y"])
    }

    func testBadParamsAreRejectedWithTheReason() {
        for (bad, fragment) in [("a.x", "expected key.path="), ("a..x=1", "not a key path"), ("a.x=1,,2", "empty"),
                                ("extends=x", "cannot be swept")] {
            XCTAssertThrowsError(try SweepDefinition.parse(parameters: [bad])) { e in
                XCTAssertTrue("\(e)".contains(fragment), "\(bad): \(e)")
            }
        }
        XCTAssertThrowsError(try SweepDefinition.parse(parameters: ["a.x=1", "a.x=2"]))
        XCTAssertThrowsError(try SweepDefinition.parse(parameters: ["a.x=1", "a.x.y=2"])) { XCTAssertTrue("\($0)".contains("overlap")) }
    }

    func testSobolPointsAreDeterministicInRangeAndSpaceFilling() {
        let d = SweepDefinition.sobol(points: 16, ranges: [
            .init(key: "a", min: 8, max: 48, integer: true), .init(key: "b", min: 30, max: 120, unit: "s"),
        ])
        let p = d.points()
        XCTAssertEqual(p, d.points())
        XCTAssertEqual(p.count, 16)
        let a = p.map { Int($0.assignments[0].value)! }
        XCTAssertTrue(a.allSatisfy { (8...48).contains($0) })
        let b = p.map { Double($0.assignments[1].value.dropLast())! }
        XCTAssertTrue(p.allSatisfy { $0.assignments[1].value.hasSuffix("s") })
        XCTAssertTrue(b.allSatisfy { (30...120).contains($0) })
        // Space-filling: every quarter of the range holds about a quarter of the 16 points (GSL
        // starts after the all-zeros point, so exactly 4 is not guaranteed; independent uniform
        // draws leave a quarter empty or crowded far more often).
        for q in 0..<4 {
            XCTAssertTrue((3...5).contains(b.filter { $0 >= 30 + Double(q) * 22.5 && $0 < 30 + Double(q + 1) * 22.5 }.count), "b quarter \(q): \(b)")
        }
        XCTAssertEqual(b.prefix(4), [75, 52.5, 97.5, 63.75], "GSL's Sobol sequence, scaled")
        XCTAssertGreaterThan(Set(a).count, 10)
    }

    func testSweepSectionIsReadWithPreciseErrors() throws {
        let good = try ScenarioLoader.load(yaml: Self.base + """

            sweep:
              grid:
                \(Self.gpuKey): [4, 8, "12"]
            """)
        let d = try XCTUnwrap(SweepDefinition.parse(section: XCTUnwrap(good.sections.sweep), sink: DiagnosticSink()))
        XCTAssertEqual(d.points().map(\.label), ["\(Self.gpuKey)=4", "\(Self.gpuKey)=8", "\(Self.gpuKey)=12"])
        XCTAssertTrue(d.points()[2].assignments[0].quoted)

        let bad = try ScenarioLoader.load(yaml: Self.base + """

            sweep:
              sobol:
                points: 0
                ranges:
                  a.b: {min: 5, max: 1}
            """, file: "bad.yaml")
        let sink = DiagnosticSink()
        XCTAssertNil(SweepDefinition.parse(section: try XCTUnwrap(bad.sections.sweep), sink: sink))
        let text = sink.diagnostics.map(\.description).joined(separator: "\n")
        XCTAssertTrue(text.contains("bad.yaml:24:"), text)   // points: 0
        XCTAssertTrue(text.contains("bad.yaml:26:"), text)   // max below min
        XCTAssertTrue(text.contains("sweep.sobol.points"), text)
    }

    // MARK: Point scenarios

    func testPointScenarioExtendsTheBaseAndBadValuesPointAtThePoint() throws {
        let d = try SweepDefinition.parse(parameters: ["\(Self.gpuKey)=12", "topology.services.video-processing.cpuWorkers.replicas=3"])
        let point = d.points()[0]
        let yaml = SweepScenarios.childYAML(base: Self.file, point: point)
        XCTAssertTrue(yaml.contains("extends: \"sweep-gpu.yaml\""), yaml)
        // The two keys share `topology.services.video-processing`, opened once.
        XCTAssertEqual(yaml.components(separatedBy: "\"video-processing\":").count, 2, yaml)
        let sink = DiagnosticSink()
        let s = try XCTUnwrap(SweepScenarios.load(base: Self.file, point: point, sectionChecks: PlatformAssembly.sectionChecks,
                                                  sink: sink, baseProvider: provider))
        XCTAssertFalse(sink.hasErrors, sink.diagnostics.description)
        XCTAssertEqual(s.name, "sweep-gpu")
        let gpus = s.sections.topology?["services"]?["video-processing"]?["gpus"]
        XCTAssertEqual(gpus?["rtx-3060"]?.scalar?.text, "12")
        XCTAssertEqual(gpus?["a100"]?.scalar?.text, "1", "values not swept come from the base")

        let badPoints = try SweepDefinition.parse(parameters: ["\(Self.gpuKey)=8,lots"]).points()
        guard case .failure(let e) = SweepScenarios.loadAll(base: Self.file, points: badPoints, sectionChecks: PlatformAssembly.sectionChecks,
                                                           baseProvider: provider) else { return XCTFail("a bad value must fail") }
        XCTAssertEqual(e.errors.count, 1, e.description)
        XCTAssertTrue(e.description.hasPrefix("scenarios/sweep-gpu.yaml#point-1:"), e.description)
        XCTAssertTrue(e.description.contains(Self.gpuKey) && e.description.contains("\"lots\""), e.description)
    }

    // MARK: Running

    func jobs(_ params: [String]) throws -> (points: [SweepPoint], jobs: [SweepExecutor.Job]) {
        let points = try SweepDefinition.parse(parameters: params).points()
        let scenarios = try SweepScenarios.loadAll(base: Self.file, points: points, sectionChecks: PlatformAssembly.sectionChecks,
                                                   baseProvider: provider).get()
        return (points, zip(points, scenarios).map { SweepExecutor.Job(id: $0.id, scenario: $1) })
    }

    /// Runs `subset` of the points into a fresh database at `path`; returns the hand-over order.
    @discardableResult
    func sweep(_ all: (points: [SweepPoint], jobs: [SweepExecutor.Job]), only ids: Set<Int>? = nil, jobs n: Int, into path: String) throws -> [Int] {
        let db = try ResultsDatabase.open(path)
        let order = OrderLog()
        let byID = Dictionary(uniqueKeysWithValues: all.points.map { ($0.id, $0) })
        try SweepExecutor.run(all.jobs.filter { ids?.contains($0.id) ?? true }, jobs: n, sampleInterval: .wholeSeconds(10),
                              factory: PlatformAssembly.factory, wallClock: { Date().timeIntervalSinceReferenceDate }) { result in
            order.append(result.id)
            let run = ScenarioRun(scenario: result.scenario, outcomes: try result.outcomes.get(), plannedReplications: result.scenario.replications)
            try db.record(SweepScenarios.report(point: byID[result.id]!, run: run, file: Self.file, seed: 3, replications: 2,
                                                wallClock: [WallClockTiming(label: "wall time", seconds: result.wallSeconds)]))
        }
        return order.values
    }

    func testParallelEqualsSerialAndShardsMergedEqualTheUnshardedSweep() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-\(getpid())-\(UInt64.random(in: 0 ... .max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let all = try jobs(["\(Self.gpuKey)=2,6,12", "topology.services.video-processing.gpus.a100=1,2"])
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

        XCTAssertEqual(try sweep(all, jobs: 1, into: path("serial.sqlite")), Array(0..<6))
        XCTAssertEqual(try sweep(all, jobs: 4, into: path("parallel.sqlite")), Array(0..<6), "points are handed over in order")
        let serial = try ResultsDatabase.open(path("serial.sqlite")).canonicalRows()
        XCTAssertGreaterThan(serial.count, 1000)
        XCTAssertEqual(try ResultsDatabase.open(path("parallel.sqlite")).canonicalRows(), serial)
        let stored = try ResultsDatabase.open(path("serial.sqlite")).storedPoints()
        XCTAssertEqual(stored.map(\.point), Array(0..<6))
        XCTAssertEqual(stored[3].parameters, [RunParameter(Self.gpuKey, "6"), RunParameter("topology.services.video-processing.gpus.a100", "2")])
        XCTAssertNotEqual(stored[0].slos[1].value, stored[4].slos[1].value, "more GPUs change the wait")

        // Three shards (point i in shard i mod 3), merged in an arbitrary order.
        for k in 0..<3 { try sweep(all, only: Set((0..<6).filter { $0 % 3 == k }), jobs: 2, into: path("shard-\(k).sqlite")) }
        let merged = try ResultsDatabase.open(path("merged.sqlite"))
        var runs: [(point: Int, path: String, run: Int64)] = []
        for k in [2, 0, 1] {
            for r in try ResultsDatabase.open(path("shard-\(k).sqlite")).storedRuns() { runs.append((r.point, path("shard-\(k).sqlite"), r.runID)) }
        }
        for r in runs.sorted(by: { $0.point < $1.point }) { try merged.copyRun(r.run, from: r.path) }
        XCTAssertEqual(try merged.canonicalRows(), serial)
        XCTAssertEqual(try merged.canonicalRows(excluding: []).filter { $0.hasPrefix("wall_clock|") }.count, 6, "wall clock copied too")
        XCTAssertEqual(SweepSummary(points: try merged.storedPoints()).json, SweepSummary(points: stored).json)

        // Resume: a partial run of point 5 is removed; the stored runs say what is complete.
        let db = try ResultsDatabase.open(path("serial.sqlite"))
        var partial = RunReport(scenario: "sweep-gpu", seed: 3, digest: "", replications: [], plannedReplications: 2)
        partial.point = 5
        let id = try db.beginRun(partial)
        XCTAssertEqual(try db.storedRuns().filter { !$0.complete }.map(\.runID), [id])
        try db.deleteRun(id)
        XCTAssertEqual(try db.canonicalRows(), serial)
    }

    // MARK: Summary and job files

    func testSummaryHasTheTableAndResponseCurves() {
        func point(_ id: Int, _ gpus: String, _ wait: Double) -> ResultsDatabase.StoredPoint {
            .init(point: id, scenario: "s", seed: 1, digest: "d", verdict: "pass", replications: 3,
                  parameters: [RunParameter("gpus", gpus)],
                  slos: [SLOResult(name: "p99 wait", metric: "m", threshold: "< 30s", value: wait, unit: "s", passed: wait < 30,
                                   mean: wait, ciLow: wait - 1, ciHigh: wait + 1)])
        }
        let s = SweepSummary(points: [point(0, "24", 20), point(1, "12", 45)])
        let curves = s.curves
        XCTAssertEqual(curves.count, 1)
        XCTAssertEqual(curves[0].points.map(\.x), [12, 24], "sorted by the parameter")
        XCTAssertTrue(s.markdown.contains("| 1 | 12 | ✗ 45s (45 [44, 46]) | pass |"), s.markdown)
        XCTAssertTrue(s.markdown.contains("### p99 wait vs gpus"))
        XCTAssertTrue(s.json.contains("\"curves\""))
        XCTAssertTrue(s.html.contains("<svg") && s.html.contains("<polyline"))
        XCTAssertEqual(SweepSummary.number("60s"), 60)
        XCTAssertEqual(SweepSummary.number("1.5/s"), 1.5)
    }

    func testJobFilesRunEveryShard() {
        let c = SweepEmit.Command(file: "Scenarios/gpu-contention.yaml", arguments: ["--param", "\(Self.gpuKey)=12,24,48"],
                                  scenarioName: "gpu-contention", points: 3)
        let k8s = SweepEmit.kubernetes(c, shards: 3, parallelism: 2, image: "loomsim:1", claim: "results", cpus: 2)
        for needle in ["completionMode: Indexed", "completions: 3", "parallelism: 2", "\"$(JOB_COMPLETION_INDEX)/3\"",
                       "\"/results/shard-$(JOB_COMPLETION_INDEX)\"", "batch.kubernetes.io/job-completion-index", "name: loomsim-sweep-gpu-contention"] {
            XCTAssertTrue(k8s.contains(needle), needle + "\n" + k8s)
        }
        let slurm = SweepEmit.slurm(c, shards: 3, results: "out dir", cpus: 4)
        for needle in ["#SBATCH --array=0-2", "--shard \"${SLURM_ARRAY_TASK_ID}/3\"", "'out dir'", "#SBATCH --cpus-per-task=4",
                       "loomsim sweep Scenarios/gpu-contention.yaml --param topology.services.video-processing.gpus.rtx-3060=12,24,48"] {
            XCTAssertTrue(slurm.contains(needle), needle + "\n" + slurm)
        }
    }
}

/// The order in which points were handed over.
private final class OrderLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [Int] = []
    func append(_ i: Int) { lock.lock(); list.append(i); lock.unlock() }
    var values: [Int] { lock.lock(); defer { lock.unlock() }; return list }
}
