import XCTest
@testable import LoomServices

/// The §3.2.1 cache and the §3.2.2 memory manager as values, and their seed variants.
final class ModelCacheAndMemoryTests: XCTestCase {
    func at(_ s: Double) -> Instant { Instant(nanoseconds: Int64(s * 1e9)) }

    /// Three hot models; loading a fourth that needs room evicts the one with the lowest usage
    /// score (0.7 × recency + 0.3 × frequency), which here is not the least recently used.
    func testCacheEvictsTheLowestUsageScore() {
        var cache = ModelCacheManager(modelCount: 4, maxCacheSizeGB: 3, accounting: .intended)
        for m in 0..<3 {
            XCTAssertEqual(cache.beginLoad(m, sizeMB: 1_024, now: at(0), isPinned: { _ in false }), .admitted(evicted: []))
            cache.completeLoad(m, loadTimeSeconds: 10)
        }
        for _ in 0..<199 { _ = cache.lookUp(0, now: at(0)) }  // model 0: frequent, but 5 h ago
        _ = cache.lookUp(1, now: at(3 * 3_600))               // model 1: rare, 2 h ago
        let now = at(5 * 3_600)
        _ = cache.lookUp(2, now: now)                          // model 2: just now
        XCTAssertEqual(cache.entries[0]?.usageCount, 200)
        XCTAssertEqual(ModelCacheManager.usageScore(lastUsed: at(0), usageCount: 200, now: now), 0.7 / 6 + 0.3, accuracy: 1e-9)
        XCTAssertEqual(ModelCacheManager.usageScore(lastUsed: at(3 * 3_600), usageCount: 2, now: now), 0.7 / 3 + 0.006, accuracy: 1e-9)
        XCTAssertEqual(cache.evictionOrder(now: now), [1, 0, 2], "model 1 scores lowest although model 0 is older")
        XCTAssertEqual(cache.beginLoad(3, sizeMB: 1_024, now: now, isPinned: { _ in false }), .admitted(evicted: [1]))
        XCTAssertEqual(cache.state(of: 1), .cold)
        XCTAssertEqual(cache.state(of: 0), .hot)
        XCTAssertEqual(cache.state(of: 3), .warming)
        XCTAssertEqual(cache.countedSizeMB, 3 * 1_024, "two hot models and the warming one, which reserves its space")
    }

    /// A model in use is never evicted; under intended accounting a load that cannot fit fails.
    func testPinnedModelsAreNotEvictedAndAnOverflowingLoadIsRejected() {
        var cache = ModelCacheManager(modelCount: 3, maxCacheSizeGB: 2, accounting: .intended)
        for m in 0..<2 {
            _ = cache.beginLoad(m, sizeMB: 1_024, now: at(0), isPinned: { _ in false })
            cache.completeLoad(m, loadTimeSeconds: 1)
        }
        let admission = cache.beginLoad(2, sizeMB: 1_024, now: at(1), isPinned: { _ in true })
        XCTAssertEqual(admission, .rejected(requiredMB: 1_024, countedMB: 2_048, evicted: []))
        XCTAssertEqual(cache.state(of: 2), .cold)
    }

    /// As written, `size_mb` stays 0: the cache believes itself empty and never evicts for
    /// models smaller than the whole bound, so it holds far more than its bound.
    func testAsWrittenCacheCountsZeroAndOverflowsItsBound() {
        var cache = ModelCacheManager(modelCount: 6, maxCacheSizeGB: 2, accounting: .asWritten)
        for m in 0..<5 {
            XCTAssertEqual(cache.beginLoad(m, sizeMB: 1_024, now: at(Double(m)), isPinned: { _ in false }), .admitted(evicted: []))
            cache.completeLoad(m, loadTimeSeconds: 1)
        }
        XCTAssertEqual(cache.countedSizeMB, 0)
        XCTAssertEqual(cache.residentSizeMB, 5 * 1_024, "5 GB resident under a 2 GB bound")
        // A single model larger than the bound frees "0 MB" per victim, so every hot model goes.
        XCTAssertEqual(cache.beginLoad(5, sizeMB: 3_000, now: at(10), isPinned: { _ in false }),
                       .admitted(evicted: [0, 1, 2, 3, 4]))
    }

    /// A model that does not fit one GPU is split into shards (≤ 4) over the worker's GPUs;
    /// intended accounting counts every shard, the seed's counts none.
    func testModelThatDoesNotFitOneGPUIsShardedAndCountedOnlyWhenIntended() {
        for accounting in GPUMemoryAccounting.allCases {
            var memory = GPUMemoryManager(gpus: 4, memoryPerGPUGB: 24, headroomFraction: 0.9, maxShards: 4, accounting: accounting)
            guard case let .success(a) = memory.allocate(44) else { return XCTFail("44 GB should shard") }
            XCTAssertEqual(a.shardCount, 3, "ceil(44 / 21.6) = 3 shards")
            XCTAssertEqual(a.memoryPerShardGB, 44.0 / 3, accuracy: 1e-9)
            XCTAssertEqual(Set(a.devices).count, 3)
            XCTAssertEqual(memory.residentGB.reduce(0, +), 44, accuracy: 1e-9, "the shards really occupy 44 GB")
            switch accounting {
            case .intended: XCTAssertEqual(memory.accountedGB.reduce(0, +), 44, accuracy: 1e-9)
            case .asWritten: XCTAssertEqual(memory.accountedGB.reduce(0, +), 0, "sharded allocations never reach current_usage")
            }
            // The next 20 GB model: the intended manager sees the 3 busy GPUs and uses the empty one;
            // the seed's believes every GPU empty, picks GPU 0 and over-commits it.
            guard case let .success(b) = memory.allocate(20) else { return XCTFail("20 GB fits one GPU") }
            XCTAssertEqual(b.shardCount, 1)
            XCTAssertEqual(memory.overcommits(b), accounting == .asWritten)
        }
    }

    func testMoreThanFourShardsIsInsufficientMemory() {
        var memory = GPUMemoryManager(gpus: 8, memoryPerGPUGB: 24, headroomFraction: 0.9, maxShards: 4, accounting: .intended)
        XCTAssertEqual(memory.allocate(100).map(\.shardCount), .failure(.insufficientMemory), "ceil(100 / 21.6) = 5 > 4")
        XCTAssertEqual(memory.allocate(80).map(\.shardCount), .success(4))
    }

    /// A full GPU: the seed divides by zero, the intended manager reports insufficient memory.
    func testNoFreeMemoryDividesByZeroOnlyAsWritten() {
        for (accounting, expected) in [(GPUMemoryAccounting.asWritten, GPUAllocationFailure.divisionByZero),
                                       (.intended, .insufficientMemory)] {
            var memory = GPUMemoryManager(gpus: 1, memoryPerGPUGB: 10, headroomFraction: 0.9, maxShards: 4, accounting: accounting)
            XCTAssertEqual(memory.allocate(9).map(\.shardCount), .success(1))
            XCTAssertEqual(memory.allocate(1).map(\.shardCount), .failure(expected))
        }
    }

    func testPredictorLooksAheadOverItsHorizon() {
        let p = ModelUsagePredictor()
        XCTAssertEqual(p.predictNextModels(hour: 10), ["whisper-large-v2", "bert-base-uncased", "sentiment-analyzer"])
        XCTAssertEqual(p.predictNextModels(hour: 18), ["whisper-base", "summarizer"])
        XCTAssertEqual(p.models(atHourOfDay: 8.75, horizonMinutes: 30),
                       ["whisper-base", "summarizer", "whisper-large-v2", "bert-base-uncased", "sentiment-analyzer"])
    }
}
