/// How the model cache counts its size (seed §3.2.1, DESIGN.md §8).
public enum ModelCacheAccounting: String, Sendable, CaseIterable {
    /// A model counts its real size from the moment its load starts (warming models reserve
    /// their space, so two concurrent loads cannot both squeeze into the last free gigabytes);
    /// eviction frees the deficit, never a model in use, and a load that still does not fit
    /// fails ("larger-than-cache") instead of overflowing the bound.
    case intended
    /// As the seed's code runs: `ModelInfo.size_mb` is created as 0 ("will be updated") and never
    /// updated, so the cache always believes itself empty; only a single model larger than the
    /// whole bound triggers `evict_least_used_models`, which then frees 0 MB per model and so
    /// evicts every hot model, and the load proceeds regardless. Models in use are still not
    /// evicted (a request holding a model keeps its memory alive in the seed as well).
    case asWritten
}

/// How the GPU memory manager counts allocations (seed §3.2.2, DESIGN.md §8).
public enum GPUMemoryAccounting: String, Sendable, CaseIterable {
    /// Every shard's memory is added to its GPU's usage, shards are placed only on GPUs with room
    /// for them (trying more shards, up to the limit, when the first count does not fit), and a
    /// GPU with no free budget is "insufficient memory", never a division by zero.
    case intended
    /// As written: `allocate_with_sharding` never adds the sharded allocation to
    /// `current_usage`, so later allocations land on memory that is already taken and fail with
    /// CUDA out-of-memory when the weights are copied; and `available_memory <= 0` divides by
    /// zero, failing the load.
    case asWritten
}

/// A pool of GPU workers (seed §3.1: "Transcription Workers — Whisper Models" and "Analysis
/// Workers — NLP Models"): `workers` nodes of `gpusPerWorker` GPUs each, serving `models`. Each
/// worker is one process of the seed's §3.2 code — one `ModelCacheManager` and one
/// `GPUMemoryManager` over its GPUs — so a model is loaded at most once per worker, and sharding
/// (§3.2.2) spreads a model over that worker's GPUs. A GPU runs one inference at a time.
public struct InferencePoolConfiguration: Sendable, Equatable {
    /// The pool's name: the target of `gpuLoss` faults and the `pool` label of its metrics.
    public var name: String = "ai-inference"
    /// GPU type label for metrics and costs (default `a10g`: 24 GB, matching the seed's
    /// `max_gpu_memory_gb = 24`).
    public var gpuType: String = "a10g"
    /// Worker nodes.
    public var workers: Int = 8
    /// GPUs per worker (4 lets the seed's four-shard limit be reached; an AWS g5.12xlarge has 4 A10G).
    public var gpusPerWorker: Int = 4
    /// Physical memory per GPU, GB (default 24, seed §3.2.2 `max_gpu_memory_gb`).
    public var memoryPerGPUGB: Double = 24
    /// Inference speed relative to the catalogue's reference GPU (1 = A10G-class).
    public var speedFactor: Double = 1
    /// Dollars per GPU-hour, billed for every GPU of the pool (default 1.418: an AWS g5.12xlarge's
    /// on-demand $5.672/h in us-east-1 over its 4 GPUs).
    public var costPerGPUHour: Double = 1.418
    /// Models this pool serves; empty means every model of the catalogue.
    public var models: [String] = []

    public init() {}

    /// The number of GPUs in the pool.
    public var gpuCount: Int { workers * gpusPerWorker }

    /// The transcription workers of §3.1: 8 one-GPU A10G workers (AWS g5.xlarge, $1.006/h)
    /// serving the Whisper models (pool sizes are assumptions; the seed gives none).
    public static let transcription: InferencePoolConfiguration = {
        var p = InferencePoolConfiguration()
        p.name = "ai-transcription"
        p.workers = 8
        p.gpusPerWorker = 1
        p.costPerGPUHour = 1.006
        p.models = ["whisper-large-v2", "whisper-medium", "whisper-base"]
        return p
    }()

