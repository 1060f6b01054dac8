import Foundation

/// Writes spans as Chrome trace-event JSON (the "JSON Array Format" that Perfetto and
/// chrome://tracing open, or the "JSON Object Format" `{"traceEvents": [...]}` of
/// `renderDocument`): `ph: "M"` metadata naming processes and threads, `ph: "X"` complete
/// events with `ts`/`dur` in microseconds (nanosecond precision as three decimals), `ph: "i"`
/// thread-scoped instants and `ph: "C"` counter samples. Output is deterministic: ids follow sorted names, events are ordered
/// by start time then input order, and args by key.
public enum TraceEventWriter {
    /// The JSON text for the spans that fall in `window` (spans clipped to it; clipped spans get
    /// `args.clipped = "true"`).
    public static func render(_ spans: [TraceSpan], window: TraceWindow = .all) -> String {
        "[\n" + eventLines(spans, counters: [], window: window).joined(separator: ",\n") + "\n]\n"
    }

    /// One JSON object per line: process and thread names, then spans, instants and counter
    /// samples (`ph: "C"`, one counter track per name within its process) by time.
    static func eventLines(_ spans: [TraceSpan], counters: [TraceCounter], window: TraceWindow) -> [String] {
        let kept: [(offset: Int, span: TraceSpan)] = spans.enumerated().compactMap { i, s in
            if s.duration == nil {
                return s.start >= window.start && s.start <= window.end ? (i, s) : nil
            }
            guard s.end >= window.start, s.start <= window.end else { return nil }
            var c = s
            let start = max(s.start, window.start), end = min(s.end, window.end)
            if start != s.start || end != s.end {
                c.start = start
                c.duration = end - start
                c.args["clipped"] = "true"
            }
            return (i, c)
        }
        let keptCounters = counters.enumerated().filter { $0.element.time >= window.start && $0.element.time <= window.end }
        let processes = Array(Set(kept.map(\.span.process) + keptCounters.map(\.element.process))).sorted()
        let pid = Dictionary(uniqueKeysWithValues: processes.enumerated().map { ($1, $0 + 1) })
        let tracks = Array(Set(kept.map { TrackKey(process: $0.span.process, track: $0.span.track) })).sorted()
        let tid = Dictionary(uniqueKeysWithValues: tracks.enumerated().map { ($1, $0 + 1) })

        var lines: [String] = []
        for p in processes {
            lines.append(meta("process_name", pid: pid[p]!, tid: 0, name: p))
        }
        for (i, t) in tracks.enumerated() {
            lines.append(meta("thread_name", pid: pid[t.process]!, tid: tid[t]!, name: t.track))
            lines.append(JSONValue.object([
                ("name", .string("thread_sort_index")), ("ph", .string("M")), ("pid", .int(Int64(pid[t.process]!))),
                ("tid", .int(Int64(tid[t]!))), ("args", .object([("sort_index", .int(Int64(i)))])),
            ]).compact())
        }
        // Counters sort after spans at the same instant (offsets past every span's).
        var timeline = kept.map { (time: $0.span.start.nanoseconds, offset: $0.offset, line: span($0.span, pid: pid, tid: tid)) }
        timeline += keptCounters.map { (time: $0.element.time.nanoseconds, offset: spans.count + $0.offset, line: counter($0.element, pid: pid)) }
        timeline.sort { ($0.time, $0.offset) < ($1.time, $1.offset) }
        return lines + timeline.map(\.line)
    }

    static func counter(_ c: TraceCounter, pid: [String: Int]) -> String {
        TraceJSON.object([
            ("name", .string(c.name)), ("cat", .string(c.category)), ("ph", .string("C")),
            ("ts", .raw(micros(c.time.nanoseconds))), ("pid", .int(Int64(pid[c.process]!))), ("tid", .int(0)),
            ("args", .object(c.values.map { ($0.name, JSONValue.number($0.value)) })),
        ])
    }

    static func span(_ s: TraceSpan, pid: [String: Int], tid: [TrackKey: Int]) -> String {
        let key = TrackKey(process: s.process, track: s.track)
        var members: [(String, TraceMember)] = [
            ("name", .string(s.name)), ("cat", .string(s.category)), ("ph", .string(s.duration == nil ? "i" : "X")),
            ("ts", .raw(micros(s.start.nanoseconds))),
        ]
        if let d = s.duration { members.append(("dur", .raw(micros(max(0, d.nanoseconds))))) }
        members += [("pid", .int(Int64(pid[s.process]!))), ("tid", .int(Int64(tid[key]!)))]
        if s.duration == nil { members.append(("s", .string("t"))) }
        if !s.args.isEmpty {
            members.append(("args", .object(s.args.keys.sorted().map { ($0, JSONValue.string(s.args[$0]!)) })))
        }
        return TraceJSON.object(members)
    }

    /// Writes `render(spans, window:)` to `url` atomically.
    public static func write(_ spans: [TraceSpan], window: TraceWindow = .all, to url: URL) throws {
        try AtomicFile.write(Data(render(spans, window: window).utf8), to: url)
    }

    /// Nanoseconds as microseconds with three decimals ("1234.567"), exact.
    static func micros(_ ns: Int64) -> String {
        let negative = ns < 0
        let m = negative ? UInt64(0) &- UInt64(bitPattern: ns) : UInt64(ns)
        let frac = String(m % 1000)
        return (negative ? "-" : "") + String(m / 1000) + "." + String(repeating: "0", count: 3 - frac.count) + frac
    }

    static func meta(_ kind: String, pid: Int, tid: Int, name: String) -> String {
        JSONValue.object([
            ("name", .string(kind)), ("ph", .string("M")), ("pid", .int(Int64(pid))), ("tid", .int(Int64(tid))),
            ("args", .object([("name", .string(name))])),
        ]).compact()
    }

    struct TrackKey: Hashable, Comparable {
        var process: String
        var track: String
        static func < (a: TrackKey, b: TrackKey) -> Bool { (a.process, a.track) < (b.process, b.track) }
    }
}

/// Members that are either JSON values or pre-formatted number text (exact microseconds).
enum TraceJSON {
    static func object(_ members: [(String, TraceMember)]) -> String {
        var out = "{"
        for (i, (k, v)) in members.enumerated() {
            if i > 0 { out += "," }
            JSONValue.quote(k, into: &out)
            out += ":"
            switch v {
            case .value(let j): out += j.compact()
            case .raw(let s): out += s
            }
        }
        return out + "}"
    }
}

/// A trace-event member value.
enum TraceMember {
    case value(JSONValue)
    case raw(String)

    static func string(_ s: String) -> TraceMember { .value(.string(s)) }
    static func int(_ i: Int64) -> TraceMember { .value(.int(i)) }
    static func object(_ m: [(String, JSONValue)]) -> TraceMember { .value(.object(m)) }
}
