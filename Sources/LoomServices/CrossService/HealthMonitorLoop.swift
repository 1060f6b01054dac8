/// One health probe's answer (seed §8.1 `performHealthCheck`): whether the service said it is
/// healthy, how long it took to answer, and why not.
public struct HealthProbeSample: Equatable, Sendable {
    public var healthy: Bool
    /// Time to the answer; above the service's timeout the probe counts as failed whatever it said.
    public var responseTime: TimeAmount
    public var reason: String

    public init(healthy: Bool, responseTime: TimeAmount, reason: String = "") {
        self.healthy = healthy
        self.responseTime = responseTime
        self.reason = reason
    }

    /// No answer at all (the service or its region is down): the probe times out.
    public static let noAnswer = HealthProbeSample(healthy: false, responseTime: .hours(1), reason: "no answer")
}

/// How the platform's health monitor probes services (seed §8.1). The seed's `ServiceHealth`
/// fields — `HealthyThreshold`, `UnhealthyThreshold`, `Timeout` and the monitor's
/// `checkInterval` — are exactly an AWS Elastic Load Balancing target group's health-check
/// settings, and the seed gives no values, so the defaults are ELB's: every 30 s, 5 s timeout,
/// 5 successes to turn healthy, 2 failures to turn unhealthy.
public struct HealthMonitoringConfiguration: Sendable {
    /// Time between rounds of probes (seed `checkInterval`). Default 30 s.
    public var checkInterval: TimeAmount
    /// `.intended` (default): `HealthyThreshold` consecutive successes make a service healthy;
    /// `.asWritten`: one success does (DESIGN.md §8, seed §8.1 never reads `HealthyThreshold`).
    public var variant: HealthThresholdVariant
    /// Default consecutive successes to turn healthy. Default 5.
    public var healthyThreshold: Int
    /// Default consecutive failures to turn unhealthy. Default 2.
    public var unhealthyThreshold: Int
    /// Default probe timeout. Default 5 s.
    public var timeout: TimeAmount

    public init(checkInterval: TimeAmount = .wholeSeconds(30), variant: HealthThresholdVariant = .intended,
                healthyThreshold: Int = 5, unhealthyThreshold: Int = 2, timeout: TimeAmount = .wholeSeconds(5)) {
        self.checkInterval = checkInterval
        self.variant = variant
        self.healthyThreshold = healthyThreshold
        self.unhealthyThreshold = unhealthyThreshold
        self.timeout = timeout
    }
}

/// The health-monitoring loop (seed §8.1 `StartMonitoring` / `checkAllServices`) driving the
/// real `ServiceHealthMonitor` from Resilience.
///
/// Every `checkInterval` it probes each registered service through its probe closure (built, for
/// example, from the service's Deployment with `HealthProbes.deployment`). A probe's answer is
/// applied when it arrives — `min(responseTime, timeout)` after the round starts — so an alert
/// carries the instant a real monitor would send it. Alerts become notable events
/// `health.critical` (the service turned unhealthy, seed `AlertTypeCritical`) and
/// `health.recovery` (`AlertTypeRecovery`); the gauge `health.status{service=...}` reads
/// 0 unknown, 1 healthy, 2 unhealthy; the counter `health.alerts{kind=critical|recovery,service=...}`
/// counts the alerts. `onStatusChange` lets other mechanisms (failover, remediation) react.
public final class HealthMonitorLoop {
    public let configuration: HealthMonitoringConfiguration
    /// The policy's state: every service's record, in registration order.
    public private(set) var monitor: ServiceHealthMonitor
    /// Called after every status change, with the monitor's update (alert included).
    public var onStatusChange: ((HealthUpdate) -> Void)?
    /// Every alert sent, in order.
    public private(set) var alerts: [HealthAlert] = []

    private var probes: [() -> HealthProbeSample] = []
    private var alertCounters: [String: MetricsRecorder.Counter] = [:]
    private var timeouts: [TimeAmount] = []
    private let context: PlatformContext
    private var started = false
    private static let roundKind = EventKind("xs.health.round")
    private static let answerKind = EventKind("xs.health.answer")

    /// Throws `ServiceHealthMonitorError` for a non-positive interval.
    public init(configuration: HealthMonitoringConfiguration = HealthMonitoringConfiguration(), context: PlatformContext) throws {
        monitor = try ServiceHealthMonitor(checkInterval: configuration.checkInterval, services: [], variant: configuration.variant)
        self.configuration = configuration
        self.context = context
    }

