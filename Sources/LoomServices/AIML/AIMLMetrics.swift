/// The AI/ML service's metric handles, registered once (no string work on the hot path).
///
/// Series (keys as the report reads them): `ai-ml.load` (requests/s), `ai-ml.replicas` and
/// `ai-ml.ready_replicas{region}` (workers, and workers with a healthy GPU),
/// `ai-ml.queue_depth{priority}`, `gpu.utilization{pool,type}`, `ai.model_cache.hit_rate` (hits
/// over lookups in the last interval), `ai.model_cache.size_gb` (what the caches count) and
/// `ai.model_cache.resident_gb` (real weights), `ai.gpu.memory_used_gb{pool}` (physically
/// resident), `ai.gpu.memory_accounted_gb{pool}` (what the managers believe),
/// `ai.gpu.memory_capacity_gb{pool}`, `ai.models.hot`, `breaker.state{from=ai-ml,to=<model>}`;
/// latencies `ai-ml.inference_latency` and `ai-ml.inference_latency{kind}` (submission to
/// result, degraded results included), `ai-ml.model_load_time`,
/// `ai-ml.queue_wait`; counters below. `ai.model_cache.cold_starts` counts every lookup that
/// found the model cold; of those, `ai.model_cache.cold_start_waits` are the requests that then
/// waited for the load (what a cold start costs a user) and `ai.model_cache.cold_rerouted` the
/// ones served by an existing replica because the load could not be placed on that worker.
struct AIMLMetrics {
    let requests: MetricsRecorder.Counter
    let completed: MetricsRecorder.Counter
    let lookups: MetricsRecorder.Counter
    let hits: MetricsRecorder.Counter
    let warmWaits: MetricsRecorder.Counter
    let coldStarts: MetricsRecorder.Counter
    let coldStartsByModel: [MetricsRecorder.Counter]
    /// Cold lookups whose request then waits for the load it started (it pays the cold start).
    let coldStartWaits: MetricsRecorder.Counter
    /// Cold lookups whose load could not be placed there, sent to an existing replica instead.
    let coldRerouted: MetricsRecorder.Counter
    let evictions: MetricsRecorder.Counter
    let predictiveLoads: MetricsRecorder.Counter
    let loads: MetricsRecorder.Counter
    let shardedLoads: MetricsRecorder.Counter
    let loadFailures: [InferenceAttemptFailure: MetricsRecorder.Counter]
    let attemptFailures: [InferenceAttemptFailure: MetricsRecorder.Counter]
    let fallbacks: MetricsRecorder.Counter
    let degraded: MetricsRecorder.Counter
    let latency: MetricsRecorder.Latency
    let latencyByKind: [MetricsRecorder.Latency]
    let loadTime: MetricsRecorder.Latency
    let queueWait: MetricsRecorder.Latency

    init(recorder m: MetricsRecorder, modelNames: [String]) {
        requests = m.registerCounter("ai.requests", unit: "requests")
        completed = m.registerCounter("ai.completed", unit: "requests")
        lookups = m.registerCounter("ai.model_cache.lookups", unit: "lookups")
        hits = m.registerCounter("ai.model_cache.hits", unit: "lookups")
        warmWaits = m.registerCounter("ai.model_cache.warm_waits", unit: "lookups")
        coldStarts = m.registerCounter("ai.model_cache.cold_starts", unit: "loads")
        coldStartsByModel = modelNames.map { m.registerCounter(metricKey("ai.model_cache.cold_starts", [("model", $0)]), unit: "loads") }
        coldStartWaits = m.registerCounter("ai.model_cache.cold_start_waits", unit: "lookups")
        coldRerouted = m.registerCounter("ai.model_cache.cold_rerouted", unit: "lookups")
        evictions = m.registerCounter("ai.model_cache.evictions", unit: "models")
        predictiveLoads = m.registerCounter("ai.model_cache.predictive_loads", unit: "loads")
        loads = m.registerCounter("ai.model_loads", unit: "loads")
        shardedLoads = m.registerCounter("ai.model_loads.sharded", unit: "loads")
        var lf: [InferenceAttemptFailure: MetricsRecorder.Counter] = [:]
        var af: [InferenceAttemptFailure: MetricsRecorder.Counter] = [:]
        for reason in InferenceAttemptFailure.allCases {
            lf[reason] = m.registerCounter(metricKey("ai.model_load_failures", [("reason", reason.rawValue)]), unit: "loads")
            af[reason] = m.registerCounter(metricKey("ai.attempt_failures", [("reason", reason.rawValue)]), unit: "attempts")
        }
        loadFailures = lf
        attemptFailures = af
        fallbacks = m.registerCounter("ai.fallbacks", unit: "requests")
        degraded = m.registerCounter("ai.degraded_results", unit: "requests")
        latency = m.registerLatency("ai-ml.inference_latency")
        latencyByKind = AIInferenceKind.allCases.map { m.registerLatency(metricKey("ai-ml.inference_latency", [("kind", $0.rawValue)])) }
        loadTime = m.registerLatency("ai-ml.model_load_time")
        queueWait = m.registerLatency("ai-ml.queue_wait")
    }
}

