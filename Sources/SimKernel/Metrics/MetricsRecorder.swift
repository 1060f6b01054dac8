import Histogram

/// Collects a run's measurements: gauges read at every sampling instant, counters, latency
/// histograms and notable events. Models register what they measure once and update it on the
/// hot path through small integer handles (no string lookups per event).
///
/// The owner calls `sample(at:)` every sampling interval (the scrape period of a real cluster's
/// metrics pipeline) and `endWarmUp(at:)` once; measurements before the warm-up's end are
/// deleted from totals and distributions, as steady-state estimation requires, while the time
/// series keep the whole run so the transient stays visible in reports.
public final class MetricsRecorder {
    /// Handle to a registered counter.
    public struct Counter: Sendable { let index: Int }
    /// Handle to a registered latency histogram.
    public struct Latency: Sendable { let index: Int }

    private struct Gauge {
        var key: String
        var unit: String
        var read: () -> Double
        var values: [Double]
    }
    private struct CounterState {
        var key: String
        var unit: String
        var total: Double = 0
        var atWarmUpEnd: Double = 0
        var atLastSample: Double = 0
        var rates: [Double] = []
    }
    private struct LatencyState {
        var key: String
        var whole: Histogram<UInt64>
        /// The values since the warm-up while there are few (see `RawPercentiles`); nil beyond.
        var wholeValues: [UInt64]? = []
        /// The current interval's values while there are few (see `RawPercentiles`).
        var window: [UInt64] = []
        /// The current interval as a histogram, once it outgrew `RawPercentiles.intervalLimit`.
        var windowHistogram: Histogram<UInt64>?
        var p50: [Double] = []
        var p99: [Double] = []
    }

    /// Everything measured, shared by a recorder and its labelled views.
    private final class Store {
        /// An empty histogram of the shape every latency uses.
        let emptyHistogram = Histogram<UInt64>(
            lowestDiscernibleValue: 1, highestTrackableValue: 30 * 86_400 * 1_000_000, numberOfSignificantValueDigits: .three)
        var times: [Instant] = []
        var gauges: [Gauge] = []
        var counterStates: [CounterState] = []
        var latencyStates: [LatencyState] = []
        var events: [NotableEvent] = []
        var droppedEvents: [String: Int] = [:]
        var warmUpEnd = Instant.zero
        var lastSample = Instant.zero
    }
    private let store: Store
    /// Labels added to every key registered through this recorder (empty for the root).
    public let labels: [(String, String)]
    /// Most notable events kept; the rest are counted by kind.
    public let eventLimit: Int

    public init(eventLimit: Int = 10_000) {
        self.eventLimit = eventLimit
        store = Store()
        labels = []
    }

    private init(sharing parent: MetricsRecorder, labels: [(String, String)]) {
        eventLimit = parent.eventLimit
        store = parent.store
        self.labels = labels
    }

    /// A view of this recorder that adds `labels` to every key registered through it, while
    /// counting, sampling and snapshotting the same measurements. Why: a model instantiated once
    /// per region registers the same keys; the view for a backup region turns
    /// `recording.active_sessions` into `recording.active_sessions{region=us-west-2}` without the
    /// model knowing. A label the key already has keeps the key's value.
    public func labelled(_ labels: [(String, String)]) -> MetricsRecorder {
        MetricsRecorder(sharing: self, labels: self.labels + labels)
    }

