import Foundation
import XCTest

final class CheckAndBenchCommandTests: XCTestCase {
    func testHelpTeachesTheCommands() throws {
        let r = try Loomsim.run(["--help"])
        XCTAssertEqual(r.status, 0)
        for word in ["check", "bench", "conform", "digest"] { XCTAssertTrue(r.stdout.contains(word), r.stdout) }
        let check = try Loomsim.run(["check", "queueing", "--help"])
        XCTAssertTrue(check.stdout.contains("99% confidence interval"), check.stdout)
    }

    /// The main job: every shipped case passes with the release build's full-length runs.
    func testShippedQueueingCasesPassInTheReleaseBuild() throws {
        let r = try Loomsim.run(["check", "queueing"], release: true)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertEqual(r.stdout.split(separator: "\n").filter { $0.hasPrefix("PASS") }.count, 23, r.stdout)
        XCTAssertTrue(r.stdout.contains("23 passed, 0 failed"), r.stdout)
        XCTAssertTrue(r.stdout.range(of: #"digest=[0-9a-f]{16}"#, options: .regularExpression) != nil, r.stdout)
    }

    func testCustomCaseFileAndAFailingCase() throws {
        let dir = try Loomsim.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("cases.json")
        try Data(#"""
            [{"model": "M/M/1", "params": {"lambda": 0.5, "mu": 1, "c": 1}, "metric": "Wq (mean wait in queue)", "value": 1.0},
             {"model": "M/M/1", "params": {"lambda": 0.5, "mu": 1, "c": 1}, "metric": "W (mean time in system)", "value": 2.5}]
            """#.utf8).write(to: file)
        let r = try Loomsim.run(["check", "queueing", "--cases", file.path, "--precision", "0.02"])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertTrue(lines[0].hasPrefix("PASS") && lines[0].contains("Wq"), r.stdout)
        XCTAssertTrue(lines[1].hasPrefix("FAIL") && lines[1].contains("analytic=2.5"), r.stdout)
        XCTAssertTrue(r.stdout.contains("1 passed, 1 failed"), r.stdout)
    }

    func testBadInputGivesAPreciseErrorAndExitStatus2() throws {
        let dir = try Loomsim.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = try Loomsim.run(["check", "queueing", "--cases", dir.appendingPathComponent("nope.json").path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("nope.json: error: no such file"), missing.stderr)

        let directory = try Loomsim.run(["check", "queueing", "--cases", dir.path])
        XCTAssertEqual(directory.status, 2)
        XCTAssertTrue(directory.stderr.contains("is a directory"), directory.stderr)

        let empty = dir.appendingPathComponent("empty.json")
        try Data().write(to: empty)
        let emptyRun = try Loomsim.run(["check", "queueing", "--cases", empty.path])
        XCTAssertEqual(emptyRun.status, 2)
        XCTAssertTrue(emptyRun.stderr.contains("file is empty"), emptyRun.stderr)

        let binary = dir.appendingPathComponent("binary.json")
        try Data([0xff, 0x00, 0xfe, 0x13]).write(to: binary)
        let binaryRun = try Loomsim.run(["check", "queueing", "--cases", binary.path])
        XCTAssertEqual(binaryRun.status, 2)
        XCTAssertTrue(binaryRun.stderr.contains("malformed JSON"), binaryRun.stderr)

        let unstable = dir.appendingPathComponent("unstable.json")
        try Data(#"[{"model": "M/M/c", "params": {"lambda": 10, "mu": 1, "c": 5}, "metric": "Wq", "value": 1}]"#.utf8).write(to: unstable)
        let unstableRun = try Loomsim.run(["check", "queueing", "--cases", unstable.path])
        XCTAssertEqual(unstableRun.status, 2)
        XCTAssertTrue(unstableRun.stderr.contains("case 1: ρ = λ·E[S]/c = 2.0 ≥ 1"), unstableRun.stderr)

        let precision = try Loomsim.run(["check", "queueing", "--precision", "nan"])
        XCTAssertEqual(precision.status, 2, "a bad option value is bad input")
        XCTAssertTrue(precision.stderr.contains("--precision"), precision.stderr)
    }

    func testBenchKernelPrintsItsFiguresLineAndIsDeterministic() throws {
        let a = try Loomsim.run(["bench", "kernel", "--customers", "5000", "--seed", "7"])
        let b = try Loomsim.run(["bench", "kernel", "--customers", "5000", "--seed", "7"])
        XCTAssertEqual(a.status, 0, a.stderr)
        let last = try XCTUnwrap(a.stdout.split(separator: "\n").last.map(String.init))
        let pattern = #"^events=\d+ wall_s=[0-9.]+ events_per_s=\d+ mean_wait=[0-9.]+ digest=[0-9a-f]{16}$"#
        XCTAssertNotNil(last.range(of: pattern, options: .regularExpression), last)
        func digest(_ s: String) -> Substring? { s.split(separator: " ").first { $0.hasPrefix("digest=") } }
        XCTAssertEqual(digest(last), digest(String(b.stdout.split(separator: "\n").last!)))
        let bad = try Loomsim.run(["bench", "kernel", "--customers", "0"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--customers must be ≥ 1"), bad.stderr)
    }
}

final class CheckParallelismTests: XCTestCase {
    /// Models run in parallel with --jobs; the printed results must not depend on it.
    func testResultsAreIdenticalOnOneAndTwoThreads() throws {
        let dir = try Loomsim.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("cases.json")
        try Data(#"""
            [{"model": "M/M/1", "params": {"lambda": 0.5, "mu": 1}, "metric": "Wq", "value": 1.0},
             {"model": "M/M/c", "params": {"lambda": 1.5, "mu": 1, "c": 2}, "metric": "P_wait", "value": 0.642857142857},
             {"model": "M/D/1", "params": {"lambda": 0.5, "service_time": 1}, "metric": "Wq", "value": 0.5}]
            """#.utf8).write(to: file)
        func run(_ jobs: Int) throws -> String {
            let r = try Loomsim.run(["check", "queueing", "--cases", file.path, "--precision", "0.03", "--jobs", "\(jobs)"])
            XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
            // Everything but the wall-clock figure.
            return r.stdout.replacingOccurrences(of: #"wall_s=[0-9.]+"#, with: "", options: .regularExpression)
        }
        XCTAssertEqual(try run(1), try run(2))
    }
}
