import LoomServices
import ScenarioKit

/// How the command line builds the Loom platform from a scenario: the section checks that
/// validate `topology`/`policies` with the rest of the file, and the factory that builds the
/// services for each replication.
public enum PlatformAssembly {
    /// Validates `topology` and `policies` (and workload targets) as part of loading.
    public static var sectionChecks: [ScenarioLoader.SectionCheck] {
        [{ root in _ = PlatformSpec.decode(root: root) }, { root in DatastoreFaultRoutes.validate(faults: root.child("faults")) }]
    }

    /// Builds the platform for one replication.
    public static var factory: PlatformFactory { { scenario, simulation in
        let sink = DiagnosticSink()
        let spec = PlatformSpec.decode(root: NodeReader(scenario.document, sink: sink))
        if let first = sink.diagnostics.first(where: \.isError) { throw PlatformError(first.description) }
        return try LoomPlatform(spec: spec, host: simulation)
    } }
}

/// The Loom platform of one replication: the services a scenario asks for, wired together, and
/// the routing of each workload's arrivals to its service's entry point.
public final class LoomPlatform: PlatformInstance {
    public let spec: PlatformSpec
    let context: PlatformContext
    public private(set) var video: VideoProcessingService?
    public private(set) var recording: RecordingService?
    public private(set) var users: UserManagementService?
    public private(set) var ai: AIMLService?
    public private(set) var streaming: StreamingService?
    public private(set) var analytics: AnalyticsService?
    /// The recording saga, when `policies.saga` enables it.
    public private(set) var recordingSaga: RecordingSagaRun?
    private var videoCatalog: StreamingVideoCatalog?
    /// Seed §8: the health monitor and degradation detector, when `policies` asks for them.
    public internal(set) var health: HealthMonitorLoop?
    public internal(set) var remediation: DegradationRemediationLoop?
    private let attributeStream: RandomStream
    /// The backup regions and failover, when the scenario names regions (LoomPlatform+Regions).
    var regions: PlatformRegions?

    /// Builds the services of `spec` on `host` (a simulated run, or real mode's wall-clock run);
    /// `context` (default: the host's) is a backup region's context when this is that region's
    /// copy of the platform.
    public init(spec: PlatformSpec, host: any PlatformHost, context regional: PlatformContext? = nil) throws {
        self.spec = spec
        self.context = regional ?? host.context
        attributeStream = self.context.stream("platform.attributes")
        do {
            // Pools first: each Deployment finds its pool when the service creates it.
            for c in spec.nodePools {
                let pool = try NodePool(configuration: c, context: context)
                try context.nodePools.add(pool)
                host.accrue { [unowned pool] interval in pool.accrueCost(over: interval) }
            }
            if let c = spec.ai {
                let service = try AIMLService(configuration: c, context: context)
                service.start()
                host.accrue { [unowned service] interval in service.accrueCost(over: interval) }
                ai = service
            }
            if let c = spec.analytics {
                let service = try AnalyticsService(configuration: c, context: context)
                service.start()
                host.track(service.deployment)
                analytics = service
            }
            if let c = spec.streaming {
                let service = try StreamingService(configuration: c, context: context)
                service.start()
                streaming = service
                videoCatalog = try StreamingVideoCatalog()
            }
            if let c = spec.video {
                let service = try VideoProcessingService(configuration: c, context: context)
                service.start()
                service.register(with: host)
                video = service
            }
            if let c = spec.users {
                let service = try UserManagementService(configuration: c, context: context)
                service.start()
                service.attachCosts(to: host)
                users = service
            }
            if let c = spec.recording {
                let service = try RecordingService(configuration: c, context: context)
                if video != nil || ai != nil {
                    // A finished recording becomes a processing job (seed §1 → §2) and, where the
                    // platform runs AI/ML, a transcription request (§3).
                    let video = self.video, ai = self.ai
                    service.videoProcessingHandoff = { finished in
                        video?.submitJob(
                            userTier: finished.userTier, durationSeconds: finished.length.seconds,
                            sourceHeight: finished.settings.qualityLines, fileSizeBytes: Int64(finished.sizeBytes))
                        _ = try? ai?.submitInference(kind: .transcription, model: "whisper-large-v2", duration: finished.length.seconds)
                        return true
                    }
                }
                service.start()
                service.attachCosts(to: host)
                recording = service
            }
            try startCrossServiceMechanisms()
            if let policy = spec.saga, policy.enabled { recordingSaga = try attachRecordingSaga(policy) }
            regions = try buildRegions(host: host)
        } catch let error as PlatformError {
            throw error
        } catch {
            throw PlatformError("\(error)")
        }
    }

    public func dispatch(_ workload: Workload, arrivalID: UInt64, attributes: [(name: String, value: MixValue)]) {
        if routeToRegion(workload, arrivalID: arrivalID, attributes: attributes) { return }
        let a = Attributes(attributes)
        switch workload.target {
        case "video-processing":
            video?.submitJob(
                userTier: a.category("tier") ?? "business", durationSeconds: a.number("duration") ?? a.number("length") ?? 300,
                sourceHeight: Int(a.number("resolution") ?? 1080), fileSizeBytes: Int64(a.number("size") ?? 200_000_000),
                jobType: a.category("jobType") ?? "transcode")
        case "recording":
            recording?.startSession(
                userTier: a.category("tier") ?? "business",
                length: .saturatingSeconds(a.number("length") ?? a.number("duration") ?? 300),
                resolution: Int(a.number("resolution") ?? 1080))
        case "ai-ml":
            let kind = a.category("kind").flatMap(AIInferenceKind.init(rawValue:)) ?? .transcription
            _ = try? ai?.submitInference(
                kind: kind, model: a.category("model") ?? (kind == .transcription ? "whisper-large-v2" : "sentiment-analyzer"),
                duration: a.number("duration") ?? a.number("length") ?? 300,
                priority: a.category("priority").flatMap { name in JobPriority.allCases.first { "\($0)" == name } } ?? .normal)
        case "streaming":
            guard let streaming, let catalog = videoCatalog else { return }
            _ = try? streaming.startViewing(
                region: a.category("region") ?? spec.region, video: catalog.drawVideo(from: attributeStream),
                quality: a.category("quality") ?? "720p", duration: a.number("duration") ?? a.number("length") ?? 180)
        case "analytics":
            let user = a.number("user").map { UInt64(max(0, $0)) } ?? UInt64(attributeStream.integer(below: 1_000_000))
            _ = analytics?.ingest(eventType: a.category("type") ?? "page_view", userID: user)
        case "user-management":
            if let user = a.number("user") { users?.validateToken(userID: UInt64(max(0, user))) } else { users?.validateTokenOfRandomUser() }
        default:
            break
        }
    }

    public var provenance: [(component: String, real: Bool, detail: String)] {
        spec.services.map { ($0, false, "simulated service times") }
    }
}

/// A workload arrival's mix attributes by name.
struct Attributes {
    let values: [String: MixValue]
    init(_ list: [(name: String, value: MixValue)]) {
        var v: [String: MixValue] = [:]
        for (name, value) in list { v[name] = value }
        values = v
    }
    func category(_ name: String) -> String? {
        switch values[name] {
        case .category(let c)?: return c
        case .measure(let m)?: return m.description
        case nil: return nil
        }
    }
    /// The attribute in base units (seconds, bytes, count).
    func number(_ name: String) -> Double? {
        switch values[name] {
        case .measure(let m)?: return m.value
        case .category(let c)?: return Double(c)
        case nil: return nil
        }
    }
}
