import Foundation
@testable import RealMode
import XCTest

/// Clips generated once per test process (with libav, through `TestClipGenerator`) and shared
/// by the media tests; nothing is committed. Each lives in a fresh temporary folder.
final class MediaFixtures: @unchecked Sendable {
    static let shared = MediaFixtures()

    let root: URL
    private let lock = NSLock()
    private var clips: [String: String] = [:]

    private init() {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("loomsim-media-tests-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
        try? FileManager.default.removeItem(at: root)
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        XCTestObservationCenter.shared.addTestObserver(FixtureCleaner(root: root))
    }

    /// 640×360, 25 fps, 2 s (50 frames), H.264 + AAC stereo 48 kHz, MP4 with `moov` last.
    static let wideSpec = TestClipSpec(width: 640, height: 360, frameRate: MediaRational(25, 1), durationSeconds: 2)
    /// 320×240, 25 fps, 1 s, H.264 + AAC, MP4.
    static let smallSpec = TestClipSpec(width: 320, height: 240, frameRate: MediaRational(25, 1), durationSeconds: 1)
    /// 320×240, 24 fps, 1 s, MPEG-4 Part 2 video + MP2 mono audio in Matroska: exercises decoding
    /// something other than H.264 and the AAC re-encode path (s16 samples, 1152-sample frames).
    static let matroskaSpec = TestClipSpec(width: 320, height: 240, frameRate: MediaRational(24, 1), durationSeconds: 1,
                                           audio: ToneSpec(sampleRate: 44_100, channels: 1, frequency: 1000),
                                           container: "matroska", videoEncoder: "mpeg4", audioEncoder: "mp2")
    /// Audio only: AAC in an .m4a (MP4) container.
    static let audioOnlySpec = TestClipSpec(durationSeconds: 1, includeVideo: false, container: "mp4")

    /// The path of the clip `name`, generating it on first use.
    func clip(_ name: String, _ spec: TestClipSpec) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let path = clips[name] { return path }
        let path = root.appendingPathComponent(name).path
        _ = try TestClipGenerator.generate(to: path, spec: spec)
        clips[name] = path
        return path
    }

    var wide: String { get throws { try clip("wide.mp4", Self.wideSpec) } }
    var small: String { get throws { try clip("small.mp4", Self.smallSpec) } }
    var matroska: String { get throws { try clip("mpeg4-mp2.mkv", Self.matroskaSpec) } }
    var audioOnly: String { get throws { try clip("tone.m4a", Self.audioOnlySpec) } }

    /// A new empty folder for one test.
    func scratch(_ name: String) -> String {
        let url = root.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// Writes `bytes` to a file in a scratch folder.
    func file(_ name: String, bytes: [UInt8]) throws -> String {
        let path = (scratch("bad") as NSString).appendingPathComponent(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// Removes the fixtures folder when the test bundle finishes.
private final class FixtureCleaner: NSObject, XCTestObservation {
    let root: URL

    init(root: URL) { self.root = root }

    func testBundleDidFinish(_ testBundle: Bundle) {
        try? FileManager.default.removeItem(at: root)
    }
}

/// Runs `body` and returns the `MediaError` it throws, failing the test when it does not.
func expectMediaError<T>(_ body: () throws(MediaError) -> T, file: StaticString = #filePath, line: UInt = #line) -> MediaError? {
    do {
        let value = try body()
        XCTFail("expected a MediaError, got \(value)", file: file, line: line)
        return nil
    } catch {
        return error
    }
}

/// Deterministic pseudo-random bytes (a 64-bit LCG): the same "random" file on every run.
func pseudoRandomBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return UInt8(truncatingIfNeeded: state >> 33)
    }
}

/// Runs a command-line tool and returns its standard output (for `sha256sum`).
func runTool(_ path: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
