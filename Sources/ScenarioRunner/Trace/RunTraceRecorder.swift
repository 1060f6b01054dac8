import LoomServices
import Reporting
import SimKernel

/// Records one replication for the `--trace` Chrome trace-event export (opens in Perfetto):
/// every event the kernel executes inside the window as an instant (name = its `EventKind`,
/// category and thread = the service the kind belongs to, the part before the first dot), every
/// tracked unit's life in a service (ledger admit → terminal state) as a span on a lane of that
/// service, notable events (faults, breakers, reroutes) as instants, and the queue-depth and
/// replica series as counters.
///
/// It watches the run through `RuntimeObserver` and `LedgerObserver`, which cost a nil check
/// when no recorder is attached. It only reads, so a traced run has the same digest as an
/// untraced one; it keeps compact records during the run and builds the document at the end.
/// At `maxEvents` it stops recording and notes the simulated time it stopped at.
///
/// `@unchecked Sendable`: it is handed to one replication, which alone touches it while running
/// on its worker thread; the caller reads it only after the parallel map has joined.
public final class RunTraceRecorder: RuntimeObserver, LedgerObserver, @unchecked Sendable {
    public let options: RunTraceOptions
    /// The simulated time at which the event budget ran out; nil when nothing was left out.
    public private(set) var truncatedAt: Instant?
    /// Events kept so far (the document holds at most `options.maxEvents`).
    public private(set) var recorded = 0

    struct Executed {
        var time: Instant
        var kind: UInt32
        var entity: UInt64
    }

    struct UnitLife {
        var service: String
        var id: UInt64
        var start: Instant
        var end: Instant
        var state: String
    }

    private var kindNames: [UInt32: String] = [:]
    private var executed: [Executed] = []
    private var lives: [UnitLife] = []
    private var open: [String: [UInt64: Instant]] = [:]
    private var extraSpans: [TraceSpan] = []
    private var counters: [TraceCounter] = []
    private var endTime = Instant.zero

    public init(options: RunTraceOptions) {
        self.options = options
    }

    /// Spends one event of the budget at `time`; false (and truncation noted) when none is left.
    private func take(at time: Instant) -> Bool {
        guard truncatedAt == nil else { return false }
        guard recorded < options.maxEvents else {
            truncatedAt = time
            return false
        }
        recorded += 1
        return true
    }

    private func inWindow(_ time: Instant) -> Bool { time >= options.window.start && time <= options.window.end }

    // MARK: RuntimeObserver

    public func scheduled(_ kind: EventKind) {
        if kindNames[kind.rawValue] == nil { kindNames[kind.rawValue] = kind.name }
    }

    public func willRun(kind: UInt32, entity: UInt64, at time: Instant) {
        guard inWindow(time), take(at: time) else { return }
        executed.append(Executed(time: time, kind: kind, entity: entity))
    }

    // MARK: LedgerObserver

    public func admitted(_ service: String, id: UInt64, at time: Instant) {
        open[service, default: [:]][id] = time
    }

    public func finished(_ service: String, id: UInt64, _ state: TerminalState, at time: Instant) {
        guard let start = open[service]?.removeValue(forKey: id) else { return }
        guard start <= options.window.end, time >= options.window.start, take(at: time) else { return }
        lives.append(UnitLife(service: service, id: id, start: start, end: time, state: state.description))
    }

    // MARK: After the run

    /// Adds what is known only at the end: units still in flight (spans to the end of the run),
    /// the notable events and the sampled queue-depth and replica series.
    public func complete(with result: PlatformSimulation.Result) {
        endTime = result.endTime
        for service in open.keys.sorted() {
            for (id, start) in open[service]!.sorted(by: { $0.key < $1.key })
            where start <= options.window.end && endTime >= options.window.start && take(at: endTime) {
                lives.append(UnitLife(service: service, id: id, start: start, end: endTime, state: "in flight"))
            }
        }
        open = [:]
        let snapshot = result.snapshot
        for e in snapshot.events where inWindow(e.time) {
            guard take(at: e.time) else { break }
            extraSpans.append(.instant(e.kind, category: "notable", at: e.time, process: "notable events", track: e.kind,
                                       args: ["subject": e.subject, "detail": e.detail].filter { !$0.value.isEmpty }))
        }
        let tracked = snapshot.series.filter { Self.isCounterTrack($0.key) }
        for (i, time) in snapshot.times.enumerated() where inWindow(time) {
            for s in tracked where i < s.values.count && s.values[i].isFinite {
                guard take(at: time) else { return }
                counters.append(TraceCounter(name: s.key, process: Self.service(of: s.key), time: time,
                                             values: [(name: "value", value: s.values[i])]))
            }
        }
    }

