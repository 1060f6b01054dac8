import LoomServices
import ScenarioKit

/// `warmUp: auto`: the warm-up of one replication chosen by MSER-5 (White 1997; `MSER5` in the
/// kernel) on the series of the metrics its SLOs are stated on, so the initial transient (empty
/// queues, pods still starting) is deleted from the statistics the SLOs are checked on.
///
/// Each SLO metric is read as a per-sample series: a latency as its per-interval median
/// (`<metric>.p50`), a counter as its per-interval rate (`<metric>.rate`), a gauge as itself
/// (labelled gauges summed when the SLO names none). The truncation point is the largest of the
/// metrics' MSER-5 points (the most conservative), in whole sampling intervals. A series too short
/// for MSER-5 (fewer than 50 observed intervals) contributes nothing; if none can, nothing is
/// deleted and the choice is marked unreliable.
public enum AutoWarmUp {
    /// The choice for one replication.
    public struct Choice: Sendable, Equatable {
        /// Sampling intervals to delete from the start.
        public var samples: Int
        /// The warm-up's end: the instant of the last deleted sample (zero when none is deleted).
        public var end: Instant
        /// The metric whose truncation point was chosen (nil when none could be computed).
        public var metric: String?
        /// False when some MSER-5 minimum fell at the edge of its search (the run is too short to
        /// separate transient from steady state) or no series was long enough.
        public var reliable: Bool
    }

    /// The MSER-5 warm-up of a pilot run's `snapshot` for the metrics of `slos`.
    public static func choose(_ snapshot: MetricsSnapshot, slos: [SLOAssertion]) -> Choice {
        var best = Choice(samples: 0, end: .zero, metric: nil, reliable: true)
        var any = false
        var seen: Set<String> = []
        for slo in slos where seen.insert(slo.query.metric).inserted {
            guard let values = series(slo.query.metric, in: snapshot) else { continue }
            // MSER5 skips NaN intervals (no observations); map its count back to sample indices.
            let observed = values.indices.filter { !values[$0].isNaN }
            guard let t = MSER5.truncation(of: values) else { continue }
            any = true
            if !t.isReliable { best.reliable = false }
            let samples = t.deleteCount == 0 ? 0 : (t.deleteCount < observed.count ? observed[t.deleteCount] : values.count)
            if samples > best.samples {
                best.samples = samples
                best.metric = slo.query.metric
            }
        }
        if !any { best.reliable = false }
        if best.samples > 0 { best.end = snapshot.times[min(best.samples, snapshot.times.count) - 1] }
        return best
    }

    /// The per-sample series an SLO metric is judged by (the whole run, warm-up included).
    static func series(_ metric: String, in snapshot: MetricsSnapshot) -> [Double]? {
        if snapshot.latency(named: metric) != nil { return snapshot.series(named: metric + ".p50")?.values }
        if snapshot.counter(named: metric) != nil { return snapshot.series(named: metric + ".rate")?.values }
        if let s = snapshot.series(named: metric) { return s.values }
        let labelled = snapshot.series.filter { $0.key.hasPrefix(metric + "{") }
        guard !labelled.isEmpty else { return nil }
        return snapshot.times.indices.map { i in
            let v = labelled.map { $0.values[i] }.filter { !$0.isNaN }
            return v.isEmpty ? .nan : v.reduce(0, +)
        }
    }
}
