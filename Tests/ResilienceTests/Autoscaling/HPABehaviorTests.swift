import Resilience
import XCTest

/// Stabilization windows, scaling policies and the legacy cap (`horizontal.go` normalization).
final class HPABehaviorTests: XCTestCase {
    private let now = Instant(nanoseconds: 10_000 * 1_000_000_000)
    private func ago(_ seconds: Int64) -> Instant { now - .wholeSeconds(seconds) }
    private func rules(_ select: ScalingPolicySelect, _ policies: [HPAScalingPolicy], window: Int64 = 0) -> ScalingRules {
        ScalingRules(stabilizationWindow: .wholeSeconds(window), selectPolicy: select, policies: policies)
    }
    private let podsAndPercent = [HPAScalingPolicy(type: .pods, value: 4, periodSeconds: 15),
                                  HPAScalingPolicy(type: .percent, value: 100, periodSeconds: 15)]

    func testLegacyStabilizationHoldsTheHighestRecentRecommendationOnScaleDown() {
        var history = HPAHistory(recommendations: [TimestampedRecommendation(replicas: 8, timestamp: ago(200)),
                                                   TimestampedRecommendation(replicas: 6, timestamp: ago(100))])
        let held = history.stabilizeDownscale(3, window: .minutes(5), now: now)
        XCTAssertEqual(held.replicas, 8)
        XCTAssertEqual(held.reason, .scaleDownStabilized)
        XCTAssertEqual(history.recommendations.map(\.replicas), [8, 6, 3], "nothing is old yet: appended")

        // 101 s later the 8 is older than the window: it no longer counts and its slot is reused.
        let later = now + .wholeSeconds(101)
        let next = history.stabilizeDownscale(3, window: .minutes(5), now: later)
        XCTAssertEqual(next.replicas, 6)
        XCTAssertEqual(history.recommendations.map(\.replicas), [3, 6, 3])

        var rising = HPAHistory(recommendations: [TimestampedRecommendation(replicas: 8, timestamp: ago(10))])
        XCTAssertEqual(rising.stabilizeDownscale(12, window: .minutes(5), now: now).reason, .readyForNewScale,
                       "scale-up is never delayed on the legacy path")
    }

    func testBehaviorStabilizationUsesBothWindows() {
        let behavior = ResolvedBehavior(scaleUp: rules(.max, podsAndPercent, window: 60),
                                        scaleDown: rules(.max, podsAndPercent, window: 300))
        var history = HPAHistory(recommendations: [TimestampedRecommendation(replicas: 9, timestamp: ago(250)),
                                                   TimestampedRecommendation(replicas: 4, timestamp: ago(30))])
        let down = history.stabilize(2, currentReplicas: 6, behavior: behavior, now: now)
        XCTAssertEqual(down.replicas, 6, "the 9 inside the scale-down window holds the count, but never above current")
        XCTAssertEqual(down.reason, .scaleDownStabilized)
        let up = history.stabilize(12, currentReplicas: 6, behavior: behavior, now: now)
        XCTAssertEqual(up.replicas, 6, "the 4 and the 2 inside the scale-up window keep it at current")
        XCTAssertEqual(up.reason, .scaleUpStabilized)
        XCTAssertEqual(history.recommendations.map(\.replicas), [9, 4, 2, 12])

        // An entry exactly one window old is neither inside the window nor old.
        var edge = HPAHistory(recommendations: [TimestampedRecommendation(replicas: 9, timestamp: ago(300))])
        let flat = ResolvedBehavior(scaleUp: rules(.max, podsAndPercent, window: 300), scaleDown: rules(.max, podsAndPercent, window: 300))
        XCTAssertEqual(edge.stabilize(2, currentReplicas: 6, behavior: flat, now: now).replicas, 2)
        XCTAssertEqual(edge.recommendations.map(\.replicas), [9, 2])
    }

    func testPodsVersusPercentPoliciesWithSelectPolicyMaxAndMin() {
        let history = HPAHistory(recommendations: [])
        XCTAssertEqual(history.scaleUpLimit(currentReplicas: 10, rules: rules(.max, podsAndPercent), now: now), 20)
        XCTAssertEqual(history.scaleUpLimit(currentReplicas: 10, rules: rules(.min, podsAndPercent), now: now), 14)
        XCTAssertEqual(history.scaleUpLimit(currentReplicas: 2, rules: rules(.max, podsAndPercent), now: now), 6,
                       "Pods wins for small deployments")
        let down = [HPAScalingPolicy(type: .pods, value: 3, periodSeconds: 60), HPAScalingPolicy(type: .percent, value: 50, periodSeconds: 60)]
        XCTAssertEqual(history.scaleDownLimit(currentReplicas: 10, rules: rules(.max, down), now: now), 5, "largest change")
        XCTAssertEqual(history.scaleDownLimit(currentReplicas: 10, rules: rules(.min, down), now: now), 7, "smallest change")
    }

    func testPercentRoundsUpForScaleUpAndTruncatesForScaleDown() {
        let history = HPAHistory(recommendations: [])
        let fifteen = [HPAScalingPolicy(type: .percent, value: 15, periodSeconds: 60)]
        XCTAssertEqual(history.scaleUpLimit(currentReplicas: 10, rules: rules(.max, fifteen), now: now), 12)
        XCTAssertEqual(history.scaleDownLimit(currentReplicas: 10, rules: rules(.max, fifteen), now: now), 8)
        XCTAssertEqual(history.scaleUpLimit(currentReplicas: 1, rules: rules(.max, [HPAScalingPolicy(type: .percent, value: 1, periodSeconds: 60)]), now: now), 2,
                       "a small percentage can always add one pod")
    }

