import Foundation
import LoomServices
@testable import RealMode
import XCTest

/// Truncated, zero-byte, corrupt, non-video and unsupported files among good ones: each bad
/// one is dead-lettered with the reason libav gave, the good ones complete, nothing is lost,
/// nothing crashes.
final class BadInputTests: XCTestCase {
    func testBadInputsAreDeadLetteredWithLibavsReasonAndTheRunContinues() throws {
        let work = PipelineFixtures.folder(self, "bad")
        let inputs = (work as NSString).appendingPathComponent("in")
        _ = try PipelineFixtures.clips([("good-1.mp4", PipelineFixtures.small), ("good-2.mp4", PipelineFixtures.small)], in: inputs)
        let bad = try PipelineFixtures.badInputs(in: inputs)
        var lines: [String] = []
        let result = try RealModeRun.run(RealModeOptions(
            inputs: .directory(inputs), workDirectory: work, concurrency: 2, threadsPerJob: 1, arrivals: .allAtOnce,
            ladder: [240]), progress: { lines.append($0) })

        XCTAssertTrue(result.complete, lines.joined(separator: "\n"))
        print(result.summaryLines.joined(separator: "\n"))
        XCTAssertTrue(result.violations.isEmpty, "\(result.violations)")
        XCTAssertEqual(result.jobs.count, 2 + bad.count)
        XCTAssertEqual(result.countsByState, ["completed": 2, "dead_lettered": bad.count], lines.joined(separator: "\n"))
        let flow = try XCTUnwrap(result.conservation.first)
        XCTAssertTrue(flow.isBalanced)
        XCTAssertEqual(flow.inFlight, 0)
        XCTAssertEqual(flow.count("dead_lettered"), bad.count)
        let byPath = Dictionary(uniqueKeysWithValues: result.jobs.map { ($0.inputPath, $0) })
        for (what, path) in bad.sorted(by: { $0.key < $1.key }) {
            let job = try XCTUnwrap(byPath[path], what)
            XCTAssertEqual(job.state, "dead_lettered", "\(what): \(job)")
            XCTAssertEqual(job.terminalCount, 1, what)
            let reason = try XCTUnwrap(job.reason, what)
            XCTAssertTrue(reason.hasPrefix("invalid-source: "), "\(what): \(reason)")
            // libav's own text (av_strerror) or the probe's explanation, never empty.
            XCTAssertGreaterThan(reason.count, "invalid-source: x: ".count, "\(what): \(reason)")
            let detail = try XCTUnwrap(job.detail, what)
            XCTAssertTrue(detail.hasPrefix("validate: "), "\(what): \(detail)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: (result.layout.originDirectory as NSString)
                .appendingPathComponent(job.key)), "\(what) published nothing")
        }
        XCTAssertTrue(byPath[bad["empty"]!]!.reason!.hasPrefix("invalid-source: empty: "), byPath[bad["empty"]!]!.reason!)
        XCTAssertTrue(byPath[bad["audio-only"]!]!.reason!.hasPrefix("invalid-source: notVideo: "))
        XCTAssertTrue(byPath[bad["unsupported"]!]!.reason!.hasPrefix("invalid-source: unsupported: "), byPath[bad["unsupported"]!]!.reason!)
        XCTAssertTrue(byPath[bad["truncated"]!]!.detail!.contains("moov atom not found"), byPath[bad["truncated"]!]!.detail!)
        for job in result.jobs where job.state == "completed" {
            for (name, report) in try PipelineFixtures.decodeOutputs(of: job.key, origin: result.layout.originDirectory) {
                XCTAssertEqual(report.videoFrames, 25, "\(job.key)/\(name)")
            }
        }
        // The ledger's reasons group the dead letters by libav's reason.
        XCTAssertTrue(flow.terminal.keys.contains { $0.category == "dead_lettered" && ($0.reason ?? "").contains(": ") })
    }
}
