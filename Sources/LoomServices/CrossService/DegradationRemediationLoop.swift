import OrderedCollections

/// How the platform watches for performance degradation and remediates it (seed §8.2).
public struct DegradationDetectionConfiguration: Sendable {
    /// Time between analyses; each analysis reads every service's metrics over the interval
    /// just ended (the seed's `detection_window`, no value given). Default 60 s.
    public var analysisInterval: TimeAmount
    /// Percent changes that warn or are critical, per metric; a metric left out uses the seed's
    /// 20 % / 50 %.
    public var thresholds: OrderedDictionary<PerformanceMetric, DegradationThreshold>
    /// Where baselines come from (the seed's `get_baseline_metrics` is not shown). Default: the
    /// mean of the last 30 minutes once 5 samples exist; `.fixed` uses `setBaseline` only.
    public var baseline: BaselineSource
    /// The seed's `auto_remediation_enabled`. Default true.
    public var autoRemediationEnabled: Bool
    /// After a remediation for a service's metric, further plans for that metric wait this long,
    /// so the effect (pods starting, a breaker opening) can show before acting again. Zero is the
    /// seed as written: every analysis that finds the degradation acts again. Default 5 min.
    public var remediationCooldown: TimeAmount

    public init(analysisInterval: TimeAmount = .minutes(1),
                thresholds: OrderedDictionary<PerformanceMetric, DegradationThreshold> = [:],
                baseline: BaselineSource = .trailingMean(window: .minutes(30), minimumSamples: 5),
                autoRemediationEnabled: Bool = true, remediationCooldown: TimeAmount = .minutes(5)) {
        self.analysisInterval = analysisInterval
        self.thresholds = thresholds
        self.baseline = baseline
        self.autoRemediationEnabled = autoRemediationEnabled
        self.remediationCooldown = remediationCooldown
    }
}

/// One remediation to carry out: the service, the action the plan proposes, and why.
public struct RemediationRequest: Sendable {
    public var service: String
    public var action: RemediationAction
    public var degradation: PerformanceDegradation
    public var at: Instant
}

/// Carries out a remediation; returns false when it cannot (e.g. already at the maximum), so the
/// next candidate is tried (seed: `except Exception` → next action).
public typealias RemediationHandler = (RemediationRequest) -> Bool

/// A remediation that was attempted: the action that succeeded, or nil when none could.
public struct RemediationRecord: Equatable, Sendable {
    public var at: Instant
    public var service: String
    public var metric: PerformanceMetric
    public var action: RemediationAction?
}

/// The degradation detector (seed §8.2 `PerformanceDegradationDetector`, the real policy from
/// Resilience) fed every `analysisInterval` with each registered service's metrics, with its
/// remediation plans carried out through handlers the platform supplies (`RemediationActions`:
/// scale up a Deployment or raise an HPA minimum, force a breaker open, switch to a fallback).
///
/// Notable events: `degradation.warning` / `degradation.critical` when a service's metric starts
/// degrading or changes severity, `degradation.cleared` when it recovers (the detector reports
/// a degradation at every analysis, as the seed does; de-duplicating is this alerting layer's
/// job), `remediation.executed` (detail: action and cause) and `remediation.failed` (no
/// candidate could act). Counter `remediation.actions{action=...,service=...}` (action as the
/// seed names it, e.g. `scale_up_instances`), registered at the first such remediation.
public final class DegradationRemediationLoop {
    public let configuration: DegradationDetectionConfiguration
    /// The policy and its baselines.
    public private(set) var detector: PerformanceDegradationDetector
    /// Every remediation attempted, in order.
    public private(set) var remediations: [RemediationRecord] = []
    /// Called after each service's analysis.
    public var onAnalysis: ((String, PerformanceAnalysis) -> Void)?

    private var services: [(name: String, sample: () -> OrderedDictionary<PerformanceMetric, Double>?)] = []
    private var handlers: [RemediationAction: RemediationHandler] = [:]
    private var serviceHandlers: [String: [RemediationAction: RemediationHandler]] = [:]
    /// Severity of each service's currently degraded metrics.
    private var active: [String: [PerformanceMetric: DegradationSeverity]] = [:]
    private var lastRemediation: [String: Instant] = [:]
    private var actionCounters: [String: MetricsRecorder.Counter] = [:]
    private let context: PlatformContext
    private var started = false
    private static let analysisKind = EventKind("xs.degradation.analysis")

    /// Throws `PerformanceDegradationDetectorError` for invalid thresholds or baseline window, or
    /// `CrossServiceConfigurationError` for a non-positive interval or a negative cooldown.
    public init(configuration: DegradationDetectionConfiguration = DegradationDetectionConfiguration(),
                context: PlatformContext) throws {
        guard configuration.analysisInterval > .zero else {
            throw CrossServiceConfigurationError("degradation detector: analysisInterval must be positive, got \(configuration.analysisInterval)")
        }
        guard configuration.remediationCooldown >= .zero else {
            throw CrossServiceConfigurationError("degradation detector: remediationCooldown must not be negative, got \(configuration.remediationCooldown)")
        }
        detector = try PerformanceDegradationDetector(
            thresholds: configuration.thresholds, autoRemediationEnabled: configuration.autoRemediationEnabled,
            baselineSource: configuration.baseline)
        self.configuration = configuration
        self.context = context
    }

