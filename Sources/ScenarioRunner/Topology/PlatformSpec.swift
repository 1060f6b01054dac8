import LoomServices
import ScenarioKit

/// The platform a scenario describes: which services run and how they are configured, decoded
/// from `topology:` and `policies:` (documented in Scenarios/README.md).
///
/// A service runs when `topology.services` lists it or a workload targets it; every key the
/// scenario does not set keeps the service's seed-derived default.
public struct PlatformSpec: Sendable {
    public static let serviceNames = ["recording", "video-processing", "ai-ml", "streaming", "analytics", "user-management"]

    public var region = "us-east-1"
    /// The services to run, in `serviceNames` order.
    public var services: [String] = []
    public var video: VideoProcessingConfiguration?
    public var recording: RecordingConfiguration?
    public var users: UserManagementConfiguration?
    public var ai: AIMLConfiguration?
    public var streaming: StreamingConfiguration?
    public var analytics: AnalyticsConfiguration?
    /// Node pools the services' pods are scheduled on (empty: assumed capacity).
    public var nodePools: [NodePool.Configuration] = []

    /// `policies.health` and `policies.remediation` (seed §8); nil: not run.
    public var health: HealthPolicy?
    public var remediation: RemediationPolicy?

    /// `policies.saga`: the recording saga (SagaPolicy.swift).
    public var saga: SagaPolicy?

    /// The primary, its backups and the failover policy, when the scenario runs in several
    /// regions (`topology.regions`, `policies.failover`; see PlatformSpec+Regions.swift).
    public var disasterRecovery: DisasterRecoveryConfiguration?
    /// The pods a backup region starts with, as a share of the primary's (`topology.regions.backupScale`).
    public var backupScale = 1.0

    /// Reads `topology` and `policies` from the scenario's root, reporting every problem through
    /// the readers' sink.
    public static func decode(root: NodeReader) -> PlatformSpec {
        var spec = PlatformSpec()
        var wanted = Set<String>()
        if let topology = root.child("topology") {
            _ = topology.checkKeys(["region", "regions", "services", "nodePools"])
            if let region = topology.optional("region", as: .identifier) { spec.region = region }
            spec.decodeRegions(topology)
            if let pools = topology.child("nodePools") { spec.nodePools = NodePoolDecoder.decode(pools, defaultRegion: spec.region) }
            if let services = topology.child("services") {
                for (name, reader) in services.entries() {
                    guard serviceNames.contains(name) else {
                        reader.error("unknown service \"\(name)\"", expected: "one of \(serviceNames.joined(separator: ", "))")
                        continue
                    }
                    wanted.insert(name)
                    spec.apply(service: name, reader)
                }
            }
        }
        for workload in root.child("load")?.child("workloads")?.elements() ?? [] {
            guard let targetReader = workload.child("target"), let target = targetReader.value(as: .string) else { continue }
            if serviceNames.contains(target) {
                wanted.insert(target)
            } else {
                targetReader.error("\"\(target)\" is not a service", expected: "one of \(serviceNames.joined(separator: ", "))")
            }
        }
        if let policies = root.child("policies") { spec.applyPolicies(policies) }
        if spec.saga?.enabled == true { wanted.formUnion(SagaPolicy.participantServices) }
        spec.services = serviceNames.filter { wanted.contains($0) }
        let r = spec.region
        if wanted.contains("video-processing") { spec.video = spec.video ?? .regional(r) }
        if wanted.contains("recording") { spec.recording = spec.recording ?? .regional(r) }
        if wanted.contains("user-management") { spec.users = spec.users ?? .regional(r) }
        if wanted.contains("ai-ml") { spec.ai = spec.ai ?? .regional(r) }
        if wanted.contains("streaming") { spec.streaming = spec.streaming ?? .regional(r) }
        if wanted.contains("analytics") { spec.analytics = spec.analytics ?? .regional(r) }
        return spec
    }

    mutating func apply(service name: String, _ reader: NodeReader) {
        switch name {
        case "video-processing": decode(&video, reader, ServiceDecoders.video)
        case "recording": decode(&recording, reader, ServiceDecoders.recording)
        case "user-management": decode(&users, reader, ServiceDecoders.users)
        case "ai-ml": decode(&ai, reader, ServiceDecoders.ai)
        case "streaming": decode(&streaming, reader, ServiceDecoders.streaming)
        case "analytics": decode(&analytics, reader, ServiceDecoders.analytics)
        default: _ = reader.checkKeys([])
        }
    }

    /// Applies a service's keys on top of its configuration so far (or its regional default).
    private func decode<C: RegionalConfiguration>(_ slot: inout C?, _ reader: NodeReader, _ decoder: (NodeReader, inout C) -> Void) {
        var c = slot ?? C.regional(region)
        decoder(reader, &c)
        slot = c
    }

    mutating func applyPolicies(_ policies: NodeReader) {
        _ = policies.checkKeys(["preemption", "cascade", "strategyOrder", "saga", "failover"] + Self.crossServicePolicyKeys)
        applyCrossServicePolicies(policies)
        if let s = policies.child("saga") { saga = SagaPolicy.decode(s) }
        decodeFailover(policies)
        if let v = policies.optional("preemption", as: .choice(PreemptionVariant.self)) {
            video = video ?? .regional(region)
            video!.preemption = v
        }
        if let v = policies.optional("cascade", as: .choice(CascadeVariant.self)) {
            video = video ?? .regional(region)
            video!.queue.cascade = v
        }
        if let v = policies.optional("strategyOrder", as: .choice(StrategyCheckOrder.self)) {
            video = video ?? .regional(region)
            video!.adaptive.checkOrder = v
        }
    }
}

/// A service configuration with a home region and seed-derived defaults.
protocol RegionalConfiguration {
    static func regional(_ region: String) -> Self
}

extension VideoProcessingConfiguration: RegionalConfiguration {
    static func regional(_ region: String) -> Self { Self(region: region) }
}
extension StreamingConfiguration: RegionalConfiguration {
    /// Streaming's edges span four regions of their own; the home region does not apply.
    static func regional(_ region: String) -> Self { Self() }
}
extension RecordingConfiguration: RegionalConfiguration {
    static func regional(_ region: String) -> Self { var c = Self(); c.region = region; return c }
}
extension UserManagementConfiguration: RegionalConfiguration {
    static func regional(_ region: String) -> Self { var c = Self(); c.region = region; return c }
}
extension AIMLConfiguration: RegionalConfiguration {
    static func regional(_ region: String) -> Self { var c = Self(); c.region = region; return c }
}
extension AnalyticsConfiguration: RegionalConfiguration {
    static func regional(_ region: String) -> Self { var c = Self(); c.region = region; return c }
}
