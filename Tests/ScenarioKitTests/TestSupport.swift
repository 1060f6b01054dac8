import Foundation
import XCTest
@testable import ScenarioKit

/// Helpers shared by the ScenarioKit tests.
enum TestSupport {
    /// The fixtures folder next to this file.
    static let fixtures: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    /// Rendered diagnostics of validating `path` among in-memory `files`.
    static func diagnostics(_ files: [String: String], _ path: String = "s.yaml") -> [String] {
        ScenarioLoader(provider: InMemorySources(files)).validate(paths: [path]).map(\.description)
    }

    /// Rendered diagnostics of a single in-memory scenario file `s.yaml`.
    static func diagnostics(yaml: String) -> [String] {
        diagnostics(["s.yaml": yaml])
    }

    /// A minimal valid scenario with `extra` appended (top-level YAML lines).
    static func minimal(_ extra: String = "") -> String {
        "name: test\nduration: 1h\n" + extra
    }

    /// Loads an in-memory scenario or fails the test with its diagnostics.
    static func load(_ yaml: String, bases: [String: String] = [:], file: StaticString = #filePath,
                     line: UInt = #line) -> Scenario? {
        do {
            return try ScenarioLoader.load(yaml: yaml, file: "s.yaml", bases: bases)
        } catch {
            XCTFail("unexpected errors:\n\(error)", file: file, line: line)
            return nil
        }
    }

    /// A fresh temporary directory for file-system tests, removed when `test` ends.
    static func temporaryDirectory(for test: XCTestCase) throws -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("scenariokit-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }
}
