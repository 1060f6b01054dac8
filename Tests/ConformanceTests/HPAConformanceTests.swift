import Foundation
import XCTest
@testable import Conformance

/// Runs every case of the HPA fixture (a copy of `shared/conformance/hpa/cases.jsonl`, ported from
/// kubernetes/kubernetes `horizontal_test.go` and `replica_calculator_test.go`) through
/// `HPAConformanceRunner` and requires all of them to pass.
final class HPAConformanceTests: XCTestCase {
    static let fixture = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures/hpa-cases.jsonl")

    func testEveryFixtureCasePasses() throws {
        let text = try String(contentsOf: Self.fixture, encoding: .utf8)
        let results = runConformanceCases(text, with: HPAConformanceRunner())
        XCTAssertEqual(results.count, 81, "the fixture holds 81 cases")
        let failed = results.filter { !$0.passed }
        for result in failed {
            let detail = result.error ?? result.differences.joined(separator: "\n  ")
            XCTFail("case \(result.name) (line \(result.line)) failed:\n  \(detail)\n  actual: \(result.actual?.compactText ?? "none")")
        }
        print("hpa conformance: \(results.count - failed.count) passed, \(failed.count) failed")
    }

    func testUnknownFieldsAreIgnored() throws {
        let line = #"{"name":"x","stage":"convertWithRules","surprise":{"a":1},"controller":{"scaleUpLimitFactor":2,"newFlag":true},"spec":{"minReplicas":1,"maxReplicas":10,"futureField":3},"currentReplicas":3,"prenormalizedDesiredReplicas":9,"expect":{"desiredReplicas":6,"limitReason":"ScaleUpLimit"}}"#
        let results = runConformanceCases(line, with: HPAConformanceRunner())
        XCTAssertTrue(results[0].passed, "\(results[0].error ?? "") \(results[0].differences)")
    }

    func testOutputMirrorsExpectShape() throws {
        let line = #"{"name":"r","stage":"replicaCalc","spec":{"metrics":[{"type":"Pods","pods":{"metric":{"name":"qps"},"target":{"type":"AverageValue","averageValue":"10"}}}]},"currentReplicas":2,"observed":[{"pods":[{"value":30000},{"value":10000}]}]}"#
        let actual = try HPAConformanceRunner().actual(for: try JSONValue.parse(line))
        XCTAssertEqual(actual, ["desiredReplicas": 4, "usage": 20000])
    }

    func testFailingMetricReportsError() throws {
        let line = #"{"name":"e","stage":"replicaCalc","spec":{"metrics":[{"type":"Object","object":{"describedObject":{"kind":"Deployment","name":"d"},"metric":{"name":"qps"},"target":{"type":"Value","value":"10"}}}]},"currentReplicas":2,"observed":[{"error":"FailedGetObjectMetric"}]}"#
        let actual = try HPAConformanceRunner().actual(for: try JSONValue.parse(line))
        XCTAssertEqual(actual, ["error": true])
    }

    func testScaleUpDuringPartialMetricFailureButNotScaleDown() throws {
        // One metric fails: a scale-up proceeds, a scale-down is blocked (fatal, nothing changes).
        let base = #"{"name":"p","stage":"reconcile","spec":{"minReplicas":1,"maxReplicas":10,"metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":50}}},{"type":"External","external":{"metric":{"name":"q"},"target":{"type":"Value","value":"1"}}}]},"currentReplicas":2,"history":{"recommendations":[]},"observed":[{"pods":[{"request":1000,"usage":USAGE},{"request":1000,"usage":USAGE}]},{"error":"FailedGetExternalMetric"}]}"#
        let up = try HPAConformanceRunner().actual(for: try JSONValue.parse(base.replacingOccurrences(of: "USAGE", with: "1000")))
        XCTAssertEqual(up["desiredReplicas"], 4)
        let down = try HPAConformanceRunner().actual(for: try JSONValue.parse(base.replacingOccurrences(of: "USAGE", with: "100")))
        XCTAssertEqual(down["desiredReplicas"], 2)
        XCTAssertEqual(down["conditions"]?["ScalingActive"], ["status": "False", "reason": "FailedGetExternalMetric"])
    }

    /// Every number of every fixture case replaced by extreme values: the runner answers or throws,
    /// it never traps (bad input must throw, and arithmetic saturates or wraps as Go's does).
    func testExtremeInputsNeverTrap() throws {
        let text = try String(contentsOf: Self.fixture, encoding: .utf8)
        let cases = try text.split(separator: "\n").map { try JSONValue.parse(String($0)) }
        func mutate(_ v: JSONValue, _ f: (Double) -> Double) -> JSONValue {
            switch v {
            case .number(let n): return .number(f(n))
            case .array(let a): return .array(a.map { mutate($0, f) })
            case .object(let o): return .object(o.mapValues { mutate($0, f) })
            default: return v
            }
        }
        let transforms: [(Double) -> Double] = [{ _ in 0 }, { -$0 }, { $0 * 1e12 }, { _ in 9.3e18 }, { _ in -2_147_483_648 }, { $0 + 0.5 }]
        var answered = 0
        for testCase in cases {
            for transform in transforms {
                if (try? HPAConformanceRunner().actual(for: mutate(testCase, transform))) != nil { answered += 1 }
            }
        }
        XCTAssertGreaterThan(answered, 0)
    }

    func testUnknownStageIsACaseError() {
        let results = runConformanceCases(#"{"name":"s","stage":"teleport","currentReplicas":1}"#, with: HPAConformanceRunner())
        XCTAssertNotNil(results.first?.error)
    }
}
