import Foundation
import XCTest
@testable import Reporting

final class TraceEventWriterTests: XCTestCase {
    let spans = [
        TraceSpan(name: "transcode <1080p>", category: "gpu", start: Instant(nanoseconds: 2_000_001_500),
                  duration: .milliseconds(1_500), process: "video-processing", track: "gpu-0", args: ["job": "42", "codec": "h264"]),
        TraceSpan(name: "upload", category: "request", start: Instant(nanoseconds: 1_000_000_000),
                  duration: .milliseconds(250), process: "recording", track: "pod-1"),
        .instant("breaker.opened", category: "breaker", at: Instant(nanoseconds: 3_000_000_000), process: "video-processing", track: "gpu-0"),
        TraceSpan(name: "late", start: Instant(nanoseconds: 90_000_000_000), duration: .wholeSeconds(1), process: "recording", track: "pod-1"),
    ]

    func events(_ text: String) throws -> [[String: Any]] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
    }

    func testChromeTraceFormat() throws {
        let all = try events(TraceEventWriter.render(spans))
        let complete = all.filter { $0["ph"] as? String == "X" }
        let instants = all.filter { $0["ph"] as? String == "i" }
        let meta = all.filter { $0["ph"] as? String == "M" }
        XCTAssertEqual(complete.count, 3)
        XCTAssertEqual(instants.count, 1)
        XCTAssertEqual(Set(meta.compactMap { ($0["args"] as? [String: Any])?["name"] as? String }),
                       ["video-processing", "recording", "gpu-0", "pod-1"])
        let upload = try XCTUnwrap(complete.first { $0["name"] as? String == "upload" })
        XCTAssertEqual(upload["ts"] as? Double, 1_000_000)
        XCTAssertEqual(upload["dur"] as? Double, 250_000)
        let transcode = try XCTUnwrap(complete.first { $0["name"] as? String == "transcode <1080p>" })
        XCTAssertEqual(transcode["ts"] as? Double, 2_000_001.5)
        XCTAssertEqual((transcode["args"] as? [String: String])?["codec"], "h264")
        XCTAssertEqual(instants[0]["s"] as? String, "t")
        XCTAssertEqual(instants[0]["tid"] as? Int, transcode["tid"] as? Int, "same track, same thread")
        XCTAssertNotEqual(upload["pid"] as? Int, transcode["pid"] as? Int)
        let text = TraceEventWriter.render(spans)
        XCTAssertTrue(text.contains("\"args\":{\"codec\":\"h264\",\"job\":\"42\"}"), "args sorted by key")
        XCTAssertEqual(text, TraceEventWriter.render(spans))
    }

    func testWindowFiltersAndClips() throws {
        let window = TraceWindow(start: Instant(nanoseconds: 1_100_000_000), end: Instant(nanoseconds: 3_000_000_000))
        let kept = try events(TraceEventWriter.render(spans, window: window)).filter { $0["ph"] as? String != "M" }
        XCTAssertEqual(kept.compactMap { $0["name"] as? String }, ["upload", "transcode <1080p>", "breaker.opened"])
        let upload = kept[0]
        XCTAssertEqual(upload["ts"] as? Double, 1_100_000)
        XCTAssertEqual(upload["dur"] as? Double, 150_000)
        XCTAssertEqual((upload["args"] as? [String: String])?["clipped"], "true")
    }

    func testWriteToFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("trace.json")
        try TraceEventWriter.write(spans, to: url)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), TraceEventWriter.render(spans))
        XCTAssertEqual(TraceEventWriter.micros(-1_500), "-1.500")
    }
}
