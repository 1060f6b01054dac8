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
              loomsim run Scenarios/peak-recording-hour.yaml
                  run a scenario, then open Reports/<name>/report.html
              loomsim validate FILE...     every error, with FILE:LINE:COLUMN
              loomsim test Scenarios       scenarios as regression tests (JUnit)
              loomsim sweep FILE --param key.path=1,2,4
                  response curves with confidence intervals
              loomsim plan Scenarios/capacity-plan-gpu.yaml
                  the cheapest configuration that meets every SLO
              loomsim run --real Scenarios/real/transcode-generated-clips.yaml
                  real libav transcoding on the wall clock

            Scenario files are documented key by key in Scenarios/README.md.

            Trust but verify:
              loomsim check queueing       the kernel against queueing theory
              loomsim conform hpa --cases F
                  upstream Kubernetes HPA and Resilience4j cases
              loomsim bench kernel         the kernel's event rate (M/M/10)
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
