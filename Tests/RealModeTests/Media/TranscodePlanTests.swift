@testable import RealMode
import XCTest

/// The pure sizing rules of the transcoding stage: no upscaling, even sizes, aspect ratio,
/// settings cap, duplicate heights skipped, bad requests rejected.
final class TranscodePlanTests: XCTestCase {
    private func source(_ width: Int, _ height: Int, sar: MediaRational = MediaRational(1, 1)) -> VideoStreamInfo {
        VideoStreamInfo(streamIndex: 0, codec: "h264", width: width, height: height, sampleAspectRatio: sar,
                        frameRate: MediaRational(25, 1), pixelFormat: "yuv420p", frameCount: nil, durationSeconds: nil)
    }

    func testLadderOnA1080pSource() throws {
        let plan = try TranscodePlan.make(profiles: TranscodeProfile.standardLadder, source: source(1920, 1080),
                                          settings: TranscodeSettings(maxHeight: nil))
        XCTAssertEqual(plan.renditions.map { "\($0.width)x\($0.height)" }, ["1920x1080", "1280x720", "854x480", "640x360"])
        XCTAssertTrue(plan.skipped.isEmpty)
        XCTAssertEqual(plan.renditions[0].rateControl, .crf(23))
        XCTAssertEqual(plan.renditions[0].preset, "medium")
    }

    func testNeverUpscalesAndSkipsDuplicates() throws {
        let plan = try TranscodePlan.make(profiles: TranscodeProfile.standardLadder, source: source(640, 360),
                                          settings: TranscodeSettings())
        XCTAssertEqual(plan.renditions.map(\.profile.name), ["1080p"])
        XCTAssertEqual(plan.renditions.map { "\($0.width)x\($0.height)" }, ["640x360"])
        XCTAssertEqual(plan.skipped.map(\.profile), ["720p", "480p", "360p"])
        XCTAssertTrue(plan.skipped[0].reason.contains("no upscaling"))
    }

    func testSettingsCapAndProfileOverrides() throws {
        let profiles = [TranscodeProfile(name: "hi", maxHeight: 1080, rateControl: .bitrate(4_000_000), preset: "slow"),
                        TranscodeProfile.height(240)]
        let plan = try TranscodePlan.make(profiles: profiles, source: source(1920, 1080),
                                          settings: TranscodeSettings.fast(cpuCount: 4))
        XCTAssertEqual(plan.renditions.map { "\($0.width)x\($0.height)" }, ["1280x720", "426x240"])
        XCTAssertEqual(plan.renditions[0].rateControl, .bitrate(4_000_000))
        XCTAssertEqual(plan.renditions[0].preset, "slow")
        XCTAssertEqual(plan.renditions[1].rateControl, .crf(28))
        XCTAssertEqual(plan.renditions[1].preset, "ultrafast")
    }

    func testEvenDimensionsAndAspectRatio() {
        // 4:3 odd-height source: height made even, width from the aspect ratio, even.
        XCTAssertEqual(TranscodePlan.outputSize(profileHeight: 1080, cap: nil, source: source(641, 481)).height, 480)
        let size = TranscodePlan.outputSize(profileHeight: 240, cap: nil, source: source(640, 360))
        XCTAssertEqual(size.width, 426)
        XCTAssertEqual(size.height, 240)
        // Anamorphic 720×576 with SAR 16:15 displays as 768×576: outputs get square pixels.
        let anamorphic = TranscodePlan.outputSize(profileHeight: 576, cap: nil, source: source(720, 576, sar: MediaRational(16, 15)))
        XCTAssertEqual(anamorphic.width, 768)
        XCTAssertEqual(anamorphic.height, 576)
    }

    func testRejectsBadRequests() {
        let src = source(640, 360)
        XCTAssertEqual(expectMediaError { () throws(MediaError) in try TranscodePlan.make(profiles: [], source: src, settings: .init()) }?.kind, .invalidRequest)
        XCTAssertEqual(expectMediaError { () throws(MediaError) in
            try TranscodePlan.make(profiles: [.height(360), .height(360)], source: src, settings: .init())
        }?.kind, .invalidRequest)
        XCTAssertEqual(expectMediaError { () throws(MediaError) in
            try TranscodePlan.make(profiles: [TranscodeProfile(name: "../x", maxHeight: 360)], source: src, settings: .init())
        }?.kind, .invalidRequest)
        XCTAssertEqual(expectMediaError { () throws(MediaError) in
            try TranscodePlan.make(profiles: [TranscodeProfile(name: "zero", maxHeight: 0)], source: src, settings: .init())
        }?.kind, .invalidRequest)
    }

    func testAdaptiveSettingsFollowTheSeed() {
        let fast = TranscodeSettings.fast(cpuCount: 8)
        XCTAssertEqual([fast.preset, "\(fast.crf)", "\(fast.maxHeight ?? 0)", "\(fast.threads)"], ["ultrafast", "28", "720", "4"])
        let balanced = TranscodeSettings.balanced(cpuCount: 8)
        XCTAssertEqual([balanced.preset, "\(balanced.crf)", "\(balanced.maxHeight ?? 0)", "\(balanced.threads)"], ["medium", "23", "1080", "8"])
    }
}
