import DequeModule
import OrderedCollections

/// Where a service's baseline comes from (the seed's `get_baseline_metrics` is not shown).
public enum BaselineSource: Equatable, Sendable {
    /// Only what `setBaseline(_:for:)` stored; a service without one is never analysed.
    case fixed
    /// The mean of each metric over the service's samples in the trailing `window` before
    /// the current sample, once there are at least `minimumSamples` of them. A sustained
    /// degradation therefore becomes the new normal after one window, like any rolling baseline.
    case trailingMean(window: TimeAmount, minimumSamples: Int)
}

/// A configuration the detector cannot honour.
public enum PerformanceDegradationDetectorError: Error, Equatable, CustomStringConvertible {
    case invalidThreshold(metric: PerformanceMetric, DegradationThreshold)
    case invalidBaselineWindow(TimeAmount, minimumSamples: Int)

    public var description: String {
        switch self {
        case let .invalidThreshold(metric, t):
            return "degradation detector: \(metric.rawValue) needs 0 ≤ warning ≤ critical (finite), got "
                + "\(t.warningPercent) / \(t.criticalPercent)"
        case let .invalidBaselineWindow(window, minimumSamples):
            return "degradation detector: a trailing baseline needs a positive window and at least one sample, got "
                + "\(window) and \(minimumSamples)"
        }
    }
}

/// Compares a service's metrics with its baseline and classifies each significant change
/// as a warning or critical degradation, with optional remediation plans (seed §8.2
/// `PerformanceDegradationDetector`).
///
/// Metrics are examined in the order the sample lists them (an `OrderedDictionary`, like the
/// seed's insertion-ordered Python dict), so alerts and plans come out in a defined order.
/// As in the seed, every analysis that finds a degradation reports it again; de-duplicating
/// alerts is the alerting layer's job.
public struct PerformanceDegradationDetector: Sendable {
    /// Per-metric thresholds; a metric left out uses 20 % / 50 %.
    public let thresholds: OrderedDictionary<PerformanceMetric, DegradationThreshold>
    public let autoRemediationEnabled: Bool
    public let baselineSource: BaselineSource
    /// Fixed baselines by service.
    public private(set) var baselines: OrderedDictionary<String, OrderedDictionary<PerformanceMetric, Double>> = [:]
    /// Samples by service for the trailing baseline, oldest first.
    private var history: OrderedDictionary<String, Deque<Sample>> = [:]

    private struct Sample: Sendable {
        var at: Instant
        var metrics: OrderedDictionary<PerformanceMetric, Double>
    }

    /// Throws `PerformanceDegradationDetectorError` for a negative, non-finite or inverted
    /// threshold or an empty baseline window.
    public init(
        thresholds: OrderedDictionary<PerformanceMetric, DegradationThreshold> = [:],
        autoRemediationEnabled: Bool = true,
        baselineSource: BaselineSource = .fixed
    ) throws {
        for (metric, t) in thresholds {
            guard t.warningPercent.isFinite, t.criticalPercent.isFinite, t.warningPercent >= 0,
                t.criticalPercent >= t.warningPercent
            else { throw PerformanceDegradationDetectorError.invalidThreshold(metric: metric, t) }
        }
        if case let .trailingMean(window, minimumSamples) = baselineSource, window <= .zero || minimumSamples < 1 {
            throw PerformanceDegradationDetectorError.invalidBaselineWindow(window, minimumSamples: minimumSamples)
        }
        self.thresholds = thresholds
        self.autoRemediationEnabled = autoRemediationEnabled
        self.baselineSource = baselineSource
    }

    /// The threshold that applies to `metric`.
    public func threshold(for metric: PerformanceMetric) -> DegradationThreshold {
        thresholds[metric] ?? DegradationThreshold()
    }

    /// Stores a fixed baseline for `service` (used by the `.fixed` source).
    public mutating func setBaseline(_ metrics: OrderedDictionary<PerformanceMetric, Double>, for service: String) {
        baselines[service] = metrics
    }

    /// The baseline `analyze` would use for `service` at `now`, if there is one.
    public func baseline(for service: String, now: Instant) -> OrderedDictionary<PerformanceMetric, Double>? {
        switch baselineSource {
        case .fixed:
            return baselines[service]
        case let .trailingMean(window, minimumSamples):
            let recent = (history[service] ?? []).filter { $0.at < now && now - $0.at <= window }
            guard recent.count >= minimumSamples else { return nil }
            var sums: OrderedDictionary<PerformanceMetric, (total: Double, count: Int)> = [:]
            for sample in recent {
                for (metric, value) in sample.metrics {
                    let s = sums[metric] ?? (0, 0)
                    sums[metric] = (s.total + value, s.count + 1)
                }
            }
            return sums.mapValues { $0.total / Double($0.count) }
        }
    }

    /// Analyses one sample of `service` taken at `now` (seed `analyze_performance`).
    public mutating func analyze(
        service: String, metrics: OrderedDictionary<PerformanceMetric, Double>, now: Instant
    ) -> PerformanceAnalysis {
        let baseline = baseline(for: service, now: now)
        record(metrics, for: service, now: now)
        guard let baseline, !baseline.isEmpty else {
            return PerformanceAnalysis(degradations: [], remediations: [], hadBaseline: false)
        }
        let degradations = detectDegradations(service: service, current: metrics, baseline: baseline)
        let remediations: [RemediationPlan] =
            autoRemediationEnabled
            ? degradations.compactMap { d in
                let candidates = d.metric.remediationCandidates
                return candidates.isEmpty ? nil : RemediationPlan(service: service, metric: d.metric, candidates: candidates)
            }
            : []
        return PerformanceAnalysis(degradations: degradations, remediations: remediations, hadBaseline: true)
    }

    /// The seed's `detect_degradations`: percent change per metric, strictly beyond the
    /// warning limit in the bad direction, critical when strictly beyond the critical limit.
    public func detectDegradations(
        service: String, current: OrderedDictionary<PerformanceMetric, Double>,
        baseline: OrderedDictionary<PerformanceMetric, Double>
    ) -> [PerformanceDegradation] {
        var found: [PerformanceDegradation] = []
        for (metric, value) in current {
            guard let base = baseline[metric] else { continue }
            let change = base > 0 ? (value - base) / base * 100 : 0
            let limits = threshold(for: metric)
            let worsening = metric.higherIsWorse ? change : -change
            guard worsening > limits.warningPercent else { continue }
            let severity: DegradationSeverity = worsening > limits.criticalPercent ? .critical : .warning
            found.append(
                PerformanceDegradation(
                    service: service, metric: metric, currentValue: value, baselineValue: base,
                    changePercent: change, severity: severity))
        }
        return found
    }

    private mutating func record(_ metrics: OrderedDictionary<PerformanceMetric, Double>, for service: String, now: Instant) {
        guard case let .trailingMean(window, _) = baselineSource else { return }
        var samples = history[service] ?? []
        samples.append(Sample(at: now, metrics: metrics))
        while let first = samples.first, now - first.at > window { samples.removeFirst() }
        history[service] = samples
    }
}
