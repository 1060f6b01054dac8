import LoomServices
import ScenarioKit

/// Answers an SLO's question — a statistic of a metric — from one replication's measurements.
///
/// Metrics are found by name among, in order: latency distributions (`p50` ... `max`, `mean`,
/// `count`), counters (`count`/`sum` = total, `rate` = total per measured second), time series
/// (statistics over the samples after the warm-up; a name without labels sums the labelled
/// series of that name), and the conservation ledger (`<service>.entered`, `.completed`,
/// `.failed`, `.dead_lettered`, `.dropped`, `.in_flight`; `ratio` divides by entered). `ratio`
/// of `a/b` divides two counters. The special metric `requests.lost` is the number of units that
/// broke the one-terminal-state rule or left a service unbalanced (0 when nothing was lost).
/// Values are in base units: seconds, per second, fractions, dollars, counts.
public struct MetricLookup {
    public let snapshot: MetricsSnapshot
    public let conservation: [ConservationLedger.Flow]
    public let violations: [String]
    public let runEnd: Instant

    public init(snapshot: MetricsSnapshot, conservation: [ConservationLedger.Flow], violations: [String], runEnd: Instant) {
        self.snapshot = snapshot
        self.conservation = conservation
        self.violations = violations
        self.runEnd = runEnd
    }

    /// Seconds measured after the warm-up.
    var measuredSeconds: Double { max((runEnd - snapshot.warmUpEnd).seconds, 1e-9) }

    public func value(_ metric: String, _ statistic: Statistic) -> Double? {
        if metric == WellKnownMetrics.lostRequests {
            let unbalanced = conservation.filter { !$0.isBalanced }.count
            return Double(violations.count + unbalanced)
        }
        if statistic == .ratio, let slash = metric.firstIndex(of: "/") {
            let a = String(metric[..<slash]), b = String(metric[metric.index(after: slash)...])
            guard let x = value(a, .count), let y = value(b, .count), y > 0 else { return nil }
            return x / y
        }
        if let latency = snapshot.latency(named: metric) { return latencyValue(latency, statistic) }
        if let counter = snapshot.counter(named: metric) { return counterValue(counter.total, statistic) }
        let labelled = snapshot.counters.filter { $0.key.hasPrefix(metric + "{") }
        if !labelled.isEmpty, statistic != .mean, statistic != .max, statistic != .min {
            return counterValue(labelled.reduce(0) { $0 + $1.total }, statistic)
        }
        if let values = seriesValues(metric) { return seriesStatistic(values, statistic) }
        if let count = ledgerValue(metric, statistic) { return count }
        return nil
    }

    private func latencyValue(_ l: LatencySummary, _ statistic: Statistic) -> Double? {
        switch statistic {
        case .count: return Double(l.count)
        case .p50, .p90, .p95, .p99, .p999, .mean, .max: return l.count == 0 ? nil : l.statistic(statistic.rawValue)
        default: return nil
        }
    }

    private func counterValue(_ total: Double, _ statistic: Statistic) -> Double? {
        switch statistic {
        case .count, .sum: return total
        case .rate: return total / measuredSeconds
        default: return nil
        }
    }

    /// The post-warm-up samples of `metric` (summed across labels when the name has none).
    func seriesValues(_ metric: String) -> [Double]? {
        let start = snapshot.times.firstIndex { $0 > snapshot.warmUpEnd } ?? snapshot.times.count
        if let s = snapshot.series(named: metric) { return Array(s.values[start...]).filter { !$0.isNaN } }
        let matching = snapshot.series.filter { $0.key.hasPrefix(metric + "{") }
        guard !matching.isEmpty else { return nil }
        return (start..<snapshot.times.count).compactMap { i in
            let v = matching.map { $0.values[i] }.filter { !$0.isNaN }
            return v.isEmpty ? nil : v.reduce(0, +)
        }
    }

    private func seriesStatistic(_ values: [Double], _ statistic: Statistic) -> Double? {
        guard !values.isEmpty else { return nil }
        switch statistic {
        case .mean: return values.reduce(0, +) / Double(values.count)
        case .min: return values.min()
        case .max: return values.max()
        case .sum, .count: return values.reduce(0, +)
        case .rate: return values.last
        case .p50, .p90, .p95, .p99, .p999:
            let q = ["p50": 0.5, "p90": 0.9, "p95": 0.95, "p99": 0.99, "p999": 0.999][statistic.rawValue]!
            // Nearest-rank percentile of the sampled values.
            let sorted = values.sorted()
            let rank = Int((q * Double(sorted.count)).rounded(.up))
            return sorted[min(sorted.count - 1, max(0, rank - 1))]
        case .ratio: return nil
        }
    }

    private func ledgerValue(_ metric: String, _ statistic: Statistic) -> Double? {
        guard let dot = metric.lastIndex(of: ".") else { return nil }
        let service = String(metric[..<dot]), field = String(metric[metric.index(after: dot)...])
        guard let flow = conservation.first(where: { $0.service == service }) else { return nil }
        let count: Int
        switch field {
        case "entered": count = flow.entered
        case "completed", "failed", "dead_lettered", "dropped": count = flow.count(field)
        case "in_flight": count = flow.inFlight
        default: return nil
        }
        switch statistic {
        case .count, .sum: return Double(count)
        case .ratio: return flow.entered == 0 ? nil : Double(count) / Double(flow.entered)
        case .rate: return Double(count) / measuredSeconds
        default: return nil
        }
    }
}

/// Reduces one value per replication to the value an SLO is checked on.
public func reduce(_ values: [Double], by bound: ReplicationBound) -> Double? {
    guard !values.isEmpty else { return nil }
    switch bound {
    case .mean: return values.reduce(0, +) / Double(values.count)
    case .max: return values.max()
    case .min: return values.min()
    case .upper95, .lower95:
        guard values.count >= 2 else { return values[0] }
        let ci = ConfidenceInterval(observations: values, level: 0.95)
        return bound == .upper95 ? ci.upper : ci.lower
    }
}
