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

    /// An empty histogram of the shape every latency uses.
    private let emptyHistogram = Histogram<UInt64>(
        lowestDiscernibleValue: 1, highestTrackableValue: 30 * 86_400 * 1_000_000, numberOfSignificantValueDigits: .three)
    private var times: [Instant] = []
    private var gauges: [Gauge] = []
    private var counterStates: [CounterState] = []
    private var latencyStates: [LatencyState] = []
    private var events: [NotableEvent] = []
    private var droppedEvents: [String: Int] = [:]
    private var warmUpEnd = Instant.zero
    private var lastSample = Instant.zero
    /// Most notable events kept; the rest are counted by kind.
    public let eventLimit: Int

    public init(eventLimit: Int = 10_000) {
        self.eventLimit = eventLimit
    }

    // MARK: Registration

    /// A gauge read at every sampling instant (replicas, queue depth, utilization).
    public func registerGauge(_ key: String, unit: String, read: @escaping () -> Double) {
        precondition(!gauges.contains { $0.key == key }, "gauge \(key) registered twice")
        gauges.append(Gauge(key: key, unit: unit, read: read, values: Array(repeating: .nan, count: times.count)))
    }

    /// A counter; its per-interval rate becomes the series `<key>.rate`.
    public func registerCounter(_ key: String, unit: String) -> Counter {
        if let i = counterStates.firstIndex(where: { $0.key == key }) { return Counter(index: i) }
        counterStates.append(CounterState(key: key, unit: unit, rates: Array(repeating: .nan, count: times.count)))
        return Counter(index: counterStates.count - 1)
    }

    /// A latency distribution; per-interval p50 and p99 become series `<key>.p50` / `<key>.p99`.
    public func registerLatency(_ key: String) -> Latency {
        if let i = latencyStates.firstIndex(where: { $0.key == key }) { return Latency(index: i) }
        // Microsecond resolution from 1 µs to 30 days, three significant digits.
        latencyStates.append(LatencyState(key: key, whole: emptyHistogram,
            p50: Array(repeating: .nan, count: times.count), p99: Array(repeating: .nan, count: times.count)))
        return Latency(index: latencyStates.count - 1)
    }

    // MARK: Hot path

    @inline(__always) public func add(_ counter: Counter, _ amount: Double = 1) {
        counterStates[counter.index].total += amount
    }

    public func record(_ latency: Latency, _ duration: TimeAmount) {
        let micros = UInt64(max(1, min(duration.nanoseconds / 1_000, 30 * 86_400 * 1_000_000)))
        _ = latencyStates[latency.index].whole.record(micros)
        if latencyStates[latency.index].wholeValues != nil {
            latencyStates[latency.index].wholeValues!.append(micros)
            if latencyStates[latency.index].wholeValues!.count > RawPercentiles.runLimit { latencyStates[latency.index].wholeValues = nil }
        }
        if latencyStates[latency.index].windowHistogram != nil {
            _ = latencyStates[latency.index].windowHistogram!.record(micros)
            return
        }
        latencyStates[latency.index].window.append(micros)
        if latencyStates[latency.index].window.count > RawPercentiles.intervalLimit {
            var h = emptyHistogram
            for v in latencyStates[latency.index].window { _ = h.record(v) }
            latencyStates[latency.index].windowHistogram = h
            latencyStates[latency.index].window.removeAll(keepingCapacity: true)
        }
    }

    /// Records a notable event (kept up to `eventLimit`, then only counted).
    public func note(_ kind: String, subject: String, detail: String = "", at time: Instant) {
        if events.count < eventLimit {
            events.append(NotableEvent(time: time, kind: kind, subject: subject, detail: detail))
        } else {
            droppedEvents[kind, default: 0] += 1
        }
    }

    // MARK: Sampling

    /// Reads every gauge and closes the current interval of counters and latencies.
    public func sample(at time: Instant) {
        let seconds = max((time - lastSample).seconds, 1e-9)
        times.append(time)
        for i in gauges.indices { gauges[i].values.append(gauges[i].read()) }
        for i in counterStates.indices {
            let c = counterStates[i]
            counterStates[i].rates.append((c.total - c.atLastSample) / seconds)
            counterStates[i].atLastSample = c.total
        }
        for i in latencyStates.indices {
            let spilled = latencyStates[i].windowHistogram
            let (p50, p99) = RawPercentiles.medianAnd99th(of: &latencyStates[i].window, spilled: spilled, shape: emptyHistogram)
            latencyStates[i].p50.append(p50.map { Double($0) / 1e6 } ?? .nan)
            latencyStates[i].p99.append(p99.map { Double($0) / 1e6 } ?? .nan)
            latencyStates[i].window.removeAll(keepingCapacity: true)
            latencyStates[i].windowHistogram = nil
        }
        lastSample = time
    }

    /// Deletes everything measured so far from totals and distributions (not from series).
    public func endWarmUp(at time: Instant) {
        warmUpEnd = time
        for i in counterStates.indices { counterStates[i].atWarmUpEnd = counterStates[i].total }
        for i in latencyStates.indices {
            latencyStates[i].whole = emptyHistogram
            latencyStates[i].wholeValues = []
        }
    }

    /// The total of a counter since the warm-up.
    public func total(_ counter: Counter) -> Double {
        counterStates[counter.index].total - counterStates[counter.index].atWarmUpEnd
    }

    /// Everything measured, as values.
    public func snapshot() -> MetricsSnapshot {
        var series: [TimeSeries] = gauges.map { TimeSeries(key: $0.key, unit: $0.unit, values: $0.values) }
        for c in counterStates { series.append(TimeSeries(key: c.key + ".rate", unit: c.unit + "/s", values: c.rates)) }
        for l in latencyStates {
            series.append(TimeSeries(key: l.key + ".p50", unit: "s", values: l.p50))
            series.append(TimeSeries(key: l.key + ".p99", unit: "s", values: l.p99))
        }
        let counters = counterStates.map { CounterTotal(key: $0.key, unit: $0.unit, total: $0.total - $0.atWarmUpEnd) }
        let latencies = latencyStates.map { l -> LatencySummary in
            if let raw = l.wholeValues { return RawPercentiles.summary(key: l.key, values: raw, shape: emptyHistogram) }
            let h = l.whole
            func p(_ q: Double) -> Double { h.totalCount == 0 ? .nan : Double(h.valueAtPercentile(q)) / 1e6 }
            return LatencySummary(
                key: l.key, count: h.totalCount, mean: h.totalCount == 0 ? .nan : h.mean / 1e6,
                p50: p(50), p90: p(90), p95: p(95), p99: p(99), p999: p(99.9),
                max: h.totalCount == 0 ? .nan : Double(h.max) / 1e6)
        }
        return MetricsSnapshot(
            times: times, series: series, counters: counters, latencies: latencies,
            events: events, droppedEventCounts: droppedEvents, warmUpEnd: warmUpEnd)
    }
}
