import Resilience
import XCTest

/// End-to-end reconciles (`reconcileAutoscaler`): shortcuts, conditions, multiple metrics, the
/// initial recommendation, the legacy cap and the seed's §1.2.1 behavior over simulated time.
final class HorizontalPodAutoscalerTests: XCTestCase {
    private let start = Instant(nanoseconds: 1_000 * 1_000_000_000)
    private func at(_ seconds: Int64) -> Instant { start + .wholeSeconds(seconds) }

    private func cpuSpec(min: Int32? = 1, max: Int32 = 10, target: Int32 = 50, behavior: HPABehavior? = nil) -> HorizontalPodAutoscalerSpec {
        HorizontalPodAutoscalerSpec(scaleTargetRef: CrossVersionObjectReference(kind: "Deployment", name: "web"),
                                    minReplicas: min, maxReplicas: max,
                                    metrics: [.resource(ResourceMetricSource(name: "cpu", target: .utilization(target)))],
                                    behavior: behavior)
    }

    /// `count` ready pods each using `usage` of a 1000 m request.
    private func cpuObservation(current: Int32, count: Int, usage: Int64, now: Instant) -> HPAObservation {
        var reading = PodMetricReading()
        let pods = (0..<count).map { i -> ObservedPod in
            reading.requests["p\(i)"] = 1000
            reading.samples["p\(i)"] = PodMetricSample(milliValue: usage, timestamp: now)
            return ObservedPod(name: "p\(i)", startTime: start - .hours(1),
                               readyCondition: PodReadyCondition(status: .true, lastTransitionTime: start - .minutes(59)))
        }
        return HPAObservation(specReplicas: current, pods: pods, readings: [.pods(reading)])
    }

    func testBoundsAreEnforcedBeforeMetrics() {
        var hpa = HorizontalPodAutoscaler(spec: cpuSpec(min: 2, max: 5))
        let above = hpa.reconcile(HPAObservation(specReplicas: 8), now: start)
        XCTAssertEqual(above.desiredReplicas, 5)
        XCTAssertTrue(above.rescale)
        XCTAssertEqual(above.conditions[.ableToScale]?.reason, .succeededRescale)
        XCTAssertNil(above.conditions[.scalingActive], "no metrics were read")
        XCTAssertEqual(hpa.lastScaleTime, start)
        XCTAssertEqual(hpa.reconcile(HPAObservation(specReplicas: 1), now: at(15)).desiredReplicas, 2)

        var disabled = HorizontalPodAutoscaler(spec: cpuSpec(min: 2, max: 5))
        let zero = disabled.reconcile(HPAObservation(specReplicas: 0), now: start)
        XCTAssertEqual(zero.desiredReplicas, 0)
        XCTAssertFalse(zero.rescale)
        XCTAssertEqual(zero.conditions[.scalingActive]?.status, .false)
        XCTAssertEqual(zero.conditions[.scalingActive]?.reason, .scalingDisabled)
        XCTAssertEqual(zero.conditions[.ableToScale]?.reason, .succeededGetScale)
    }

    func testFirstSightBlocksScaleDownForOneWindow() {
        var hpa = HorizontalPodAutoscaler(spec: cpuSpec(min: 2))
        var replicas: Int32 = 5
        var trajectory: [Int32] = []
        for tick in 0...21 {
            let now = at(Int64(tick) * 15)
            let decision = hpa.reconcile(cpuObservation(current: replicas, count: Int(replicas), usage: 100, now: now), now: now)
            if tick == 0 { XCTAssertEqual(decision.conditions[.ableToScale]?.reason, .scaleDownStabilized) }
            replicas = decision.desiredReplicas
            trajectory.append(replicas)
        }
        XCTAssertEqual(trajectory, Array(repeating: 5, count: 21) + [2],
                       "the seeded recommendation of 5 holds for 300 s inclusive; then min replicas")
        XCTAssertEqual(hpa.conditions[.scalingLimited]?.reason, .tooFewReplicas)
        XCTAssertEqual(hpa.conditions[.scalingLimited]?.status, .true)
    }

    func testLegacyScaleUpIsCappedAtTwiceCurrent() {
        var hpa = HorizontalPodAutoscaler(spec: cpuSpec(max: 20, target: 10))
        var replicas: Int32 = 2
        var steps: [Int32] = []
        for tick in 0..<4 {
            let now = at(Int64(tick) * 15)
            replicas = hpa.reconcile(cpuObservation(current: replicas, count: Int(replicas), usage: 1000, now: now), now: now).desiredReplicas
            steps.append(replicas)
        }
        XCTAssertEqual(steps, [4, 8, 16, 20])
        XCTAssertEqual(hpa.conditions[.scalingLimited]?.reason, .tooManyReplicas)
        XCTAssertTrue(hpa.history.scaleUpEvents.isEmpty, "no scale events without a behavior")
    }

