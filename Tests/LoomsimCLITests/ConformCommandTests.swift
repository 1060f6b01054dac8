import Foundation
import XCTest

final class ConformCommandTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ConformanceTests/Fixtures")

    func testEveryShippedSampleCasePassesWithCheck() throws {
        for (policy, file, count) in [("hpa", "hpa-cases.jsonl", 81), ("circuit-breaker", "circuit-breaker-cases.jsonl", 26),
                                      ("retry", "retry-cases.jsonl", 6)] {
            let r = try Loomsim.run(["conform", policy, "--cases", Self.fixtures.appendingPathComponent(file).path, "--check"])
            XCTAssertEqual(r.status, 0, "\(policy):\n\(r.stdout)\(r.stderr)")
            XCTAssertTrue(r.stdout.hasSuffix("\(count) passed, 0 failed\n"), r.stdout)
        }
    }

    func testOutputIsOneJSONLinePerCaseInInputOrder() throws {
        let cases = Self.fixtures.appendingPathComponent("retry-cases.jsonl")
        let r = try Loomsim.run(["conform", "retry", "--cases", cases.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let names = try String(contentsOf: cases, encoding: .utf8).split(separator: "\n").map { line -> String in
            let object = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            return object["name"] as! String
        }
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, names.count)
        for (line, name) in zip(lines, names) {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertEqual(object["name"] as? String, name)
            let actual = try XCTUnwrap(object["actual"] as? [String: Any])
            XCTAssertNotNil(actual["attempts"])
        }
    }

    func testAMalformedLineIsReportedAndTheOthersStillRun() throws {
        let dir = try Loomsim.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = try String(contentsOf: Self.fixtures.appendingPathComponent("retry-cases.jsonl"), encoding: .utf8)
            .split(separator: "\n").prefix(2)
        let wrongExpectation = #"{"name":"wrong","config":{"maxAttempts":2,"waitDuration":0.5},"outcomes":["failure","failure"],"expect":{"attempts":3},"extraField":42}"#
        let text = ([String(good[0]), "{not json", wrongExpectation, String(good[1])]).joined(separator: "\n") + "\n"
        let file = dir.appendingPathComponent("mixed.jsonl")
        try Data(text.utf8).write(to: file)
        let r = try Loomsim.run(["conform", "retry", "--cases", file.path, "--check"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("mixed.jsonl:2: error: malformed JSON"), r.stderr)
        XCTAssertTrue(r.stdout.contains("wrong: actual.attempts: expected 3, got 2"), r.stdout)
        XCTAssertTrue(r.stdout.hasSuffix("2 passed, 2 failed\n"), r.stdout)
    }

    func testUnknownPolicyIsBadInput() throws {
        let r = try Loomsim.run(["conform", "bulkhead", "--cases", "/dev/null"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("unknown policy 'bulkhead'; expected one of: hpa, circuit-breaker, retry"), r.stderr)
    }
}
