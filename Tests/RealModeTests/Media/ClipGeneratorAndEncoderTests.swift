import Foundation
@testable import RealMode
import XCTest

/// The test-clip synthesizer and encoder selection.
final class ClipGeneratorAndEncoderTests: XCTestCase {
    func testGeneratedFramesCarryTheirNumbers() throws {
        var counters: [Int] = []
        let report = try MediaInspector.decodeAll(path: MediaFixtures.shared.small, stage: .validate) { frame in
            if let value = TestPattern.readCounter(from: frame) { counters.append(value) }
        }
        XCTAssertEqual(report.videoFrames, 25)
        XCTAssertEqual(counters, Array(0..<25))
        XCTAssertEqual(report.audioDurationSeconds, 1, accuracy: 0.03)
    }

    func testGenerates2160p() throws {
        let path = try MediaFixtures.shared.clip("uhd.mp4", .widescreen(height: 2160, durationSeconds: 0.2, frameRate: MediaRational(10, 1)))
        let info = try MediaProbe.validate(path: path, depth: .decode)
        XCTAssertEqual(info.video?.width, 3840)
        XCTAssertEqual(info.video?.height, 2160)
        XCTAssertEqual(info.decodedVideoFrames, 2)
    }

    func testSilentVideoOnlyClip() throws {
        let path = try MediaFixtures.shared.clip("silent.mov", TestClipSpec(width: 160, height: 120, durationSeconds: 0.4, audio: nil))
        let info = try MediaProbe.validate(path: path)
        XCTAssertEqual(info.container, "mov,mp4,m4a,3gp,3g2,mj2")
        XCTAssertNil(info.audio)
        XCTAssertEqual(info.video?.frameCount, 10)
    }

    func testRejectsBadSpecs() {
        let bad = [TestClipSpec(width: 321, height: 240), TestClipSpec(durationSeconds: 0),
                   TestClipSpec(includeVideo: false, audio: nil), TestClipSpec(frameRate: MediaRational(0, 1))]
        for spec in bad {
            let error = expectMediaError { () throws(MediaError) in try TestClipGenerator.generate(to: "/tmp/never.mp4", spec: spec) }
            XCTAssertEqual(error?.kind, .invalidRequest)
        }
    }

    func testEncoderAvailabilityAndChoice() throws {
        XCTAssertEqual(EncoderSelection.availability(of: "libx264"), .available)
        XCTAssertEqual(EncoderSelection.availability(of: "aac"), .available)
        XCTAssertEqual(EncoderSelection.availability(of: "mjpeg"), .available)
        XCTAssertEqual(EncoderSelection.availability(of: "no_such_encoder"), .missing)
        let best = try EncoderSelection.videoEncoder(requested: nil, allowFallback: true)
        XCTAssertEqual(best, EncoderChoice(requested: nil, encoder: "libx264", codec: "h264", notice: nil))
        XCTAssertEqual([18, 23, 28, 60].map(EncoderSelection.quantizer(forCRF:)), [2, 5, 7, 23])
        let lines = EncoderSelection.availabilityLines(["libx264", "no_such_encoder"])
        XCTAssertEqual(lines, ["libx264: available", "no_such_encoder: unavailable: not in this libavcodec build"])
        print(EncoderSelection.availabilityLines().joined(separator: "\n"))
    }

    /// NVENC is found in Debian's libavcodec even without a GPU, and fails to open there (or
    /// on Hopper GPUs, which have no NVENC): the choice must fall back with a clear line.
    func testHardwareEncoderWithoutHardwareFallsBack() throws {
        let state = EncoderSelection.availability(of: "h264_nvenc")
        guard !state.isAvailable else { throw XCTSkip("this machine can open h264_nvenc") }
        let choice = try EncoderSelection.videoEncoder(requested: "h264_nvenc", allowFallback: true)
        XCTAssertEqual(choice.encoder, "libx264")
        XCTAssertTrue(choice.notice?.hasPrefix("encoder 'h264_nvenc' unavailable") ?? false, "\(choice)")
        let error = expectMediaError { () throws(MediaError) in try EncoderSelection.videoEncoder(requested: "h264_nvenc", allowFallback: false) }
        XCTAssertEqual(error?.kind, .encoderUnavailable)
    }
}
