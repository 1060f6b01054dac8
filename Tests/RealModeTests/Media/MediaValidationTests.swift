import Foundation
@testable import RealMode
import XCTest

/// The validation stage: good clips are described correctly; every kind of bad input is a
/// typed rejection carrying libav's reason, never a crash.
final class MediaValidationTests: XCTestCase {
    func testProbeDescribesAGeneratedClip() throws {
        let info = try MediaProbe.validate(path: MediaFixtures.shared.wide, depth: .decode)
        XCTAssertEqual(info.container, "mov,mp4,m4a,3gp,3g2,mj2")
        XCTAssertEqual(info.streams.map(\.type), ["video", "audio"])
        let video = try XCTUnwrap(info.video)
        XCTAssertEqual(video.codec, "h264")
        XCTAssertEqual(video.width, 640)
        XCTAssertEqual(video.height, 360)
        XCTAssertEqual(video.frameRate, MediaRational(25, 1))
        XCTAssertEqual(video.frameCount, 50)
        XCTAssertEqual(info.decodedVideoFrames, 50)
        XCTAssertEqual(info.videoPacketCount, 50)
        let audio = try XCTUnwrap(info.audio)
        XCTAssertEqual(audio.codec, "aac")
        XCTAssertEqual(audio.sampleRate, 48_000)
        XCTAssertEqual(audio.channels, 2)
        XCTAssertEqual(try XCTUnwrap(info.durationSeconds), 2.0, accuracy: 0.05)
    }

    func testProbeOfMatroskaWithMPEG4AndMP2() throws {
        let info = try MediaProbe.validate(path: MediaFixtures.shared.matroska)
        XCTAssertEqual(info.container, "matroska,webm")
        XCTAssertEqual(info.video?.codec, "mpeg4")
        XCTAssertEqual(info.audio?.codec, "mp2")
        XCTAssertEqual(info.audio?.channels, 1)
    }

    func testZeroByteFile() throws {
        let path = try MediaFixtures.shared.file("empty.mp4", bytes: [])
        let error = try XCTUnwrap(expectMediaError { () throws(MediaError) in try MediaProbe.validate(path: path) })
        XCTAssertEqual(error.kind, .empty)
        assertCarriesLibavReason(error)
    }

    func testTruncatedHalfOfAFileWithIndexAtTheEnd() throws {
        let path = try truncatedCopy(of: MediaFixtures.shared.wide, name: "half.mp4")
        let error = try XCTUnwrap(expectMediaError { () throws(MediaError) in try MediaProbe.validate(path: path) })
        // Without its `moov` box the file cannot even be opened.
        XCTAssertEqual(error.kind, .unreadable)
        assertCarriesLibavReason(error)
        XCTAssertTrue(error.detail?.contains("moov atom not found") ?? false, "\(error)")
    }

    func testTruncatedHalfOfAFastStartFile() throws {
        let source = try MediaFixtures.shared.clip("faststart.mp4", TestClipSpec(width: 320, height: 240, durationSeconds: 1, fastStart: true))
        let path = try truncatedCopy(of: source, name: "half-faststart.mp4")
        // The header opens fine (the index comes first), and libav reads packets until a plain
        // "End of file": the sample index pointing past the end is what gives it away.
        XCTAssertNoThrow(try MediaProbe.probe(path: path))
        for depth in ValidationDepth.allCases {
            let error = try XCTUnwrap(expectMediaError { () throws(MediaError) in try MediaProbe.validate(path: path, depth: depth) })
            XCTAssertEqual(error.kind, .truncated, "\(error)")
            assertCarriesLibavReason(error)
            XCTAssertTrue(error.detail?.contains("the file has") ?? false, "\(error)")
        }
    }