    /// The analysis workers of §3.1: 2 four-GPU A10G workers serving the NLP models (and sharding
    /// the large ones).
    public static let analysis: InferencePoolConfiguration = {
        var p = InferencePoolConfiguration()
        p.name = "ai-analysis"
        p.workers = 2
        p.models = ["bert-large-uncased", "bert-base-uncased", "distilbert-base-uncased", "sentiment-analyzer", "summarizer",
                    "gpt-3.5-turbo", "gpt-3.5-turbo-instruct", "text-davinci-003"]
        return p
    }()
}

/// The seed's predictive warming (§3.2.1 `warming_queue`, `ModelUsagePredictor`): every
/// `interval`, the predicted models are loaded on every worker where they are cold.
public struct PredictiveWarmingConfiguration: Sendable, Equatable {
    /// Whether warming runs at all.
    public var enabled: Bool = true
    /// How often the predictor is consulted, seconds (default 300; the seed gives none).
    public var intervalSeconds: Double = 300
    /// How far ahead the prediction looks, minutes (seed default `horizon_minutes = 30`).
    public var horizonMinutes: Double = 30
    /// The hour of the day at which the run starts (fractional; default 10:00, inside the
    /// seed's business hours, where a peak hour falls).
    public var startHourOfDay: Double = 10
    /// The time-of-day rule.
    public var predictor: ModelUsagePredictor = ModelUsagePredictor()

    public init() {}
}

/// Everything that shapes the AI/ML service (seed §3): the inference pools, the model catalogue,
/// the cache and memory managers with their seed variants, load and inference times, timeouts,
/// fallback chains with per-model circuit breakers, routing and predictive warming.
public struct AIMLConfiguration: Sendable {
    /// Region label for the replica gauges; a `regionOutage` here takes every GPU down.
    public var region: String = "us-east-1"
    /// The GPU pools; each model is served by the pools that list it.
    public var pools: [InferencePoolConfiguration] = [.transcription, .analysis]
    /// Models that can be requested or fallen back to.
    public var models: [AIModelSpec] = AIModelSpec.seedCatalog
    /// Fallback chains by primary model (seed §3.3); a model without a chain has no fallbacks.
    public var fallbackChains: [AIModelFallbackChain] = AIModelFallbackChain.seedChains
    /// The cache bound per worker, GB of model weights (seed §3.2.1 `max_cache_size_gb = 8`).
    public var maxCacheSizeGB: Double = 8
    /// Whether a worker keeps a model loaded after its requests are served (seed §3.2.1's
    /// `ModelCacheManager`). False is the baseline the seed's §10.1 row "model caching + warming"
    /// replaces: a worker unloads a model as soon as no request waits for or runs on it there, so
    /// the next request for it is a cold start (requests already queued behind a load still share
    /// it). Needs `warming.enabled == false` (warming into no cache is meaningless).
    public var modelCaching: Bool = true
    public var cacheAccounting: ModelCacheAccounting = .intended
    public var memoryAccounting: GPUMemoryAccounting = .intended
    /// Fraction of a GPU's memory the manager may allocate (seed §3.2.2: `max_gpu_memory_gb * 0.9`).
    public var memoryHeadroomFraction: Double = 0.9
    /// Most shards one model may be split into (seed §3.2.2: `shard_count > 4` raises).
    public var maxShards: Int = 4
    /// Extra inference time per additional shard, as a fraction of the unsharded time
    /// (cross-GPU communication; assumed 0.15). A k-shard model takes `t × (1/k + overhead × (k−1))`.
    public var shardCommunicationOverhead: Double = 0.15
    /// Fixed part of a model load, seconds (CUDA context, framework start; assumed 5).
    public var loadBaseSeconds: Double = 5
    /// Weights moved per second during a load, MB/s (object storage to GPU; assumed 200). Shards
    /// load in parallel, so a k-shard load moves `sizeMB / k` per GPU.
    public var loadThroughputMBps: Double = 200
    /// Coefficient of variation of load times (lognormal; assumed 0.2).
    public var loadTimeCV: Double = 0.2
    /// Coefficient of variation of inference times (lognormal; assumed 0.15).
    public var inferenceTimeCV: Double = 0.15
    /// How long one model attempt may take, from routing to result, before it counts as the
    /// seed's `ModelTimeoutError` and the next model of the chain is tried: this many seconds
    /// (assumed 300) plus `attemptTimeoutPerMediaSecond` per second of media (assumed 1, so a
    /// long recording's transcription is not timed out by its own length).
    public var attemptTimeoutSeconds: Double = 300
    public var attemptTimeoutPerMediaSecond: Double = 1
    /// Attempts waiting or running on the chosen replica's GPUs (any model's) at which the router
    /// loads the model on another worker instead (a cold start that adds a replica; assumed 2).
    public var hotReplicaQueueLimit: Int = 2
    public var warming: PredictiveWarmingConfiguration = PredictiveWarmingConfiguration()
    /// The breaker guarding each model (seed §3.3 `circuit_breakers`, declared but never
    /// configured there); nil disables breakers. Defaults to Resilience4j's, with the slow-call
    /// threshold at the attempt timeout so long transcriptions are not counted as slow.
    public var modelBreaker: CircuitBreakerConfig? = {
        var config = CircuitBreakerConfig()
        config.slowCallDurationThreshold = .wholeSeconds(300)
        return config
    }()

