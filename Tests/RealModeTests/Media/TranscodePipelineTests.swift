import CFFmpeg
import Foundation
@testable import RealMode
import XCTest

/// The transcoding stage end to end: generated clips in, MP4 renditions out, and every output
/// re-opened and fully decoded to check streams, codecs, sizes, frame counts, durations,
/// frame order and fast start.
final class TranscodePipelineTests: XCTestCase {
    private let quick = TranscodeSettings(preset: "ultrafast", crf: 30, maxHeight: nil, threads: 1, parallelProfiles: true)

    func testTwoProfilesInParallelFromH264AndAAC() throws {
        let source = try MediaFixtures.shared.wide
        let work = MediaFixtures.shared.scratch("wide")
        let result = try LibavTranscodeBackend().transcode(TranscodeRequest(
            jobID: "wide", inputPath: source, workDirectory: work, profiles: [.height(360), .height(240)], settings: quick))
        XCTAssertEqual(result.encoder.encoder, "libx264")
        XCTAssertNil(result.encoder.notice)
        XCTAssertEqual(result.renditions.map(\.profile), ["360p", "240p"])
        XCTAssertEqual(result.renditions.map { "\($0.width)x\($0.height)" }, ["640x360", "426x240"])

        for rendition in result.renditions {
            XCTAssertEqual(rendition.audio, .passthrough)
            XCTAssertEqual(rendition.videoFrames, 50)
            var counters: [Int] = []
            let report = try MediaInspector.decodeAll(path: rendition.path, stage: .validate) { frame in
                if let value = TestPattern.readCounter(from: frame, drawnWidth: 640, drawnHeight: 360) { counters.append(value) }
            }
            assertPlayable(report, width: rendition.width, height: rendition.height, frames: 50, seconds: 2, fps: 25)
            XCTAssertEqual(report.audioSampleRate, 48_000)
            XCTAssertEqual(report.audioChannels, 2)
            // Every source frame, once, in order: nothing dropped, duplicated or reordered.
            XCTAssertEqual(counters, Array(0..<50), rendition.profile)
            XCTAssertTrue(try moovPrecedesMdat(rendition.path), "\(rendition.path) is not fast start")
            XCTAssertTrue(try MP4Atoms.isFastStart(path: rendition.path))
        }
        // The source was written without faststart: the check really distinguishes.
        XCTAssertFalse(try MP4Atoms.isFastStart(path: source))
    }

    func testReencodesNonAACAudioAndDecodesMPEG4FromMatroska() throws {
        let source = try MediaFixtures.shared.matroska
        var settings = quick
        settings.parallelProfiles = false
        let result = try LibavTranscodeBackend().transcode(TranscodeRequest(
            jobID: "mkv", inputPath: source, workDirectory: MediaFixtures.shared.scratch("mkv"),
            profiles: [.height(240), .height(120)], settings: settings))
        XCTAssertEqual(result.renditions.map { "\($0.width)x\($0.height)" }, ["320x240", "160x120"])
        for rendition in result.renditions {
            XCTAssertEqual(rendition.audio, .encoded)
            XCTAssertEqual(rendition.audioCodec, "aac")
            let report = try MediaInspector.decodeAll(path: rendition.path)
            assertPlayable(report, width: rendition.width, height: rendition.height, frames: 24, seconds: 1, fps: 24)
            XCTAssertEqual(report.audioSampleRate, 44_100)
            XCTAssertEqual(report.audioChannels, 1)
            XCTAssertTrue(try moovPrecedesMdat(rendition.path))
        }
    }

    func testSkippedProfilesAndNotices() throws {
        let result = try LibavTranscodeBackend().transcode(TranscodeRequest(
            jobID: "ladder", inputPath: MediaFixtures.shared.small, workDirectory: MediaFixtures.shared.scratch("ladder"),
            profiles: [.height(720), .height(480), .height(120)], settings: quick))
        XCTAssertEqual(result.renditions.map { "\($0.profile)=\($0.width)x\($0.height)" }, ["720p=320x240", "120p=160x120"])
        XCTAssertEqual(result.skipped.map(\.profile), ["480p"])
        XCTAssertTrue(result.notices.contains { $0.contains("'480p' skipped") })
    }

