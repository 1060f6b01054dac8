import Foundation
import XCTest

/// `loomsim seed-table` end to end (release binary: the rows simulate minutes of traffic).
final class SeedTableCommandTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func runTable(_ out: URL, rows: [String]) throws -> CommandResult {
        try Loomsim.run(["seed-table", "--scenarios", Self.root.appendingPathComponent("Scenarios/seed-table").path,
                         "--replications", "2", "--jobs", "2", "--out", out.path] + rows.flatMap { ["--row", $0] }, release: true)
    }

    func testOneRowPrintsItsMeasuredLineAndTheSameSeedGivesTheSameJSON() throws {
        let dir = try Loomsim.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try runTable(dir.appendingPathComponent("a"), rows: ["streaming", "user-management"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let lines = first.stdout.split(separator: "\n").map(String.init)
        let streaming = try XCTUnwrap(lines.first { $0.hasPrefix("streaming ") }, first.stdout)
        XCTAssertTrue(streaming.contains("100x concurrent streams"), streaming)
        XCTAssertTrue(lines.contains { $0.hasPrefix("user-management ") && $0.contains("90% reduction in validation time") })

        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("a/seed-table.json"))) as? [String: Any]
        let rows = try XCTUnwrap(json?["rows"] as? [[String: Any]])
        XCTAssertEqual(rows.map { $0["row"] as? String }, ["streaming", "user-management"])
        // More edges serve more streams; a cache shortens validations.
        let ratio = try XCTUnwrap((rows[0]["improvement"] as? [String: Any])?["mean"] as? Double)
        XCTAssertGreaterThan(ratio, 1)
        let reduction = try XCTUnwrap((rows[1]["improvement"] as? [String: Any])?["mean"] as? Double)
        XCTAssertGreaterThan(reduction, 0.3)
        XCTAssertEqual((rows[1]["without"] as? [String: Any])?["perReplication"].map { ($0 as? [Any])?.count }, 2)
        for name in ["seed-table.md", "seed-table.html"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("a/\(name)").path), name)
        }

        let second = try runTable(dir.appendingPathComponent("b"), rows: ["streaming", "user-management"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("a/seed-table.json")),
                       try Data(contentsOf: dir.appendingPathComponent("b/seed-table.json")))
    }

    func testAnUnknownRowIsBadInput() throws {
        let result = try Loomsim.run(["seed-table", "--row", "billing"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("--row billing: unknown row"), result.stderr)
    }
}
