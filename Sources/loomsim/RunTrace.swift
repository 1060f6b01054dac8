import ArgumentParser
import Foundation
import Reporting
import ScenarioKit
import ScenarioRunner

/// `loomsim run --trace FILE [--trace-window 10m..15m] [--trace-max-events N]`: a Chrome
/// trace-event JSON of the first replication, which Perfetto (ui.perfetto.dev) and
/// chrome://tracing open.
struct TraceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Write a Chrome trace-event JSON of the first replication (open it in Perfetto).", valueName: "file"))
    var trace: String?
    @Option(name: .long, help: ArgumentHelp(
        "The simulated-time window to trace, START..END (10m..15m; 30m.. or ..5m). Default: the whole run.",
        valueName: "window"))
    var traceWindow: String?
    @Option(name: .long, help: "The most events the trace keeps; recording stops there, with a note.")
    var traceMaxEvents: Int = RunTraceOptions.defaultMaxEvents

    func validate() throws {
        guard traceMaxEvents >= 1 else { throw ValidationError("--trace-max-events must be ≥ 1, got \(traceMaxEvents)") }
        if trace == nil, traceWindow != nil { throw ValidationError("--trace-window needs --trace FILE") }
    }

    /// A recorder for the scenario's first replication, or nil without `--trace`; a window
    /// that does not parse or starts after the run ends is bad input (exit 2).
    func recorder(for scenario: Scenario) throws -> RunTraceRecorder? {
        guard trace != nil else { return nil }
        var window = TraceWindow.all
        if let traceWindow {
            do {
                window = try RunTraceOptions.parseWindow(traceWindow)
            } catch {
                printError("error: --trace-window: \(error)")
                throw ExitCode.badInput
            }
            guard window.start < .zero + scenario.duration else {
                printError("error: --trace-window: \(traceWindow) starts after the run ends (\(DurationSyntax.format(scenario.duration)))")
                throw ExitCode.badInput
            }
        }
        return RunTraceRecorder(options: RunTraceOptions(window: window, maxEvents: traceMaxEvents))
    }

    /// Writes the recorder's trace to `--trace` and says what it holds.
    func write(_ recorder: RunTraceRecorder?, scenario: Scenario) throws {
        guard let recorder, let trace else { return }
        let url = URL(fileURLWithPath: trace)
        do {
            try recorder.document(scenario: scenario.name, seed: scenario.seed).write(to: url)
        } catch {
            printError("\(trace): error: cannot write the trace: \(error)")
            throw ExitCode.failure
        }
        print("trace: \(url.path) (\(recorder.recorded) events, replication 0)")
        if let at = recorder.truncatedAt {
            printError("note: the trace stopped at simulated \(clock(at.seconds)) after \(recorder.recorded) events "
                + "(--trace-max-events); narrow --trace-window or raise the limit to see later events")
        }
    }
}
