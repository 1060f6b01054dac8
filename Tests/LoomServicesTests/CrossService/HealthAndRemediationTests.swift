import OrderedCollections
import XCTest
@testable import LoomServices

/// Health monitoring (seed §8.1) and degradation detection with remediation (§8.2).
final class HealthAndRemediationTests: XCTestCase {
    /// Probes every 10 s with a 5 s timeout; the service stops answering at 25 s and answers
    /// again from 55 s. Returns the alerts as (seconds, kind).
    func healthAlerts(_ variant: HealthThresholdVariant) throws -> [(Double, HealthAlert.Kind)] {
        let bench = CrossServiceBench()
        let loop = try HealthMonitorLoop(
            configuration: HealthMonitoringConfiguration(checkInterval: .wholeSeconds(10), variant: variant,
                                                         healthyThreshold: 3, unhealthyThreshold: 2, timeout: .wholeSeconds(5)),
            context: bench.context)
        var up = true
        try loop.register(service: "recording") { up ? HealthProbeSample(healthy: true, responseTime: .milliseconds(5)) : .noAnswer }
        loop.start()
        bench.at(25) { up = false }
        bench.at(55) { up = true }
        try bench.run(until: 100)
        XCTAssertEqual(bench.events("health.critical").map(\.subject), ["recording"])
        return loop.alerts.map { ($0.at.seconds, $0.kind) }
    }

    func testMonitorAlertsAfterTheUnhealthyThresholdAndNeedsHealthyThresholdSuccessesToRecover() throws {
        let alerts = try healthAlerts(.intended)
        // Probes at 30 and 40 s time out at 35 and 45 s: the second failure alerts.
        // Probes at 60, 70, 80 s answer after 5 ms: the third success recovers.
        XCTAssertEqual(alerts.map(\.1), [.critical, .recovery])
        XCTAssertEqual(alerts[0].0, 45, accuracy: 1e-9)
        XCTAssertEqual(alerts[1].0, 80.005, accuracy: 1e-9)
    }

    func testAsWrittenMonitorRecoversOnOneSuccess() throws {
        let alerts = try healthAlerts(.asWritten)
        // As written: the first success of an unknown service already "recovers", and so does the
        // first success after the outage.
        XCTAssertEqual(alerts.map(\.1), [.recovery, .critical, .recovery])
        XCTAssertEqual(alerts[1].0, 45, accuracy: 1e-9)
        XCTAssertEqual(alerts[2].0, 60.005, accuracy: 1e-9)
    }

    func testDeploymentProbeSeesPodLossAndRegionOutage() throws {
        let bench = CrossServiceBench()
        let template = PodTemplate(cpuRequestCores: 1, memoryRequestBytes: 1e9, startupLatency: try .constant(20),
                                   readinessDelay: try .constant(10))
        let deployment = Deployment(service: "streaming", region: "eu-west-1", template: template, replicas: 3, context: bench.context)
        deployment.startWarm()
        let probe = HealthProbes.deployment(deployment, context: bench.context, minimumServing: 2)
        XCTAssertTrue(probe().healthy)
        deployment.losePods(2, reason: "test")
        XCTAssertEqual(probe().reason, "1 of 2 pods serving")
        bench.context.faults.begin(ActiveFault(kind: .regionOutage, target: "eu-west-1"))
        XCTAssertEqual(probe(), .noAnswer)
    }

