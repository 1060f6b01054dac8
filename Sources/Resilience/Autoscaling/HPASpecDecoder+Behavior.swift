/// Decodes `spec.behavior` (`HorizontalPodAutoscalerBehavior`) and, when strict, checks it as
/// `pkg/apis/autoscaling/validation` `validateBehavior`/`validateScalingRules` do: window 0…3600 s,
/// a known `selectPolicy`, at least one policy, policy values > 0, periods 1…1800 s, tolerance ≥ 0.
extension HPASpecDecoder {
    static let maxStabilizationWindowSeconds: Int64 = 3600
    static let maxPeriodSeconds: Int64 = 1800

    func behavior(_ cursor: YAMLCursor) throws(HPAManifestError) -> HPABehavior {
        let f = try cursor.fields(allowed: ["scaleUp", "scaleDown"], strict: strict)
        return HPABehavior(scaleUp: try f["scaleUp"].map { (c) throws(HPAManifestError) in try rules(c) },
                           scaleDown: try f["scaleDown"].map { (c) throws(HPAManifestError) in try rules(c) })
    }

    func rules(_ cursor: YAMLCursor) throws(HPAManifestError) -> HPAScalingRules {
        let f = try cursor.fields(allowed: ["stabilizationWindowSeconds", "selectPolicy", "policies", "tolerance"], strict: strict)
        var rules = HPAScalingRules()
        if let w = f["stabilizationWindowSeconds"] {
            rules.stabilizationWindowSeconds = try w.int32(
                in: strict ? 0...Self.maxStabilizationWindowSeconds : Int64(Int32.min)...Int64(Int32.max),
                expected: strict ? "an integer from 0 to \(Self.maxStabilizationWindowSeconds) (seconds)" : "an integer")
        }
        if let s = f["selectPolicy"] {
            let text = try s.string()
            guard let select = ScalingPolicySelect(rawValue: text) else {
                throw s.error("found \(s.found)", expected: "Max, Min or Disabled")
            }
            rules.selectPolicy = select
        }
        if let p = f["policies"] {
            let items = try p.sequence()
            if strict && items.isEmpty { throw p.error("found an empty list", expected: "at least one policy") }
            rules.policies = try items.map { (c) throws(HPAManifestError) in try policy(c) }
        }
        if let t = f["tolerance"] {
            let q = try t.quantity()
            if strict && q.sign < 0 { throw t.error("is \(q)", expected: "a tolerance >= 0 such as 0.05") }
            rules.tolerance = q
        }
        return rules
    }

    func policy(_ cursor: YAMLCursor) throws(HPAManifestError) -> HPAScalingPolicy {
        let f = try cursor.fields(allowed: ["type", "value", "periodSeconds"], strict: strict)
        let t = try f.required("type", expected: "Pods or Percent")
        let text = try t.string()
        guard let type = ScalingPolicyType(rawValue: text) else { throw t.error("found \(t.found)", expected: "Pods or Percent") }
        let anyInt = Int64(Int32.min)...Int64(Int32.max)
        let value = try f.required("value", expected: "an integer >= 1").int32(
            in: strict ? 1...Int64(Int32.max) : anyInt, expected: strict ? "an integer >= 1" : "an integer")
        let period = try f.required("periodSeconds", expected: "an integer from 1 to \(Self.maxPeriodSeconds)").int32(
            in: strict ? 1...Self.maxPeriodSeconds : anyInt,
            expected: strict ? "an integer from 1 to \(Self.maxPeriodSeconds) (seconds)" : "an integer")
        return HPAScalingPolicy(type: type, value: value, periodSeconds: period)
    }
}
