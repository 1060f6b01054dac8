import ArgumentParser
import Conformance
import Foundation

/// `loomsim conform <policy> --cases FILE [--check]`: upstream conformance cases.
struct Conform: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run upstream conformance cases (Kubernetes HPA, Resilience4j) against loomsim's policies.",
        discussion: """
            Reads a JSON-lines case file (one case per line, the format of shared/conformance/<policy>/) \
            and prints, in input order, one line per case: {"name": ..., "actual": ...}, where actual has \
            the keys and shape of the case's expect (for circuit-breaker: one object per step). With \
            --check it compares actual with expect, prints the differences and a closing \
            "N passed, N failed" line, and exits 1 on any failure. Unknown fields are ignored; a \
            malformed line is reported with its line number and the other cases still run.

            Policies: hpa, circuit-breaker, retry.
            """)

    @Argument(help: "The policy: hpa, circuit-breaker or retry.")
    var policy: String

    @Option(name: .long, help: ArgumentHelp("The JSON-lines case file.", valueName: "file"))
    var cases: String

    @Flag(name: .long, help: "Compare with each case's expect and report differences.")
    var check = false

    func validate() throws {
        guard conformanceRunner(named: policy) != nil else {
            let known = conformanceRunners.map(\.policyName).joined(separator: ", ")
            throw ValidationError("unknown policy '\(policy)'; expected one of: \(known)")
        }
    }

    func run() throws {
        let runner = conformanceRunner(named: policy)!
        let data = try readInputFile(cases)
        guard let text = String(data: data, encoding: .utf8) else {
            printError("\(cases): error: not UTF-8 text; expected JSON lines")
            throw ExitCode.badInput
        }
        let results = runConformanceCases(text, with: runner)
        var failed = 0
        for r in results {
            print(r.outputLine)
            if let error = r.error {
                printError("\(cases):\(r.line): error: \(error)")
            }
            if check && !r.passed {
                failed += 1
                for d in r.differences { print("  \(r.name): \(d)") }
            }
        }
        if check {
            print("\(results.count - failed) passed, \(failed) failed")
            if failed > 0 { throw ExitCode.failure }
        } else if results.contains(where: { $0.error != nil }) {
            throw ExitCode.failure
        }
    }
}
