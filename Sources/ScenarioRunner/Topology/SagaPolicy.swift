import LoomServices
import ScenarioKit

/// `policies.saga`: whether finished recordings run the recording saga (seed §6.2, issue 4
/// item 8) and how its coordinator behaves. Documented key by key in Scenarios/README.md.
///
/// The saga's participants are the recording, video-processing, AI/ML and analytics services,
/// so enabling it runs all four (`participantServices`).
public struct SagaPolicy: Sendable {
    /// Whether the saga runs (default true once `policies.saga` is given; `false` lets a file
    /// that extends a saga scenario turn it off).
    public var enabled = true
    public var configuration = SagaCoordinatorConfiguration()
    /// The model the transcription step asks for (default whisper-large-v2).
    public var transcriptionModel = "whisper-large-v2"

    /// The services a running saga needs.
    public static let participantServices = ["recording", "video-processing", "ai-ml", "analytics"]

    /// Reads `policies.saga`, reporting problems through the reader's sink.
    static func decode(_ r: NodeReader) -> SagaPolicy {
        var policy = SagaPolicy()
        guard r.checkKeys(["enabled", "persistence", "timeoutScope", "backoffUnit", "transcriptionModel", "steps"]) else { return policy }
        if let v = r.optional("enabled", as: .bool) { policy.enabled = v }
        if let v = r.optional("persistence", as: .choice(SagaPersistence.self)) { policy.configuration.persistence = v }
        if let v = r.optional("timeoutScope", as: .choice(SagaTimeoutScope.self)) { policy.configuration.saga.timeoutScope = v }
        if let v = r.optional("backoffUnit", as: .positiveDuration) { policy.configuration.saga.backoffUnit = v }
        if let v = r.optional("transcriptionModel", as: .string) {
            if AIModelSpec.seedCatalog.contains(where: { $0.name == v }) {
                policy.transcriptionModel = v
            } else {
                r.child("transcriptionModel")?.error("unknown model \"\(v)\"",
                                                     expected: "one of \(AIModelSpec.seedCatalog.map(\.name).joined(separator: ", "))")
            }
        }
        for (name, step) in r.child("steps")?.entries() ?? [] {
            guard let i = policy.configuration.steps.firstIndex(where: { $0.name == name }) else {
                step.error("unknown saga step \"\(name)\"", expected: "one of \(RecordingSaga.stepNames.joined(separator: ", "))")
                continue
            }
            guard step.checkKeys(["timeout", "retries"]) else { continue }
            if let v = step.optional("timeout", as: .positiveDuration) { policy.configuration.steps[i].timeout = v }
            if let v = step.optional("retries", as: .integer(in: 0...20)) { policy.configuration.steps[i].retries = v }
        }
        do { try policy.configuration.validate() } catch { r.error("\(error)", expected: "a valid saga policy") }
        return policy
    }
}

extension LoomPlatform {
    /// Runs the recording saga over the platform's services (called once they are built).
    func attachRecordingSaga(_ policy: SagaPolicy) throws -> RecordingSagaRun {
        guard let recording, let video, let ai, let analytics else {
            throw PlatformError("policies.saga needs the \(SagaPolicy.participantServices.joined(separator: ", ")) services")
        }
        return try RecordingSagaRun(configuration: policy.configuration, recording: recording, video: video, ai: ai,
                                    analytics: analytics, context: context, transcriptionModel: policy.transcriptionModel)
    }
}
