import Foundation
import XCTest

/// `loomsim run --real` end to end, as a user runs it: the scenario's video jobs transcoded for
/// real on generated clips, its other services modelled on the wall clock, and a SIGKILL of
/// the command itself in the middle of a run followed by the same command again.
final class RealRunCommandTests: XCTestCase {
    static func scenario(duration: String, uploadRate: String, others: Bool) -> String {
        var text = """
        name: cli-real
        mode: real
        seed: 5
        duration: \(duration)
        load:
          workloads:
            - name: uploads
              target: video-processing
              steps:
                - {at: 0s, rate: \(uploadRate)}

        """
        if others {
            text += """
                - name: events
                  target: analytics
                  steps:
                    - {at: 0s, rate: 30/s}
                - name: transcripts
                  target: ai-ml
                  steps:
                    - {at: 0s, rate: 1/s}

            """
        }
        text += """
        topology:
          services:
            video-processing:
              cpuWorkers: {replicas: 1}
        slos:
          - nothingLost: true
          - {metric: video-processing.completed, stat: count, atLeast: 1}

        """
        return text
    }

    private func summary(_ out: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: out.appendingPathComponent("summary.json"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func flow(_ summary: [String: Any], _ service: String) -> [String: Any]? {
        (summary["conservation"] as? [String: Any])?[service] as? [String: Any]
    }

    /// The services without a real backend run next to the real video service on the wall
    /// clock: their arrivals happen in real time (the run lasts the scenario's duration divided
    /// by the speed-up), their flows balance, and the report says which parts were modelled.
    func testRealRunModelsTheOtherServicesOnTheWallClock() throws {
        let dir = try Loomsim.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("real.yaml")
        try Data(Self.scenario(duration: "6s", uploadRate: "0.5/s", others: true).utf8).write(to: file)
        let out = dir.appendingPathComponent("out")
        let started = Date()
        let r = try Loomsim.run(["run", file.path, "--generate", "1", "--clip-heights", "360", "--speedup", "2",
                                 "--work", dir.appendingPathComponent("work").path, "--out", out.path, "--no-gpu"])
        let wall = Date().timeIntervalSince(started)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        // 6 s of scenario at ×2: the arrivals span 3 s of wall time, so the run cannot end sooner.
        XCTAssertGreaterThanOrEqual(wall, 3, r.stderr)
        let s = try summary(out)
        let video = try XCTUnwrap(flow(s, "video-processing"))
        XCTAssertEqual(video["entered"] as? Int, 1)
        XCTAssertEqual(video["completed"] as? Int, 1)
        let analytics = try XCTUnwrap(flow(s, "analytics"), "\(s["conservation"] ?? "")")
        let entered = try XCTUnwrap(analytics["entered"] as? Int)
        // 30 events/s over 6 scenario seconds: Poisson, so well inside 100...260.
        XCTAssertTrue((100...260).contains(entered), "analytics entered \(entered)")
        XCTAssertEqual(analytics["balanced"] as? Bool, true)
        XCTAssertNotNil(flow(s, "ai-ml"))
        let provenance = try XCTUnwrap(s["provenance"] as? [[String: Any]])
        let modes = Dictionary(provenance.compactMap { p in (p["component"] as? String).map { ($0, p["mode"] as? String ?? "") } },
                               uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(modes["analytics"], "modelled", "\(provenance)")
        XCTAssertEqual(modes["ai-ml"], "modelled", "\(provenance)")
        XCTAssertTrue(modes.contains { $0.key.hasPrefix("video-processing") && $0.value == "real" }, "\(provenance)")
    }

    /// Crash recovery through the command line (seed §2.3.1, §7.2): `loomsim run --real` is
    /// killed with SIGKILL after some jobs finished, then the same command runs again. It
    /// resumes from the journal instead of starting over, and ends with every job completed
    /// exactly once and its outputs published.
    func testSIGKILLOfTheCommandThenTheSameCommandResumesAndFinishesEveryJob() throws {
        let dir = try Loomsim.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("real.yaml")
        try Data(Self.scenario(duration: "8s", uploadRate: "1/s", others: false).utf8).write(to: file)
        let work = dir.appendingPathComponent("work")
        let arguments = ["run", file.path, "--generate", "6", "--clip-heights", "360", "--concurrency", "1", "--no-gpu",
                         "--work", work.path, "--out", dir.appendingPathComponent("out").path]

        let process = Process()
        process.executableURL = try Loomsim.binary()
        process.arguments = arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        var seen = ""
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning, Date() < deadline, seen.components(separatedBy: ": completed after").count - 1 < 2 {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal, "the first run ended on its own before the kill:\n\(seen)")
        let finishedBefore = seen.components(separatedBy: ": completed after").count - 1
        XCTAssertGreaterThanOrEqual(finishedBefore, 2, seen)
        XCTAssertLessThan(finishedBefore, 6, "every job had finished before the kill: nothing left to resume\n\(seen)")

        let again = try Loomsim.run(arguments)
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertTrue(again.stderr.contains("resuming: "), again.stderr)
        XCTAssertTrue(again.stdout.contains("jobs 6: completed 6"), again.stdout)
        let s = try summary(dir.appendingPathComponent("out"))
        let video = try XCTUnwrap(flow(s, "video-processing"))
        XCTAssertEqual(video["entered"] as? Int, 6)
        XCTAssertEqual(video["completed"] as? Int, 6)
        XCTAssertEqual(video["in_flight"] as? Int, 0)
        let origin = work.appendingPathComponent("origin")
        let published = try FileManager.default.contentsOfDirectory(atPath: origin.path)
            .filter { FileManager.default.fileExists(atPath: origin.appendingPathComponent($0).appendingPathComponent("manifest.json").path) }
        XCTAssertEqual(published.count, 6, "\(published)")
        // The second process only did what was left: the jobs finished before the kill are not redone.
        let finishedAgain = again.stderr.components(separatedBy: ": completed after").count - 1
        XCTAssertLessThanOrEqual(finishedAgain, 6 - finishedBefore, again.stderr)
    }
}
