/// Everything a run measured, as plain values: what reports, the results database and SLO
/// checks read. Series share one time axis (they are sampled together), so the snapshot is
/// columnar: `times[i]` is the instant of every series' `values[i]`.
public struct MetricsSnapshot: Sendable, Equatable {
    /// Sampling instants, ascending.
    public var times: [Instant]
    /// Time series in registration order (stable, so reports are byte-identical run to run).
    public var series: [TimeSeries]
    /// Counter totals after the warm-up, in registration order.
    public var counters: [CounterTotal]
    /// Latency distributions after the warm-up, in registration order.
    public var latencies: [LatencySummary]
    /// Notable events (breaker opened, failover started...) in time order, at most `limit`.
    public var events: [NotableEvent]
    /// Events not kept because the list was full, by kind.
    public var droppedEventCounts: [String: Int]
    /// When the warm-up ended (measurements before it are deleted).
    public var warmUpEnd: Instant

    public init(times: [Instant], series: [TimeSeries], counters: [CounterTotal], latencies: [LatencySummary],
                events: [NotableEvent], droppedEventCounts: [String: Int], warmUpEnd: Instant) {
        self.times = times
        self.series = series
        self.counters = counters
        self.latencies = latencies
        self.events = events
        self.droppedEventCounts = droppedEventCounts
        self.warmUpEnd = warmUpEnd
    }

    public func series(named key: String) -> TimeSeries? { series.first { $0.key == key } }
    public func counter(named key: String) -> CounterTotal? { counters.first { $0.key == key } }
    public func latency(named key: String) -> LatencySummary? { latencies.first { $0.key == key } }
}

/// One sampled quantity over time ("recording.replicas", "video.queue_depth{priority=high}").
public struct TimeSeries: Sendable, Equatable {
    /// Name with labels: `name{label=value,...}`, labels sorted.
    public var key: String
    public var unit: String
    /// One value per `MetricsSnapshot.times` entry.
    public var values: [Double]

    public init(key: String, unit: String, values: [Double]) {
        self.key = key
        self.unit = unit
        self.values = values
    }
}

/// A counter's total over the measured part of the run.
public struct CounterTotal: Sendable, Equatable {
    public var key: String
    public var unit: String
    public var total: Double
}

/// Percentiles of a latency (or any duration) distribution, from an HdrHistogram with three
/// significant digits; values in seconds.
public struct LatencySummary: Sendable, Equatable {
    public var key: String
    public var count: UInt64
    public var mean: Double
    public var p50: Double
    public var p90: Double
    public var p95: Double
    public var p99: Double
    public var p999: Double
    public var max: Double

    /// The value at a percentile name ("p50", "p95", "p99", "p999", "max", "mean").
    public func statistic(_ name: String) -> Double? {
        switch name {
        case "p50", "median": return p50
        case "p90": return p90
        case "p95": return p95
        case "p99": return p99
        case "p999", "p99.9": return p999
        case "max": return max
        case "mean": return mean
        default: return nil
        }
    }
}

/// Something a planner wants to see on the timeline: a breaker opening, a failover, a pod crash.
public struct NotableEvent: Sendable, Equatable {
    public var time: Instant
    /// A dotted kind ("breaker.opened", "failover.started").
    public var kind: String
    /// The entity it concerns ("video-processing", "us-east-1").
    public var subject: String
    public var detail: String

    public init(time: Instant, kind: String, subject: String, detail: String) {
        self.time = time
        self.kind = kind
        self.subject = subject
        self.detail = detail
    }
}

/// Builds a metric key `name{a=1,b=2}` with labels sorted by name.
public func metricKey(_ name: String, _ labels: [(String, String)] = []) -> String {
    guard !labels.isEmpty else { return name }
    let body = labels.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
    return "\(name){\(body)}"
}
