import LoomServices
import ScenarioKit

/// Seed §8 on the platform a scenario runs: the health monitor (§8.1) probing every running
/// service's Deployment (`policies.health`), and the degradation detector (§8.2) watching the
/// calls the recording service makes to its dependencies (§1.3.1) and remediating
/// (`policies.remediation`).
///
/// What the detector sees: per dependency `recording-><name>`, the mean response time, error
/// rate and throughput of the calls made in each analysis interval (a breaker's refusals are
/// not calls). Its remediations (seed `trigger_auto_remediation`, one action at a time):
/// - `scale_up_instances` (response time): scales the called service's Deployment when the
///   platform runs it (video-processing's CPU workers, analytics' pods) by `scaleUpFactor`, up
///   to its HPA's `maxReplicas` (or `maxReplicas`). The endpoint's latency is the scenario's
///   (its distribution plus faults), so the scale-up shows what the seed's remediation does and
///   costs, not whether it would cure an injected latency; an HPA may scale back after its
///   scale-down window, and the cooldown then lets the detector act again;
/// - `enable_circuit_breaker` (error rate): forces the distributed breaker open (only with
///   `recording.distributedBreaker`; the §1.3.1 breakers alone have no forced state here).
/// Actions without a handler are skipped, as the seed's `except` → next action; a plan none of
/// whose actions can act is noted `remediation.failed`.
///
/// Metrics: `health.status{service}`, `health.alerts{kind,service}`, `remediation.actions{action,service}`,
/// and the notable events `health.critical` / `health.recovery`, `degradation.*`, `remediation.*`.
extension LoomPlatform {
    /// A running service with pods: what the monitor probes and a remediation may scale.
    struct WatchedDeployment {
        var service: String
        var deployment: Deployment
        /// The replicas `scale_up_instances` never exceeds.
        var maxReplicas: Int
    }

    /// The running services with a Deployment, in `PlatformSpec.serviceNames` order.
    func watchedDeployments(maxReplicas cap: Int?) -> [WatchedDeployment] {
        func entry(_ service: String, _ d: Deployment, hpaMax: Int32?) -> WatchedDeployment {
            WatchedDeployment(service: service, deployment: d,
                              maxReplicas: cap ?? hpaMax.map(Int.init) ?? max(1, 4 * d.replicas))
        }
        var out: [WatchedDeployment] = []
        if let r = recording { out.append(entry(RecordingService.serviceName, r.deployment, hpaMax: r.autoscaler?.hpa.spec.maxReplicas)) }
        if let v = video { out.append(entry(VideoProcessingService.service, v.cpuWorkers, hpaMax: nil)) }
        if let a = analytics { out.append(entry("analytics", a.deployment, hpaMax: a.autoscaler?.hpa.spec.maxReplicas)) }
        if let u = users { out.append(entry(UserManagementService.serviceName, u.deployment, hpaMax: u.autoscaler?.hpa.spec.maxReplicas)) }
        return out
    }

    /// Starts the health monitor over every watched Deployment.
    func startHealthMonitoring(_ policy: HealthPolicy) throws -> HealthMonitorLoop {
        let loop = try HealthMonitorLoop(configuration: policy.monitoring, context: context)
        for watched in watchedDeployments(maxReplicas: nil) {
            let errors = LedgerErrorRate(flow: watched.service, ledger: context.ledger)
            try loop.register(service: watched.service, probe: HealthProbes.deployment(
                watched.deployment, context: context, minimumServing: policy.minimumServing,
                errorRate: { errors.take() }, maximumErrorRate: policy.maximumErrorRate))
        }
        loop.start()
        return loop
    }

    /// Starts the degradation detector over the recording service's dependency calls.
    func startRemediation(_ policy: RemediationPolicy) throws -> DegradationRemediationLoop {
        let loop = try DegradationRemediationLoop(configuration: policy.detection, context: context)
        if let recording {
            let watched = watchedDeployments(maxReplicas: policy.maxReplicas)
            for dependency in recording.dependencyNames {
                let service = "\(RecordingService.serviceName)->\(dependency)"
                let window = ServiceMetricsWindow(startingAt: context.now)
                recording.observeCalls(to: dependency) { window.record(duration: $0, failed: $1) }
                loop.register(service: service, window: window)
                if let guarded = recording.guardedDependency(to: dependency) {
                    loop.setHandler(.enableCircuitBreaker, for: service, RemediationActions.forceBreakerOpen(guarded))
                }
                if let callee = watched.first(where: { $0.service == dependency }) {
                    loop.setHandler(.scaleUpInstances, for: service, RemediationActions.scaleUp(
                        callee.deployment, factor: policy.scaleUpFactor, maximum: callee.maxReplicas, context: context))
                }
            }
        }
        loop.start()
        return loop
    }
}

/// The share of a ledger flow's units that ended badly (failed, dead-lettered or dropped) since
/// the previous reading: the error rate a service's `/health` handler would report.
final class LedgerErrorRate {
    let flow: String
    let ledger: ConservationLedger
    private var finished = 0
    private var bad = 0

    init(flow: String, ledger: ConservationLedger) {
        self.flow = flow
        self.ledger = ledger
    }

    /// The share since the previous call (0 when nothing ended).
    func take() -> Double {
        guard let f = ledger.snapshot.first(where: { $0.service == flow }) else { return 0 }
        let nowBad = f.count("failed") + f.count("dead_lettered") + f.count("dropped")
        defer { finished = f.finished; bad = nowBad }
        let ended = f.finished - finished
        return ended > 0 ? Double(nowBad - bad) / Double(ended) : 0
    }
}
