import Foundation
import LoomServices
@testable import RealMode
import XCTest

/// The real-mode journal: jobs, stage checkpoints with checksums, and the checks that decide
/// whether a checkpoint can be trusted.
final class JournalTests: XCTestCase {
    func testCheckpointsSurviveReopenAndFailTheirChecksWhenFilesChange() throws {
        let dir = PipelineFixtures.folder(self, "journal")
        let path = (dir as NSString).appendingPathComponent("state.sqlite")
        let file = try PipelineFixtures.write(Array("rendition bytes".utf8), to: dir, "720p.mp4")
        do {
            let journal = try RealModeJournal(path: path)
            XCTAssertEqual(try journal.beginRun(), 1)
            try journal.register([RealJobSpec(key: "a.mp4", sequence: 0, inputPath: "/in/a.mp4", arrivalOffset: 0.5,
                                              userTier: "premium", isLive: false, priority: nil)])
            let checked = try CheckedFile.measure(file)
            XCTAssertEqual(checked.sha256, try SHA256.hex(ofFileAt: file), "libavutil and loomsim's SHA-256 agree")
            for stage in [VideoStage.validation, .transcoding, .optimization] {
                try journal.saveCheckpoint(StageCheckpoint(jobKey: "a.mp4", stage: stage, files: [checked], result: "{}", seconds: 1),
                                           run: 1)
            }
            try journal.finish("a.mp4", state: .completed, detail: nil, decision: nil, run: 1, latencySeconds: 2)
        }
        let journal = try RealModeJournal(path: path)
        XCTAssertEqual(try journal.beginRun(), 2)
        let job = try XCTUnwrap(try journal.jobs().first)
        XCTAssertEqual(job.state, "completed")
        XCTAssertEqual(job.terminalCount, 1)
        XCTAssertEqual(job.userTier, "premium")
        XCTAssertEqual(job.terminalState, .completed)
        let checkpoint = try XCTUnwrap(try journal.checkpoint("a.mp4", .transcoding))
        XCTAssertNil(checkpoint.problem())

        // Same size, different bytes: the checksum catches it.
        try Data("rendition BYTES".utf8).write(to: URL(fileURLWithPath: file))
        XCTAssertTrue(checkpoint.problem()?.contains("SHA-256") ?? false, checkpoint.problem() ?? "")
        try Data("short".utf8).write(to: URL(fileURLWithPath: file))
        XCTAssertTrue(checkpoint.problem()?.contains("bytes") ?? false)
        try FileManager.default.removeItem(atPath: file)
        XCTAssertTrue(checkpoint.problem()?.contains("missing") ?? false)

        // Redoing transcoding invalidates what was derived from it.
        try journal.removeCheckpoints("a.mp4", from: .transcoding)
        XCTAssertEqual(try journal.checkpoints().map(\.stage), [.validation])
    }

    func testArrivalSchedulesAndKeys() {
        XCTAssertEqual(RealModeArrivalSchedule.interval(seconds: 2).offsets(count: 3, seed: 1, speedup: 4), [0, 0.5, 1])
        XCTAssertEqual(RealModeArrivalSchedule.allAtOnce.offsets(count: 2, seed: 1), [0, 0])
        XCTAssertEqual(RealModeArrivalSchedule.offsets([1, 5]).offsets(count: 3, seed: 1), [1, 5, 5])
        let poisson = RealModeArrivalSchedule.poisson(ratePerSecond: 2).offsets(count: 50, seed: 9)
        XCTAssertEqual(poisson, RealModeArrivalSchedule.poisson(ratePerSecond: 2).offsets(count: 50, seed: 9))
        XCTAssertEqual(poisson, poisson.sorted())
        XCTAssertEqual(RealModeInputs.keys(for: ["/a/My Clip.mp4", "/b/My Clip.mp4", "/c/.hidden"]),
                       ["My_Clip.mp4", "My_Clip.mp4-2", "hidden"])
        let specs = RealModeInputs.clipSpecs(count: 12, seed: 3)
        XCTAssertEqual(specs.map(\.name), RealModeInputs.clipSpecs(count: 12, seed: 3).map(\.name), "deterministic from the seed")
        XCTAssertTrue(specs.allSatisfy { RealModeInputSource.defaultHeights.contains($0.spec.height) })
        XCTAssertGreaterThan(Set(specs.map(\.spec.height)).count, 2, "several resolutions")
    }
}
