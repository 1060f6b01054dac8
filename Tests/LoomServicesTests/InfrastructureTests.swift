import XCTest
@testable import LoomServices

final class InfrastructureTests: XCTestCase {
    func makeContext(seed: UInt64 = 1) -> (SimulatedRuntime, PlatformContext) {
        let rt = SimulatedRuntime(seed: seed)
        return (rt, PlatformContext(runtime: rt))
    }

    func template() throws -> PodTemplate {
        PodTemplate(cpuRequestCores: 1, memoryRequestBytes: Double(1 << 30), startupLatency: try .constant(20),
                    readinessDelay: try .constant(10), costPerHour: 0.1)
    }

    func testDeploymentCreatesPodsThatBecomeReadyAfterStartupAndReadiness() throws {
        let (rt, ctx) = makeContext()
        let d = Deployment(service: "api", region: "us-east", template: try template(), replicas: 2, context: ctx)
        d.startWarm()
        XCTAssertEqual(d.servingCount, 2)
        var ready: [Instant] = []
        d.onPodReady = { _ in ready.append(rt.now) }
        d.scale(to: 5)
        try rt.run(until: try .seconds(29))
        XCTAssertEqual(d.servingCount, 2)
        try rt.run(until: try .seconds(31))
        XCTAssertEqual(d.servingCount, 5)
        XCTAssertEqual(ready, Array(repeating: try .seconds(30), count: 3))
    }

    func testScaleDownRemovesUnreadyPodsFirstThenNewest() throws {
        let (rt, ctx) = makeContext()
        let d = Deployment(service: "api", region: "r", template: try template(), replicas: 3, context: ctx)
        d.startWarm()
        d.scale(to: 4)  // a fourth pod, still pending
        var lost: [String] = []
        d.onPodLost = { pod, reason in lost.append("\(pod.name):\(reason)") }
        d.scale(to: 2)
        XCTAssertEqual(d.pods.values.map(\.id), [1, 2], "the pending pod goes first, then the newest ready one")
        XCTAssertEqual(lost, ["api-r-3:scale-down"])
        rt.runUntilIdle()
        XCTAssertEqual(d.servingCount, 2)
    }

    func testPodLossFaultKillsPodsThatAreReplaced() throws {
        let (rt, ctx) = makeContext()
        let d = Deployment(service: "api", region: "r", template: try template(), replicas: 4, context: ctx)
        d.startWarm()
        ctx.faults.begin(ActiveFault(kind: .podLoss, target: "api", magnitude: 3))
        XCTAssertEqual(d.servingCount, 1)
        XCTAssertEqual(d.pods.count, 4, "the ReplicaSet recreates the lost pods at once")
        rt.runUntilIdle()
        XCTAssertEqual(d.servingCount, 4)
    }

    /// The HPA of seed §1.2.1 scales out on CPU with its behavior, reading metrics through the
    /// scrape pipeline's delay.
    func testAutoscalerLoopScalesOnScrapedCPU() throws {
        let (rt, ctx) = makeContext()
        let manifest = try HPAManifest(yaml: """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: api}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
              minReplicas: 2
              maxReplicas: 10
              metrics:
              - type: Resource
                resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
            """)
        let d = Deployment(service: "api", region: "r", template: try template(), replicas: 2, context: ctx)
        d.startWarm()
        let loop = AutoscalerLoop(hpa: HorizontalPodAutoscaler(manifest: manifest), deployment: d, context: ctx,
                                  scrapeInterval: .wholeSeconds(15), metricsDelay: .wholeSeconds(30))
        // Each serving pod is 100 % busy: utilization 200 % of the 50 % target.
        ctx.every(.wholeSeconds(1), EventKind("load")) {
            for pod in d.servingPods { pod.busySeconds += 1 }
        }
        loop.start()
        try rt.run(until: try .seconds(44))
        XCTAssertEqual(d.replicas, 2, "nothing is published before the 30 s delay has passed")
        try rt.run(until: try .seconds(46))
        XCTAssertEqual(d.replicas, 4, "the default scale-up policy doubles (100 % per 15 s)")
        XCTAssertEqual(loop.lastDecision?.desiredReplicas, 4)
    }

    func testQueueingResourceServesWaitsRejectsAndFailsFastInAnOutage() throws {
        let (rt, ctx) = makeContext()
        let db = QueueingResource(name: "db", capacity: 2, queueLimit: 2, maxWait: .wholeSeconds(5),
                                  serviceTime: try .constant(3), context: ctx)
        var outcomes: [Int: QueueingResource.Outcome] = [:]
        for i in 0..<6 { db.submit(entity: UInt64(i)) { outcomes[i] = $0 } }
        XCTAssertEqual(outcomes[4], .rejected(reason: .queueFull))
        XCTAssertEqual(outcomes[5], .rejected(reason: .queueFull))
        rt.runUntilIdle()
        XCTAssertEqual(outcomes[0], .served(wait: .zero, service: .wholeSeconds(3)))
        XCTAssertEqual(outcomes[2], .served(wait: .wholeSeconds(3), service: .wholeSeconds(3)))

        ctx.faults.begin(ActiveFault(kind: .datastoreOutage, target: "db"))
        db.submit(entity: 9) { outcomes[9] = $0 }
        XCTAssertEqual(outcomes[9], .rejected(reason: .unavailable))
    }

    func testWaitTimeoutRejectsLongWaiters() throws {
        let (rt, ctx) = makeContext()
        let db = QueueingResource(name: "db", capacity: 1, maxWait: .wholeSeconds(2), serviceTime: try .constant(10), context: ctx)
        var outcomes: [QueueingResource.Outcome] = []
        db.submit(entity: 1) { outcomes.append($0) }
        db.submit(entity: 2) { outcomes.append($0) }
        rt.runUntilIdle()
        XCTAssertEqual(outcomes, [.rejected(reason: .waitTimeout), .served(wait: .zero, service: .wholeSeconds(10))])
    }
}
