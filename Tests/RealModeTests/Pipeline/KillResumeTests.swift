import Foundation
import LoomServices
@testable import RealMode
import XCTest

/// What the child process runs: a real-mode run described by a JSON file.
struct ChildRunConfig: Codable {
    var inputs: String
    var work: String
    var concurrency: Int
    var threadsPerJob: Int
    var arrivalInterval: Double
    var ladder: [Int]
}

/// Crash recovery with a real SIGKILL (seed §2.3.1, §7.2): a real-mode run in a child process
/// is killed mid-run, one of its checkpointed intermediates is corrupted, and the run is
/// started again with the same journal. It must resume every unfinished job from its
/// checkpoint, redo the stage whose intermediate fails its checksum, and end with every job
/// completed or dead-lettered exactly once, its outputs decoding cleanly.
///
/// The child is this test bundle run again with a filter that selects
/// `RealModeChildProcess.testChildRun` and the run's configuration in `LOOMSIM_REAL_CHILD`
/// (a process of its own, killed for real): it corrupts an intermediate between the two
/// processes, which the command line cannot reach. `RealRunCommandTests` kills
/// `loomsim run --real` itself the same way.
final class KillResumeTests: XCTestCase {
    func testSIGKILLMidRunThenResumeAccountsForEveryJobExactlyOnce() throws {
        let work = PipelineFixtures.folder(self, "kill")
        let inputs = (work as NSString).appendingPathComponent("in")
        var clips: [(String, TestClipSpec)] = []
        for i in 0..<8 {
            clips.append((String(format: "clip-%02d.mp4", i),
                          TestClipSpec(width: 640, height: 360, frameRate: MediaRational(25, 1), durationSeconds: 2)))
        }
        _ = try PipelineFixtures.clips(clips, in: inputs)
        _ = try PipelineFixtures.write([], to: inputs, "zz-empty.mp4")
        let config = ChildRunConfig(inputs: inputs, work: (work as NSString).appendingPathComponent("run"), concurrency: 2,
                                    threadsPerJob: 1, arrivalInterval: 0.15, ladder: [360, 240])
        let configPath = (work as NSString).appendingPathComponent("child.json")
        try JSONEncoder().encode(config).write(to: URL(fileURLWithPath: configPath))
        let statePath = RealModeLayout(workDirectory: config.work).statePath

        // 1. Start, wait for the middle of the run, SIGKILL.
        let first = try launchChild(configPath: configPath, log: (work as NSString).appendingPathComponent("child-1.log"))
        var corrupted: (key: String, file: String)?
        let deadline = Date().addingTimeInterval(60)
        var killedWith: (done: Int, unfinished: Int)?
        while Date() < deadline, first.isRunning {
            usleep(5_000)
            guard FileManager.default.fileExists(atPath: statePath), let journal = try? RealModeJournal(path: statePath),
                  let jobs = try? journal.jobs(), jobs.count == clips.count + 1,
                  let checkpoints = try? journal.checkpoints() else { continue }
            let done = jobs.filter(\.isTerminal).count
            let unfinished = Set(jobs.filter { !$0.isTerminal }.map(\.key))
            let target = checkpoints.first { $0.stage == .transcoding && unfinished.contains($0.jobKey) && !$0.files.isEmpty }
            guard done >= 2, !unfinished.isEmpty else { continue }
            if target != nil || done >= clips.count / 2 {
                kill(first.processIdentifier, SIGKILL)
                killedWith = (done, unfinished.count)
                if let target { corrupted = (target.jobKey, target.files[0].path) }
                break
            }
        }
        first.waitUntilExit()
        let log1 = (try? String(contentsOfFile: (work as NSString).appendingPathComponent("child-1.log"), encoding: .utf8)) ?? ""
        let killed = try XCTUnwrap(killedWith, "the run ended before it could be killed:\n\(log1)")
        XCTAssertEqual(first.terminationReason, .uncaughtSignal)
        XCTAssertEqual(first.terminationStatus, SIGKILL)

        // 2. Corrupt an intermediate the journal vouches for (same size, different bytes), unless
        //    its job finished in the instant between the journal read and the kill.
        if let target = corrupted, (try? RealModeJournal(path: statePath).jobs().first { $0.key == target.key }?.isTerminal) != false
            || !FileManager.default.fileExists(atPath: target.file) {
            corrupted = nil
        }
        if let corrupted {
            var bytes = try PipelineFixtures.bytes(corrupted.file)
            for i in stride(from: bytes.count / 3, to: min(bytes.count, bytes.count / 3 + 64), by: 1) { bytes[i] ^= 0x5a }
            try Data(bytes).write(to: URL(fileURLWithPath: corrupted.file))
        }

        // 3. Start again with the same journal: it resumes and finishes.
        let second = try launchChild(configPath: configPath, log: (work as NSString).appendingPathComponent("child-2.log"))
        let limit = Date().addingTimeInterval(120)
        while second.isRunning && Date() < limit { usleep(20_000) }
        if second.isRunning { kill(second.processIdentifier, SIGKILL) }
        second.waitUntilExit()
        let log2 = (try? String(contentsOfFile: (work as NSString).appendingPathComponent("child-2.log"), encoding: .utf8)) ?? ""
        XCTAssertEqual(second.terminationStatus, 0, log2)
        print("killed with \(killed.done) jobs finished and \(killed.unfinished) unfinished; corrupted: \(corrupted.map { "\($0.key) \(($0.file as NSString).lastPathComponent)" } ?? "none")")
        print(log2.split(separator: "\n").filter { $0.contains("resum") || $0.contains("redone") || $0.contains("jobs ") }
            .joined(separator: "\n"))

        let journal = try RealModeJournal(path: statePath)
        XCTAssertEqual(try journal.runCount(), 2)
        let jobs = try journal.jobs()
        XCTAssertEqual(jobs.count, clips.count + 1)
        for job in jobs {
            XCTAssertTrue(job.isTerminal, "\(job.key) unfinished\n\(log2)")
            XCTAssertEqual(job.terminalCount, 1, "\(job.key) finished \(job.terminalCount) times")
        }
        XCTAssertEqual(jobs.filter { $0.state == "completed" }.count, clips.count, log2)
        XCTAssertEqual(jobs.filter { $0.state == "dead_lettered" }.map(\.key), ["zz-empty.mp4"])
        let finishedFirst = jobs.filter { $0.finishedRun == 1 }.count, finishedSecond = jobs.filter { $0.finishedRun == 2 }.count
        XCTAssertGreaterThanOrEqual(finishedFirst, killed.done)
        XCTAssertGreaterThan(finishedSecond, 0)
        XCTAssertLessThanOrEqual(finishedSecond, killed.unfinished)
        XCTAssertEqual(finishedFirst + finishedSecond, jobs.count)
        let events = try journal.events()
        XCTAssertTrue(events.contains { $0.run == 2 && $0.kind == "resumed" }, "nothing resumed from a checkpoint:\n\(log2)")
        if let corrupted {
            XCTAssertTrue(events.contains { $0.run == 2 && $0.kind == "redone" && $0.job == corrupted.key
                    && $0.detail.hasPrefix("transcoding") && $0.detail.contains("SHA-256") },
                          "the corrupted \(corrupted.key) was not redone:\n\(events)")
        } else {
            print("note: no unfinished job had a transcoding checkpoint at the kill; corruption not exercised")
        }
        let origin = RealModeLayout(workDirectory: config.work).originDirectory
        for job in jobs where job.state == "completed" {
            let outputs = try PipelineFixtures.decodeOutputs(of: job.key, origin: origin)
            XCTAssertEqual(outputs.map(\.0), ["240p.mp4", "360p.mp4"], job.key)
            for (name, report) in outputs { XCTAssertEqual(report.videoFrames, 50, "\(job.key)/\(name)") }
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: origin).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [], "no half-published folders")
    }

    /// This test bundle, run again on `RealModeChildProcess.testChildRun`.
    private func launchChild(configPath: String, log: String) throws -> Process {
        let process = Process()
        let command = Self.childCommand()
        process.executableURL = URL(fileURLWithPath: command.executable)
        process.arguments = command.arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LOOMSIM_REAL_CHILD"] = configPath
        process.environment = environment
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    static func childCommand() -> (executable: String, arguments: [String]) {
        #if os(Linux)
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return (executable, ["RealModeTests.RealModeChildProcess/testChildRun"])
        #else
        return ("/usr/bin/xcrun", ["xctest", "-XCTest", "RealModeTests.RealModeChildProcess/testChildRun",
                                   Bundle(for: KillResumeTests.self).bundlePath])
        #endif
    }
}

/// The child side of `KillResumeTests`: does nothing unless `LOOMSIM_REAL_CHILD` names a
/// configuration; then runs (or resumes) that real-mode run and exits 0 when every job is
/// accounted for.
final class RealModeChildProcess: XCTestCase {
    func testChildRun() throws {
        guard let path = ProcessInfo.processInfo.environment["LOOMSIM_REAL_CHILD"] else { return }
        let config = try JSONDecoder().decode(ChildRunConfig.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        let result = try RealModeRun.run(RealModeOptions(
            inputs: .directory(config.inputs), workDirectory: config.work, concurrency: config.concurrency,
            threadsPerJob: config.threadsPerJob, arrivals: .interval(seconds: config.arrivalInterval), ladder: config.ladder),
            progress: { line in FileHandle.standardError.write(Data("\(line)\n".utf8)) })
        for line in result.summaryLines { FileHandle.standardError.write(Data("\(line)\n".utf8)) }
        exit(result.complete && result.violations.isEmpty ? 0 : 3)
    }
}
