import Foundation
import XCTest
@testable import Conformance

/// Runs `Fixtures/hpa-upstream-extra.jsonl`: 150 further cases ported from kubernetes/kubernetes
/// `pkg/controller/podautoscaler` (`horizontal_test.go` at 003e86297d18, `replica_calculator_test.go`
/// of the configurable-tolerance era), none of them in the shipped sample. Their `expect` values
/// are upstream's asserted results (expected replicas, utilization/raw value/usage, conditions,
/// limit reasons, stored recommendations and events), not loomsim's output.
///
/// Conditions are compared exactly here (the same condition types, statuses and reasons), as
/// upstream's `assert.Equal` on the status does; the generic `--check` comparison ignores keys the
/// expectation lacks.
final class HPAUpstreamExtraConformanceTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let extra = fixtures.appendingPathComponent("hpa-upstream-extra.jsonl")
    static let sample = fixtures.appendingPathComponent("hpa-cases.jsonl")

    func testEveryExtraUpstreamCasePasses() throws {
        let text = try String(contentsOf: Self.extra, encoding: .utf8)
        let results = runConformanceCases(text, with: HPAConformanceRunner())
        XCTAssertEqual(results.count, 150, "the extra fixture holds 150 cases")
        let failed = results.filter { !$0.passed }
        for result in failed {
            let detail = result.error ?? result.differences.joined(separator: "\n  ")
            XCTFail("case \(result.name) (line \(result.line)) failed:\n  \(detail)\n  actual: \(result.actual?.compactText ?? "none")")
        }
        print("hpa upstream extra: \(results.count - failed.count) passed, \(failed.count) failed")
    }

    /// Reconcile cases: exactly the condition types the expectation lists, no more.
    func testReconcileConditionsMatchExactly() throws {
        for testCase in try Self.cases(Self.extra) where testCase["stage"]?.stringValue == "reconcile" {
            let name = testCase["name"]?.stringValue ?? "?"
            let expected = try XCTUnwrap(testCase["expect"]?["conditions"], "\(name) lists its conditions")
            let actual = try HPAConformanceRunner().actual(for: testCase)
            XCTAssertEqual(actual["conditions"], expected, name)
        }
    }

    /// Every case names its upstream test and file, and none repeats a sample case.
    func testCasesCiteUpstreamAndDoNotRepeatTheSample() throws {
        let sampleNames = Set(try Self.cases(Self.sample).compactMap { $0["name"]?.stringValue })
        var names = Set<String>()
        for testCase in try Self.cases(Self.extra) {
            let name = try XCTUnwrap(testCase["name"]?.stringValue)
            XCTAssertTrue(names.insert(name).inserted, "duplicate case \(name)")
            XCTAssertFalse(sampleNames.contains(name), "\(name) is already in the sample")
            let source = try XCTUnwrap(testCase["source"]?.stringValue, name)
            XCTAssertTrue(source.hasPrefix("Test") && name.hasPrefix(source), "\(name): source \(source)")
            let file = testCase["sourceFile"]?.stringValue ?? ""
            XCTAssertTrue(file.hasSuffix("horizontal_test.go") || file.hasSuffix("replica_calculator_test.go"), "\(name): \(file)")
        }
    }

    private static func cases(_ url: URL) throws -> [JSONValue] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { try JSONValue.parse(String($0)) }
    }
}
