import Foundation
import XCTest
@testable import Conformance

/// Runs every circuit-breaker case of the fixture copied from `shared/conformance/circuit-breaker/`
/// through `CircuitBreakerConformanceRunner` and requires all of them to pass.
final class CircuitBreakerConformanceTests: XCTestCase {
    static let fixture = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures/circuit-breaker-cases.jsonl")

    func testEveryFixtureCasePasses() throws {
        let text = try String(contentsOf: Self.fixture, encoding: .utf8)
        let results = runConformanceCases(text, with: CircuitBreakerConformanceRunner())
        XCTAssertFalse(results.isEmpty, "no cases in \(Self.fixture.path)")
        let failed = results.filter { !$0.passed }
        for result in failed {
            let detail = result.error ?? result.differences.joined(separator: "\n  ")
            XCTFail("case \(result.name) (line \(result.line)) failed:\n  \(detail)\n  actual: \(result.actual?.compactText ?? "none")")
        }
        print("circuit-breaker conformance: \(results.count - failed.count) passed, \(failed.count) failed")
    }

    func testStepsWithoutExpectationsProduceEmptyObjects() throws {
        let line = #"{"name":"x","config":{"slidingWindowSize":2,"minimumNumberOfCalls":2},"steps":[{"at":0,"op":"record","outcome":"failure","durationSeconds":0},{"at":0,"op":"record","outcome":"failure","durationSeconds":0,"expect":{"state":"OPEN"}}]}"#
        let actual = try CircuitBreakerConformanceRunner().actual(for: try JSONValue.parse(line))
        XCTAssertEqual(actual, [[:], ["state": "OPEN"]])
    }

    func testTimersFireAtTheirDueInstantBetweenSteps() throws {
        // Automatic transition after 2 s, then a 1 s half-open max wait back to OPEN (attempts 2).
        let line = #"{"name":"auto","config":{"automaticTransitionFromOpenToHalfOpenEnabled":true,"waitDurationInOpenState":2,"maxWaitDurationInHalfOpenState":1,"waitIntervalFunctionInOpenState":null},"steps":[{"at":0,"op":"transition","to":"OPEN"},{"at":2.5,"op":"state","expect":{"state":"HALF_OPEN"}},{"at":3.5,"op":"state","expect":{"state":"OPEN"}},{"at":5.6,"op":"state","expect":{"state":"HALF_OPEN"}}]}"#
        let results = runConformanceCases(line, with: CircuitBreakerConformanceRunner())
        XCTAssertEqual(results.count, 1)
        XCTAssertTrue(results[0].passed, "\(results[0].error ?? "") \(results[0].differences)")
    }

    func testTransitionForAndUntilAndIllegalTransitions() throws {
        let line = #"{"name":"for-until","config":{},"steps":[{"at":0,"op":"transition","to":"OPEN","waitSeconds":3,"expect":{"state":"OPEN","error":null}},{"at":3,"op":"acquire","expect":{"permitted":false}},{"at":3.001,"op":"acquire","expect":{"permitted":true,"state":"HALF_OPEN"}},{"at":4,"op":"transition","to":"OPEN","untilSeconds":10},{"at":10.0,"op":"acquire","expect":{"permitted":false}},{"at":10.5,"op":"acquire","expect":{"permitted":true}},{"at":11,"op":"transition","to":"METRICS_ONLY","expect":{"state":"METRICS_ONLY"}},{"at":11,"op":"transition","to":"OPEN","expect":{"state":"METRICS_ONLY","error":"IllegalStateTransition"}}]}"#
        let results = runConformanceCases(line, with: CircuitBreakerConformanceRunner())
        XCTAssertTrue(results[0].passed, "\(results[0].error ?? "") \(results[0].differences)")
    }

    func testBadConfigurationIsReportedNotCrashed() {
        for config in [#"{"failureRateThreshold":0}"#, #"{"failureRateThreshold":101}"#, #"{"slidingWindowSize":0}"#,
                       #"{"minimumNumberOfCalls":0}"#, #"{"permittedNumberOfCallsInHalfOpenState":0}"#,
                       #"{"waitDurationInOpenState":0.0005}"#,
                       #"{"waitDurationInOpenState":1,"waitIntervalFunctionInOpenState":{"type":"exponential","initialInterval":1}}"#] {
            let line = #"{"name":"bad","config":"# + config + #","steps":[]}"#
            let results = runConformanceCases(line, with: CircuitBreakerConformanceRunner())
            XCTAssertNotNil(results.first?.error, "config \(config) should be refused")
        }
    }
}
