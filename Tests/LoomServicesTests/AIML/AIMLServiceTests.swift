import XCTest
@testable import LoomServices

/// The AI/ML service driven through its policies: warming, sharding, fallbacks, timeouts,
/// breakers and GPU loss.
final class AIMLServiceTests: XCTestCase {
    /// One pool ("ai-inference") of one worker with four 24 GB GPUs serving every model; no
    /// jitter, no warming, no breakers: timings are exact.
    static func quietConfiguration() -> AIMLConfiguration {
        var c = AIMLConfiguration()
        var pool = InferencePoolConfiguration()
        pool.workers = 1
        c.pools = [pool]
        c.warming.enabled = false
        c.loadTimeCV = 0
        c.inferenceTimeCV = 0
        c.modelBreaker = nil
        return c
    }

    func makeService(_ configuration: AIMLConfiguration, seed: UInt64 = 7) throws -> (SimulatedRuntime, PlatformContext, AIMLService) {
        let rt = SimulatedRuntime(seed: seed)
        let ctx = PlatformContext(runtime: rt)
        let service = try AIMLService(configuration: configuration, context: ctx)
        service.start()
        return (rt, ctx, service)
    }

    func counter(_ ctx: PlatformContext, _ key: String) -> Double {
        ctx.metrics.snapshot().counter(named: key)?.total ?? .nan
    }

    /// Without warming the first request pays the load (5 s + 3,090 MB at 200 MB/s); with the
    /// seed's predictor at 10:00, whisper-large-v2 is hot before the request arrives.
    func testPredictiveWarmingTurnsAColdStartIntoAHit() throws {
        for warming in [false, true] {
            var c = Self.quietConfiguration()
            c.warming.enabled = warming
            let (rt, ctx, service) = try makeService(c)
            var result: AIInferenceResult?
            ctx.at(try .seconds(60), EventKind("submit")) {
                try! service.submitInference(kind: .transcription, model: "whisper-large-v2", duration: 60) { result = $0 }
            }
            try rt.run(until: try .seconds(200))
            let r = try XCTUnwrap(result)
            XCTAssertEqual(r.servedBy, "whisper-large-v2")
            let inference = 0.5 + 0.35 * 60
            if warming {
                XCTAssertEqual(counter(ctx, "ai.model_cache.cold_starts"), 0)
                XCTAssertEqual(counter(ctx, "ai.model_cache.cold_start_waits"), 0)
                XCTAssertEqual(counter(ctx, "ai.model_cache.hits"), 1)
                XCTAssertEqual(counter(ctx, "ai.model_cache.predictive_loads"), 3, "whisper-large-v2, bert-base-uncased, sentiment-analyzer")
                XCTAssertEqual(r.latency.seconds, inference, accuracy: 1e-6)
            } else {
                XCTAssertEqual(counter(ctx, "ai.model_cache.cold_starts"), 1)
                XCTAssertEqual(counter(ctx, "ai.model_cache.cold_start_waits"), 1, "the request waited for the load")
                XCTAssertEqual(counter(ctx, "ai.model_cache.cold_rerouted"), 0)
                XCTAssertEqual(counter(ctx, "ai.model_cache.hits"), 0)
                XCTAssertEqual(r.latency.seconds, 5 + 3_090.0 / 200 + inference, accuracy: 1e-6)
            }
            XCTAssertEqual(service.modelState("whisper-large-v2"), .hot)
        }
    }

    /// A 30 GB model does not fit one 24 GB GPU (21.6 GB budget): it is loaded as 2 shards. The
    /// intended manager counts them and places the next 20 GB model on a free GPU; the seed's
    /// does not, puts it on GPU 0 on top of a shard, and the load fails with CUDA OOM.
    func testShardedModelMemoryIsCountedWhenIntendedAndOvercommittedAsWritten() throws {
        for accounting in GPUMemoryAccounting.allCases {
            var c = Self.quietConfiguration()
            c.memoryAccounting = accounting
            c.models = [
                AIModelSpec(name: "big", sizeMB: 2_000, gpuMemoryGB: 30, fixedSeconds: 1, secondsPerMediaSecond: 0),
                AIModelSpec(name: "mid", sizeMB: 2_000, gpuMemoryGB: 20, fixedSeconds: 1, secondsPerMediaSecond: 0),
            ]
            c.fallbackChains = []
            let (rt, ctx, service) = try makeService(c)
            var results: [String: AIInferenceResult] = [:]
            try service.submitInference(kind: .textAnalysis, model: "big", duration: 0) { results["big"] = $0 }
            try rt.run(until: try .seconds(30))
            let big = try XCTUnwrap(service.placement(of: "big"))
            XCTAssertEqual(big.shardCount, 2)
            XCTAssertEqual(big.memoryPerShardGB, 15)
            let memory = service.memoryManager()
            XCTAssertEqual(memory.residentGB, [15, 15, 0, 0])
            XCTAssertEqual(memory.accountedGB, accounting == .intended ? [15, 15, 0, 0] : [0, 0, 0, 0])
            try service.submitInference(kind: .textAnalysis, model: "mid", duration: 0) { results["mid"] = $0 }
            try rt.run(until: try .seconds(60))
            XCTAssertEqual(results["big"]?.servedBy, "big")
            XCTAssertEqual(counter(ctx, "ai.model_loads.sharded"), 1)
            switch accounting {
            case .intended:
                XCTAssertEqual(results["mid"]?.servedBy, "mid")
                XCTAssertEqual(service.placement(of: "mid")?.devices, [2])
            case .asWritten:
                XCTAssertEqual(results["mid"]?.degraded, true)
                XCTAssertEqual(counter(ctx, "ai.attempt_failures{reason=cuda-oom}"), 1)
                XCTAssertTrue(ctx.metrics.snapshot().events.contains { $0.kind == "ai.gpu.out_of_memory" })
            }
            XCTAssertTrue(ctx.ledger.holds)
        }
    }

