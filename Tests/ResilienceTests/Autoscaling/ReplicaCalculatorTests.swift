import Resilience
import XCTest

/// One metric's proposal (`replica_calculator.go`): tolerance, unready/missing/ignored pods, the
/// CPU initialization period and the Object/External paths.
final class ReplicaCalculatorTests: XCTestCase {
    private let now = Instant(nanoseconds: 100_000 * 1_000_000_000)
    private let calculator = ReplicaCalculator()

    /// A pod that has been Ready for an hour, with a sample taken now.
    private func readyPod(_ name: String) -> ObservedPod {
        ObservedPod(name: name, startTime: now - .hours(1),
                    readyCondition: PodReadyCondition(status: .true, lastTransitionTime: now - .hours(1) + .wholeSeconds(40)))
    }

    /// `n` ready pods with CPU requests and usages (milli-cores); nil usage = no sample.
    private func cpu(_ usages: [Int64?], request: Int64 = 1000) -> ([ObservedPod], PodMetricReading) {
        var reading = PodMetricReading()
        let pods = usages.enumerated().map { i, usage -> ObservedPod in
            let name = "p\(i)"
            reading.requests[name] = request
            if let usage { reading.samples[name] = PodMetricSample(milliValue: usage, timestamp: now) }
            return readyPod(name)
        }
        return (pods, reading)
    }

    private func utilization(_ calc: ReplicaCalculator? = nil, current: Int32, target: Int32,
                             _ input: ([ObservedPod], PodMetricReading)) throws -> UtilizationProposal {
        try (calc ?? calculator).utilizationReplicas(currentReplicas: current, targetUtilization: target, resource: "cpu",
                                                     pods: input.0, reading: input.1, now: now)
    }

    func testToleranceBoundariesAreInclusive() throws {
        XCTAssertEqual(try utilization(current: 3, target: 100, cpu([1100, 1100, 1100])).replicas, 3, "ratio 1.1: inside")
        XCTAssertEqual(try utilization(current: 3, target: 100, cpu([1110, 1110, 1110])).replicas, 4, "ratio 1.11: outside")
        XCTAssertEqual(try utilization(current: 10, target: 100, cpu(Array(repeating: 900, count: 10))).replicas, 10, "ratio 0.9: inside")
        XCTAssertEqual(try utilization(current: 10, target: 100, cpu(Array(repeating: 890, count: 10))).replicas, 9, "ratio 0.89: outside")
        XCTAssertFalse(Tolerances().contains(1.1000000001))
        XCTAssertTrue(Tolerances().contains(0.9))
    }

    func testPerDirectionTolerance() throws {
        let loose = ReplicaCalculator(tolerances: Tolerances(scaleDown: 0.05, scaleUp: 0.2))
        XCTAssertEqual(try utilization(loose, current: 3, target: 100, cpu([1150, 1150, 1150])).replicas, 3)
        XCTAssertEqual(try utilization(loose, current: 10, target: 100, cpu(Array(repeating: 930, count: 10))).replicas, 10,
                       "0.93 is outside a 5 % scale-down tolerance: ceil(9.3) = 10")
        XCTAssertEqual(try utilization(loose, current: 10, target: 100, cpu(Array(repeating: 800, count: 10))).replicas, 8)
        let behavior = HPABehavior(scaleUp: HPAScalingRules(tolerance: try Quantity("0.2")))
        XCTAssertEqual(HPAControllerSettings().tolerances(for: behavior), Tolerances(scaleDown: 0.1, scaleUp: 0.2))
        XCTAssertEqual(HPAControllerSettings(configurableToleranceEnabled: false).tolerances(for: behavior), Tolerances())
    }

    func testUtilizationIsTruncatedBeforeTheRatio() throws {
        // 742 of 3000 requested = 24.7 %, truncated to 24 %; 24/50 × 3 = 1.44 → 2.
        let p = try utilization(current: 3, target: 50, cpu([242, 250, 250]))
        XCTAssertEqual(p.utilization, 24)
        XCTAssertEqual(p.rawAverage, 247)
        XCTAssertEqual(p.replicas, 2)
    }

