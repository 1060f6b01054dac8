import LoomServices
import ScenarioKit

/// Decoders for each service's `topology.services.<name>` keys (the keys a capacity planner
/// turns; everything else keeps the service's documented default).
enum ServiceDecoders {
    /// `video-processing`: GPUs per type, CPU workers, queue capacities, variants.
    static func video(_ r: NodeReader, into c: inout VideoProcessingConfiguration) {
        guard !r.isNull else { return }
        _ = r.checkKeys(["gpus", "gpuWaitBudget", "preemption", "cpuWorkers", "queue", "clientMaxRetries",
                         "checkpointInterval", "intermediateLoss", "maxJobsInFlight", "strategyOrder"])
        if let gpus = r.child("gpus") {
            var pools: [GPUPoolSpec] = []
            for (name, count) in gpus.entries() {
                guard let type = GPUType.seedCatalog.first(where: { $0.name == name }) else {
                    count.error("unknown GPU type \"\(name)\"", expected: "one of \(GPUType.seedCatalog.map(\.name).joined(separator: ", "))")
                    continue
                }
                if let n = count.value(as: .integer(in: 0...100_000)) { pools.append(GPUPoolSpec(region: c.region, type: type, count: n)) }
            }
            c.gpuPools = pools
        }
        if let v = r.optional("gpuWaitBudget", as: .duration) { c.gpuWaitBudget = v }
        if let v = r.optional("preemption", as: .choice(PreemptionVariant.self)) { c.preemption = v }
        if let v = r.optional("strategyOrder", as: .choice(StrategyCheckOrder.self)) { c.adaptive.checkOrder = v }
        if let v = r.optional("clientMaxRetries", as: .integer(in: 0...100)) { c.clientMaxRetries = v }
        if let v = r.optional("checkpointInterval", as: .positiveDuration) { c.checkpointInterval = v }
        if let v = r.optional("intermediateLoss", as: .fraction) { c.intermediateLossProbability = v.value }
        if let v = r.optional("maxJobsInFlight", as: .integer(in: 1...10_000_000)) { c.maxJobsInFlight = v }
        if let w = r.child("cpuWorkers") {
            _ = w.checkKeys(["replicas", "jobsPerPod", "hpa"])
            if let v = w.optional("replicas", as: .integer(in: 0...10_000)) { c.cpuWorkers.initialReplicas = v }
            if let v = w.optional("jobsPerPod", as: .integer(in: 1...1_000)) { c.cpuWorkers.jobsPerPod = v }
            if let h = w.child("hpa") { if let m = EmbeddedManifest.text(of: h), EmbeddedManifest.manifest(h) != nil { c.cpuWorkers.hpaManifestYAML = m } }
        }
        if let q = r.child("queue") {
            _ = q.checkKeys(["high", "normal", "low", "batch", "cascade", "retryAfter", "maxAttempts"])
            if let v = q.optional("high", as: .integer(in: 1...100_000_000)) { c.queue.highCapacity = v }
            if let v = q.optional("normal", as: .integer(in: 1...100_000_000)) { c.queue.normalCapacity = v }
            if let v = q.optional("low", as: .integer(in: 1...100_000_000)) { c.queue.lowCapacity = v }
            if let v = q.optional("batch", as: .integer(in: 1...100_000_000)) { c.queue.batchCapacity = v }
            if let v = q.optional("cascade", as: .choice(CascadeVariant.self)) { c.queue.cascade = v }
            if let v = q.optional("retryAfter", as: .positiveDuration) { c.queue.retryAfter = v }
            if let v = q.optional("maxAttempts", as: .integer(in: 1...100)) { c.queue.maxProcessingAttempts = v }
        }
        do { try c.validate() } catch { r.error("\(error)", expected: "a buildable video-processing configuration") }
    }
}
