import LoomServices
import ScenarioKit

/// Decoders for each service's `topology.services.<name>` keys (the keys a capacity planner
/// turns; everything else keeps the service's documented default).
enum ServiceDecoders {
    /// `video-processing`: GPUs per type, CPU workers, queue capacities, variants.
    static func video(_ r: NodeReader, into c: inout VideoProcessingConfiguration) {
        guard !r.isNull else { return }
        _ = r.checkKeys(["gpus", "gpuWaitBudget", "preemption", "cpuWorkers", "queue", "clientMaxRetries",
                         "checkpointInterval", "intermediateLoss", "maxJobsInFlight", "strategyOrder", "cpuFallback"])
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
        // false: no job type may fall back to the CPU workers (GPU only; the §10.1 baseline).
        if let v = r.optional("cpuFallback", as: .bool), !v { c.cpuFallbackJobTypes = [] }
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

extension ServiceDecoders {
    /// `recording`: pods, sessions per pod, autoscaling (a pasted HPA), breaker, retry queue.
    static func recording(_ r: NodeReader, into c: inout RecordingConfiguration) {
        guard !r.isNull else { return }
        _ = r.checkKeys(["replicas", "maxSessionsPerPod", "autoscaling", "hpa", "metricsDelay", "breaker", "retryQueue",
                         "degradation", "snapshots", "podCrashesPerHour", "distributedBreaker"])
        if let v = r.optional("replicas", as: .integer(in: 0...100_000)) { c.initialReplicas = v }
        if let v = r.optional("maxSessionsPerPod", as: .integer(in: 1...100_000)) { c.maxSessionsPerPod = v }
        if let v = r.optional("autoscaling", as: .bool) { c.autoscalingEnabled = v }
        if let h = r.child("hpa"), let m = EmbeddedManifest.manifest(h) { c.hpa = m }
        if let v = r.optional("metricsDelay", as: .duration) { c.metricsDelay = v }
        if let v = r.optional("degradation", as: .bool) { c.degradationEnabled = v }
        if let v = r.optional("podCrashesPerHour", as: .number(in: 0...1_000)) { c.pod.crashesPerHour = v }
        if let b = r.child("breaker") { breaker(b, into: &c.breaker) }
        if let d = r.child("distributedBreaker") { distributedBreaker(d, into: &c) }
        if let v = r.optional("retryQueue", as: .oneOf(["intended", "asWritten"])) {
            c.retryQueue = v == "asWritten" ? .asWritten : .intended
        }
        if let s = r.child("snapshots") {
            _ = s.checkKeys(["enabled"])
            if let v = s.optional("enabled", as: .bool), !v { c.snapshots.enabled = false }
        }
        do { try c.validate() } catch { r.error("\(error)", expected: "a buildable recording configuration") }
    }

    /// A Resilience4j circuit breaker's main settings.
    static func breaker(_ r: NodeReader, into c: inout CircuitBreakerConfig) {
        _ = r.checkKeys(["failureRateThreshold", "slowCallRateThreshold", "slowCallDuration", "slidingWindowSize",
                         "minimumNumberOfCalls", "waitInOpenState", "permittedCallsInHalfOpen"])
        if let v = r.optional("failureRateThreshold", as: .fraction) { c.failureRateThreshold = Float(v.value * 100) }
        if let v = r.optional("slowCallRateThreshold", as: .fraction) { c.slowCallRateThreshold = Float(v.value * 100) }
        if let v = r.optional("slowCallDuration", as: .positiveDuration) { c.slowCallDurationThreshold = v }
        if let v = r.optional("slidingWindowSize", as: .integer(in: 1...1_000_000)) { c.slidingWindowSize = v }
        if let v = r.optional("minimumNumberOfCalls", as: .integer(in: 1...1_000_000)) { c.minimumNumberOfCalls = v }
        if let v = r.optional("permittedCallsInHalfOpen", as: .integer(in: 1...10_000)) { c.permittedNumberOfCallsInHalfOpenState = v }
        if let w = r.child("waitInOpenState"), let v = w.value(as: .positiveDuration) {
            do { try c.setWaitDurationInOpenState(v) } catch { w.error("\(error)", expected: "a wait of at least 1ms") }
        }
    }

    /// `user-management`: pods, the JWT cache mode (the seed's §10.1 row), the user population.
    static func users(_ r: NodeReader, into c: inout UserManagementConfiguration) {
        guard !r.isNull else { return }
        _ = r.checkKeys(["replicas", "cacheMode", "activeUsers", "hpa"])
        if let v = r.optional("replicas", as: .integer(in: 1...100_000)) { c.replicas = v }
        if let v = r.optional("cacheMode", as: .choice(JWTCacheMode.self)) { c.cacheMode = v }
        if let v = r.optional("activeUsers", as: .integer(in: 1...1_000_000_000)) { c.activeUsers = v }
        if let h = r.child("hpa"), let m = EmbeddedManifest.manifest(h) { c.hpa = m }
        do { try c.validate() } catch { r.error("\(error)", expected: "a buildable user-management configuration") }
    }
}

extension ServiceDecoders {
    /// `ai-ml`: worker counts per inference pool, the model cache bound, accounting variants.
    static func ai(_ r: NodeReader, into c: inout AIMLConfiguration) {
        guard !r.isNull else { return }
        _ = r.checkKeys(["transcriptionWorkers", "analysisWorkers", "maxCacheSize", "modelCache", "cacheAccounting", "memoryAccounting", "warming"])
        if let v = r.optional("transcriptionWorkers", as: .integer(in: 0...1_000_000)), let i = c.pools.firstIndex(where: { $0.name == InferencePoolConfiguration.transcription.name }) {
            c.pools[i].workers = v
        }
        if let v = r.optional("analysisWorkers", as: .integer(in: 0...1_000_000)), let i = c.pools.firstIndex(where: { $0.name == InferencePoolConfiguration.analysis.name }) {
            c.pools[i].workers = v
        }
        if let v = r.optional("maxCacheSize", as: .size) { c.maxCacheSizeGB = Double(v.bytes) / 1e9 }
        if let v = r.optional("modelCache", as: .bool) { c.modelCaching = v }
        if let v = r.optional("cacheAccounting", as: .choice(ModelCacheAccounting.self, aliases: ["as-written": .asWritten])) { c.cacheAccounting = v }
        if let v = r.optional("memoryAccounting", as: .choice(GPUMemoryAccounting.self, aliases: ["as-written": .asWritten])) { c.memoryAccounting = v }
        if let v = r.optional("warming", as: .bool) { c.warming.enabled = v }
        do { try c.validate() } catch { r.error("\(error)", expected: "a buildable ai-ml configuration") }
    }

    /// `streaming`: edges (count per region and capacity), the edge fallback variant, cache warming.
    static func streaming(_ r: NodeReader, into c: inout StreamingConfiguration) {
        guard !r.isNull else { return }
        _ = r.checkKeys(["edgeRegions", "edgesPerRegion", "cdns", "edgeCapacity", "edgeFallback", "cacheWarming", "edgeCacheSize"])
        edgeLayout(r, into: &c)
        if let v = r.optional("edgeCapacity", as: .integer(in: 1...10_000_000)) { for i in c.edges.indices { c.edges[i].capacity = v } }
        if let v = r.optional("edgeCacheSize", as: .size) { for i in c.edges.indices { c.edges[i].cacheCapacityGB = Double(v.bytes) / 1e9 } }
        if let v = r.optional("edgeFallback", as: .choice(EdgeFallbackVariant.self, aliases: ["as-written": .asWritten])) { c.edgeFallback = v }
        if let v = r.optional("cacheWarming", as: .bool) { c.cacheWarmingEnabled = v }
        do { try c.validate() } catch { r.error("\(error)", expected: "a buildable streaming configuration") }
    }
}

extension ServiceDecoders {
    /// `edgeRegions` × `edgesPerRegion` replace the default edges (applied before the edge
    /// capacity and cache keys); `cdns` keeps the named seed CDNs, in preference order.
    static func edgeLayout(_ r: NodeReader, into c: inout StreamingConfiguration) {
        let perRegion = r.optional("edgesPerRegion", as: .integer(in: 1...10_000))
        var regions: [String]?
        if let list = r.child("edgeRegions") {
            let names = list.elements().compactMap { $0.value(as: .identifier) }
            if names.isEmpty { list.error("no regions", expected: "a non-empty list of region names") }
            if Set(names).count != names.count { list.error("a region is listed twice", expected: "distinct region names") }
            regions = names
        }
        if regions != nil || perRegion != nil {
            let defaultRegions = EdgeServerConfiguration.defaultEdges.map(\.region).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            c.edges = EdgeServerConfiguration.layout(regions: regions ?? defaultRegions, perRegion: perRegion ?? 3)
        }
        if let list = r.child("cdns") {
            let names = list.elements().compactMap { $0.value(as: .identifier) }
            let known = CDNConfiguration.seedCDNs.map(\.name)
            if let cdns = CDNConfiguration.seedCDNs(named: names), Set(names).count == names.count {
                c.cdns = cdns
            } else {
                list.error("\(names) is not a list of distinct seed CDNs", expected: "a list of \(known.joined(separator: ", ")) (an empty list: no CDN)")
            }
        }
    }
}

extension ServiceDecoders {
    /// `analytics`: pods, the ingestion path (Kafka or direct), the §5.2.1 variants.
    static func analytics(_ r: NodeReader, into c: inout AnalyticsConfiguration) {
        guard !r.isNull else { return }
        _ = r.checkKeys(["replicas", "ingestionPath", "batching", "criticalRetry", "storageFailure", "storeConcurrentWrites"])
        if let v = r.optional("replicas", as: .integer(in: 1...100_000)) { c.replicas = v }
        if let v = r.optional("ingestionPath", as: .choice(AnalyticsIngestionPath.self)) { c.ingestionPath = v }
        // false: every event is written on its own (batch size 1 for every priority; §10.1 baseline).
        if let v = r.optional("batching", as: .bool), !v { for p in EventPriority.allCases { c.batchSizes[p] = 1 } }
        if let v = r.optional("criticalRetry", as: .choice(CriticalRetryVariant.self)) { c.criticalRetry = v }
        if let v = r.optional("storageFailure", as: .choice(AnalyticsStorageFailureVariant.self)) { c.storageFailure = v }
        if let v = r.optional("storeConcurrentWrites", as: .integer(in: 1...100_000)) { c.storage.concurrentWrites = v }
        do { try c.validate() } catch { r.error("\(error)", expected: "a buildable analytics configuration") }
    }
}
