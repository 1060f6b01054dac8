import DequeModule

/// What a caller gets back for an AI/ML request (seed §3.3 `AIProcessingResult`): the model that
/// served it, or a degraded result when every model of the chain failed.
public struct AIInferenceResult: Sendable, Equatable {
    public var requestID: UInt64
    public var kind: AIInferenceKind
    public var requestedModel: String
    /// The model that produced the result; nil for a degraded result.
    public var servedBy: String?
    /// True when every model failed and the seed's `create_degraded_result` answered.
    public var degraded: Bool
    /// The degraded result's content, as the seed writes it ("[Transcription temporarily
    /// unavailable]", a neutral sentiment, or "Service temporarily unavailable"); nil otherwise.
    public var degradedContent: String?
    /// Models tried, including the one that served.
    public var attempts: Int
    /// From submission to result.
    public var latency: TimeAmount
}

/// Why one model attempt failed; the raw value is the metric label and the ledger reason.
public enum InferenceAttemptFailure: String, Sendable, CaseIterable {
    /// The model's circuit breaker is open (the attempt was never made).
    case breakerOpen = "breaker-open"
    /// A `modelLoadFailure` fault failed the load (`ModelLoadError`).
    case loadFailure = "load-failure"
    /// The weights did not fit the GPU's physical memory (only possible when the as-written
    /// accounting has over-committed it).
    case outOfMemory = "cuda-oom"
    /// §3.2.2 `InsufficientMemoryError`: more than the shard limit, or no room for the shards.
    case insufficientMemory = "insufficient-memory"
    /// The as-written `available_memory <= 0` division.
    case divisionByZero = "division-by-zero"
    /// Intended cache accounting: the model does not fit the cache bound even after eviction.
    case largerThanCache = "larger-than-cache"
    /// The attempt exceeded `attemptTimeoutSeconds` (`ModelTimeoutError`).
    case timeout
    /// The GPU serving or holding the model was lost.
    case gpuLost = "gpu-lost"
    /// No worker has a healthy GPU.
    case noCapacity = "no-capacity"
}

/// One request in flight: its chain of models and where it is along it.
final class InferenceRequest {
    let id: UInt64
    let kind: AIInferenceKind
    /// Model indices: the requested model, then its fallbacks.
    let chain: [Int]
    let mediaSeconds: Double
    let priority: JobPriority
    let submittedAt: Instant
    /// How long each model attempt may take.
    let attemptTimeout: TimeAmount
    let completion: ((AIInferenceResult) -> Void)?
    var position = 0
    var attempts = 0

    init(id: UInt64, kind: AIInferenceKind, chain: [Int], mediaSeconds: Double, priority: JobPriority,
         submittedAt: Instant, attemptTimeout: TimeAmount, completion: ((AIInferenceResult) -> Void)?) {
        self.attemptTimeout = attemptTimeout
        self.id = id
        self.kind = kind
        self.chain = chain
        self.mediaSeconds = mediaSeconds
        self.priority = priority
        self.submittedAt = submittedAt
        self.completion = completion
    }
}

/// One model attempt of a request on one worker.
final class InferenceAttempt {
    enum Phase { case waiting, running, finished }
    let request: InferenceRequest
    let model: Int
    let worker: Int
    let startedAt: Instant
    /// Sequence number: ties in queue order and the trace entity.
    let sequence: UInt64
    var phase: Phase = .waiting
    var enqueuedAt: Instant
    var timeout: EventHandle?
    /// Whether the breaker admitted the attempt (its outcome is then reported to it).
    var holdsBreakerPermission = false

    init(request: InferenceRequest, model: Int, worker: Int, now: Instant, sequence: UInt64) {
        self.request = request
        self.model = model
        self.worker = worker
        self.startedAt = now
        self.enqueuedAt = now
        self.sequence = sequence
    }
}

/// One worker of an inference pool: a process with its GPUs, its model cache and GPU memory
/// manager (seed §3.2), the models placed on its GPUs, and per-model priority queues of attempts
/// waiting for their model to be hot and its GPUs idle.
final class InferenceWorker {
    /// Index among all workers (pools in configuration order).
    let index: Int
    /// Index of its pool in the configuration.
    let pool: Int
    var cache: ModelCacheManager
    var memory: GPUMemoryManager
    /// Where each loaded or loading model lives, by model index.
    var placements: [GPUMemoryAllocation?]
    /// Models placed on each GPU.
    var modelsOnDevice: [[Int]]
    /// The attempt running on each GPU (a sharded model's attempt occupies all its GPUs).
    var running: [InferenceAttempt?]
    /// Waiting attempts by model, then by priority (index = `JobPriority.rawValue`).
    var waiting: [[Deque<InferenceAttempt>]]
    /// Attempts waiting or running per model (a model with backlog is pinned in the cache).
    var backlog: [Int]
    var totalBacklog = 0
    /// Bumped whenever a model's load starts or its placement is torn down, so a stale
    /// load-completion event is ignored.
    var loadGeneration: [UInt64]

    init(index: Int, pool: Int, modelCount: Int, gpus: Int, cache: ModelCacheManager, memory: GPUMemoryManager) {
        self.index = index
        self.pool = pool
        self.cache = cache
        self.memory = memory
        placements = Array(repeating: nil, count: modelCount)
        modelsOnDevice = Array(repeating: [], count: gpus)
        running = Array(repeating: nil, count: gpus)
        waiting = Array(repeating: Array(repeating: Deque(), count: JobPriority.allCases.count), count: modelCount)
        backlog = Array(repeating: 0, count: modelCount)
        loadGeneration = Array(repeating: 0, count: modelCount)
    }

    var hasHealthyGPU: Bool { memory.healthy.contains(true) }

    /// Attempts waiting or running on the GPUs of `model`'s placement (the busiest of them):
    /// what a request routed here queues behind.
    func outstanding(for model: Int) -> Int {
        guard let p = placements[model] else { return totalBacklog }
        var most = 0
        for d in p.devices {
            var n = 0
            for m in modelsOnDevice[d] { n += backlog[m] }
            most = max(most, n)
        }
        return most
    }

    /// Whether every GPU of `model`'s placement is idle.
    func devicesIdle(for model: Int) -> Bool {
        guard let p = placements[model] else { return false }
        return p.devices.allSatisfy { running[$0] == nil && memory.healthy[$0] }
    }

    func place(_ model: Int, _ allocation: GPUMemoryAllocation) {
        placements[model] = allocation
        for d in allocation.devices { modelsOnDevice[d].append(model) }
    }

    /// Removes a model's placement and frees its memory.
    func unplace(_ model: Int) {
        guard let p = placements[model] else { return }
        memory.release(p)
        for d in p.devices { modelsOnDevice[d].removeAll { $0 == model } }
        placements[model] = nil
        loadGeneration[model] &+= 1
    }
}
