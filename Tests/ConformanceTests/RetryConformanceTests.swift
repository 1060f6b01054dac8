import Foundation
import XCTest
@testable import Conformance

/// Runs every retry case of the fixture copied from `shared/conformance/retry/` through
/// `RetryConformanceRunner` and requires all of them to pass.
final class RetryConformanceTests: XCTestCase {
    static let fixture = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures/retry-cases.jsonl")

    func testEveryFixtureCasePasses() throws {
        let text = try String(contentsOf: Self.fixture, encoding: .utf8)
        let results = runConformanceCases(text, with: RetryConformanceRunner())
        XCTAssertFalse(results.isEmpty, "no cases in \(Self.fixture.path)")
        let failed = results.filter { !$0.passed }
        for result in failed {
            let detail = result.error ?? result.differences.joined(separator: "\n  ")
            XCTFail("case \(result.name) (line \(result.line)) failed:\n  \(detail)\n  actual: \(result.actual?.compactText ?? "none")")
        }
        print("retry conformance: \(results.count - failed.count) passed, \(failed.count) failed")
    }

    func testFailAfterMaxAttemptsAndNonRetryable() throws {
        let lines = [
            #"{"name":"a","config":{"maxAttempts":2,"waitDuration":0.5,"failAfterMaxAttempts":true},"outcomes":["retryResult","retryResult"],"expect":{"attempts":2,"result":"maxRetriesExceeded","waits":[0.5]}}"#,
            #"{"name":"b","config":{"maxAttempts":3,"waitDuration":0.5},"outcomes":["failure","nonRetryable","success"],"expect":{"attempts":2,"result":"nonRetryableFailure","waits":[0.5],"totalWait":0.5}}"#,
            #"{"name":"c","config":{"maxAttempts":3,"waitDuration":0},"outcomes":["failure","success"],"expect":{"attempts":2,"result":"success","waits":[0]}}"#,
            #"{"name":"d","config":{"maxAttempts":3,"waitDuration":0.1,"multiplier":2,"maxWaitDuration":0.15},"outcomes":["failure","failure","failure"],"expect":{"waits":[0.1,0.15]}}"#,
        ].joined(separator: "\n")
        let results = runConformanceCases(lines, with: RetryConformanceRunner())
        XCTAssertEqual(results.count, 4)
        for r in results { XCTAssertTrue(r.passed, "\(r.name): \(r.error ?? "") \(r.differences)") }
    }

    func testOutcomesThatRunOutAreAnError() {
        let line = #"{"name":"short","config":{"maxAttempts":3},"outcomes":["failure"],"expect":{"attempts":1}}"#
        XCTAssertNotNil(runConformanceCases(line, with: RetryConformanceRunner()).first?.error)
    }

    func testBadConfigurationIsReported() {
        for config in [#"{"maxAttempts":0}"#, #"{"waitDuration":-1}"#, #"{"waitDuration":0,"multiplier":2}"#,
                       #"{"multiplier":0}"#, #"{"randomizationFactor":1.5}"#] {
            let line = #"{"name":"bad","config":"# + config + #","outcomes":["success"],"expect":{}}"#
            XCTAssertNotNil(runConformanceCases(line, with: RetryConformanceRunner()).first?.error, config)
        }
    }
}
