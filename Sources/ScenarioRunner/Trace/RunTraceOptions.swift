import Foundation
import Reporting
import ScenarioKit

/// What `loomsim run --trace` asks for: a window of simulated time and the most events the trace
/// may hold, so a long run cannot produce a file Perfetto cannot open.
public struct RunTraceOptions: Sendable, Equatable {
    public var window: TraceWindow
    /// Events (instants, spans, counter samples) kept at most; recording stops when reached.
    public var maxEvents: Int

    /// About 40 MB of JSON; Perfetto's browser UI opens it comfortably.
    public static let defaultMaxEvents = 250_000

    public init(window: TraceWindow = .all, maxEvents: Int = RunTraceOptions.defaultMaxEvents) {
        self.window = window
        self.maxEvents = maxEvents
    }

    /// A window written `START..END` in scenario durations (`10m..15m`); either end may be left
    /// out (`30m..` to the end of the run, `..5m` from its start).
    public static func parseWindow(_ text: String) throws(UnitError) -> TraceWindow {
        let parts = text.components(separatedBy: "..").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else {
            throw UnitError("\"\(text)\" is not a window; expected START..END like 10m..15m (either end may be left out)")
        }
        let start = parts[0].isEmpty ? Instant.zero : Instant.zero + (try DurationSyntax.parse(parts[0]))
        let end = parts[1].isEmpty ? Instant.distantFuture : Instant.zero + (try DurationSyntax.parse(parts[1]))
        guard start < end else { throw UnitError("the window \"\(text)\" is empty: its start must be before its end") }
        return TraceWindow(start: start, end: end)
    }
}
