import XCTest
@testable import LoomServices

/// Conservation under every fault the AI/ML service supports, and determinism.
final class AIMLConservationTests: XCTestCase {
    /// A 30-minute run on the default pools (8 one-GPU transcription workers, 2 four-GPU analysis
    /// workers): Poisson arrivals of transcriptions and analyses, with the given faults on a
    /// timeline; returns the run's result.
    static let defaultMix: [(AIInferenceKind, String)] = [
        (.transcription, "whisper-large-v2"), (.transcription, "whisper-large-v2"), (.sentimentAnalysis, "sentiment-analyzer"),
        (.textAnalysis, "bert-large-uncased"), (.summarization, "gpt-3.5-turbo"),
    ]

    static func run(seed: UInt64, faults: [(start: Double, end: Double, fault: ActiveFault)],
                    mix: [(AIInferenceKind, String)] = defaultMix,
                    configure: (inout AIMLConfiguration) -> Void = { _ in }) throws -> (PlatformSimulation.Result, AIMLService) {
        let sim = try PlatformSimulation(seed: seed, duration: .minutes(30), sampleInterval: .wholeSeconds(10))
        var c = AIMLConfiguration()
        c.attemptTimeoutSeconds = 120
        configure(&c)
        let service = try AIMLService(configuration: c, context: sim.context)
        service.start()
        sim.accrue { service.accrueCost(over: $0) }
        let ctx = sim.context
        let arrivals = ctx.stream("test.ai-arrivals")
        let lengths = try Distribution.lognormal(mean: 120, coefficientOfVariation: 1)
        func arrive() {
            let (kind, model) = mix[Int(arrivals.integer(below: UInt(mix.count)))]
            let priority = JobPriority.allCases[Int(arrivals.integer(below: 4))]
            try! service.submitInference(kind: kind, model: model, duration: arrivals.sample(lengths), priority: priority)
            ctx.after(.saturatingSeconds(arrivals.exponential(mean: 2)), EventKind("test.arrival"), arrive)
        }
        ctx.after(.zero, EventKind("test.arrival"), arrive)
        for (start, end, fault) in faults {
            ctx.at(try .seconds(start), EventKind("test.fault")) { ctx.faults.begin(fault) }
            ctx.at(try .seconds(end), EventKind("test.fault")) { ctx.faults.end(fault) }
        }
        return (sim.run(), service)
    }

    static let everyFault: [(start: Double, end: Double, fault: ActiveFault)] = [
        (450, 900, ActiveFault(kind: .modelLoadFailure, target: "whisper-large-v2", magnitude: 0.7)),
        (300, 600, ActiveFault(kind: .modelLoadFailure, target: "gpt-3.5-turbo")),
        (450, 900, ActiveFault(kind: .modelLoadFailure, target: "whisper-medium", magnitude: 0.5)),
        (500, 800, ActiveFault(kind: .gpuLoss, target: "ai-transcription", magnitude: 3)),
        (700, 760, ActiveFault(kind: .gpuLoss, target: "ai-analysis", magnitude: 8)),
        (1_000, 1_100, ActiveFault(kind: .regionOutage, target: "us-east-1")),
    ]

    func testLedgerHoldsUnderEveryFaultAndVariant() throws {
        for (cache, memory) in [(ModelCacheAccounting.intended, GPUMemoryAccounting.intended), (.asWritten, .asWritten)] {
            let (result, _) = try Self.run(seed: 11, faults: Self.everyFault) {
                $0.cacheAccounting = cache
                $0.memoryAccounting = memory
            }
            XCTAssertEqual(result.violations, [])
            let flow = try XCTUnwrap(result.conservation.first { $0.service == "ai-ml" })
            XCTAssertTrue(flow.isBalanced, "\(flow)")
            XCTAssertGreaterThan(flow.entered, 700)
            XCTAssertGreaterThan(flow.count("completed"), 0)
            XCTAssertGreaterThan(flow.terminal[.failed(reason: "degraded")] ?? 0, 0, "the outages leave some requests degraded")
            XCTAssertLessThan(flow.inFlight, 100)
            print("ai-ml \(cache)/\(memory): \(flow), events \(result.digest.eventCount)")
            let counters = result.snapshot.counters
            for reason in ["gpu-lost", "no-capacity", "load-failure"] {
                let c = try XCTUnwrap(counters.first { $0.key == "ai.attempt_failures{reason=\(reason)}" })
                XCTAssertGreaterThan(c.total, 0, reason)
            }
        }
    }

    /// On workers serving every model, the seed's accounting over-commits GPU memory once
    /// gpt-3.5-turbo is sharded over GPUs that also hold Whisper: loads then fail with CUDA OOM,
    /// which the intended accounting never produces.
    func testAsWrittenAccountingProducesOutOfMemoryFailuresTheIntendedNever() throws {
        var oom: [GPUMemoryAccounting: Double] = [:]
        for memory in GPUMemoryAccounting.allCases {
            let mix = Self.defaultMix + [(.summarization, "gpt-3.5-turbo-instruct"), (.summarization, "summarizer")]
            let (result, _) = try Self.run(seed: 5, faults: [], mix: mix) {
                var pool = InferencePoolConfiguration()
                pool.workers = 2
                $0.pools = [pool]
                $0.memoryAccounting = memory
                $0.maxCacheSizeGB = 128  // room for both GPT stand-ins, so both are sharded
            }
            oom[memory] = result.snapshot.counter(named: "ai.attempt_failures{reason=cuda-oom}")?.total
            XCTAssertEqual(result.violations, [])
        }
        XCTAssertEqual(oom[.intended], 0)
        XCTAssertGreaterThan(oom[.asWritten] ?? 0, 0)
    }

    func testSameSeedGivesTheSameDigestAndMetrics() throws {
        let (a, _) = try Self.run(seed: 3, faults: Self.everyFault)
        let (b, _) = try Self.run(seed: 3, faults: Self.everyFault)
        XCTAssertEqual(a.digest, b.digest)
        XCTAssertEqual(String(describing: a.snapshot), String(describing: b.snapshot))
        XCTAssertEqual(a.conservation, b.conservation)
        let (c, _) = try Self.run(seed: 4, faults: Self.everyFault)
        XCTAssertNotEqual(a.digest, c.digest)
    }
}
