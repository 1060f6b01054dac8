import Resilience
import SimKernel

/// Reading a case's `controller` overrides, its `history` and its `spec` (via YAML).
extension HPACase {
    /// `controller`: `tolerance`, `downscaleStabilizationWindowSeconds`, `scaleUpLimitFactor`,
    /// `scaleUpLimitMinimum`, `featureGates.HPAConfigurableTolerance` (§8.1), plus the optional
    /// `cpuInitializationPeriodSeconds` and `initialReadinessDelaySeconds`.
    static func settings(_ value: JSONValue?) throws -> HPAControllerSettings {
        var s = HPAControllerSettings()
        guard let value, !value.isNull else { return s }
        guard let c = value.objectValue else { throw ConformanceCaseError("\"controller\" must be an object") }
        func number(_ key: String) throws -> Double? {
            guard let v = c[key], !v.isNull else { return nil }
            guard let n = v.doubleValue, n.isFinite else { throw ConformanceCaseError("controller.\(key) must be a number") }
            return n
        }
        if let v = try number("tolerance") { s.tolerance = v }
        if let v = try number("downscaleStabilizationWindowSeconds") { s.downscaleStabilizationWindow = try .seconds(v) }
        if let v = try number("cpuInitializationPeriodSeconds") { s.cpuInitializationPeriod = try .seconds(v) }
        if let v = try number("initialReadinessDelaySeconds") { s.initialReadinessDelay = try .seconds(v) }
        if let v = try number("scaleUpLimitFactor") { s.scaleUpLimitFactor = v }
        if let v = try number("scaleUpLimitMinimum") { s.scaleUpLimitMinimum = v }
        if let gate = c["featureGates"]?["HPAConfigurableTolerance"]?.boolValue { s.configurableToleranceEnabled = gate }
        return s
    }

    /// `history` (§8.4), taken as given: a present history is the controller's existing memory, so
    /// no initial recommendation is seeded; an absent one is a controller that never saw the HPA.
    static func history(_ value: JSONValue?, now: Instant) throws -> HPAHistory {
        guard let value, !value.isNull else { return HPAHistory() }
        guard let h = value.objectValue else { throw ConformanceCaseError("\"history\" must be an object") }
        func age(_ entry: [String: JSONValue], _ what: String) throws -> Instant {
            guard let a = entry["ageSeconds"]?.doubleValue else { throw ConformanceCaseError("\(what).ageSeconds must be a number") }
            return now - (try TimeAmount.seconds(a))
        }
        func count(_ entry: [String: JSONValue], _ key: String, _ what: String) throws -> Int32 {
            guard let n = entry[key]?.doubleValue, n.rounded() == n, abs(n) <= Double(Int32.max) else {
                throw ConformanceCaseError("\(what).\(key) must be a 32-bit integer")
            }
            return Int32(n)
        }
        func entries(_ key: String) throws -> [[String: JSONValue]] {
            guard let list = h[key], !list.isNull else { return [] }
            guard let items = list.arrayValue else { throw ConformanceCaseError("history.\(key) must be an array") }
            return try items.enumerated().map { i, item in
                guard let o = item.objectValue else { throw ConformanceCaseError("history.\(key)[\(i)] must be an object") }
                return o
            }
        }
        let recommendations = try entries("recommendations").enumerated().map { i, e in
            TimestampedRecommendation(replicas: try count(e, "replicas", "history.recommendations[\(i)]"),
                                      timestamp: try age(e, "history.recommendations[\(i)]"))
        }
        func events(_ key: String) throws -> [ScaleEvent] {
            try entries(key).enumerated().map { i, e in
                ScaleEvent(replicaChange: try count(e, "replicaChange", "history.\(key)[\(i)]"),
                           timestamp: try age(e, "history.\(key)[\(i)]"), isOutdated: e["outdated"]?.boolValue ?? false)
            }
        }
        return HPAHistory(recommendations: recommendations, scaleUpEvents: try events("scaleUpEvents"),
                          scaleDownEvents: try events("scaleDownEvents"), isTracked: true)
    }

    /// The spec as YAML flow text (JSON is YAML; a space follows every `:` and `,` for libyaml), so
    /// it goes through the same decoder as manifests.
    static func yamlText(_ value: JSONValue) -> String {
        switch value {
        case .array(let items): return "[" + items.map(yamlText).joined(separator: ", ") + "]"
        case .object(let o): return "{" + o.keys.sorted().map { key in
                JSONValue.string(key).compactText + ": " + yamlText(o[key] ?? .null)
            }.joined(separator: ", ") + "}"
        default: return value.compactText
        }
    }
}
