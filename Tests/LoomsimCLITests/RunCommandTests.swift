import Foundation
import XCTest

/// `loomsim validate`, `run` and `test` end to end on small scenarios.
final class RunCommandTests: XCTestCase {
    static let scenario = """
        name: cli-gpu
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

    func write(_ text: String, in dir: URL, name: String = "s.yaml") throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func testRunWritesEveryOutputDeterministically() throws {
        let dir = try Loomsim.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try write(Self.scenario, in: dir)
        var summaries: [Data] = []
        for out in ["a", "b"] {
            let outDir = dir.appendingPathComponent(out)
            let r = try Loomsim.run(["run", file, "--out", outDir.path, "--jobs", out == "a" ? "1" : "2"])
            XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
            for name in ["report.html", "summary.md", "summary.json", "junit.xml", "results.sqlite"] {
                XCTAssertTrue(FileManager.default.fileExists(atPath: outDir.appendingPathComponent(name).path), name)
            }
            summaries.append(try Data(contentsOf: outDir.appendingPathComponent("summary.json")))
        }
        XCTAssertEqual(summaries[0], summaries[1], "summary.json must be byte-identical on 1 and 2 threads")
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: summaries[0]) as? [String: Any])
        XCTAssertEqual(json["scenario"] as? String, "cli-gpu")
        XCTAssertEqual((json["seed"] as? NSNumber)?.intValue, 3)
        XCTAssertNotNil(json["digest"] as? String)
        let slos = try XCTUnwrap(json["slos"] as? [[String: Any]])
        XCTAssertEqual(slos.count, 2)
        for slo in slos { for key in ["name", "threshold", "value", "passed"] { XCTAssertNotNil(slo[key], key) } }
        let conservation = try XCTUnwrap(json["conservation"] as? [String: Any])
        XCTAssertNotNil(conservation["video-processing"])
        let junit = try String(contentsOf: dir.appendingPathComponent("a/junit.xml"), encoding: .utf8)
        XCTAssertGreaterThanOrEqual(junit.components(separatedBy: "<testcase").count - 1, 2)
    }

    func testAFailingSLOExitsOne() throws {
        let dir = try Loomsim.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let failing = Self.scenario.replacingOccurrences(of: "< 10m", with: "< 1ms").replacingOccurrences(of: "replications: 2", with: "replications: 1")
        let r = try Loomsim.run(["run", try write(failing, in: dir), "--out", dir.appendingPathComponent("o").path])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("FAIL  p99(video-processing.queue_wait{priority=high}) < 1ms"), r.stdout)
    }

    func testValidateReportsEveryErrorWithItsPosition() throws {
        let dir = try Loomsim.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = """
            name: bad
            duration: 10m
            load:
              workloads:
                - {name: w, target: transcoder, rate: 1/s}
            topology:
              services:
                video-processing:
                  gpus: {h100: 4}
                  gpuWaitBudgett: 10s
                recordings: {}
            """
        let file = try write(bad, in: dir)
        let r = try Loomsim.run(["validate", file])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("\(file):5:25: error: load.workloads[0].target: \"transcoder\" is not a service"), r.stderr)
        XCTAssertTrue(r.stderr.contains("\(file):9:20: error: topology.services.video-processing.gpus.h100: unknown GPU type \"h100\""), r.stderr)
        XCTAssertTrue(r.stderr.contains("gpuWaitBudgett"), r.stderr)
        XCTAssertTrue(r.stderr.contains("did you mean \"gpuWaitBudget\""), r.stderr)
        XCTAssertTrue(r.stderr.contains("unknown service \"recordings\""), r.stderr)
        let good = try Loomsim.run(["validate", try write(Self.scenario, in: dir, name: "good.yaml")])
        XCTAssertEqual(good.status, 0, good.stderr)
    }

    func testTestCommandRunsScenariosAndWritesJUnit() throws {
        let dir = try Loomsim.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let scenarios = dir.appendingPathComponent("scenarios")
        try FileManager.default.createDirectory(at: scenarios, withIntermediateDirectories: true)
        _ = try write(Self.scenario.replacingOccurrences(of: "replications: 2", with: "replications: 1"), in: scenarios, name: "one.yaml")
        _ = try write(Self.scenario.replacingOccurrences(of: "name: cli-gpu", with: "name: cli-gpu-failing")
            .replacingOccurrences(of: "< 10m", with: "< 1ms").replacingOccurrences(of: "replications: 2", with: "replications: 1"),
                      in: scenarios, name: "two.yaml")
        let noSLOs = Self.scenario.components(separatedBy: "\nslos:")[0].replacingOccurrences(of: "name: cli-gpu", with: "name: cli-gpu-no-slos")
        _ = try write(noSLOs + "\n", in: scenarios, name: "three.yaml")
        let junit = dir.appendingPathComponent("junit.xml")
        let r = try Loomsim.run(["test", scenarios.path, "--junit", junit.path])
        XCTAssertTrue(r.stdout.contains("SKIP  cli-gpu-no-slos  ("), r.stdout)
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("PASS  cli-gpu  "), r.stdout)
        XCTAssertTrue(r.stdout.contains("FAIL  cli-gpu-failing  "), r.stdout)
        XCTAssertTrue(r.stdout.hasSuffix("1 passed, 1 failed\n"), r.stdout)
        let xml = try String(contentsOf: junit, encoding: .utf8)
        XCTAssertTrue(xml.contains("failures=\"1\""), xml)
    }
}

final class InterruptTests: XCTestCase {
    /// Ctrl-C stops the run at its next sample and still writes consistent results, marked
    /// incomplete, with exit status 130.
    func testCtrlCLeavesPartialResultsMarkedIncomplete() throws {
        let dir = try Loomsim.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let long = RunCommandTests.scenario.replacingOccurrences(of: "duration: 10m", with: "duration: 48h")
            .replacingOccurrences(of: "replications: 2", with: "replications: 1")
        let file = dir.appendingPathComponent("long.yaml")
        try Data(long.utf8).write(to: file)
        let out = dir.appendingPathComponent("out")
        let process = Process()
        process.executableURL = try Loomsim.binary()
        process.arguments = ["run", file.path, "--out", out.path]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        // Wait for the first progress line, so the handler is installed and the run is going.
        let handle = err.fileHandleForReading
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("%"), process.isRunning {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as? [String: Any]
        XCTAssertEqual(summary?["complete"] as? Bool, false)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("results.sqlite").path))
    }
}