    func testUnreadyPodsCountAsIdleOnlyOnScaleUp() throws {
        var (pods, reading) = cpu([1000, 1000, 1000, 1000])
        for i in [2, 3] {
            pods[i].readyCondition = PodReadyCondition(status: .false, lastTransitionTime: pods[i].startTime ?? now)
        }
        // Ready pods alone: 100 % of a 50 % target = 2.0; with the two unready pods at 0: 50 % → 1.0.
        XCTAssertEqual(try utilization(current: 4, target: 50, (pods, reading)).replicas, 4)
        // Unready pods are left out on the way down: 2 ready pods at 20 % of 50 % → ceil(0.4 × 2) = 1.
        for name in ["p0", "p1"] { reading.samples[name]?.milliValue = 200 }
        XCTAssertEqual(try utilization(current: 4, target: 50, (pods, reading)).replicas, 1)
        // Pending pods are unready too; Failed and terminating pods are ignored.
        pods[2] = ObservedPod(name: "p2", phase: .pending)
        pods[3].isTerminating = true
        XCTAssertEqual(try utilization(current: 4, target: 50, (pods, reading)).replicas, 1)
    }

    func testUnreadyPodsCanVetoAScaleUpButNotReverseIt() throws {
        var (pods, reading) = cpu([400, 500, 700])
        for i in [1, 2] { pods[i].readyCondition?.status = .false; pods[i].readyCondition?.lastTransitionTime = now - .hours(1) }
        let p = try utilization(current: 3, target: 30, (pods, reading))
        XCTAssertEqual(p.utilization, 40, "first pass over the ready pod")
        XCTAssertEqual(p.replicas, 3, "400 of 3000 is below target: the direction would flip, so no change")
        reading.samples["p0"]?.milliValue = 2000
        XCTAssertEqual(try utilization(current: 3, target: 30, (pods, reading)).replicas, 7, "2000/3000 = 66 % → ceil(2.2 × 3)")
    }

    func testHotCPUPodsInsideTheInitializationPeriod() throws {
        let (initialPods, reading) = cpu([300, 500, 700])
        var pods = initialPods
        // Started a minute ago, Ready 20 s ago: its 60 s sample may include start-up CPU.
        pods[0] = ObservedPod(name: "p0", startTime: now - .wholeSeconds(60),
                              readyCondition: PodReadyCondition(status: .true, lastTransitionTime: now - .wholeSeconds(20)))
        XCTAssertEqual(try utilization(current: 3, target: 30, (pods, reading)).replicas, 4, "treated as unready: 1200/3000 → 4")
        // Ready for more than a window: its sample counts.
        pods[0].readyCondition?.lastTransitionTime = now - .wholeSeconds(61)
        XCTAssertEqual(try utilization(current: 3, target: 30, (pods, reading)).replicas, 5)
        // After the period, a pod that was ready once and is unready now still counts as ready...
        pods[0] = ObservedPod(name: "p0", startTime: now - .minutes(10),
                              readyCondition: PodReadyCondition(status: .false, lastTransitionTime: now - .minutes(2)))
        XCTAssertEqual(try utilization(current: 3, target: 30, (pods, reading)).replicas, 5)
        // ...but one that never became ready (its condition changed within the readiness delay) does not.
        pods[0].readyCondition?.lastTransitionTime = now - .minutes(10) + .wholeSeconds(10)
        XCTAssertEqual(try utilization(current: 3, target: 30, (pods, reading)).replicas, 4)
        // Memory metrics ignore readiness altogether.
        let memory = try calculator.utilizationReplicas(currentReplicas: 3, targetUtilization: 30, resource: "memory",
                                                        pods: pods, reading: reading, now: now)
        XCTAssertEqual(memory.replicas, 5)
    }

