import LoomServices
import ScenarioKit

/// How the command line builds the Loom platform from a scenario: the section checks that
/// validate `topology`/`policies` with the rest of the file, and the factory that builds the
/// services for each replication.
public enum PlatformAssembly {
    /// Validates `topology` and `policies` (and workload targets) as part of loading.
    public static var sectionChecks: [ScenarioLoader.SectionCheck] { [{ root in _ = PlatformSpec.decode(root: root) }] }

    /// Builds the platform for one replication.
    public static var factory: PlatformFactory { { scenario, simulation in
        let sink = DiagnosticSink()
        let spec = PlatformSpec.decode(root: NodeReader(scenario.document, sink: sink))
        if let first = sink.diagnostics.first(where: \.isError) { throw PlatformError(first.description) }
        return try LoomPlatform(spec: spec, simulation: simulation)
    } }
}

/// The Loom platform of one replication: the services a scenario asks for, wired together, and
/// the routing of each workload's arrivals to its service's entry point.
public final class LoomPlatform: PlatformInstance {
    public let spec: PlatformSpec
    let context: PlatformContext
    public private(set) var video: VideoProcessingService?

    public init(spec: PlatformSpec, simulation: PlatformSimulation) throws {
        self.spec = spec
        self.context = simulation.context
        do {
            if let c = spec.video {
                let service = try VideoProcessingService(configuration: c, context: context)
                service.start()
                service.register(with: simulation)
                video = service
            }
        } catch let error as PlatformError {
            throw error
        } catch {
            throw PlatformError("\(error)")
        }
    }

    public func dispatch(_ workload: Workload, arrivalID: UInt64, attributes: [(name: String, value: MixValue)]) {
        let a = Attributes(attributes)
        switch workload.target {
        case "video-processing":
            video?.submitJob(
                userTier: a.category("tier") ?? "business", durationSeconds: a.number("duration") ?? a.number("length") ?? 300,
                sourceHeight: Int(a.number("resolution") ?? 1080), fileSizeBytes: Int64(a.number("size") ?? 200_000_000),
                jobType: a.category("jobType") ?? "transcode")
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