    /// Load rises past the service's capacity at 600 s; the detector sees the response time
    /// degrade against its trailing baseline, scales the Deployment up, and latency returns.
    func testLatencyDegradationTriggersAScaleUpThatRestoresLatency() throws {
        let bench = CrossServiceBench(seed: 3)
        let ctx = bench.context
        let template = PodTemplate(cpuRequestCores: 1, memoryRequestBytes: 1e9, startupLatency: try .constant(20),
                                   readinessDelay: try .constant(10))
        let deployment = Deployment(service: "api", region: "us-east-1", template: template, replicas: 2, context: ctx)
        deployment.startWarm()
        let slotsPerPod = 4
        let server = QueueingResource(name: "api", capacity: 2 * slotsPerPod, queueLimit: 5_000, maxWait: .wholeSeconds(60),
                                      serviceTime: try .exponential(mean: 0.1), context: ctx)
        deployment.onPodReady = { _ in server.resize(to: deployment.servingCount * slotsPerPod) }
        let window = ServiceMetricsWindow()
        var latencies: [(at: Double, seconds: Double)] = []
        let arrivals = ctx.stream("test.arrivals")
        var rate = 40.0  // requests/s; 2 pods serve 80/s
        var id: UInt64 = 0
        func arrive() {
            id += 1
            server.submit(entity: id) { outcome in
                switch outcome {
                case let .served(wait, service):
                    window.record(duration: wait + service, failed: false)
                    latencies.append((ctx.now.seconds, (wait + service).seconds))
                case .failed, .rejected:
                    window.record(duration: .zero, failed: true)
                }
            }
            ctx.after(.saturatingSeconds(arrivals.exponential(mean: 1 / rate)), EventKind("test.arrival"), arrive)
        }
        ctx.after(.zero, EventKind("test.arrival"), arrive)
        bench.at(600) { rate = 88 }

        let loop = try DegradationRemediationLoop(
            configuration: DegradationDetectionConfiguration(
                analysisInterval: .minutes(1), baseline: .trailingMean(window: .minutes(10), minimumSamples: 3)),
            context: ctx)
        loop.register(service: "api", window: window)
        loop.setHandler(.scaleUpInstances, RemediationActions.scaleUp(deployment, maximum: 6, context: ctx))
        loop.start()
        try bench.run(until: 1_500)

        func meanLatency(_ from: Double, _ to: Double) -> Double {
            let xs = latencies.filter { $0.at >= from && $0.at < to }.map(\.seconds)
            return xs.reduce(0, +) / Double(xs.count)
        }
        let baseline = meanLatency(60, 600)
        XCTAssertEqual(baseline, 0.1, accuracy: 0.02)
        let first = try XCTUnwrap(loop.remediations.first)
        XCTAssertEqual(first.action, .scaleUpInstances)
        XCTAssertEqual(first.metric, .responseTime)
        XCTAssertEqual(first.at.seconds, 660, "the first analysis after the load rise")
        XCTAssertEqual(deployment.replicas, 3, "1.5 × 2 pods, and one step was enough")
        XCTAssertGreaterThan(meanLatency(630, 690), 3 * baseline, "degraded before the new pod is ready")
        XCTAssertLessThan(meanLatency(900, 1_500), 1.5 * baseline, "restored after the scale-up")
        XCTAssertTrue(bench.events("degradation.critical").contains { $0.subject == "api" && $0.detail.hasPrefix("response_time") })
        XCTAssertEqual(bench.events("remediation.executed").first?.detail.hasPrefix("scale_up_instances"), true)
    }

    /// An error-rate degradation tries `restart_unhealthy_instances` first; with no handler for
    /// it, the next candidate forces the dependency's breakers open.
    func testErrorRateDegradationForcesTheBreakerOpenWhenRestartIsUnavailable() throws {
        let bench = CrossServiceBench()
        let ctx = bench.context
        let endpoint = QueueingResource(name: "recording->notification", capacity: 10, serviceTime: try .constant(0.01), context: ctx)
        let dependency = try GuardedDependency(
            configuration: GuardedDependencyConfiguration(caller: "recording", dependency: "notification"),
            endpoint: endpoint, store: .alwaysAvailable(), context: ctx)
        var errorRate = 0.01
        let loop = try DegradationRemediationLoop(
            configuration: DegradationDetectionConfiguration(analysisInterval: .wholeSeconds(30), baseline: .fixed), context: ctx)
        loop.setBaseline([.errorRate: 0.01], for: "recording->notification")
        loop.register(service: "recording->notification") { [.errorRate: errorRate] }
        loop.setHandler(.enableCircuitBreaker, RemediationActions.forceBreakerOpen(dependency, for: .minutes(2)))
        loop.start()
        bench.at(45) { errorRate = 0.3 }
        try bench.run(until: 61)
        XCTAssertEqual(loop.remediations.map(\.action), [.enableCircuitBreaker])
        XCTAssertEqual(dependency.aggregateState, .forcedOpen)
        try bench.run(until: 200)
        XCTAssertEqual(loop.remediations.count, 1, "within the cooldown nothing more is done")
        XCTAssertEqual(dependency.aggregateState, .closed, "released after two minutes")
    }
}
