import LoomServices
import ScenarioKit

/// `policies.health`: the platform's health monitor (seed §8.1) probing every running service's
/// Deployment. Defaults: `HealthMonitoringConfiguration`'s (AWS ELB target-group health checks:
/// every 30 s, 5 s timeout, 5 successes to turn healthy, 2 failures to turn unhealthy).
public struct HealthPolicy: Sendable {
    public var monitoring = HealthMonitoringConfiguration()
    /// A probe fails when more than this share of the service's requests that ended since the
    /// previous probe failed, were dropped or dead-lettered (its ledger). Default 50 %, the
    /// share at which a `/health` handler that checks its own error budget would say "unhealthy".
    public var maximumErrorRate = 0.5
    /// A probe fails when fewer pods serve. Default 1 (no pod serving is no answer at all).
    public var minimumServing = 1

    public init() {}
}

/// `policies.remediation`: the degradation detector (seed §8.2) over the calls the recording
/// service makes to its dependencies (§1.3.1), remediating with `RemediationActions`.
public struct RemediationPolicy: Sendable {
    public var detection = DegradationDetectionConfiguration()
    /// `scale_up_instances` multiplies the replicas by this (at least one more). Default 1.5.
    public var scaleUpFactor = 1.5
    /// `scale_up_instances` never goes beyond this many replicas. Default: the service's HPA
    /// `maxReplicas` when it runs one, else 4 × its initial replicas.
    public var maxReplicas: Int?

    public init() {}
}

extension PlatformSpec {
    /// Keys of `policies` read here.
    static let crossServicePolicyKeys = ["health", "remediation"]

    /// Reads `policies.health` and `policies.remediation` (a mapping each; `enabled: false`
    /// switches one off, `{}` takes every default).
    mutating func applyCrossServicePolicies(_ policies: NodeReader) {
        if let h = policies.child("health"), !h.isNull, h.checkKeys(
            ["enabled", "interval", "timeout", "healthyThreshold", "unhealthyThreshold", "variant", "maximumErrorRate", "minimumServing"]) {
            var p = HealthPolicy()
            if let v = h.optional("interval", as: .positiveDuration) { p.monitoring.checkInterval = v }
            if let v = h.optional("timeout", as: .positiveDuration) { p.monitoring.timeout = v }
            if let v = h.optional("healthyThreshold", as: .integer(in: 1...1_000)) { p.monitoring.healthyThreshold = v }
            if let v = h.optional("unhealthyThreshold", as: .integer(in: 1...1_000)) { p.monitoring.unhealthyThreshold = v }
            if let v = h.optional("variant", as: .choice(HealthThresholdVariant.self)) { p.monitoring.variant = v }
            if let v = h.optional("maximumErrorRate", as: .fraction) { p.maximumErrorRate = v.value }
            if let v = h.optional("minimumServing", as: .integer(in: 1...100_000)) { p.minimumServing = v }
            health = h.optional("enabled", as: .bool) == false ? nil : p
        }
        if let r = policies.child("remediation"), !r.isNull, r.checkKeys(
            ["enabled", "interval", "cooldown", "warning", "critical", "baselineWindow", "baselineSamples",
             "autoRemediation", "scaleUpFactor", "maxReplicas"]) {
            var p = RemediationPolicy()
            if let v = r.optional("interval", as: .positiveDuration) { p.detection.analysisInterval = v }
            if let v = r.optional("cooldown", as: .duration) { p.detection.remediationCooldown = v }
            if let v = r.optional("autoRemediation", as: .bool) { p.detection.autoRemediationEnabled = v }
            let warning = r.optional("warning", as: .fraction).map { $0.value * 100 } ?? 20
            let critical = r.optional("critical", as: .fraction).map { $0.value * 100 } ?? 50
            if warning > critical, let c = r.child("critical") {
                c.error("critical (\(critical) %) is below warning (\(warning) %)", expected: "a change at least as large as warning")
            }
            if r.has("warning") || r.has("critical") {
                for metric in PerformanceMetric.allCases {
                    p.detection.thresholds[metric] = DegradationThreshold(warningPercent: warning, criticalPercent: critical)
                }
            }
            if case .trailingMean(var window, var samples) = p.detection.baseline {
                if let v = r.optional("baselineWindow", as: .positiveDuration) { window = v }
                if let v = r.optional("baselineSamples", as: .integer(in: 1...10_000)) { samples = v }
                p.detection.baseline = .trailingMean(window: window, minimumSamples: samples)
            }
            if let v = r.optional("scaleUpFactor", as: .number(in: 1...100)) { p.scaleUpFactor = v }
            if let v = r.optional("maxReplicas", as: .integer(in: 1...100_000)) { p.maxReplicas = v }
            remediation = r.optional("enabled", as: .bool) == false ? nil : p
        }
    }
}

extension ServiceDecoders {
    /// `recording.distributedBreaker`: seed §6.1 over the recording service's Redis.
    static func distributedBreaker(_ r: NodeReader, into c: inout RecordingConfiguration) {
        guard !r.isNull, r.checkKeys(["enabled", "globalThreshold", "counting", "window", "instances", "forcedOpenDuration"]) else { return }
        var d = c.distributedBreaker ?? RecordingDistributedBreaker()
        if let v = r.optional("globalThreshold", as: .integer(in: 1...100_000_000)) { d.globalThreshold = v }
        let asWritten = r.optional("counting", as: .oneOf(["intended", "asWritten"])) == "asWritten"
        // The window of failures counted (intended), or the key's expiry (as written, 5 min).
        let window = r.optional("window", as: .positiveDuration)
        d.counting = asWritten ? .resetOnAnySuccess(expiry: window ?? .minutes(5)) : .windowed(window: window ?? .minutes(1))
        if let v = r.optional("instances", as: .integer(in: 1...100_000)) { d.instances = v }
        if let v = r.optional("forcedOpenDuration", as: .positiveDuration) { d.forcedOpenDuration = v }
        c.distributedBreaker = r.optional("enabled", as: .bool) == false ? nil : d
    }
}
