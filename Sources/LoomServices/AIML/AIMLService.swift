/// The AI/ML service (seed §3): transcription and analysis requests served by models loaded on
/// pools of GPU workers (§3.1's transcription and analysis workers).
///
/// Each request walks its model's fallback chain (§3.3 `process_with_fallback`): an attempt on a
/// model is routed to a worker, where the §3.2.1 model cache finds the model hot (a hit),
/// warming (the request waits for the load), or cold (a cold start: `ensure_cache_space` evicts
/// by usage score, §3.2.2 allocates GPU memory, sharding over up to four GPUs when it does not
/// fit one, and the weights load for a time set by their size). A load failure, an unplaceable
/// model, a lost GPU, an open breaker or a timeout moves the request to the next model; when
/// every model fails it gets the seed's degraded result. Predictive warming (§3.2.1
/// `ModelUsagePredictor`) loads the models the time of day predicts before requests arrive.
///
/// Routing (the "Model Router" of §3.1, which the seed does not specify): among the workers of
/// the pools serving the model, the hot or warming replica whose GPUs have fewer attempts
/// outstanding, of two drawn at random (power of two choices); when that replica already has
/// `hotReplicaQueueLimit` outstanding and some eligible worker does not hold the model yet, the
/// model is loaded on the least busy of the next few such workers (a cold start that adds a
/// replica).
///
/// Faults: `modelLoadFailure` on a model name (magnitude: the probability that a load fails),
/// `gpuLoss` on a pool's name (magnitude: GPUs lost until the fault ends), `regionOutage` on the
/// service's region (every GPU). Ledger service `ai-ml`: every request ends `completed` (served by
/// its model or a fallback) or `failed(degraded)`, or is in flight at the end.
public final class AIMLService {
    public static let serviceName = "ai-ml"
    public let configuration: AIMLConfiguration
    let context: PlatformContext
    let metrics: AIMLMetrics
    var workers: [InferenceWorker] = []
    /// Model index by name.
    let modelIndex: [String: Int]
    /// Each model's chain: itself, then its fallbacks.
    let chains: [[Int]]
    /// Per-model breakers (nil when disabled).
    var breakers: [CircuitBreaker?]
    /// Workers holding each model hot or warming, and each (worker, model)'s position in it.
    var replicas: [[Int]]
    var replicaPosition: [[Int]]
    /// Workers of the pools serving each model, and where the next cold-load search starts.
    let eligibleWorkers: [[Int]]
    var coldCursor: [Int]
    var queuedByPriority = Array(repeating: 0, count: JobPriority.allCases.count)
    var arrivals = 0
    var lookupCount = 0
    var hitCount = 0
    var nextRequestID: UInt64 = 1
    var nextSequence: UInt64 = 1
    var lostGPUs: [ActiveFault: [(worker: Int, device: Int)]] = [:]
    var noted = Set<String>()
    let routerStream: RandomStream
    let loadStream: RandomStream
    let inferenceStream: RandomStream
    let faultStream: RandomStream
    let loadJitter: Distribution?
    let inferenceJitter: Distribution?
    let costCategories: [String]

    static let timeoutKind = EventKind("ai.attempt.timeout")
    static let inferenceKind = EventKind("ai.inference.done")
    static let loadKind = EventKind("ai.model.loaded")
    static let warmingKind = EventKind("ai.warming")
    static let breakerKind = EventKind("ai.breaker.timer")

    public init(configuration: AIMLConfiguration, context: PlatformContext) throws {
        try configuration.validate()
        self.configuration = configuration
        self.context = context
        let names = configuration.models.map(\.name)
        var index: [String: Int] = [:]
        for (i, n) in names.enumerated() { index[n] = i }
        modelIndex = index
        chains = names.indices.map { i in
            [i] + (configuration.fallbackChains.first { $0.primary == names[i] }?.fallbacks.map { index[$0]! } ?? [])
        }
        breakers = try names.map { _ in try configuration.modelBreaker.map { try CircuitBreaker(config: $0, now: context.now) } }
        replicas = Array(repeating: [], count: names.count)
        let workerCount = configuration.pools.reduce(0) { $0 + $1.workers }
        replicaPosition = Array(repeating: Array(repeating: -1, count: names.count), count: workerCount)
        coldCursor = Array(repeating: 0, count: names.count)
        routerStream = context.stream("ai-ml.router")
        loadStream = context.stream("ai-ml.model-loads")
        inferenceStream = context.stream("ai-ml.inference")
        faultStream = context.stream("ai-ml.faults")
        loadJitter = configuration.loadTimeCV > 0 ? try .lognormal(mean: 1, coefficientOfVariation: configuration.loadTimeCV) : nil
        inferenceJitter = configuration.inferenceTimeCV > 0
            ? try .lognormal(mean: 1, coefficientOfVariation: configuration.inferenceTimeCV) : nil
        costCategories = configuration.pools.map { "gpu.\($0.gpuType)" }
        metrics = AIMLMetrics(recorder: context.metrics, modelNames: names)
        var eligible: [[Int]] = Array(repeating: [], count: names.count)
        for (p, pool) in configuration.pools.enumerated() {
            for _ in 0..<pool.workers {
                let w = workers.count
                workers.append(InferenceWorker(
                    index: w, pool: p, modelCount: names.count, gpus: pool.gpusPerWorker,
                    cache: ModelCacheManager(modelCount: names.count, maxCacheSizeGB: configuration.maxCacheSizeGB,
                                             accounting: configuration.cacheAccounting),
                    memory: GPUMemoryManager(gpus: pool.gpusPerWorker, memoryPerGPUGB: pool.memoryPerGPUGB,
                                             headroomFraction: configuration.memoryHeadroomFraction,
                                             maxShards: configuration.maxShards, accounting: configuration.memoryAccounting)))
                for m in names.indices where pool.models.isEmpty || pool.models.contains(names[m]) { eligible[m].append(w) }
            }
        }
        eligibleWorkers = eligible
        registerGauges()
        observeFaults()
    }

