import Foundation
import XCTest
@testable import LoomServices

/// Every cross-service mechanism wired together on one simulated platform, with faults: the
/// distributed breaker over Redis, the recording saga, health monitoring, degradation
/// remediation and multi-region failover. Used by the determinism test and the peak-hour
/// measurement (`scale` 1 = the seed's peak: recordings finishing at 10,000 concurrent sessions
/// of 5 minutes, three guarded calls per recording, 1,000 replicated writes per second).
struct CrossServiceScenario {
    let simulation: PlatformSimulation
    let dependencies: [GuardedDependency]
    let sagas: SagaCoordinator
    let health: HealthMonitorLoop
    let remediation: DegradationRemediationLoop
    let dr: DisasterRecoveryController

    init(seed: UInt64, duration: TimeAmount, scale: Double, sampleInterval: TimeAmount = .wholeSeconds(10)) throws {
        simulation = try PlatformSimulation(seed: seed, duration: duration, sampleInterval: sampleInterval)
        let ctx = simulation.context
        let redis = try RedisCluster(configuration: RedisCluster.Configuration(), context: ctx)
        let store = ModelledSharedFailureStore.redis(redis, context: ctx)
        var breaker = CircuitBreakerConfig()
        breaker.slidingWindowSize = 20
        breaker.minimumNumberOfCalls = 20
        var deps: [GuardedDependency] = []
        var windows: [ServiceMetricsWindow] = []
        for name in ["video-processing", "notification", "analytics"] {
            let endpoint = QueueingResource(name: "recording->\(name)", capacity: 500, queueLimit: 0,
                                            serviceTime: try .lognormal(mean: 0.03, coefficientOfVariation: 0.5), context: ctx)
            let dep = try GuardedDependency(
                configuration: GuardedDependencyConfiguration(caller: "recording", dependency: name, instances: 8, breaker: breaker,
                                                              globalThreshold: 50, callTimeout: .wholeSeconds(2)),
                endpoint: endpoint, store: store, context: ctx)
            let window = ServiceMetricsWindow()
            dep.onCallFinished = { window.record(duration: $0, failed: $1) }
            deps.append(dep)
            windows.append(window)
        }
        dependencies = deps

        let steps = ctx.stream("scenario.saga-steps")
        var participants: [String: SagaParticipant] = [:]
        for step in RecordingSaga.steps {
            let mean = step.name == RecordingSaga.transcription ? 60.0 : 0.5
            participants[step.name] = SagaParticipant(
                execute: { _, _, completion in
                    let fails = steps.uniform() < 0.02
                    ctx.after(.saturatingSeconds(steps.exponential(mean: mean)), EventKind("scenario.step")) {
                        completion(fails ? .failure(SagaStepFailure(reason: "injected")) : .success(()))
                    }
                },
                compensate: step.compensation == nil ? nil : { _, completion in
                    ctx.after(.wholeSeconds(1), EventKind("scenario.undo")) { completion(.success(())) }
                })
        }
        sagas = try SagaCoordinator(configuration: SagaCoordinatorConfiguration(), participants: participants, context: ctx)

        let template = PodTemplate(cpuRequestCores: 1, memoryRequestBytes: 1e9, startupLatency: try .constant(20),
                                   readinessDelay: try .constant(10))
        let api = Deployment(service: "recording", region: "us-east-1", template: template, replicas: 8, context: ctx)
        api.startWarm()
        health = try HealthMonitorLoop(context: ctx)
        try health.register(service: "recording", probe: HealthProbes.deployment(api, context: ctx, minimumServing: 4))
        remediation = try DegradationRemediationLoop(context: ctx)
        for (dep, window) in zip(deps, windows) {
            remediation.register(service: "recording->\(dep.configuration.dependency)", window: window)
            remediation.setHandler(.enableCircuitBreaker, for: "recording->\(dep.configuration.dependency)",
                                   RemediationActions.forceBreakerOpen(dep))
        }
        remediation.setHandler(.scaleUpInstances, RemediationActions.scaleUp(api, maximum: 16, context: ctx))
        var drConfig = DisasterRecoveryConfiguration(primaryRegion: "us-east-1", backupRegions: ["us-west-2", "eu-west-1"])
        drConfig.regionLatency = ["us-west-2": .milliseconds(70), "eu-west-1": .milliseconds(80)]
        dr = try DisasterRecoveryController(configuration: drConfig, context: ctx)
        try dr.track([api], in: "us-east-1")
        health.start()
        remediation.start()
        dr.start()

        // Load: recordings finish (each runs its saga and three guarded calls); writes replicate.
        let arrivals = ctx.stream("scenario.arrivals")
        let finishRate = 10_000.0 / 300 * scale
        var recording: UInt64 = 0
        let sagas = self.sagas
        let dr = self.dr
        func finish() {
            recording += 1
            let id = recording
            if dr.router.servingRegion(for: id) != nil {
                sagas.finishRecording(recordingID: id)
                for dep in deps { dep.call(instance: dep.instance(for: id), entity: id) { _ in } }
            }
            ctx.after(.saturatingSeconds(arrivals.exponential(mean: 1 / finishRate)), EventKind("scenario.finish"), finish)
        }
        ctx.after(.zero, EventKind("scenario.finish"), finish)
        let writesPerTick = max(1, Int(100 * scale))
        var writer: UInt64 = 0
        ctx.every(.milliseconds(100), EventKind("scenario.writes")) {
            writer += 1
            if let region = dr.router.servingRegion(for: writer) { dr.recordWrite(in: region, count: writesPerTick) }
        }

        // Faults: the notification endpoint fails for 100 s, Redis is down for 30 s within it,
        // and the primary region fails at 40 % of the run for 10 % of it.
        let faults = ctx.faults
        let errors = ActiveFault(kind: .dependencyErrors, target: "recording->notification", magnitude: 0.8)
        let redisDown = ActiveFault(kind: .datastoreOutage, target: redis.name)
        let region = ActiveFault(kind: .regionOutage, target: "us-east-1")
        let d = duration.seconds
        ctx.at(.zero + .saturatingSeconds(0.2 * d), EventKind("scenario.fault")) { faults.begin(errors) }
        ctx.at(.zero + .saturatingSeconds(0.2 * d + 50), EventKind("scenario.fault")) { faults.begin(redisDown) }
        ctx.at(.zero + .saturatingSeconds(0.2 * d + 80), EventKind("scenario.fault")) { faults.end(redisDown) }
        ctx.at(.zero + .saturatingSeconds(0.2 * d + 100), EventKind("scenario.fault")) { faults.end(errors) }
        ctx.at(.zero + .saturatingSeconds(0.4 * d), EventKind("scenario.fault")) { faults.begin(region) }
        ctx.at(.zero + .saturatingSeconds(0.5 * d), EventKind("scenario.fault")) { faults.end(region) }
    }

