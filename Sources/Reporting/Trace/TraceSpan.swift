/// One thing that happened on a timeline, for the Chrome trace-event export: a span (a request
/// served, a transcode, a breaker open period) when `duration` is set, an instant otherwise.
///
/// `process` groups tracks (a service, a region); `track` is a row within it (a pod, a GPU, a
/// queue). Both are names; the writer assigns numeric ids in sorted name order.
public struct TraceSpan: Sendable, Equatable {
    public var name: String
    /// Comma-separated categories ("transcode,gpu"), filterable in Perfetto.
    public var category: String
    public var start: Instant
    /// The span's length; nil for an instant event.
    public var duration: TimeAmount?
    public var process: String
    public var track: String
    /// Extra fields shown in the viewer; keys are written in sorted order.
    public var args: [String: String]

    public init(name: String, category: String = "", start: Instant, duration: TimeAmount? = nil,
                process: String = "loomsim", track: String, args: [String: String] = [:]) {
        self.name = name
        self.category = category
        self.start = start
        self.duration = duration
        self.process = process
        self.track = track
        self.args = args
    }

    /// An instant event (Chrome `ph: "i"`).
    public static func instant(_ name: String, category: String = "", at time: Instant, process: String = "loomsim",
                               track: String, args: [String: String] = [:]) -> TraceSpan {
        TraceSpan(name: name, category: category, start: time, duration: nil, process: process, track: track, args: args)
    }

    /// The end of a span (its start for an instant).
    public var end: Instant { duration.map { start + $0 } ?? start }
}

/// A window of simulated time to export (both ends included for instants; spans overlapping it
/// are clipped to it).
public struct TraceWindow: Sendable, Equatable {
    public var start: Instant
    public var end: Instant

    public init(start: Instant, end: Instant) {
        self.start = start
        self.end = end
    }

    /// Everything.
    public static let all = TraceWindow(start: Instant(nanoseconds: .min), end: .distantFuture)
}
