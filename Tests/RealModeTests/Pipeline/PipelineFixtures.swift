import Foundation
import LoomServices
@testable import RealMode
import XCTest

/// Folders, small generated clips and crafted bad inputs for the real-mode pipeline tests.
/// Clips are tiny (320×240–640×360, 1–2 s) so the suite stays fast on two cores.
enum PipelineFixtures {
    /// A fresh folder for one test, removed when the test ends.
    static func folder(_ test: XCTestCase, _ name: String) -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("loomsim-pipeline-\(name)-\(getpid())-\(UInt32.random(in: 0 ... .max))").path
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    static let small = TestClipSpec(width: 320, height: 240, frameRate: MediaRational(25, 1), durationSeconds: 1)
    static let wide = TestClipSpec(width: 640, height: 360, frameRate: MediaRational(25, 1), durationSeconds: 1)

    /// Writes clips `name → spec` into `dir`; returns their paths in order.
    static func clips(_ list: [(String, TestClipSpec)], in dir: String) throws -> [String] {
        try RealModeInputs.generate(list, into: dir)
    }

    static func write(_ bytes: [UInt8], to dir: String, _ name: String) throws -> String {
        let path = (dir as NSString).appendingPathComponent(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// The bad inputs of the issue, written into `dir` (names say what they are): zero-byte,
    /// truncated (index at the end, and faststart), a damaged index, text, audio only, and an
    /// unsupported codec (a Matroska track whose codec id no decoder knows).
    static func badInputs(in dir: String) throws -> [String: String] {
        let scratch = (dir as NSString).appendingPathComponent(".sources")
        let sources = try clips([
            ("plain.mp4", small),
            ("faststart.mp4", TestClipSpec(width: 320, height: 240, durationSeconds: 1, fastStart: true)),
            ("tone.m4a", TestClipSpec(durationSeconds: 1, includeVideo: false, container: "mp4")),
            ("track.mkv", TestClipSpec(width: 320, height: 240, durationSeconds: 1, container: "matroska", videoEncoder: "libx264")),
        ], in: scratch)
        var out: [String: String] = [:]
        out["empty"] = try write([], to: dir, "bad-empty.mp4")
        let plain = try bytes(sources[0])
        out["truncated"] = try write(Array(plain.prefix(plain.count / 2)), to: dir, "bad-truncated.mp4")
        let fast = try bytes(sources[1])
        out["truncated-faststart"] = try write(Array(fast.prefix(fast.count / 2)), to: dir, "bad-truncated-faststart.mp4")
        var damaged = plain
        // The index (`moov`) is at the end of this file: overwrite most of it.
        for i in (damaged.count - damaged.count / 5)..<(damaged.count - 8) { damaged[i] = UInt8(truncatingIfNeeded: i &* 131 &+ 7) }
        out["corrupt"] = try write(damaged, to: dir, "bad-corrupt-index.mp4")
        out["text"] = try write(Array(String(repeating: "not a video, just text\n", count: 40).utf8), to: dir, "bad-notes.mp4")
        out["audio-only"] = try write(try bytes(sources[2]), to: dir, "bad-audio-only.m4a")
        var mkv = try bytes(sources[3])
        if let range = find(Array("V_MPEG4/ISO/AVC".utf8), in: mkv) {
            mkv.replaceSubrange(range, with: Array("V_LOOMSIM/NONE1".utf8))
        }
        out["unsupported"] = try write(mkv, to: dir, "bad-unknown-codec.mkv")
        try? FileManager.default.removeItem(atPath: scratch)
        return out
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
        guard needle.count <= haystack.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i..<(i + needle.count)].elementsEqual(needle) {
            return i..<(i + needle.count)
        }
        return nil
    }

    /// The published renditions of a completed job, decoded in full: (file name, report).
    static func decodeOutputs(of key: String, origin: String) throws -> [(String, DecodeReport)] {
        let dir = (origin as NSString).appendingPathComponent(key)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".mp4") }.sorted()
        return try names.map { name in
            let path = (dir as NSString).appendingPathComponent(name)
            return (name, try MediaInspector.decodeAll(path: path))
        }
    }
}