    func run() -> PlatformSimulation.Result { simulation.run() }
}

final class CrossServiceDeterminismTests: XCTestCase {
    func testSameSeedSameDigestAndMetricsAndTheLedgerHolds() throws {
        func run(_ seed: UInt64) throws -> PlatformSimulation.Result {
            try CrossServiceScenario(seed: seed, duration: .minutes(20), scale: 0.02, sampleInterval: .minutes(1)).run()
        }
        let (a, b, c) = (try run(9), try run(9), try run(10))
        XCTAssertEqual(a.digest, b.digest)
        XCTAssertEqual(a.snapshot.crossServiceRendering, b.snapshot.crossServiceRendering)
        XCTAssertNotEqual(a.digest, c.digest)
        XCTAssertTrue(a.violations.isEmpty, "\(a.violations.prefix(5))")
        XCTAssertTrue(a.conservation.allSatisfy(\.isBalanced))
        let kinds = Set(a.snapshot.events.map(\.kind))
        for kind in ["breaker.opened", "failover.started", "failover.completed", "health.critical"] {
            XCTAssertTrue(kinds.contains(kind), "expected a \(kind) event; got \(kinds.sorted())")
        }
        XCTAssertNotNil(a.snapshot.series(named: "dr.rto")?.values.last { !$0.isNaN })
        XCTAssertEqual(a.conservation.first { $0.service == "saga" }.map { $0.entered > 0 }, true)
    }
}

/// One simulated peak hour of the cross-service mechanisms alone at the seed's scale. A
/// measurement, not a timed test: it runs only with `LOOMSIM_MEASURE_SERVICES=1` (release build:
/// `swift test -c release -Xswiftc -enable-testing --filter CrossServicePeakHourMeasurement`).
final class CrossServicePeakHourMeasurement: XCTestCase {
    func testCrossServicePeakHour() throws {
        guard ProcessInfo.processInfo.environment["LOOMSIM_MEASURE_SERVICES"] == "1" else {
            throw XCTSkip("set LOOMSIM_MEASURE_SERVICES=1 to measure")
        }
        let scale = Double(ProcessInfo.processInfo.environment["LOOMSIM_MEASURE_SCALE"] ?? "1") ?? 1
        let started = Date()
        let scenario = try CrossServiceScenario(seed: 42, duration: .hours(1), scale: scale)
        let result = scenario.run()
        let wall = Date().timeIntervalSince(started)
        let sagas = result.conservation.first { $0.service == "saga" }
        let writes = result.conservation.first { $0.service == DisasterRecoveryController.ledgerService }
        print("""
            cross-service peak hour ×\(scale): \(result.digest.eventCount) events in \(String(format: "%.2f", wall)) s \
            (\(Int(Double(result.digest.eventCount) / wall)) events/s), peak RSS \(Self.peakRSSMiB()) MiB, digest \(result.digest.hex)
              sagas \(sagas?.entered ?? 0) (completed \(scenario.sagas.completedCount), compensated \(scenario.sagas.compensatedCount), \
            failed \(scenario.sagas.failedCount)), replicated write deliveries \(writes?.entered ?? 0), \
            RTO \(scenario.dr.lastRTO?.seconds ?? .nan) s, RPO \(scenario.dr.lastRPO?.seconds ?? .nan) s, ledger holds \(result.violations.isEmpty)
            """)
        XCTAssertTrue(result.violations.isEmpty)
    }

    /// Peak resident set size of this process, MiB (Linux `VmHWM`), or -1.
    static func peakRSSMiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kB = Int(line.split(separator: " ").dropFirst().first ?? "") else { return -1 }
        return kB / 1024
    }
}