    /// Watches `service`: `sample` returns its metrics over the interval just ended (nil: no data).
    public func register(service: String, sample: @escaping () -> OrderedDictionary<PerformanceMetric, Double>?) {
        services.append((service, sample))
    }

    /// Watches `service` through a metrics window its requests are recorded in.
    public func register(service: String, window: ServiceMetricsWindow) {
        register(service: service) { [unowned self] in window.take(now: self.context.now) }
    }

    /// A fixed baseline for `service` (used with `BaselineSource.fixed`).
    public func setBaseline(_ metrics: OrderedDictionary<PerformanceMetric, Double>, for service: String) {
        detector.setBaseline(metrics, for: service)
    }

    /// How to carry out `action`, for one service or (service nil) for every service without its own.
    public func setHandler(_ action: RemediationAction, for service: String? = nil, _ handler: @escaping RemediationHandler) {
        if let service {
            serviceHandlers[service, default: [:]][action] = handler
        } else {
            handlers[action] = handler
        }
    }

    /// Starts the analyses: the first one interval from now.
    public func start() {
        guard !started else { return }
        started = true
        context.every(configuration.analysisInterval, Self.analysisKind, startingAfter: configuration.analysisInterval) {
            [unowned self] in self.analyze()
        }
    }

    /// Analyses every service now (also what each tick does).
    public func analyze() {
        let now = context.now
        for (service, sample) in services {
            guard let metrics = sample() else { continue }
            let analysis = detector.analyze(service: service, metrics: metrics, now: now)
            alert(service: service, metrics: metrics, analysis: analysis, now: now)
            for plan in analysis.remediations {
                guard let degradation = analysis.degradations.first(where: { $0.metric == plan.metric }) else { continue }
                remediate(plan, degradation: degradation, now: now)
            }
            onAnalysis?(service, analysis)
        }
    }

    private func alert(service: String, metrics: OrderedDictionary<PerformanceMetric, Double>,
                       analysis: PerformanceAnalysis, now: Instant) {
        guard analysis.hadBaseline else { return }
        var current: [PerformanceMetric: DegradationSeverity] = [:]
        for d in analysis.degradations {
            current[d.metric] = d.severity
            if active[service]?[d.metric] != d.severity {
                context.metrics.note("degradation.\(d.severity.rawValue)", subject: service,
                                     detail: Self.describe(d), at: now)
            }
        }
        // In the sample's (defined) order: metrics that were degraded and are not any more.
        for metric in metrics.keys where active[service]?[metric] != nil && current[metric] == nil {
            context.metrics.note("degradation.cleared", subject: service, detail: metric.rawValue, at: now)
        }
        active[service] = current
    }

    private func remediate(_ plan: RemediationPlan, degradation: PerformanceDegradation, now: Instant) {
        let key = "\(plan.service)|\(plan.metric.rawValue)"
        if let last = lastRemediation[key], now - last < configuration.remediationCooldown { return }
        lastRemediation[key] = now
        for action in plan.candidates {
            guard let handler = serviceHandlers[plan.service]?[action] ?? handlers[action] else { continue }
            let request = RemediationRequest(service: plan.service, action: action, degradation: degradation, at: now)
            if handler(request) {
                remediations.append(RemediationRecord(at: now, service: plan.service, metric: plan.metric, action: action))
                count(action, service: plan.service)
                context.metrics.note("remediation.executed", subject: plan.service,
                                     detail: "\(action.rawValue) for \(Self.describe(degradation))", at: now)
                return  // seed: "Try one action at a time"
            }
        }
        remediations.append(RemediationRecord(at: now, service: plan.service, metric: plan.metric, action: nil))
        context.metrics.note("remediation.failed", subject: plan.service,
                             detail: "no action of \(plan.candidates.map(\.rawValue)) could act on \(plan.metric.rawValue)", at: now)
    }

    private func count(_ action: RemediationAction, service: String) {
        let key = action.rawValue + "|" + service
        let counter = actionCounters[key] ?? context.metrics.registerCounter(
            metricKey("remediation.actions", [("action", action.rawValue), ("service", service)]), unit: "actions")
        actionCounters[key] = counter
        context.metrics.add(counter)
    }

    static func describe(_ d: PerformanceDegradation) -> String {
        let change = (d.changePercent * 10).rounded() / 10
        return "\(d.metric.rawValue) \(change >= 0 ? "+" : "")\(change) % (\(d.currentValue) vs baseline \(d.baselineValue))"
    }
}