    func testRandomBytes() throws {
        let path = try MediaFixtures.shared.file("noise.mp4", bytes: pseudoRandomBytes(count: 64 * 1024, seed: 1))
        let error = try XCTUnwrap(expectMediaError { () throws(MediaError) in try MediaProbe.validate(path: path) })
        XCTAssertEqual(error.kind, .unreadable)
        assertCarriesLibavReason(error)
    }

    func testTextFile() throws {
        let text = String(repeating: "This is a plain text file, not a video.\n", count: 50)
        for name in ["notes.txt", "notes.mp4"] {
            let path = try MediaFixtures.shared.file(name, bytes: Array(text.utf8))
            let error = try XCTUnwrap(expectMediaError { () throws(MediaError) in try MediaProbe.validate(path: path) })
            XCTAssertTrue([.unreadable, .notVideo].contains(error.kind), "\(name): \(error)")
            XCTAssertFalse(error.reason.isEmpty)
        }
    }

    func testAudioOnlyFile() throws {
        let path = try MediaFixtures.shared.audioOnly
        let info = try MediaProbe.probe(path: path)
        XCTAssertNil(info.video)
        XCTAssertEqual(info.audio?.codec, "aac")
        let error = try XCTUnwrap(expectMediaError { () throws(MediaError) in try MediaProbe.validate(path: path) })
        XCTAssertEqual(error.kind, .notVideo)
        XCTAssertTrue(error.reason.contains("audio aac"), error.reason)
    }

    func testCorruptedMiddleIsRejectedByAFullDecode() throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: MediaFixtures.shared.small)))
        // Overwrite the middle of the media data; the index at the end stays intact.
        let start = bytes.count / 4
        for i in start..<(start + bytes.count / 3) { bytes[i] = UInt8(truncatingIfNeeded: i &* 31) }
        let path = try MediaFixtures.shared.file("damaged.mp4", bytes: bytes)
        let outcome = Result { () throws(MediaError) in try MediaProbe.validate(path: path, depth: .decode) }
        // h264 conceals some damage; what matters is a typed answer and no crash.
        if case .failure(let error) = outcome {
            XCTAssertTrue([.corrupt, .truncated, .unreadable].contains(error.kind), "\(error)")
            XCTAssertFalse(error.reason.isEmpty)
        }
    }

    func testMissingFileAndDirectory() {
        let missing = expectMediaError { () throws(MediaError) in try MediaProbe.validate(path: "/nonexistent/clip.mp4") }
        XCTAssertEqual(missing?.kind, .io)
        let directory = expectMediaError { () throws(MediaError) in try MediaProbe.validate(path: NSTemporaryDirectory()) }
        XCTAssertEqual(directory?.kind, .io)
    }

    func testBackendValidateUsesTheSameRules() throws {
        let backend = LibavTranscodeBackend()
        XCTAssertEqual(try backend.validate(ValidationRequest(jobID: "ok", inputPath: MediaFixtures.shared.small)).video?.width, 320)
        let path = try MediaFixtures.shared.audioOnly
        XCTAssertEqual(expectMediaError { () throws(MediaError) in
            try backend.validate(ValidationRequest(jobID: "bad", inputPath: path))
        }?.stage, .validate)
    }

    // MARK: Helpers

    private func truncatedCopy(of path: String, name: String) throws -> String {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        return try MediaFixtures.shared.file(name, bytes: Array(bytes.prefix(bytes.count / 2)))
    }

    /// The reason is libav's own `av_strerror` text for the code it returned.
    private func assertCarriesLibavReason(_ error: MediaError, file: StaticString = #filePath, line: UInt = #line) {
        guard let code = error.code else { return XCTFail("no libav code in \(error)", file: file, line: line) }
        XCTAssertLessThan(code, 0, file: file, line: line)
        XCTAssertEqual(error.reason, LibavLog.errorText(code), file: file, line: line)
        XCTAssertFalse(error.reason.isEmpty, file: file, line: line)
        XCTAssertEqual(error.stage, .validate, file: file, line: line)
    }
}