    /// `key` with this recorder's labels merged into its own (sorted by name, as `metricKey`).
    public func scopedKey(_ key: String) -> String {
        guard !labels.isEmpty else { return key }
        var name = Substring(key)
        var own: [(String, String)] = []
        if let open = key.firstIndex(of: "{"), key.hasSuffix("}") {
            name = key[..<open]
            for pair in key[key.index(after: open)..<key.index(before: key.endIndex)].split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                own.append((String(parts[0]), parts.count > 1 ? String(parts[1]) : ""))
            }
        }
        for (label, value) in labels where !own.contains(where: { $0.0 == label }) { own.append((label, value)) }
        return metricKey(String(name), own)
    }

    // MARK: Registration

    /// A gauge read at every sampling instant (replicas, queue depth, utilization).
    public func registerGauge(_ key: String, unit: String, read: @escaping () -> Double) {
        let key = scopedKey(key)
        precondition(!store.gauges.contains { $0.key == key }, "gauge \(key) registered twice")
        store.gauges.append(Gauge(key: key, unit: unit, read: read, values: Array(repeating: .nan, count: store.times.count)))
    }

    /// A counter; its per-interval rate becomes the series `<key>.rate`.
    public func registerCounter(_ key: String, unit: String) -> Counter {
        let key = scopedKey(key)
        if let i = store.counterStates.firstIndex(where: { $0.key == key }) { return Counter(index: i) }
        store.counterStates.append(CounterState(key: key, unit: unit, rates: Array(repeating: .nan, count: store.times.count)))
        return Counter(index: store.counterStates.count - 1)
    }

    /// A latency distribution; per-interval p50 and p99 become series `<key>.p50` / `<key>.p99`.
    public func registerLatency(_ key: String) -> Latency {
        let key = scopedKey(key)
        if let i = store.latencyStates.firstIndex(where: { $0.key == key }) { return Latency(index: i) }
        // Microsecond resolution from 1 µs to 30 days, three significant digits.
        store.latencyStates.append(LatencyState(key: key, whole: store.emptyHistogram,
            p50: Array(repeating: .nan, count: store.times.count), p99: Array(repeating: .nan, count: store.times.count)))
        return Latency(index: store.latencyStates.count - 1)
    }

    // MARK: Hot path

    @inline(__always) public func add(_ counter: Counter, _ amount: Double = 1) {
        store.counterStates[counter.index].total += amount
    }

    public func record(_ latency: Latency, _ duration: TimeAmount) {
        let micros = UInt64(max(1, min(duration.nanoseconds / 1_000, 30 * 86_400 * 1_000_000)))
        _ = store.latencyStates[latency.index].whole.record(micros)
        if store.latencyStates[latency.index].wholeValues != nil {
            store.latencyStates[latency.index].wholeValues!.append(micros)
            if store.latencyStates[latency.index].wholeValues!.count > RawPercentiles.runLimit { store.latencyStates[latency.index].wholeValues = nil }
        }
        if store.latencyStates[latency.index].windowHistogram != nil {
            _ = store.latencyStates[latency.index].windowHistogram!.record(micros)
            return
        }
        store.latencyStates[latency.index].window.append(micros)
        if store.latencyStates[latency.index].window.count > RawPercentiles.intervalLimit {
            var h = store.emptyHistogram
            for v in store.latencyStates[latency.index].window { _ = h.record(v) }
            store.latencyStates[latency.index].windowHistogram = h
            store.latencyStates[latency.index].window.removeAll(keepingCapacity: true)
        }
    }

    /// Records a notable event (kept up to `eventLimit`, then only counted).
    public func note(_ kind: String, subject: String, detail: String = "", at time: Instant) {
        if store.events.count < eventLimit {
            store.events.append(NotableEvent(time: time, kind: kind, subject: subject, detail: detail))
        } else {
            store.droppedEvents[kind, default: 0] += 1
        }
    }

    // MARK: Sampling

    /// Reads every gauge and closes the current interval of counters and latencies.
    public func sample(at time: Instant) {
        let seconds = max((time - store.lastSample).seconds, 1e-9)
        store.times.append(time)
        for i in store.gauges.indices { store.gauges[i].values.append(store.gauges[i].read()) }
        for i in store.counterStates.indices {
            let c = store.counterStates[i]
            store.counterStates[i].rates.append((c.total - c.atLastSample) / seconds)
            store.counterStates[i].atLastSample = c.total
        }
        for i in store.latencyStates.indices {
            let spilled = store.latencyStates[i].windowHistogram
            let (p50, p99) = RawPercentiles.medianAnd99th(of: &store.latencyStates[i].window, spilled: spilled, shape: store.emptyHistogram)
            store.latencyStates[i].p50.append(p50.map { Double($0) / 1e6 } ?? .nan)
            store.latencyStates[i].p99.append(p99.map { Double($0) / 1e6 } ?? .nan)
            store.latencyStates[i].window.removeAll(keepingCapacity: true)
            store.latencyStates[i].windowHistogram = nil
        }
        store.lastSample = time
    }

    /// Deletes everything measured so far from totals and distributions (not from series).
    public func endWarmUp(at time: Instant) {
        store.warmUpEnd = time
        for i in store.counterStates.indices { store.counterStates[i].atWarmUpEnd = store.counterStates[i].total }
        for i in store.latencyStates.indices {
            store.latencyStates[i].whole = store.emptyHistogram
            store.latencyStates[i].wholeValues = []
        }
    }

    /// The total of a counter since the warm-up.
    public func total(_ counter: Counter) -> Double {
        store.counterStates[counter.index].total - store.counterStates[counter.index].atWarmUpEnd
    }

    /// Everything measured, as values.
    public func snapshot() -> MetricsSnapshot {
        var series: [TimeSeries] = store.gauges.map { TimeSeries(key: $0.key, unit: $0.unit, values: $0.values) }
        for c in store.counterStates { series.append(TimeSeries(key: c.key + ".rate", unit: c.unit + "/s", values: c.rates)) }
        for l in store.latencyStates {
            series.append(TimeSeries(key: l.key + ".p50", unit: "s", values: l.p50))
            series.append(TimeSeries(key: l.key + ".p99", unit: "s", values: l.p99))
        }
        let counters = store.counterStates.map { CounterTotal(key: $0.key, unit: $0.unit, total: $0.total - $0.atWarmUpEnd) }
        let latencies = store.latencyStates.map { l -> LatencySummary in
            if let raw = l.wholeValues { return RawPercentiles.summary(key: l.key, values: raw, shape: store.emptyHistogram) }
            let h = l.whole
            func p(_ q: Double) -> Double { h.totalCount == 0 ? .nan : Double(h.valueAtPercentile(q)) / 1e6 }
            return LatencySummary(
                key: l.key, count: h.totalCount, mean: h.totalCount == 0 ? .nan : h.mean / 1e6,
                p50: p(50), p90: p(90), p95: p(95), p99: p(99), p999: p(99.9),
                max: h.totalCount == 0 ? .nan : Double(h.max) / 1e6)
        }
        return MetricsSnapshot(
            times: store.times, series: series, counters: counters, latencies: latencies,
            events: store.events, droppedEventCounts: store.droppedEvents, warmUpEnd: store.warmUpEnd)
    }
}
