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

    /// Reads `topology` and `policies` from the scenario's root, reporting every problem through
    /// the readers' sink.
    public static func decode(root: NodeReader) -> PlatformSpec {
        var spec = PlatformSpec()
        var wanted = Set<String>()
        if let topology = root.child("topology") {
            _ = topology.checkKeys(["region", "services"])
            if let region = topology.optional("region", as: .identifier) { spec.region = region }
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
        spec.services = serviceNames.filter { wanted.contains($0) }
        if wanted.contains("video-processing") && spec.video == nil { spec.video = VideoProcessingConfiguration(region: spec.region) }
        if wanted.contains("recording") && spec.recording == nil { spec.recording = spec.defaultRecording }
        if wanted.contains("user-management") && spec.users == nil { spec.users = spec.defaultUsers }
        if wanted.contains("ai-ml") && spec.ai == nil { spec.ai = spec.defaultAI }
        if wanted.contains("streaming") && spec.streaming == nil { spec.streaming = StreamingConfiguration() }
        if wanted.contains("analytics") && spec.analytics == nil { spec.analytics = spec.defaultAnalytics }
        return spec
    }

    mutating func apply(service name: String, _ reader: NodeReader) {
        switch name {
        case "video-processing":
            var c = video ?? VideoProcessingConfiguration(region: region)
            ServiceDecoders.video(reader, into: &c)
            video = c
        case "recording":
            var c = recording ?? defaultRecording
            ServiceDecoders.recording(reader, into: &c)
            recording = c
        case "user-management":
            var c = users ?? defaultUsers
            ServiceDecoders.users(reader, into: &c)
            users = c
        case "ai-ml":
            var c = ai ?? defaultAI
            ServiceDecoders.ai(reader, into: &c)
            ai = c
        case "streaming":
            var c = streaming ?? StreamingConfiguration()
            ServiceDecoders.streaming(reader, into: &c)
            streaming = c
        case "analytics":
            var c = analytics ?? defaultAnalytics
            ServiceDecoders.analytics(reader, into: &c)
            analytics = c
        default:
            _ = reader.checkKeys([])
        }
    }

    var defaultAnalytics: AnalyticsConfiguration {
        var c = AnalyticsConfiguration()
        c.region = region
        return c
    }

    var defaultAI: AIMLConfiguration {
        var c = AIMLConfiguration()
        c.region = region
        return c
    }

    var defaultRecording: RecordingConfiguration {
        var c = RecordingConfiguration()
        c.region = region
        return c
    }

    var defaultUsers: UserManagementConfiguration {
        var c = UserManagementConfiguration()
        c.region = region
        return c
    }

    mutating func applyPolicies(_ policies: NodeReader) {
        _ = policies.checkKeys(["preemption", "cascade", "strategyOrder"])
        if let v = policies.optional("preemption", as: .choice(PreemptionVariant.self)) {
            video = video ?? VideoProcessingConfiguration(region: region)
            video!.preemption = v
        }
        if let v = policies.optional("cascade", as: .choice(CascadeVariant.self)) {
            video = video ?? VideoProcessingConfiguration(region: region)
            video!.queue.cascade = v
        }
        if let v = policies.optional("strategyOrder", as: .choice(StrategyCheckOrder.self)) {
            video = video ?? VideoProcessingConfiguration(region: region)
            video!.adaptive.checkOrder = v
        }
    }
}
