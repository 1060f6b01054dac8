import OrderedCollections

/// A service's request outcomes over one analysis interval, turned into the metrics the
/// degradation detector compares with its baseline (seed §8.2: `response_time`, `error_rate`,
/// `throughput`).
///
/// The hot path is `record(duration:failed:)`: three additions, no allocation. `take(now:)` closes
/// the interval and returns the metrics, or nil when nothing completed (no data is not a
/// degradation: the detector should not see a throughput of zero from an idle service as one
/// unless asked with `reportIdle`).
///
/// Note the seed's rule for a zero baseline: `change_percent = 0` when the baseline is 0, so a
/// service whose baseline error rate is exactly 0 never shows an error-rate degradation.
public final class ServiceMetricsWindow {
    /// Which metrics `take` reports, in this order (the detector analyses them in order).
    public let reported: [PerformanceMetric]
    /// Report throughput 0 for an interval without requests instead of no sample.
    public let reportIdle: Bool

    private var count = 0
    private var failures = 0
    private var totalSeconds = 0.0
    private var intervalStart: Instant

    public init(reported: [PerformanceMetric] = [.responseTime, .errorRate, .throughput], reportIdle: Bool = false,
                startingAt start: Instant = .zero) {
        self.reported = reported
        self.reportIdle = reportIdle
        self.intervalStart = start
    }

    /// One request finished after `duration`, failed or not.
    @inline(__always)
    public func record(duration: TimeAmount, failed: Bool) {
        count += 1
        if failed { failures += 1 }
        totalSeconds += duration.seconds
    }

    /// Requests recorded in the current interval.
    public var requests: Int { count }

    /// Closes the interval at `now`: mean response time (s), error rate (0–1), throughput
    /// (requests/s), success rate (0–1) for the metrics in `reported`; nil when idle.
    public func take(now: Instant) -> OrderedDictionary<PerformanceMetric, Double>? {
        let seconds = max((now - intervalStart).seconds, 1e-9)
        defer {
            count = 0
            failures = 0
            totalSeconds = 0
            intervalStart = now
        }
        guard count > 0 || reportIdle else { return nil }
        var metrics: OrderedDictionary<PerformanceMetric, Double> = [:]
        for metric in reported {
            switch metric {
            case .responseTime: if count > 0 { metrics[metric] = totalSeconds / Double(count) }
            case .errorRate: metrics[metric] = count > 0 ? Double(failures) / Double(count) : 0
            case .successRate: metrics[metric] = count > 0 ? Double(count - failures) / Double(count) : 1
            case .throughput: metrics[metric] = Double(count) / seconds
            case .cpuUsage, .memoryUsage: break  // come from pods, not requests
            }
        }
        return metrics
    }
}
