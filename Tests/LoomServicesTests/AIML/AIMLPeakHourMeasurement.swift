import Foundation
import XCTest
@testable import LoomServices

/// A peak hour of the AI/ML service alone at the seed's scale: 10,000 concurrent recording
/// sessions of 5 minutes on average finish 33 recordings a second, each asking for a
/// transcription (whisper-large-v2, at the recording's length) and a sentiment analysis. At the
/// catalogue's real-time factor (0.35) that is ~3,500 GPUs busy; the transcription pool has
/// 4,200 one-GPU workers, the analysis pool its default two. A measurement, not a timed test: it
/// runs only with `LOOMSIM_MEASURE_SERVICES=1`.
final class AIMLPeakHourMeasurement: XCTestCase {
    func testAIMLPeakHour() throws {
        guard ProcessInfo.processInfo.environment["LOOMSIM_MEASURE_SERVICES"] == "1" else {
            throw XCTSkip("set LOOMSIM_MEASURE_SERVICES=1 to measure")
        }
        let scale = Double(ProcessInfo.processInfo.environment["LOOMSIM_MEASURE_SCALE"] ?? "1") ?? 1
        let started = Date()
        let cpuStarted = clock()
        let sim = try PlatformSimulation(seed: 42, duration: .hours(1), sampleInterval: .wholeSeconds(10))
        var c = AIMLConfiguration()
        c.pools[0].workers = Int(4_200 * scale)
        let service = try AIMLService(configuration: c, context: sim.context)
        service.start()
        sim.accrue { service.accrueCost(over: $0) }
        let ctx = sim.context
        let stream = ctx.stream("measure.recordings")
        let lengths = try Distribution.lognormal(mean: 300, coefficientOfVariation: 1)
        let finishing = 10_000 * scale / 300
        func recordingFinished() {
            let seconds = stream.sample(lengths)
            let priority: JobPriority = stream.uniform() < 0.1 ? .high : .normal
            try! service.submitInference(kind: .transcription, model: "whisper-large-v2", duration: seconds, priority: priority)
            try! service.submitInference(kind: .sentimentAnalysis, model: "sentiment-analyzer", duration: seconds, priority: .low)
            ctx.after(.saturatingSeconds(stream.exponential(mean: 1 / finishing)), EventKind("measure.recording"), recordingFinished)
        }
        ctx.after(.zero, EventKind("measure.recording"), recordingFinished)
        let result = sim.run()
        let wall = Date().timeIntervalSince(started)
        let cpu = Double(clock() - cpuStarted) / Double(CLOCKS_PER_SEC)
        let flow = result.conservation.first { $0.service == "ai-ml" }!
        let latency = result.snapshot.latency(named: "ai-ml.inference_latency")!
        let hits = result.snapshot.counter(named: "ai.model_cache.hits")!.total
        let lookups = result.snapshot.counter(named: "ai.model_cache.lookups")!.total
        print("""
            ai-ml peak hour ×\(scale): \(result.digest.eventCount) events in \(String(format: "%.2f", wall)) s \
            (\(Int(Double(result.digest.eventCount) / wall)) events/s; \(String(format: "%.2f", cpu)) s CPU), peak RSS \(StreamingPeakHourMeasurement.peakRSSMiB()) MiB, \
            digest \(result.digest.hex)
              requests \(flow.entered): \(flow.terminal), in flight \(flow.inFlight); latency p50 \(latency.p50) s p99 \(latency.p99) s
              cache hit rate \(String(format: "%.3f", hits / lookups)), GPU cost $\(String(format: "%.0f", ctx.costs.total))
            """)
        for c in result.snapshot.counters where c.total > 0 && (c.key.hasPrefix("ai.attempt") || c.key.hasPrefix("ai.model_load")) {
            print("  \(c.key) = \(Int(c.total))")
        }
        XCTAssertTrue(result.violations.isEmpty)
    }
}
