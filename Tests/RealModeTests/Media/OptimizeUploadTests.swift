import Foundation
@testable import RealMode
import XCTest

/// The optimization stage (poster near 10 %, key-frame index) and the upload stage (origin
/// folder, manifest with sizes and SHA-256), run through the backend's four-stage `process`.
final class OptimizeUploadTests: XCTestCase {
    func testFourStagesEndToEnd() throws {
        let work = MediaFixtures.shared.scratch("job-work")
        let origin = MediaFixtures.shared.scratch("origin")
        let settings = TranscodeSettings(preset: "ultrafast", crf: 30, maxHeight: nil, threads: 1, keyframeIntervalSeconds: 0.4)
        let outcome = try LibavTranscodeBackend().process(
            jobID: "job-1", inputPath: MediaFixtures.shared.small, workDirectory: work, originDirectory: origin,
            profiles: [.height(240), .height(120)], settings: settings)

        // Poster: from the 240p rendition, the first frame at or after 10 % of 1 s (frame 3 at 25 fps).
        let poster = outcome.optimized.thumbnail
        XCTAssertEqual(poster.format, .jpeg)
        XCTAssertEqual([poster.width, poster.height], [320, 240])
        XCTAssertEqual(poster.seconds, 0.12, accuracy: 0.001)
        var counters: [Int] = []
        let image = try MediaInspector.decodeAll(path: poster.path, stage: .validate) { frame in
            if let value = TestPattern.readCounter(from: frame) { counters.append(value) }
        }
        XCTAssertEqual(image.videoFrames, 1)
        XCTAssertEqual(image.videoCodec, "mjpeg")
        XCTAssertEqual([image.width, image.height], [320, 240])
        XCTAssertEqual(counters, [3])

        // Key-frame index: a GOP of 0.4 s (10 frames) → key frames at 0, 0.4 and 0.8 s.
        for file in outcome.optimized.keyframeIndexes {
            let index = try JSONDecoder().decode(KeyframeIndex.self, from: Data(contentsOf: URL(fileURLWithPath: file.path)))
            XCTAssertEqual(index.file, "\(file.profile).mp4")
            XCTAssertEqual(index.frameCount, 25)
            let seconds = index.keyframes.map(\.seconds)
            XCTAssertEqual(seconds, [0, 0.4, 0.8])
            XCTAssertEqual(index.keyframes.first?.pts, 0)
            XCTAssertTrue(index.keyframes.allSatisfy { ($0.byteOffset ?? 0) > 0 })
            XCTAssertEqual(index.durationSeconds, 1.0, accuracy: 0.001)
        }

        // Origin: one folder per job, every file listed with its size and SHA-256.
        let manifest = outcome.manifest
        XCTAssertEqual(manifest.directory, (origin as NSString).appendingPathComponent("job-1"))
        XCTAssertEqual(manifest.files.map(\.name),
                       ["120p.keyframes.json", "120p.mp4", "240p.keyframes.json", "240p.mp4", "poster.jpg"])
        let published = try OriginUploader.readManifest(at: manifest.manifestPath)
        XCTAssertEqual(published.jobID, "job-1")
        XCTAssertEqual(published.files, manifest.files)
        for entry in published.files {
            let path = (manifest.directory as NSString).appendingPathComponent(entry.name)
            let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber
            XCTAssertEqual(size?.int64Value, entry.bytes, entry.name)
            XCTAssertEqual(try SHA256.hex(ofFileAt: path), entry.sha256, entry.name)
            let tool = try runTool("/usr/bin/sha256sum", [path]).split(separator: " ").first.map(String.init)
            XCTAssertEqual(tool, entry.sha256, entry.name)
        }
        let listing = try FileManager.default.contentsOfDirectory(atPath: origin)
        XCTAssertEqual(listing, ["job-1"], "no staging folder is left behind")
    }

    func testPNGPosterAndRepublishReplacesTheFolder() throws {
        let backend = LibavTranscodeBackend()
        let work = MediaFixtures.shared.scratch("png-work")
        let origin = MediaFixtures.shared.scratch("png-origin")
        let transcoded = try backend.transcode(TranscodeRequest(
            jobID: "png", inputPath: MediaFixtures.shared.small, workDirectory: work, profiles: [.height(120)],
            settings: TranscodeSettings(preset: "ultrafast", crf: 30, threads: 1)))
        let optimized = try backend.optimize(OptimizeRequest(
            jobID: "png", workDirectory: work, renditions: transcoded.renditions,
            thumbnail: ThumbnailOptions(position: 0.5, format: .png, maxHeight: 90)))
        XCTAssertTrue(optimized.thumbnail.path.hasSuffix("poster.png"))
        XCTAssertEqual([optimized.thumbnail.width, optimized.thumbnail.height], [120, 90])
        let image = try MediaInspector.decodeAll(path: optimized.thumbnail.path)
        XCTAssertEqual(image.videoCodec, "png")
        XCTAssertEqual([image.width, image.height], [120, 90])

        let request = UploadRequest(jobID: "png", originDirectory: origin, transcoded: transcoded, optimized: optimized)
        _ = try backend.upload(request)
        var smaller = request
        smaller.items = request.items.filter { $0.kind == .rendition }
        let second = try backend.upload(smaller)
        XCTAssertEqual(second.files.map(\.name), ["120p.mp4"])
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: second.directory)), ["120p.mp4", "manifest.json"])
    }

    func testUploadRejectsUnsafeJobIDsAndMissingFiles() {
        let origin = MediaFixtures.shared.scratch("bad-origin")
        XCTAssertEqual(expectMediaError { () throws(MediaError) in
            try OriginUploader.upload(UploadRequest(jobID: "../escape", originDirectory: origin, items: []))
        }?.kind, .invalidRequest)
        XCTAssertEqual(expectMediaError { () throws(MediaError) in
            try OriginUploader.upload(UploadRequest(jobID: "missing", originDirectory: origin,
                                                    items: [UploadItem(path: "/nonexistent/a.mp4", kind: .rendition)]))
        }?.kind, .io)
        XCTAssertEqual(try? FileManager.default.contentsOfDirectory(atPath: origin), [])
    }
}