    /// A failed load of the primary model falls back down the seed's chain; when every model's
    /// load fails the request gets the seed's degraded transcription.
    func testFailedModelLoadFallsBackDownTheChainThenDegrades() throws {
        let (rt, ctx, service) = try makeService(Self.quietConfiguration())
        ctx.faults.begin(ActiveFault(kind: .modelLoadFailure, target: "whisper-large-v2"))
        var first: AIInferenceResult?
        try service.submitInference(kind: .transcription, model: "whisper-large-v2", duration: 30) { first = $0 }
        try rt.run(until: try .seconds(120))
        XCTAssertEqual(first?.servedBy, "whisper-medium")
        XCTAssertEqual(first?.attempts, 2)
        XCTAssertEqual(counter(ctx, "ai.fallbacks"), 1)
        XCTAssertEqual(counter(ctx, "ai.model_load_failures{reason=load-failure}"), 1)
        XCTAssertEqual(service.modelState("whisper-large-v2"), .cold)

        ctx.faults.begin(ActiveFault(kind: .modelLoadFailure, target: "whisper-medium"))
        ctx.faults.begin(ActiveFault(kind: .modelLoadFailure, target: "whisper-base"))
        // whisper-medium is still hot from the first request; lose it so it must load again.
        ctx.faults.begin(ActiveFault(kind: .gpuLoss, target: "ai-inference", magnitude: 4))
        ctx.faults.end(ActiveFault(kind: .gpuLoss, target: "ai-inference", magnitude: 4))
        var second: AIInferenceResult?
        try service.submitInference(kind: .transcription, model: "whisper-large-v2", duration: 30) { second = $0 }
        try rt.run(until: try .seconds(240))
        let r = try XCTUnwrap(second)
        XCTAssertTrue(r.degraded)
        XCTAssertNil(r.servedBy)
        XCTAssertEqual(r.degradedContent, "[Transcription temporarily unavailable]")
        XCTAssertEqual(r.attempts, 3)
        XCTAssertEqual(counter(ctx, "ai.degraded_results"), 1)
        let flow = try XCTUnwrap(ctx.ledger.snapshot.first { $0.service == "ai-ml" })
        XCTAssertEqual(flow.terminal[.completed], 1)
        XCTAssertEqual(flow.terminal[.failed(reason: "degraded")], 1)
        XCTAssertTrue(ctx.ledger.holds)
    }

    /// A model that loads longer than the attempt timeout is the seed's `ModelTimeoutError`: the
    /// chain moves on until a model small enough to load in time serves the request.
    func testTimeoutMovesToTheNextModel() throws {
        var c = Self.quietConfiguration()
        c.attemptTimeoutSeconds = 10
        c.attemptTimeoutPerMediaSecond = 0
        let (rt, ctx, service) = try makeService(c)
        var result: AIInferenceResult?
        try service.submitInference(kind: .transcription, model: "whisper-large-v2", duration: 60) { result = $0 }
        try rt.run(until: try .seconds(100))
        // large-v2 loads in 20.45 s and medium in 12.65 s (> 10 s); base loads in 5.725 s and
        // transcribes 60 s in 3.2 s: served 10 + 10 + 8.925 s after submission.
        XCTAssertEqual(result?.servedBy, "whisper-base")
        XCTAssertEqual(result?.latency.seconds ?? 0, 20 + 5.725 + 3.2, accuracy: 1e-6)
        XCTAssertEqual(counter(ctx, "ai.attempt_failures{reason=timeout}"), 2)
        XCTAssertEqual(service.modelState("whisper-large-v2"), .hot, "the abandoned load still completes and warms the cache")
    }