    /// Series drawn as counter tracks: queue depths, replica counts, work in flight, traffic shares.
    static func isCounterTrack(_ key: String) -> Bool {
        let metric = key.split(separator: "{", maxSplits: 1).first.map(String.init) ?? key
        return ["queue_depth", "replicas", "ready_replicas", "in_flight", "traffic_share"].contains { metric.hasSuffix(".\($0)") }
    }

    /// The part of a dotted name before its first dot ("video" for "video.validated").
    static func service(of name: String) -> String {
        name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? name
    }

    /// The trace: events clipped to the window, with notes on the window and any truncation.
    public func document(scenario: String, seed: UInt64) -> TraceDocument {
        var spans: [TraceSpan] = executed.map { e in
            let name = kindNames[e.kind] ?? "kind-\(e.kind)"
            let service = Self.service(of: name)
            return .instant(name, category: service, at: e.time, process: "kernel events", track: service,
                            args: e.entity == 0 ? [:] : ["entity": String(e.entity)])
        }
        spans += laneSpans()
        spans += extraSpans
        let window = options.window
        var notes: [(key: String, value: String)] = [
            ("scenario", scenario), ("seed", String(seed)), ("replication", "0"),
            ("window", "\(window.start.seconds)s..\(window.end == .distantFuture ? "end" : "\(window.end.seconds)s")"),
            ("events", String(recorded)), ("maxEvents", String(options.maxEvents)),
        ]
        if let truncatedAt {
            notes.append(("truncated", "event budget reached at simulated \(truncatedAt.seconds)s: later events are not in this trace"))
        }
        return TraceDocument(spans: spans, counters: counters, window: TraceWindow(start: window.start, end: min(window.end, endTime)),
                             notes: notes)
    }

    /// Unit lives as complete events, each service's packed onto the fewest lanes ("thread" rows)
    /// that keep spans on one lane from overlapping, since Chrome's `X` events on a thread must nest.
    func laneSpans() -> [TraceSpan] {
        var byService: [String: [UnitLife]] = [:]
        for life in lives { byService[life.service, default: []].append(life) }
        var spans: [TraceSpan] = []
        for service in byService.keys.sorted() {
            let list = byService[service]!.sorted { ($0.start, $0.end, $0.id) < ($1.start, $1.end, $1.id) }
            // Sweep starts and ends in time order and reuse freed lanes; at a tie starts go
            // first, so a zero-length span's end never frees a lane before the span has one.
            var boundaries: [(time: Instant, isStart: Bool, index: Int)] = []
            for (i, l) in list.enumerated() {
                boundaries.append((l.start, true, i))
                boundaries.append((l.end, false, i))
            }
            boundaries.sort { ($0.time, $0.isStart ? 0 : 1, $0.index) < ($1.time, $1.isStart ? 0 : 1, $1.index) }
            var lane = [Int](repeating: 0, count: list.count)
            var free: [Int] = []
            var lanes = 0
            for b in boundaries {
                if b.isStart {
                    if let l = free.popLast() { lane[b.index] = l } else { lane[b.index] = lanes; lanes += 1 }
                } else {
                    free.append(lane[b.index])
                }
            }
            let width = String(max(lanes - 1, 0)).count
            for (i, l) in list.enumerated() {
                let number = String(lane[i])
                spans.append(TraceSpan(name: l.state, category: "unit,\(service)", start: l.start, duration: l.end - l.start,
                                       process: service, track: "lane " + String(repeating: "0", count: width - number.count) + number,
                                       args: ["id": String(l.id)]))
            }
        }
        return spans
    }
}
