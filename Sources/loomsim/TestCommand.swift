import ArgumentParser
import Foundation
import Reporting
import ScenarioKit
import ScenarioRunner

/// `loomsim test [DIR or FILE...]`: scenarios as regression tests of resilience policies.
struct TestScenarios: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run every scenario with SLOs as a test; write a combined JUnit file.",
        discussion: """
            Runs each scenario (default: every .yaml under Scenarios/ that has slos, except files \
            under a base/ folder), prints one line per scenario and a closing "N passed, N failed" \
            line, writes --junit (default Reports/junit.xml), and exits 1 on any failure, 2 on bad input.
            """)

    @Argument(help: ArgumentHelp("Scenario files or directories (default: Scenarios).", valueName: "path")) var paths: [String] = []
    @Option(name: .long, help: ArgumentHelp("Combined JUnit XML output.", valueName: "file")) var junit: String = "Reports/junit.xml"
    @Option(name: .long, help: "Replications run at once.") var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .long, help: ArgumentHelp("Also write each scenario's report under this directory.", valueName: "dir")) var reports: String?

    func run() throws {
        let files = try scenarioFiles(paths.isEmpty ? ["Scenarios"] : paths)
        guard !files.isEmpty else {
            printError("error: no scenario files found in \(paths.isEmpty ? "Scenarios" : paths.joined(separator: ", "))")
            throw ExitCode.badInput
        }
        installInterruptHandler()
        var cases: [(name: String, file: String, passed: Bool, message: String, seconds: Double)] = []
        for file in files {
            let scenario = try loadScenario(file)
            if scenario.slos.isEmpty {
                // Nothing to assert (a sweep or seed-table input): said, not silently passed.
                print("SKIP  \(scenario.name)  (\(file): no slos to check)")
                continue
            }
            if scenario.mode == .real {
                // Real runs transcode for minutes on real hardware: not part of a CI sweep.
                print("SKIP  \(scenario.name)  (\(file): real mode; run it with loomsim run)")
                continue
            }
            let outcome = try runScenario(scenario, file: file, jobs: jobs, sampleInterval: .wholeSeconds(10), label: scenario.name)
            if let reports { try writeReport(outcome, to: URL(fileURLWithPath: reports).appendingPathComponent(scenario.name)) }
            let failures = outcome.run.sloVerdicts.filter { !$0.result.passed }.map { "\($0.assertion.name): measured \($0.result.measuredText)" }
            let lost = outcome.run.outcomes.contains { !$0.result.violations.isEmpty || !$0.result.conservation.allSatisfy(\.isBalanced) }
            let message = (failures + (lost ? ["conservation: units lost or unbalanced"] : [])).joined(separator: "; ")
            let passed = outcome.run.passed && outcome.run.complete
            print("\(passed ? "PASS" : "FAIL")  \(scenario.name)  (\(file), digest \(outcome.run.digest.hex))\(message.isEmpty ? "" : "  " + message)")
            cases.append((scenario.name, file, passed, message, outcome.wallSeconds))
            if interruptRequested != 0 { break }
        }
        let failed = cases.filter { !$0.passed }.count
        try writeJUnit(cases)
        print("\(cases.count - failed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode.failure }
    }

    func scenarioFiles(_ paths: [String]) throws -> [String] {
        var out: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                printError("\(path): error: no such file or directory")
                throw ExitCode.badInput
            }
            if !isDirectory.boolValue { out.append(path); continue }
            let entries = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String]) ?? []
            out += entries.filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !$0.split(separator: "/").contains("base") }
                .sorted().map { "\(path)/\($0)" }
        }
        return out
    }

    func writeJUnit(_ cases: [(name: String, file: String, passed: Bool, message: String, seconds: Double)]) throws {
        let esc = Escape.markup
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuite name=\"loomsim scenarios\" tests=\"\(cases.count)\" failures=\"\(cases.filter { !$0.passed }.count)\">\n"
        for c in cases {
            xml += "  <testcase classname=\"loomsim.scenarios\" name=\"\(esc(c.name))\" file=\"\(esc(c.file))\">"
            if !c.passed { xml += "<failure message=\"\(esc(c.message))\"/>" }
            xml += "</testcase>\n"
        }
        xml += "</testsuite>\n"
        let url = URL(fileURLWithPath: junit)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(xml.utf8).write(to: url, options: .atomic)
    }
}
