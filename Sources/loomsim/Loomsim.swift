import ArgumentParser

/// The `loomsim` command line.
@main
struct Loomsim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loomsim",
        abstract: "A deterministic discrete-event simulator and capacity-planning testbed for the Loom video platform.",
        discussion: """
            Every simulated run is deterministic: the same input and seed give the same trace digest \
            and the same numbers, on any machine and thread count. Every run prints its digest.

            Start here:
              loomsim check queueing          validate the kernel against queueing theory
              loomsim bench kernel            measure the kernel's event rate (M/M/10)
              loomsim conform hpa --cases F   run Kubernetes HPA conformance cases
            """,
        version: "0.1.0",
        subcommands: [Run.self, Validate.self, TestScenarios.self, Calibrate.self, Check.self, Bench.self, Conform.self, Sweep.self, Plan.self, Merge.self, SeedTable.self])

    /// Like `ParsableCommand.main()`, but every kind of bad input (a wrong option, a bad value,
    /// an unreadable file) exits with status 2, so scripts can tell it from a failed check (1).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            let message = fullMessage(for: error)
            if !message.isEmpty { printError(message) }
            exit(withError: code == .validationFailure ? ExitCode.badInput : code)
        }
    }
}

extension ExitCode {
    /// Bad input: a wrong option or value, a missing or malformed file.
    static let badInput = ExitCode(2)
}

/// `loomsim check ...`: self-checks of the simulator against known answers.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the simulator against known answers.",
        subcommands: [CheckQueueing.self])
}

/// `loomsim bench ...`: benchmarks that print figures (never pass/fail on time).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure loomsim's speed; compare with scripts/bench-*.sh against peers.",
        subcommands: [BenchKernel.self, BenchScale.self, BenchTranscode.self])
}
