import XCTest
@testable import ScenarioKit

final class DiagnosticsTests: XCTestCase {
    func testRenderingHasTheCompilerForm() {
        let d = ScenarioDiagnostic.error(at: SourceLocation(file: "a.yaml", line: 4, column: 9),
                                         path: "load.workloads[2].rate", "\"fast\" is not a rate",
                                         expected: "a rate like 100/s")
        XCTAssertEqual(d.description, "a.yaml:4:9: error: load.workloads[2].rate: \"fast\" is not a rate; expected a rate like 100/s")
        let whole = ScenarioDiagnostic(location: .start(of: "b.yaml"), path: "", problem: "the file is empty", hint: "expected x")
        XCTAssertEqual(whole.description, "b.yaml:1:1: error: the file is empty; expected x")
        let warning = ScenarioDiagnostic(severity: .warning, location: .start(of: "c.yaml"), path: "k", problem: "p", hint: "h")
        XCTAssertEqual(warning.description, "c.yaml:1:1: warning: k: p; h")
    }

    func testSortingIsByFileLineColumn() {
        func d(_ file: String, _ line: Int, _ column: Int) -> ScenarioDiagnostic {
            .error(at: SourceLocation(file: file, line: line, column: column), path: "", "p", expected: "e")
        }
        let sorted = [d("b", 1, 1), d("a", 10, 2), d("a", 2, 30), d("a", 10, 1)].sorted()
        XCTAssertEqual(sorted.map(\.location.description), ["a:2:30", "a:10:1", "a:10:2", "b:1:1"])
        XCTAssertEqual(ScenarioValidationError(diagnostics: [d("b", 1, 1), d("a", 1, 1)]).diagnostics.map(\.location.file), ["a", "b"])
    }

    func testSinkKeepsIdenticalDiagnosticsOnceAndCapsErrors() {
        let sink = DiagnosticSink(limit: 3)
        for i in 0..<10 { sink.error(at: SourceLocation(file: "f", line: i + 1, column: 1), path: "", "p", expected: "e") }
        sink.error(at: SourceLocation(file: "f", line: 1, column: 1), path: "", "p", expected: "e")
        let all = sink.diagnostics.map(\.description)
        XCTAssertEqual(all, ["f:1:1: error: p; expected e", "f:2:1: error: p; expected e", "f:3:1: error: p; expected e",
                             "f:3:1: error: 7 more errors not shown; fix the errors above and validate again"])
    }

    func testSuggestions() {
        let keys = ["name", "duration", "warmUp", "replications", "rate", "target"]
        XCTAssertEqual(Suggestion.closest(to: "durtion", among: keys), "duration")
        XCTAssertEqual(Suggestion.closest(to: "warmup", among: keys), "warmUp")
        XCTAssertEqual(Suggestion.closest(to: "rtae", among: keys), "rate")
        XCTAssertEqual(Suggestion.closest(to: "replicatoins", among: keys), "replications")
        XCTAssertNil(Suggestion.closest(to: "banana", among: keys))
        XCTAssertEqual(Suggestion.distance("kitten", "sitting"), 3)
        XCTAssertEqual(Suggestion.distance("ab", "ba"), 1)
    }
}