    func testUnavailableEncoderFallsBackWithANoticeOrFails() throws {
        var settings = quick
        settings.videoEncoder = "no_such_encoder"
        let request = TranscodeRequest(jobID: "fallback", inputPath: try MediaFixtures.shared.small,
                                       workDirectory: MediaFixtures.shared.scratch("fallback"), profiles: [.height(120)], settings: settings)
        let result = try LibavTranscodeBackend().transcode(request)
        XCTAssertEqual(result.encoder.encoder, "libx264")
        let notice = try XCTUnwrap(result.encoder.notice)
        XCTAssertTrue(notice.contains("'no_such_encoder' unavailable"), notice)
        XCTAssertTrue(result.notices.contains(notice))

        var strict = request
        strict.settings.allowEncoderFallback = false
        let error = expectMediaError { () throws(MediaError) in try LibavTranscodeBackend().transcode(strict) }
        XCTAssertEqual(error?.kind, .encoderUnavailable)
    }

    func testMPEG4EncoderByName() throws {
        var settings = quick
        settings.videoEncoder = "mpeg4"
        let result = try LibavTranscodeBackend().transcode(TranscodeRequest(
            jobID: "mpeg4", inputPath: MediaFixtures.shared.small, workDirectory: MediaFixtures.shared.scratch("mpeg4"),
            profiles: [.height(240)], settings: settings))
        let rendition = try XCTUnwrap(result.renditions.first)
        XCTAssertEqual(rendition.videoCodec, "mpeg4")
        let report = try MediaInspector.decodeAll(path: rendition.path)
        assertPlayable(report, width: 320, height: 240, frames: 25, seconds: 1, fps: 25, videoCodec: "mpeg4")
    }

    func testBadInputFailsTheTranscodeWithATypedError() throws {
        let path = try MediaFixtures.shared.file("junk.mp4", bytes: pseudoRandomBytes(count: 4096, seed: 9))
        let error = expectMediaError { () throws(MediaError) in
            try LibavTranscodeBackend().transcode(TranscodeRequest(jobID: "junk", inputPath: path,
                                                                   workDirectory: MediaFixtures.shared.scratch("junk")))
        }
        XCTAssertEqual(error?.kind, .unreadable)
    }

    func testBenchmarkEntryPoint() throws {
        let output = (MediaFixtures.shared.scratch("bench") as NSString).appendingPathComponent("bench.mp4")
        let report = try TranscodeBenchmark.run(TranscodeBenchmarkOptions(
            inputPath: MediaFixtures.shared.small, outputPath: output, preset: "ultrafast", crf: 30, height: 120,
            threads: 1, includeAudio: false, runs: 2))
        XCTAssertEqual(report.frames, 25)
        XCTAssertEqual([report.width, report.height], [160, 120])
        XCTAssertEqual(report.runSeconds.count, 2)
        XCTAssertGreaterThan(report.framesPerSecond, 0)
        XCTAssertTrue(report.summaryLine.hasPrefix("frames=25 seconds="), report.summaryLine)
        XCTAssertTrue(report.summaryLine.contains(" fps="))
        let decoded = try MediaInspector.decodeAll(path: output)
        XCTAssertEqual(decoded.streamCount, 1, "--no-audio drops the audio")
        XCTAssertEqual(decoded.videoFrames, 25)
    }

    // MARK: Helpers

    private func assertPlayable(_ report: DecodeReport, width: Int, height: Int, frames: Int, seconds: Double, fps: Double,
                                videoCodec: String = "h264", file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(report.streamCount, 2, file: file, line: line)
        XCTAssertEqual(report.videoCodec, videoCodec, file: file, line: line)
        XCTAssertEqual(report.audioCodec, "aac", file: file, line: line)
        XCTAssertEqual(report.width, width, file: file, line: line)
        XCTAssertEqual(report.height, height, file: file, line: line)
        XCTAssertLessThanOrEqual(abs(report.videoFrames - frames), 1, "frames \(report.videoFrames)", file: file, line: line)
        XCTAssertEqual(report.videoDurationSeconds, seconds, accuracy: 1 / fps + 1e-6, file: file, line: line)
        XCTAssertEqual(report.audioDurationSeconds, seconds, accuracy: 0.05, file: file, line: line)
    }

    /// Reads the top-level boxes straight from the bytes: `moov` must come before `mdat`.
    private func moovPrecedesMdat(_ path: String) throws -> Bool {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var offset = 0
        var order: [String] = []
        while offset + 8 <= bytes.count {
            var size = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            if size == 1 { size = bytes[offset + 8..<offset + 16].reduce(0) { $0 << 8 | Int($1) } }
            if size == 0 { size = bytes.count - offset }
            guard size >= 8 else { return false }
            order.append(type)
            offset += size
        }
        guard let moov = order.firstIndex(of: "moov"), let mdat = order.firstIndex(of: "mdat") else { return false }
        return moov < mdat
    }
}