    func testTheHighestMetricProposalWins() throws {
        let manifest = try HPAManifest(yaml: HPAManifestTests.seedManifest)
        var hpa = HorizontalPodAutoscaler(manifest: manifest)
        hpa.history = HPAHistory(recommendations: [])
        let now = start
        var cpu = PodMetricReading(), memory = PodMetricReading(), sessions = PodMetricReading()
        var pods: [ObservedPod] = []
        for i in 0..<10 {
            let name = "rec-\(i)"
            pods.append(ObservedPod(name: name, startTime: now - .hours(2),
                                    readyCondition: PodReadyCondition(status: .true, lastTransitionTime: now - .hours(2))))
            cpu.requests[name] = 500
            cpu.samples[name] = PodMetricSample(milliValue: 300, timestamp: now)               // 60 %: at target
            memory.requests[name] = 1_000_000
            memory.samples[name] = PodMetricSample(milliValue: 840_000, timestamp: now)       // 84 % of 70 %: 12
            sessions.samples[name] = PodMetricSample(milliValue: 150_000, timestamp: now)     // 150 of 100: 15
        }
        let decision = hpa.reconcile(HPAObservation(specReplicas: 10, pods: pods,
                                                    readings: [.pods(cpu), .pods(memory), .pods(sessions)]), now: now)
        XCTAssertEqual(decision.evaluations.compactMap { $0.proposal?.replicas }, [10, 12, 15])
        XCTAssertEqual(decision.metricProposal, 15)
        XCTAssertEqual(decision.desiredReplicas, 15, "50 % per 60 s allows ceil(10 × 1.5)")
        XCTAssertEqual(decision.conditions[.scalingActive]?.reason, .validMetricFound)
        XCTAssertEqual(decision.conditions[.scalingActive]?.message,
                       "the HPA was able to successfully calculate a replica count from pods metric active_recording_sessions")
        XCTAssertEqual(hpa.history.scaleUpEvents.map(\.replicaChange), [5])
    }

    func testSeedBehaviorOverSimulatedTime() throws {
        // The seed's bounds and behavior; one External metric, total sessions over 100 per pod, so the
        // proposal does not depend on the pod count.
        let seed = try HPAManifest(yaml: HPAManifestTests.seedManifest).spec
        let sessions = ExternalMetricSource(metric: MetricIdentifier(name: "active_recording_sessions"),
                                            target: .averageValue(try Quantity("100")))
        var hpa = HorizontalPodAutoscaler(spec: HorizontalPodAutoscalerSpec(
            scaleTargetRef: seed.scaleTargetRef, minReplicas: seed.minReplicas, maxReplicas: seed.maxReplicas,
            metrics: [.external(sessions)], behavior: seed.behavior))
        var replicas: Int32 = 10
        var trajectory: [Int64: Int32] = [:]
        for tick in Int64(0)...44 {
            let now = at(tick * 15)
            let total: Int64 = tick <= 16 ? 4_000 : 1_000
            let observation = HPAObservation(specReplicas: replicas, readings: [.external(milliValues: [total * 1_000])])
            let decision = hpa.reconcile(observation, now: now)
            if tick == 0 { XCTAssertEqual(decision.conditions[.ableToScale]?.reason, .scaleUpStabilized) }
            replicas = decision.desiredReplicas
            trajectory[tick * 15] = replicas
        }
        // Scale-up waits out the 60 s window (the seeded 10 is inside it), then 50 % per 60 s.
        XCTAssertEqual([0, 45, 60, 105, 120, 180, 240].map { trajectory[$0] }, [10, 10, 15, 15, 23, 35, 40])
        // Scale-down waits until the last 40 is a full 300 s old, then 10 % per 60 s.
        XCTAssertEqual([525, 540, 585, 600, 660].map { trajectory[$0] }, [40, 36, 36, 32, 28])
    }

    func testFatalMetricErrorsChangeNothing() {
        var hpa = HorizontalPodAutoscaler(spec: cpuSpec(), history: HPAHistory(recommendations: []))
        let decision = hpa.reconcile(HPAObservation(specReplicas: 3, readings: [.unavailable("metrics-server down")]), now: start)
        XCTAssertEqual(decision.desiredReplicas, 3)
        XCTAssertFalse(decision.rescale)
        XCTAssertEqual(decision.conditions[.scalingActive]?.reason, .failedGetResourceMetric)
        XCTAssertEqual(decision.conditions[.ableToScale]?.reason, .succeededGetScale)
        XCTAssertTrue(hpa.history.recommendations.isEmpty, "no recommendation is recorded on the fatal path")

        let selector = hpa.reconcile(HPAObservation(specReplicas: 3, selectorProblem: .missing), now: at(15))
        XCTAssertEqual(selector.conditions[.scalingActive]?.reason, .invalidSelector)
        XCTAssertEqual(selector.conditions[.scalingActive]?.lastTransitionTime, start, "status unchanged: the time stays")

        var unknown = HorizontalPodAutoscaler(spec: HorizontalPodAutoscalerSpec(maxReplicas: 5, metrics: [.unrecognized(type: "CheddarCheese")]))
        XCTAssertEqual(unknown.reconcile(HPAObservation(specReplicas: 2), now: start).conditions[.scalingActive]?.reason,
                       .invalidMetricSourceType)
    }
}