extension AIMLService {
    /// Registers the gauges that read the service's state at every sampling instant.
    func registerGauges() {
        let m = context.metrics
        let region = [("region", configuration.region)]
        var lastRead = (time: context.now, arrivals: 0, lookups: 0, hits: 0)
        m.registerGauge("ai-ml.load", unit: "requests/s") { [unowned self] in
            let now = self.context.now
            let seconds = (now - lastRead.time).seconds
            let rate = seconds > 0 ? Double(self.arrivals - lastRead.arrivals) / seconds : 0
            lastRead.time = now
            lastRead.arrivals = self.arrivals
            return rate
        }
        m.registerGauge("ai.model_cache.hit_rate", unit: "ratio") { [unowned self] in
            let lookups = self.lookupCount - lastRead.lookups
            let hits = self.hitCount - lastRead.hits
            lastRead.lookups = self.lookupCount
            lastRead.hits = self.hitCount
            return lookups > 0 ? Double(hits) / Double(lookups) : .nan
        }
        m.registerGauge(metricKey("ai-ml.replicas", region), unit: "workers") { [unowned self] in Double(self.workers.count) }
        m.registerGauge(metricKey("ai-ml.ready_replicas", region), unit: "workers") { [unowned self] in
            Double(self.workers.reduce(0) { $0 + ($1.hasHealthyGPU ? 1 : 0) })
        }
        for p in JobPriority.allCases {
            m.registerGauge(metricKey("ai-ml.queue_depth", [("priority", p.description)]), unit: "requests") { [unowned self] in
                Double(self.queuedByPriority[p.rawValue])
            }
        }
        m.registerGauge("ai.model_cache.size_gb", unit: "GB") { [unowned self] in
            self.workers.reduce(0) { $0 + $1.cache.countedSizeMB } / 1_024
        }
        m.registerGauge("ai.model_cache.resident_gb", unit: "GB") { [unowned self] in
            self.workers.reduce(0) { $0 + $1.cache.residentSizeMB } / 1_024
        }
        for (p, pool) in configuration.pools.enumerated() {
            let poolWorkers = workers.filter { $0.pool == p }
            m.registerGauge(metricKey("gpu.utilization", [("pool", pool.name), ("type", pool.gpuType)]), unit: "ratio") {
                var busy = 0, healthy = 0
                for w in poolWorkers {
                    for d in w.running.indices where w.memory.healthy[d] {
                        healthy += 1
                        if w.running[d] != nil { busy += 1 }
                    }
                }
                return healthy > 0 ? Double(busy) / Double(healthy) : 0
            }
            let label = [("pool", pool.name)]
            m.registerGauge(metricKey("ai.gpu.memory_used_gb", label), unit: "GB") {
                poolWorkers.reduce(0) { $0 + $1.memory.residentGB.reduce(0, +) }
            }
            m.registerGauge(metricKey("ai.gpu.memory_accounted_gb", label), unit: "GB") {
                poolWorkers.reduce(0) { $0 + $1.memory.accountedGB.reduce(0, +) }
            }
            m.registerGauge(metricKey("ai.gpu.memory_capacity_gb", label), unit: "GB") {
                Double(poolWorkers.reduce(0) { $0 + $1.memory.healthyCount }) * pool.memoryPerGPUGB
            }
        }
        m.registerGauge("ai.models.hot", unit: "models") { [unowned self] in
            Double(self.workers.reduce(0) { w, worker in
                w + worker.cache.entries.reduce(0) { $0 + ($1?.state == .hot ? 1 : 0) }
            })
        }
        for (i, spec) in configuration.models.enumerated() where breakers[i] != nil {
            m.registerGauge(metricKey("breaker.state", [("from", "ai-ml"), ("to", spec.name)]), unit: "state") { [unowned self] in
                Self.gaugeCode(self.breakers[i]!.state)
            }
        }
    }

    /// The `breaker.state` gauge's encoding.
    static func gaugeCode(_ state: CircuitBreakerState) -> Double {
        switch state {
        case .closed: return 0
        case .halfOpen: return 1
        case .open: return 2
        case .forcedOpen: return 3
        case .disabled: return 4
        case .metricsOnly: return 5
        }
    }
}