    /// Registers `service` with its probe; thresholds left nil take the configuration's. Throws
    /// `ServiceHealthMonitorError` (duplicate name, threshold or timeout out of range) or a
    /// `CrossServiceConfigurationError` once the loop has started.
    public func register(service: String, healthyThreshold: Int? = nil, unhealthyThreshold: Int? = nil,
                         timeout: TimeAmount? = nil, probe: @escaping () -> HealthProbeSample) throws {
        guard !started else { throw CrossServiceConfigurationError("health monitor: register '\(service)' before start()") }
        let settings = ServiceHealthConfiguration(
            name: service, healthyThreshold: healthyThreshold ?? configuration.healthyThreshold,
            unhealthyThreshold: unhealthyThreshold ?? configuration.unhealthyThreshold,
            timeout: timeout ?? configuration.timeout)
        // Rebuilding validates the new service against the policy's own rules.
        monitor = try ServiceHealthMonitor(
            checkInterval: configuration.checkInterval,
            services: monitor.services.values.map(\.configuration) + [settings], variant: configuration.variant)
        probes.append(probe)
        timeouts.append(settings.timeout)
        context.metrics.registerGauge(metricKey("health.status", [("service", service)]), unit: "status") { [unowned self] in
            switch self.monitor.status(of: service) ?? .unknown {
            case .unknown: return 0
            case .healthy: return 1
            case .unhealthy: return 2
            }
        }
    }

    /// The status of `service`, or nil if it is not registered.
    public func status(of service: String) -> HealthStatus? { monitor.status(of: service) }

    /// Starts the rounds: the first at once, then every `checkInterval`.
    public func start() {
        guard !started else { return }
        started = true
        context.every(configuration.checkInterval, Self.roundKind) { [unowned self] in self.round() }
    }

    private func round() {
        let round = monitor.beginRound(now: context.now)
        for (i, probe) in round.probes.enumerated() {
            let sample = probes[i]()
            let answerAfter = min(sample.responseTime, timeouts[i])
            if answerAfter <= .zero {
                record(sample, service: probe.service)
            } else {
                context.after(answerAfter, Self.answerKind, entity: UInt64(i)) { [unowned self] in
                    self.record(sample, service: probe.service)
                }
            }
        }
    }

    private func record(_ sample: HealthProbeSample, service: String) {
        let result: HealthProbeResult = sample.healthy ? .healthy : .unhealthy(reason: sample.reason.isEmpty ? "unhealthy" : sample.reason)
        guard let update = try? monitor.record(result, service: service, responseTime: sample.responseTime, now: context.now) else { return }
        if let alert = update.alert {
            alerts.append(alert)
            let kind = alert.kind == .critical ? "health.critical" : "health.recovery"
            context.metrics.note(kind, subject: service, detail: alert.message, at: context.now)
            let label = alert.kind == .critical ? "critical" : "recovery"
            let counter = alertCounters[label + "|" + service] ?? context.metrics.registerCounter(
                metricKey("health.alerts", [("kind", label), ("service", service)]), unit: "alerts")
            alertCounters[label + "|" + service] = counter
            context.metrics.add(counter)
        }
        if update.changedFrom != nil { onStatusChange?(update) }
    }
}

/// Ready-made probes from the platform's models.
public enum HealthProbes {
    /// A service's health from its Deployment: no answer while its region has a `regionOutage`
    /// or no pod serves; unhealthy when fewer than `minimumServing` pods serve or the error rate
    /// (e.g. the share of failed requests over the last interval) exceeds `maximumErrorRate`;
    /// answering in `responseTime()` (default 5 ms, a `/health` handler on a ready pod).
    public static func deployment(
        _ deployment: Deployment, context: PlatformContext, minimumServing: Int = 1,
        errorRate: @escaping () -> Double = { 0 }, maximumErrorRate: Double = 0.5,
        responseTime: @escaping () -> TimeAmount = { .milliseconds(5) }
    ) -> () -> HealthProbeSample {
        let faults = context.faults
        return {
            let serving = deployment.servingCount
            if faults.isActive(.regionOutage, on: deployment.region) || serving == 0 { return .noAnswer }
            if serving < minimumServing {
                return HealthProbeSample(healthy: false, responseTime: responseTime(),
                                         reason: "\(serving) of \(minimumServing) pods serving")
            }
            let rate = errorRate()
            if rate > maximumErrorRate {
                return HealthProbeSample(healthy: false, responseTime: responseTime(),
                                         reason: "error rate \(Int((rate * 100).rounded())) %")
            }
            return HealthProbeSample(healthy: true, responseTime: responseTime())
        }
    }
}
