import Resilience
import SimKernel

/// Runs the Kubernetes HPA conformance cases (`shared/conformance/hpa/cases.jsonl`, format in
/// `shared/reference/kubernetes-hpa.md` §8) against `Resilience`'s `HorizontalPodAutoscaler`.
///
/// Each case exercises one stage: the full `reconcile`, one metric's `replicaCalc`, or one of the
/// upstream helper functions the Go tests call directly (`stabilize`, `convertWithRules`,
/// `stabilizeWithBehavior`, `rateLimitWithBehavior`, `scaleUpLimit`, `scaleDownLimit`,
/// `storeScaleEvent`). The answer carries the keys of the stage's `expect` object.
public struct HPAConformanceRunner: ConformanceRunner {
    public let policyName = "hpa"

    public init() {}

    public func actual(for testCase: JSONValue) throws -> JSONValue {
        let c = try HPACase(testCase)
        switch c.stage {
        case "reconcile": return try reconcile(c)
        case "replicaCalc": return try replicaCalc(c)
        case "stabilize":
            var history = c.history
            let result = history.stabilizeDownscale(try c.prenormalized(), window: c.settings.downscaleStabilizationWindow, now: c.now)
            return ["desiredReplicas": jsonNumber(result.replicas), "recommendationCount": jsonNumber(history.recommendations.count)]
        case "convertWithRules":
            let result = c.settings.limitLegacy(try c.prenormalized(), currentReplicas: try c.currentReplicas(),
                                                minReplicas: c.spec.effectiveMinReplicas, maxReplicas: c.spec.maxReplicas)
            return ["desiredReplicas": jsonNumber(result.replicas), "limitReason": .string(result.reason.rawValue)]
        case "stabilizeWithBehavior":
            var history = c.history
            let result = history.stabilize(try c.prenormalized(), currentReplicas: try c.currentReplicas(),
                                           behavior: c.resolvedBehavior, now: c.now)
            return ["desiredReplicas": jsonNumber(result.replicas),
                    "recommendationsAfter": .array(history.recommendations.map { jsonNumber($0.replicas) })]
        case "rateLimitWithBehavior":
            let result = c.history.limitRate(try c.prenormalized(), currentReplicas: try c.currentReplicas(),
                                             minReplicas: c.spec.effectiveMinReplicas, maxReplicas: c.spec.maxReplicas,
                                             behavior: c.resolvedBehavior, now: c.now)
            return ["desiredReplicas": jsonNumber(result.replicas), "limitReason": .string(result.reason.rawValue)]
        case "scaleUpLimit":
            return ["limit": jsonNumber(c.history.scaleUpLimit(currentReplicas: try c.currentReplicas(),
                                                         rules: c.resolvedBehavior.scaleUp, now: c.now))]
        case "scaleDownLimit":
            return ["limit": jsonNumber(c.history.scaleDownLimit(currentReplicas: try c.currentReplicas(),
                                                           rules: c.resolvedBehavior.scaleDown, now: c.now))]
        case "storeScaleEvent": return try storeScaleEvent(c)
        default:
            throw ConformanceCaseError("unknown stage \"\(c.stage)\"; expected reconcile, replicaCalc, stabilize, convertWithRules, "
                + "stabilizeWithBehavior, rateLimitWithBehavior, scaleUpLimit, scaleDownLimit or storeScaleEvent")
        }
    }

    /// §1–§6 end to end; `conditions` lists the types set in this cycle (the HPA starts with none).
    private func reconcile(_ c: HPACase) throws -> JSONValue {
        var hpa = HorizontalPodAutoscaler(spec: c.spec, settings: c.settings, history: c.history)
        let decision = hpa.reconcile(try c.observation(), now: c.now)
        var conditions: [String: JSONValue] = [:]
        for condition in decision.conditions {
            conditions[condition.type.rawValue] = ["status": .string(condition.status.rawValue),
                                                   "reason": .string(condition.reason.rawValue)]
        }
        return ["desiredReplicas": jsonNumber(decision.desiredReplicas), "conditions": .object(conditions)]
    }

    /// One metric's proposal (`spec.metrics[0]` with `observed[0]`), without normalization.
    private func replicaCalc(_ c: HPACase) throws -> JSONValue {
        guard let metric = c.spec.metrics.first else { throw ConformanceCaseError("replicaCalc needs spec.metrics[0]") }
        let observation = try c.observation()
        let hpa = HorizontalPodAutoscaler(spec: c.spec, settings: c.settings)
        let evaluation = hpa.replicaCalculator.evaluate(metric, reading: observation.readings.first,
                                                        observation: observation, now: c.now)
        guard case .proposal(let p) = evaluation else { return ["error": true] }
        var out: [String: JSONValue] = ["desiredReplicas": jsonNumber(p.replicas)]
        let isResource: Bool
        switch metric {
        case .resource, .containerResource: isResource = true
        default: isResource = false
        }
        if let utilization = p.current.averageUtilization {
            out["utilization"] = jsonNumber(utilization)
            out["rawValue"] = jsonNumber(p.current.averageMilliValue ?? 0)
        } else if isResource {
            out["rawValue"] = jsonNumber(p.current.averageMilliValue ?? 0)
        } else {
            out["usage"] = jsonNumber(p.current.milliValue ?? p.current.averageMilliValue ?? 0)
        }
        return .object(out)
    }

    /// `TestStoreScaleEvents`: the direction's change in the last 60 s, then `storeScaleEvent`.
    private func storeScaleEvent(_ c: HPACase) throws -> JSONValue {
        let current = try c.currentReplicas()
        guard let newReplicas = try c.int32("newReplicas") else { throw ConformanceCaseError("storeScaleEvent needs newReplicas") }
        let up = newReplicas > current
        var history = c.history
        let before = HPAHistory.replicaChange(in: up ? history.scaleUpEvents : history.scaleDownEvents,
                                              within: .wholeSeconds(60), now: c.now)
        let behavior = c.spec.behavior.map {
            ResolvedBehavior($0, downscaleStabilizationWindow: c.settings.downscaleStabilizationWindow)
        }
        history.storeScaleEvent(behavior: behavior, from: current, to: newReplicas, now: c.now)
        let after = up ? history.scaleUpEvents : history.scaleDownEvents
        return ["replicaChangeLast60s": jsonNumber(before),
                "eventsAfter": .array(after.map { ["replicaChange": jsonNumber($0.replicaChange), "outdated": .bool($0.isOutdated)] })]
    }
}

/// An integer as a JSON number.
private func jsonNumber<I: BinaryInteger>(_ value: I) -> JSONValue { .number(Double(value)) }
