import Foundation
import XCTest
@testable import Conformance

/// Runs the extra Resilience4j cases ported beyond the shipped sample
/// (`Fixtures/circuit-breaker-upstream-extra.jsonl`, `Fixtures/retry-upstream-extra.jsonl`: each
/// case's `source` names the upstream test or the line of upstream code it follows, and its
/// `expect` comes from that test's assertions) and requires every one to pass.
final class UpstreamExtraConformanceTests: XCTestCase {
    static func fixture(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    }

    private func requireAllPass(_ file: String, runner: some ConformanceRunner, atLeast minimum: Int) throws {
        let text = try String(contentsOf: Self.fixture(file), encoding: .utf8)
        let results = runConformanceCases(text, with: runner)
        XCTAssertGreaterThanOrEqual(results.count, minimum, "\(file) lost cases")
        let failed = results.filter { !$0.passed }
        for result in failed {
            let detail = result.error ?? result.differences.joined(separator: "\n  ")
            XCTFail("\(file): case \(result.name) (line \(result.line)) failed:\n  \(detail)")
        }
        // Every extra case must check something: a case without expectations would pass vacuously.
        for result in results {
            XCTAssertNotEqual(result.expected, .array([]), "\(result.name) has no steps")
            XCTAssertNotEqual(result.expected, .object([:]), "\(result.name) has no expectations")
        }
    }

    func testEveryExtraCircuitBreakerCasePasses() throws {
        try requireAllPass("circuit-breaker-upstream-extra.jsonl", runner: CircuitBreakerConformanceRunner(), atLeast: 88)
    }

    func testEveryExtraRetryCasePasses() throws {
        try requireAllPass("retry-upstream-extra.jsonl", runner: RetryConformanceRunner(), atLeast: 32)
    }

    /// Reference §7: rates are Java floats compared within 1e-4, so the float32 widened to a
    /// double (what a model computing in float32 prints) and a rounded 33.3333 both match, while
    /// 33.3 does not.
    func testRatesCompareWithinOneTenThousandth() throws {
        func check(_ expected: String) throws -> ConformanceResult {
            let line = #"{"name":"third","config":{"initialState":"METRICS_ONLY","slidingWindowSize":3,"minimumNumberOfCalls":1},"steps":[{"at":0,"op":"record","outcome":"failure","durationSeconds":0},{"at":0,"op":"record","outcome":"success","durationSeconds":0},{"at":0,"op":"record","outcome":"success","durationSeconds":0,"expect":{"failureRate":"# + expected + #","slowCallRate":0.00009}}]}"#
            return try XCTUnwrap(runConformanceCases(line, with: CircuitBreakerConformanceRunner()).first)
        }
        XCTAssertTrue(try check("33.33333206176758").passed)
        XCTAssertTrue(try check("33.3333").passed)
        XCTAssertTrue(try check("33.333332").passed)
        let off = try check("33.3")
        XCTAssertFalse(off.passed)
        XCTAssertEqual(off.differences, [#"actual[2].failureRate: expected 33.3, got 33.333332"#])
    }

    /// Counts keep the default comparison: a tolerance meant for rates must not hide a wrong count.
    func testCountsAreNotCoveredByTheRateTolerance() {
        let diff = jsonDifferences(expected: .object(["numberOfBufferedCalls": .number(3)]),
                                   actual: .object(["numberOfBufferedCalls": .number(3.00005)]), path: "actual")
        XCTAssertEqual(diff.count, 1)
    }

    /// HPA conditions are compared as a whole (reference §8.5): a condition the controller set
    /// that the case does not list is a difference; other objects still ignore keys `expect` lacks.
    func testConditionsAreComparedAsAWhole() {
        let able: JSONValue = .object(["status": .string("True"), "reason": .string("SucceededRescale")])
        let limited: JSONValue = .object(["status": .string("False"), "reason": .string("DesiredWithinRange")])
        let expected: JSONValue = .object(["desiredReplicas": .number(4), "conditions": .object(["AbleToScale": able])])
        let extra: JSONValue = .object(["desiredReplicas": .number(4), "note": .string("x"),
                                        "conditions": .object(["AbleToScale": able, "ScalingLimited": limited])])
        XCTAssertEqual(jsonDifferences(expected: expected, actual: extra, path: "actual"),
                       [#"actual.conditions.ScalingLimited: not expected, got {"reason":"DesiredWithinRange","status":"False"}"#])
        let exact: JSONValue = .object(["desiredReplicas": .number(4), "note": .string("x"), "conditions": .object(["AbleToScale": able])])
        XCTAssertEqual(jsonDifferences(expected: expected, actual: exact, path: "actual"), [])
    }
}