    func testMissingPodsAssumeTheTargetOnScaleDownAndZeroOnScaleUp() throws {
        // Scale-down: the missing pod counts at 100 % of its request: 2600/8000 = 32 % of 50 % → ceil(0.64 × 4) = 3
        // (the fast path over the three reporting pods would have said ceil(0.2 × 3) = 1).
        var p = try utilization(current: 4, target: 50, cpu([200, 200, 200, nil], request: 2000))
        XCTAssertEqual(p.replicas, 3)
        // A target above 100 % makes the missing pod count at the target.
        p = try utilization(current: 4, target: 200, cpu([200, 200, 200, nil], request: 1000))
        XCTAssertEqual(p.replicas, 2, "(600 + 2000)/4000 = 65 % of 200 % → ceil(0.325 × 4) = 2 (at 100 % it would be 1)")
    }

    func testErrorsMatchUpstream() {
        XCTAssertThrowsError(try utilization(current: 1, target: 50, ([], PodMetricReading()))) {
            XCTAssertEqual($0 as? ReplicaCalculationError, .noPods)
        }
        XCTAssertThrowsError(try utilization(current: 2, target: 50, cpu([nil, nil]))) {
            XCTAssertEqual($0 as? ReplicaCalculationError, .noUsableMetrics)
        }
        var (pods, reading) = cpu([100, 100])
        reading.requests["p1"] = nil
        XCTAssertThrowsError(try utilization(current: 2, target: 50, (pods, reading))) {
            XCTAssertEqual($0 as? ReplicaCalculationError, .missingRequest(resource: "cpu", pod: "p1"))
        }
        pods = [readyPod("p0")]
        reading = PodMetricReading(samples: ["stranger": PodMetricSample(milliValue: 5, timestamp: now)], requests: ["p0": 100])
        XCTAssertThrowsError(try utilization(current: 1, target: 50, (pods, reading))) {
            XCTAssertEqual($0 as? ReplicaCalculationError, .noMatchingRequests)
        }
    }

    func testPodsMetricAverageIgnoresReadiness() throws {
        var (pods, reading) = cpu([50_000, 15_000, 30_000])
        pods[0].readyCondition?.status = .false
        let p = try calculator.averageValueReplicas(currentReplicas: 3, targetAverageValue: 15_000, resource: nil,
                                                    pods: pods, reading: reading, now: now)
        XCTAssertEqual(p.usage, 31_666)
        XCTAssertEqual(p.replicas, 7)
        reading.samples["p2"] = nil
        let surge = try calculator.averageValueReplicas(currentReplicas: 3, targetAverageValue: 40_000, resource: nil,
                                                        pods: pods, reading: reading, now: now)
        XCTAssertEqual(surge.replicas, 3, "the missing pod counted at the target holds it at 3 (not ceil(0.8125 × 2) = 2)")
    }

    func testObjectAndExternalMetrics() throws {
        let pods = [readyPod("a"), readyPod("b"), ObservedPod(name: "c", phase: .pending)]
        XCTAssertEqual(try calculator.objectValueReplicas(currentReplicas: 3, targetValue: 10_000, milliValue: 50_000, pods: pods).replicas, 10,
                       "ceil(5 × 2 Running-and-Ready pods)")
        XCTAssertEqual(try calculator.objectValueReplicas(currentReplicas: 0, targetValue: 10_000, milliValue: 1, pods: []).replicas, 1,
                       "from zero: ceil(ratio), no pods needed")
        XCTAssertEqual(calculator.objectAverageValueReplicas(statusReplicas: 4, targetAverageValue: 5_000, milliValue: 40_000),
                       ReplicaProposal(replicas: 8, usage: 10_000))
        XCTAssertEqual(try calculator.externalValueReplicas(currentReplicas: 2, targetValue: 1_000, milliValues: [1_000, 2_000], pods: pods),
                       ReplicaProposal(replicas: 6, usage: 3_000), "ceil(3 × 2 ready pods)")
        XCTAssertEqual(try calculator.externalValueReplicas(currentReplicas: 3, targetValue: .max, milliValues: [.max, .max], pods: pods).usage,
                       .max, "the sum saturates")
        XCTAssertEqual(calculator.externalAverageValueReplicas(statusReplicas: 2, targetAverageValue: 100, milliValues: [150, 150]),
                       ReplicaProposal(replicas: 3, usage: 150))
        XCTAssertThrowsError(try calculator.objectValueReplicas(currentReplicas: 3, targetValue: 1, milliValue: 9, pods: []))
    }
}
