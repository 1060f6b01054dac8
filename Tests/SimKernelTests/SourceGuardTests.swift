import Foundation
import XCTest

/// No code under Sources/ outside the real-mode runtime and the CLI may read the wall clock or
/// draw unseeded randomness (DESIGN.md §1; EXAMPLES.md §14, after TigerBeetle's tidy.zig).
final class SourceGuardTests: XCTestCase {
    static let banned: [(pattern: String, why: String)] = [
        ("Date()", "reads the wall clock"),
        ("Date(timeIntervalSinceNow", "reads the wall clock"),
        ("DispatchTime.now", "reads the wall clock"),
        ("ContinuousClock", "reads the wall clock"),
        ("SuspendingClock", "reads the wall clock"),
        ("clock_gettime", "reads the wall clock"),
        ("gettimeofday", "reads the wall clock"),
        ("CFAbsoluteTimeGetCurrent", "reads the wall clock"),
        ("ProcessInfo.processInfo.systemUptime", "reads the wall clock"),
        ("SystemRandomNumberGenerator", "unseeded randomness"),
        (".random(in:", "unseeded randomness (use a named RandomStream)"),
        (".random()", "unseeded randomness (use a named RandomStream)"),
        (".shuffled()", "unseeded randomness (use a named RandomStream)"),
        ("arc4random", "unseeded randomness"),
        ("drand48", "unseeded randomness"),
        ("Task {", "the global async executor is not deterministic"),
        ("Task.sleep", "sleeps on the wall clock"),
        ("Thread.sleep", "sleeps on the wall clock"),
        ("usleep(", "sleeps on the wall clock"),
        (".hashValue", "Swift's Hasher is seeded per process"),
    ]
    /// Targets allowed to touch the clock: the wall-clock runtime and real backends, and the CLI.
    static let exempt: Set<String> = ["RealMode", "loomsim"]

    func testSimulationSideSourcesDoNotReadTheClockOrUnseededRandomness() throws {
        let sources = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
        let files = try FileManager.default.subpathsOfDirectory(atPath: sources.path).filter {
            $0.hasSuffix(".swift") || $0.hasSuffix(".h")
        }
        XCTAssertGreaterThan(files.count, 10, "the guard found no sources to scan")
        var violations: [String] = []
        for file in files.sorted() {
            let target = String(file.split(separator: "/").first ?? "")
            if Self.exempt.contains(target) { continue }
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                if code.hasPrefix("//") || code.hasPrefix("///") || code.hasPrefix("*") || code.hasPrefix("/*") { continue }
                for (pattern, why) in Self.banned where line.contains(pattern) {
                    violations.append("Sources/\(file):\(number + 1): \(pattern) — \(why)")
                }
            }
        }
        XCTAssertEqual(violations, [], "\n" + violations.joined(separator: "\n"))
    }
}