    func testDisabledForbidsScalingInThatDirection() {
        let history = HPAHistory(recommendations: [])
        let behavior = ResolvedBehavior(scaleUp: rules(.disabled, podsAndPercent), scaleDown: rules(.disabled, podsAndPercent, window: 300))
        let up = history.limitRate(20, currentReplicas: 10, minReplicas: 1, maxReplicas: 100, behavior: behavior, now: now)
        XCTAssertEqual(up.replicas, 10)
        XCTAssertEqual(up.reason, .scaleUpLimit)
        let down = history.limitRate(2, currentReplicas: 10, minReplicas: 1, maxReplicas: 100, behavior: behavior, now: now)
        XCTAssertEqual(down.replicas, 10)
        XCTAssertEqual(down.reason, .scaleDownLimit)
    }

    func testRecentEventsConsumeThePeriodBudget() {
        let history = HPAHistory(recommendations: [], scaleUpEvents: [ScaleEvent(replicaChange: 4, timestamp: ago(10))],
                                 scaleDownEvents: [ScaleEvent(replicaChange: 2, timestamp: ago(20))])
        let fourPods = rules(.max, [HPAScalingPolicy(type: .pods, value: 4, periodSeconds: 15)])
        XCTAssertEqual(history.scaleUpLimit(currentReplicas: 14, rules: fourPods, now: now), 14,
                       "the 4 pods added 10 s ago used the 15 s budget; the removal 20 s ago is outside the period")
        let limited = history.limitRate(30, currentReplicas: 14, minReplicas: 1, maxReplicas: 100,
                                        behavior: ResolvedBehavior(scaleUp: fourPods, scaleDown: fourPods), now: now)
        XCTAssertEqual(limited.replicas, 14)
        XCTAssertEqual(history.scaleUpLimit(currentReplicas: 14, rules: fourPods, now: now + .wholeSeconds(5)), 18,
                       "an event exactly one period old is outside it")
    }

    func testMinAndMaxWinOverPolicies() {
        let history = HPAHistory(recommendations: [])
        let behavior = ResolvedBehavior(scaleUp: rules(.max, podsAndPercent), scaleDown: rules(.max, podsAndPercent, window: 300))
        let capped = history.limitRate(50, currentReplicas: 10, minReplicas: 1, maxReplicas: 12, behavior: behavior, now: now)
        XCTAssertEqual(capped.replicas, 12)
        XCTAssertEqual(capped.reason, .tooManyReplicas)
        let floored = history.limitRate(0, currentReplicas: 10, minReplicas: 3, maxReplicas: 12, behavior: behavior, now: now)
        XCTAssertEqual(floored.replicas, 3)
        XCTAssertEqual(floored.reason, .tooFewReplicas)
    }

    func testLegacyScaleUpCapIsTwiceCurrentOrFour() {
        let settings = HPAControllerSettings()
        XCTAssertEqual(settings.limitLegacy(20, currentReplicas: 3, minReplicas: 1, maxReplicas: 100).replicas, 6)
        XCTAssertEqual(settings.limitLegacy(20, currentReplicas: 3, minReplicas: 1, maxReplicas: 100).reason, .scaleUpLimit)
        XCTAssertEqual(settings.limitLegacy(20, currentReplicas: 1, minReplicas: 1, maxReplicas: 100).replicas, 4)
        XCTAssertEqual(settings.limitLegacy(20, currentReplicas: 3, minReplicas: 1, maxReplicas: 5).reason, .tooManyReplicas)
        XCTAssertEqual(settings.limitLegacy(0, currentReplicas: 3, minReplicas: 2, maxReplicas: 5).reason, .tooFewReplicas)
        XCTAssertEqual(settings.limitLegacy(1, currentReplicas: 30, minReplicas: 1, maxReplicas: 50).replicas, 1,
                       "no scale-down rate limit without behavior")
        XCTAssertEqual(HPAControllerSettings(scaleUpLimitFactor: 8).limitLegacy(1000, currentReplicas: 5, minReplicas: 1, maxReplicas: 100).replicas, 40)
    }

    func testStoreScaleEventReusesTheLastOutdatedSlot() {
        let behavior = ResolvedBehavior(scaleUp: rules(.max, [HPAScalingPolicy(type: .pods, value: 4, periodSeconds: 60)]),
                                        scaleDown: rules(.max, podsAndPercent, window: 300))
        var history = HPAHistory(recommendations: [], scaleUpEvents: [
            ScaleEvent(replicaChange: 1, timestamp: ago(90)), ScaleEvent(replicaChange: 2, timestamp: ago(70)),
            ScaleEvent(replicaChange: 3, timestamp: ago(30)),
        ])
        history.storeScaleEvent(behavior: behavior, from: 10, to: 14, now: now)
        XCTAssertEqual(history.scaleUpEvents.map(\.replicaChange), [1, 4, 3])
        XCTAssertEqual(history.scaleUpEvents.map(\.isOutdated), [true, false, false])
        history.storeScaleEvent(behavior: nil, from: 14, to: 10, now: now)
        XCTAssertTrue(history.scaleDownEvents.isEmpty, "no events are kept without a behavior")
        history.storeScaleEvent(behavior: behavior, from: 14, to: 10, now: now)
        XCTAssertEqual(history.scaleDownEvents, [ScaleEvent(replicaChange: 4, timestamp: now)])
    }
}