    public init() {}

    /// Checks every field; the message names the field, the value and the rule it breaks.
    public func validate() throws(AIMLConfigurationError) {
        func check(_ ok: Bool, _ message: @autoclosure () -> String) throws(AIMLConfigurationError) {
            if !ok { throw AIMLConfigurationError(message: message()) }
        }
        func positive(_ value: Double, _ name: String) throws(AIMLConfigurationError) {
            try check(value.isFinite && value > 0, "\(name) must be a positive number, got \(value)")
        }
        try check(!models.isEmpty, "models must name at least one model")
        var names: [String] = []
        for m in models {
            try check(!m.name.isEmpty, "a model has an empty name")
            try check(!names.contains(m.name), "model \(m.name) is listed twice")
            names.append(m.name)
            try positive(m.sizeMB, "models[\(m.name)].sizeMB")
            try positive(m.gpuMemoryGB, "models[\(m.name)].gpuMemoryGB")
            try check(m.fixedSeconds.isFinite && m.fixedSeconds >= 0, "models[\(m.name)].fixedSeconds must be ≥ 0, got \(m.fixedSeconds)")
            try check(m.secondsPerMediaSecond.isFinite && m.secondsPerMediaSecond >= 0,
                      "models[\(m.name)].secondsPerMediaSecond must be ≥ 0, got \(m.secondsPerMediaSecond)")
            try check(m.fixedSeconds + m.secondsPerMediaSecond > 0, "models[\(m.name)] has no compute cost at all")
        }
        try check(!pools.isEmpty, "pools must list at least one GPU pool")
        var poolNames: [String] = []
        for pool in pools {
            try check(!pool.name.isEmpty && !poolNames.contains(pool.name), "pool name \"\(pool.name)\" is empty or used twice")
            poolNames.append(pool.name)
            try check(pool.workers >= 1, "pools[\(pool.name)].workers must be at least 1, got \(pool.workers)")
            try check(pool.gpusPerWorker >= 1, "pools[\(pool.name)].gpusPerWorker must be at least 1, got \(pool.gpusPerWorker)")
            try positive(pool.memoryPerGPUGB, "pools[\(pool.name)].memoryPerGPUGB")
            try positive(pool.speedFactor, "pools[\(pool.name)].speedFactor")
            try check(pool.costPerGPUHour.isFinite && pool.costPerGPUHour >= 0,
                      "pools[\(pool.name)].costPerGPUHour must be ≥ 0, got \(pool.costPerGPUHour)")
            for m in pool.models { try check(names.contains(m), "pools[\(pool.name)] serves unknown model \(m)") }
        }
        for m in names {
            try check(pools.contains { $0.models.isEmpty || $0.models.contains(m) }, "model \(m) is served by no pool")
        }
        var primaries: [String] = []
        for chain in fallbackChains {
            try check(names.contains(chain.primary), "fallback chain of unknown model \(chain.primary)")
            try check(!primaries.contains(chain.primary), "model \(chain.primary) has two fallback chains")
            primaries.append(chain.primary)
            for f in chain.fallbacks {
                try check(names.contains(f), "fallback chain of \(chain.primary) names unknown model \(f)")
                try check(f != chain.primary, "model \(chain.primary) lists itself as its own fallback")
            }
        }
        try positive(maxCacheSizeGB, "maxCacheSizeGB")
        try check(modelCaching || !warming.enabled, "warming needs the model cache: set warming to false when modelCaching is false")
        try check(memoryHeadroomFraction.isFinite && memoryHeadroomFraction > 0 && memoryHeadroomFraction <= 1,
                  "memoryHeadroomFraction must be in (0, 1], got \(memoryHeadroomFraction)")
        try check(maxShards >= 1, "maxShards must be at least 1, got \(maxShards)")
        try check(shardCommunicationOverhead.isFinite && shardCommunicationOverhead >= 0,
                  "shardCommunicationOverhead must be ≥ 0, got \(shardCommunicationOverhead)")
        try check(loadBaseSeconds.isFinite && loadBaseSeconds >= 0, "loadBaseSeconds must be ≥ 0, got \(loadBaseSeconds)")
        try positive(loadThroughputMBps, "loadThroughputMBps")
        try check(loadTimeCV.isFinite && loadTimeCV >= 0, "loadTimeCV must be ≥ 0, got \(loadTimeCV)")
        try check(inferenceTimeCV.isFinite && inferenceTimeCV >= 0, "inferenceTimeCV must be ≥ 0, got \(inferenceTimeCV)")
        try positive(attemptTimeoutSeconds, "attemptTimeoutSeconds")
        try check(attemptTimeoutPerMediaSecond.isFinite && attemptTimeoutPerMediaSecond >= 0,
                  "attemptTimeoutPerMediaSecond must be ≥ 0, got \(attemptTimeoutPerMediaSecond)")
        try check(hotReplicaQueueLimit >= 1, "hotReplicaQueueLimit must be at least 1, got \(hotReplicaQueueLimit)")
        if warming.enabled {
            try positive(warming.intervalSeconds, "warming.intervalSeconds")
            try check(warming.horizonMinutes.isFinite && warming.horizonMinutes >= 0,
                      "warming.horizonMinutes must be ≥ 0, got \(warming.horizonMinutes)")
            try check(warming.startHourOfDay.isFinite && warming.startHourOfDay >= 0 && warming.startHourOfDay < 24,
                      "warming.startHourOfDay must be in [0, 24), got \(warming.startHourOfDay)")
            let p = warming.predictor
            try check(p.businessHours.lowerBound >= 0 && p.businessHours.upperBound <= 23,
                      "warming.predictor.businessHours must lie within 0...23, got \(p.businessHours)")
            for name in p.businessHoursModels + p.offHoursModels {
                try check(names.contains(name), "warming.predictor names unknown model \(name)")
            }
        }
        if let breaker = modelBreaker {
            do { _ = try CircuitBreaker(config: breaker, now: .zero) } catch {
                throw AIMLConfigurationError(message: "modelBreaker: \(error)")
            }
        }
    }
}

/// An AI/ML configuration that cannot run; `message` names the field and the problem.
public struct AIMLConfigurationError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
