import Foundation
import XCTest

/// `loomsim run --trace`: byte-identical traces for the same seed, a window that bounds the
/// events, a note when the event budget truncates, and exit 2 for a bad window.
final class TraceCommandTests: XCTestCase {
    static let scenario = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scenarios/gpu-contention.yaml").path

    func testTraceIsDeterministicAndBoundedByTheWindow() throws {
        let dir = try Loomsim.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var texts: [Data] = []
        for i in 0..<2 {
            let trace = dir.appendingPathComponent("trace-\(i).json")
            let result = try Loomsim.run(["run", Self.scenario, "--replications", "1", "--quiet", "--jobs", "1",
                                          "--out", dir.appendingPathComponent("out-\(i)").path,
                                          "--trace", trace.path, "--trace-window", "20m..21m"], release: true)
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(result.stdout.contains("trace: \(trace.path)"), result.stdout)
            texts.append(try Data(contentsOf: trace))
        }
        XCTAssertEqual(texts[0], texts[1], "same seed, byte-identical trace")
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: texts[0]) as? [String: Any])
        let events = try XCTUnwrap(json["traceEvents"] as? [[String: Any]])
        let timed = events.filter { $0["ph"] as? String != "M" }
        XCTAssertGreaterThan(timed.count, 100)
        for e in timed {
            let ts = try XCTUnwrap(e["ts"] as? Double)
            XCTAssertTrue(ts >= 1_200_000_000 && ts <= 1_260_000_000, "\(e) outside 20m..21m")
            XCTAssertTrue(["i", "X", "C"].contains(e["ph"] as? String ?? ""), "\(e)")
            XCTAssertNotNil(e["pid"] as? Int)
            XCTAssertNotNil(e["tid"] as? Int)
        }
        XCTAssertTrue(timed.contains { ($0["name"] as? String)?.hasPrefix("video.") == true && $0["cat"] as? String == "video" })
        XCTAssertTrue(timed.contains { $0["ph"] as? String == "X" && ($0["cat"] as? String)?.hasPrefix("unit,") == true })
    }

    func testTruncationNoteAndBadWindow() throws {
        let dir = try Loomsim.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let trace = dir.appendingPathComponent("trace.json")
        let small = try Loomsim.run(["run", Self.scenario, "--replications", "1", "--quiet", "--out", dir.path,
                                     "--trace", trace.path, "--trace-max-events", "200"], release: true)
        XCTAssertEqual(small.status, 0, small.stderr)
        XCTAssertTrue(small.stderr.contains("note: the trace stopped at simulated"), small.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: trace)) as? [String: Any])
        XCTAssertEqual((json["traceEvents"] as? [[String: Any]])?.filter { $0["ph"] as? String != "M" }.count, 200)

        for (window, message) in [("15m..10m", "is empty"), ("2h..3h", "starts after the run ends"), ("ten", "START..END")] {
            let bad = try Loomsim.run(["run", Self.scenario, "--out", dir.path, "--trace", trace.path, "--trace-window", window],
                                      release: true)
            XCTAssertEqual(bad.status, 2, window)
            XCTAssertTrue(bad.stderr.contains(message), bad.stderr)
        }
    }
}
