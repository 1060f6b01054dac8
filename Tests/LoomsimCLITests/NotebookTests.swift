import Foundation
import XCTest

/// Executes every notebook in Notebooks/ headless (nbclient, in .venv-notebooks/) against a small
/// sweep and a fault run made by the release binary, so the notebooks cannot rot: a renamed
/// table, column or metric fails here.
final class NotebookTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The venv's python; skips (with how to create it) when scripts/notebooks-env.sh has not run.
    func python() throws -> URL {
        let python = Self.repository.appendingPathComponent(".venv-notebooks/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw XCTSkip("no .venv-notebooks/ (scripts/test.sh creates it; or run: bash scripts/notebooks-env.sh)")
        }
        return python
    }

    /// Runs `notebooks` with `execute.py` against `database`, writing figures to `figures`.
    func execute(_ notebooks: [String], database: URL, figures: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = try python()
        process.arguments = [Self.repository.appendingPathComponent("Notebooks/execute.py").path]
            + notebooks.map { Self.repository.appendingPathComponent("Notebooks/\($0)").path }
        var environment = ProcessInfo.processInfo.environment
        environment["LOOMSIM_RESULTS"] = database.path
        environment["LOOMSIM_FIGURES"] = figures.path
        environment["MPLBACKEND"] = "Agg"
        environment.removeValue(forKey: "LOOMSIM_RUN_ID")
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func assertPNG(_ url: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let data = try Data(contentsOf: url)
        XCTAssertEqual(Array(data.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "\(url.lastPathComponent) is not a PNG", file: file, line: line)
        XCTAssertGreaterThan(data.count, 10_000, "\(url.lastPathComponent) is too small to hold a plot", file: file, line: line)
    }

    func testNotebooksRunAgainstASweepAndAFaultRun() throws {
        _ = try python()
        let dir = try Loomsim.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let scenarios = Self.repository.appendingPathComponent("Scenarios")

        let sweep = try Loomsim.run([
            "sweep", scenarios.appendingPathComponent("gpu-contention.yaml").path,
            "--param", "topology.services.video-processing.gpus.rtx-3060=8,16,24",
            "--param", "topology.services.video-processing.gpuWaitBudget=30s,60s",
            "--param", "duration=10m", "--param", "warmUp=2m",
            "--replications", "2", "--out", dir.appendingPathComponent("sweep").path,
        ], release: true)
        XCTAssertEqual(sweep.status, 0, sweep.stderr)
        let fault = try Loomsim.run([
            "run", scenarios.appendingPathComponent("streaming-surge-edge-failure.yaml").path,
            "--replications", "1", "--quiet", "--out", dir.appendingPathComponent("fault").path,
        ], release: true)
        XCTAssertEqual(fault.status, 0, fault.stderr)

        let figures = dir.appendingPathComponent("figures")
        let sweepNotebooks = ["capacity-and-cost.ipynb", "slo-heatmap.ipynb", "latency-cdfs.ipynb"]
        let fromSweep = try execute(sweepNotebooks, database: dir.appendingPathComponent("sweep/results.sqlite"), figures: figures)
        XCTAssertEqual(fromSweep.status, 0, fromSweep.output)
        for name in sweepNotebooks { XCTAssertTrue(fromSweep.output.contains("ok \(name)"), fromSweep.output) }
        let fromFault = try execute(["failover-timeline.ipynb"], database: dir.appendingPathComponent("fault/results.sqlite"), figures: figures)
        XCTAssertEqual(fromFault.status, 0, fromFault.output)

        for figure in ["capacity-curve", "cost-frontier", "slo-heatmap", "latency-cdfs", "latency-over-time", "failover-timeline"] {
            try assertPNG(figures.appendingPathComponent("\(figure).png"))
        }
        // Every notebook in the folder is covered here.
        let all = try FileManager.default.contentsOfDirectory(atPath: Self.repository.appendingPathComponent("Notebooks").path)
            .filter { $0.hasSuffix(".ipynb") }
        XCTAssertEqual(Set(all), Set(sweepNotebooks + ["failover-timeline.ipynb"]))
    }

    func testCommittedNotebooksHaveNoOutputs() throws {
        let folder = Self.repository.appendingPathComponent("Notebooks")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".ipynb") {
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent(name))) as? [String: Any]
            let cells = try XCTUnwrap(json?["cells"] as? [[String: Any]], name)
            for cell in cells where cell["cell_type"] as? String == "code" {
                XCTAssertEqual((cell["outputs"] as? [Any])?.count, 0, "\(name) is committed with outputs")
                XCTAssertTrue(cell["execution_count"] is NSNull, "\(name) is committed with execution counts")
            }
        }
    }

    func testAMissingDatabaseFailsWithAClearMessage() throws {
        let dir = try Loomsim.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try execute(["latency-cdfs.ipynb"], database: dir.appendingPathComponent("absent.sqlite"),
                                 figures: dir.appendingPathComponent("figures"))
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.output.contains("no results database here"), result.output)
    }
}