    /// Starts predictive warming (its first round runs at once, so the predicted models are
    /// loading from time zero).
    public func start() {
        guard configuration.warming.enabled else { return }
        context.every(.saturatingSeconds(configuration.warming.intervalSeconds), Self.warmingKind) { [unowned self] in
            self.warmPredictedModels()
        }
    }

    /// Submits a transcription or analysis request for `model` over `duration` seconds of media;
    /// returns its id. `completion` receives the result (served or degraded) when it ends.
    @discardableResult
    public func submitInference(kind: AIInferenceKind, model: String, duration: Double, priority: JobPriority = .normal,
                                completion: ((AIInferenceResult) -> Void)? = nil) throws(AIMLConfigurationError) -> UInt64 {
        guard let m = modelIndex[model] else { throw AIMLConfigurationError(message: "unknown model \(model)") }
        guard duration.isFinite && duration >= 0 else {
            throw AIMLConfigurationError(message: "media duration must be ≥ 0 seconds, got \(duration)")
        }
        let id = nextRequestID
        nextRequestID += 1
        arrivals += 1
        context.metrics.add(metrics.requests)
        context.ledger.admit(Self.serviceName, id: id, at: context.now)
        let timeout = TimeAmount.saturatingSeconds(configuration.attemptTimeoutSeconds + configuration.attemptTimeoutPerMediaSecond * duration)
        let request = InferenceRequest(id: id, kind: kind, chain: chains[m], mediaSeconds: duration, priority: priority,
                                       submittedAt: context.now, attemptTimeout: timeout, completion: completion)
        tryNextModel(request)
        return id
    }

    /// Dollars for the pools' GPUs over `interval` (billed whether busy, idle or failed), to
    /// `gpu.<type>`; the runner calls it every sampling interval.
    public func accrueCost(over interval: TimeAmount) {
        for (p, pool) in configuration.pools.enumerated() {
            context.costs.add(Double(pool.gpuCount) * pool.costPerGPUHour * interval.seconds / 3_600, to: costCategories[p])
        }
    }

    // MARK: Inspection (tests, reports)

    /// Worker indices of the pool named `pool`, in order (workers are numbered across pools).
    public func workerIndices(pool: String) -> [Int] {
        workers.filter { configuration.pools[$0.pool].name == pool }.map(\.index)
    }

    /// The state of `model` on worker `worker`.
    public func modelState(_ model: String, worker: Int = 0) -> ModelState {
        guard let m = modelIndex[model] else { return .cold }
        return workers[worker].cache.state(of: m)
    }

    /// Where `model` is placed on worker `worker` (nil when not loaded or loading).
    public func placement(of model: String, worker: Int = 0) -> GPUMemoryAllocation? {
        modelIndex[model].flatMap { workers[worker].placements[$0] }
    }

    /// A worker's GPU memory manager (its two books and health).
    public func memoryManager(worker: Int = 0) -> GPUMemoryManager { workers[worker].memory }

    /// A worker's model cache.
    public func modelCache(worker: Int = 0) -> ModelCacheManager { workers[worker].cache }

    /// The breaker state of `model`, or nil when breakers are disabled.
    public func breakerState(_ model: String) -> CircuitBreakerState? { modelIndex[model].flatMap { breakers[$0]?.state } }

    /// Notes a notable event once per key (first over-commit, first OOM...).
    func noteOnce(_ key: String, kind: String, subject: String, detail: String) {
        guard noted.insert(key).inserted else { return }
        context.metrics.note(kind, subject: subject, detail: detail, at: context.now)
    }
}
