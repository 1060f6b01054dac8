import Foundation

/// One sample of a counter track for the Chrome trace-event export (`ph: "C"`): a queue's depth
/// or a deployment's replicas at one sampling instant, drawn by Perfetto as a step chart.
/// Several `values` under one name stack in one track (Chrome's counter `args`).
public struct TraceCounter: Sendable, Equatable {
    public var name: String
    public var category: String
    public var process: String
    public var time: Instant
    /// (series name, value) in the order given; non-finite values must be left out.
    public var values: [(name: String, value: Double)]

    public init(name: String, category: String = "counter", process: String, time: Instant,
                values: [(name: String, value: Double)]) {
        self.name = name
        self.category = category
        self.process = process
        self.time = time
        self.values = values
    }

    public static func == (a: TraceCounter, b: TraceCounter) -> Bool {
        a.name == b.name && a.category == b.category && a.process == b.process && a.time == b.time
            && a.values.map(\.name) == b.values.map(\.name) && a.values.map(\.value) == b.values.map(\.value)
    }
}

/// A whole trace file: spans, instants and counters plus notes about how it was made (window,
/// truncation), written in the Chrome "JSON Object Format" that Perfetto opens:
/// `{"traceEvents": [...], "displayTimeUnit": "ms", "otherData": {...}}`.
public struct TraceDocument: Sendable, Equatable {
    public var spans: [TraceSpan]
    public var counters: [TraceCounter]
    public var window: TraceWindow
    /// Shown by viewers as the trace's metadata (`otherData`), in the order given.
    public var notes: [(key: String, value: String)]

    public init(spans: [TraceSpan], counters: [TraceCounter] = [], window: TraceWindow = .all,
                notes: [(key: String, value: String)] = []) {
        self.spans = spans
        self.counters = counters
        self.window = window
        self.notes = notes
    }

    public static func == (a: TraceDocument, b: TraceDocument) -> Bool { a.render() == b.render() }

    /// The JSON text, one event per line; deterministic like `TraceEventWriter.render`.
    public func render() -> String {
        let events = TraceEventWriter.eventLines(spans, counters: counters, window: window)
        let other = JSONValue.object(notes.map { ($0.key, JSONValue.string($0.value)) }).compact()
        return "{\"displayTimeUnit\":\"ms\",\"otherData\":" + other + ",\"traceEvents\":[\n"
            + events.joined(separator: ",\n") + "\n]}\n"
    }

    /// Writes `render()` to `url` atomically.
    public func write(to url: URL) throws {
        try AtomicFile.write(Data(render().utf8), to: url)
    }
}