    /// Repeated load failures open the model's breaker; later requests skip it without waiting.
    func testBreakerOpensOnRepeatedLoadFailuresAndSkipsTheModel() throws {
        var c = Self.quietConfiguration()
        var breaker = CircuitBreakerConfig()
        breaker.slidingWindowSize = 4
        breaker.minimumNumberOfCalls = 4
        c.modelBreaker = breaker
        let (rt, ctx, service) = try makeService(c)
        ctx.faults.begin(ActiveFault(kind: .modelLoadFailure, target: "whisper-large-v2"))
        var results: [AIInferenceResult] = []
        for i in 0..<6 {
            ctx.at(Instant(nanoseconds: Int64(i) * 30_000_000_000), EventKind("submit")) {
                try! service.submitInference(kind: .transcription, model: "whisper-large-v2", duration: 10) { results.append($0) }
            }
        }
        try rt.run(until: try .seconds(400))
        XCTAssertEqual(results.count, 6)
        XCTAssertTrue(results.allSatisfy { $0.servedBy == "whisper-medium" })
        XCTAssertEqual(service.breakerState("whisper-large-v2"), .open)
        XCTAssertEqual(counter(ctx, "ai.attempt_failures{reason=load-failure}"), 4)
        XCTAssertEqual(counter(ctx, "ai.attempt_failures{reason=breaker-open}"), 2)
        XCTAssertTrue(ctx.metrics.snapshot().events.contains { $0.kind == "breaker.opened" && $0.subject == "ai-ml->whisper-large-v2" })
    }

    /// Losing every GPU fails the running inference; with no capacity left the chain ends in a
    /// degraded result. When the GPUs return, empty, the model loads again.
    func testGPULossFailsRunningWorkAndTheModelReloadsAfterwards() throws {
        let (rt, ctx, service) = try makeService(Self.quietConfiguration())
        var results: [AIInferenceResult] = []
        try service.submitInference(kind: .transcription, model: "whisper-large-v2", duration: 600) { results.append($0) }
        try rt.run(until: try .seconds(30))
        let fault = ActiveFault(kind: .gpuLoss, target: "ai-inference", magnitude: 4)
        ctx.faults.begin(fault)
        XCTAssertEqual(results.first?.degraded, true)
        XCTAssertEqual(counter(ctx, "ai.attempt_failures{reason=gpu-lost}"), 1)
        XCTAssertEqual(counter(ctx, "ai.attempt_failures{reason=no-capacity}"), 2)
        XCTAssertEqual(service.memoryManager().healthyCount, 0)
        ctx.faults.end(fault)
        try service.submitInference(kind: .transcription, model: "whisper-large-v2", duration: 10) { results.append($0) }
        try rt.run(until: try .seconds(120))
        XCTAssertEqual(results.last?.servedBy, "whisper-large-v2")
        XCTAssertEqual(counter(ctx, "ai.model_cache.cold_starts"), 2)
        XCTAssertTrue(ctx.ledger.holds)
    }

    /// Intended cache accounting keeps the weights of hot models within the bound; the seed's
    /// 0 MB accounting lets them pile up far beyond it.
    func testCacheBoundHoldsWhenIntendedAndIsExceededAsWritten() throws {
        for accounting in ModelCacheAccounting.allCases {
            var c = Self.quietConfiguration()
            c.cacheAccounting = accounting
            c.maxCacheSizeGB = 4
            let (rt, _, service) = try makeService(c)
            for (i, model) in ["whisper-large-v2", "whisper-medium", "bert-large-uncased", "summarizer"].enumerated() {
                try service.submitInference(kind: .textAnalysis, model: model, duration: 10)
                try rt.run(until: try .seconds(Double(i + 1) * 60))
            }
            let cache = service.modelCache()
            switch accounting {
            case .intended:
                XCTAssertLessThanOrEqual(cache.residentSizeMB, 4 * 1_024)
                XCTAssertEqual(cache.countedSizeMB, cache.residentSizeMB)
            case .asWritten:
                XCTAssertEqual(cache.countedSizeMB, 0)
                XCTAssertEqual(cache.residentSizeMB, 3_090 + 1_530 + 1_340 + 1_630, "all four hot under a 4 GB bound")
            }
        }
    }

    func testConfigurationValidationNamesTheField() {
        var c = AIMLConfiguration()
        c.maxShards = 0
        XCTAssertThrowsError(try c.validate()) { XCTAssertEqual("\($0)", "maxShards must be at least 1, got 0") }
        c = AIMLConfiguration()
        c.fallbackChains = [AIModelFallbackChain(primary: "whisper-large-v2", fallbacks: ["whisper-tiny"])]
        XCTAssertThrowsError(try c.validate()) { XCTAssertEqual("\($0)", "fallback chain of whisper-large-v2 names unknown model whisper-tiny") }
        c = AIMLConfiguration()
        c.pools[0].memoryPerGPUGB = -1
        XCTAssertThrowsError(try c.validate()) {
            XCTAssertEqual("\($0)", "pools[ai-transcription].memoryPerGPUGB must be a positive number, got -1.0")
        }
        c = AIMLConfiguration()
        c.pools = [.transcription]
        XCTAssertThrowsError(try c.validate()) { XCTAssertEqual("\($0)", "model bert-large-uncased is served by no pool") }
    }
}
