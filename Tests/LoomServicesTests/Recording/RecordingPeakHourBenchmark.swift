import Foundation
import XCTest
@testable import LoomServices

/// A peak hour of the recording service alone at the seed's scale (§1.2.1: 10,000 concurrent
/// sessions on up to 100 pods): a measurement, not a timed test — it runs only when
/// `LOOMSIM_BENCH=1` is set, and prints events, wall time, events/s, peak RSS and the digest.
/// Run it in release: `LOOMSIM_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter RecordingPeakHourBenchmark`.
final class RecordingPeakHourBenchmark: XCTestCase {
    func testPeakHourAtSeedScale() throws {
        guard let scale = ProcessInfo.processInfo.environment["LOOMSIM_BENCH"].flatMap(Double.init) else {
            throw XCTSkip("set LOOMSIM_BENCH=1 (or a fraction of the seed's scale) to measure")
        }
        let sampling = ProcessInfo.processInfo.environment["LOOMSIM_BENCH_SAMPLE"].flatMap(Int64.init) ?? 10
        let sim = try PlatformSimulation(seed: 1, duration: .hours(1), sampleInterval: .wholeSeconds(sampling))
        var configuration = RecordingConfiguration()
        configuration.initialReplicas = max(10, Int(100 * scale))
        let service = try RecordingService(configuration: configuration, context: sim.context)
        service.attachCosts(to: sim)
        service.start()
        let ctx = sim.context
        let random = ctx.stream("bench.arrivals")
        let tiers = ["free", "business", "enterprise"]
        let resolutions = [720, 1080, 1080, 1440]
        let lengths = try Distribution.lognormal(mean: 300, coefficientOfVariation: 1)
        // Sessions already running at the start of the hour, joining over its first minute.
        let concurrent = Int(10_000 * scale)
        for i in 0..<concurrent {
            ctx.at(Instant.zero + .saturatingSeconds(60 * Double(i) / Double(concurrent)), EventKind("bench.arrival")) {
                service.startSession(userTier: "business", length: .saturatingSeconds(random.uniform() * 600),
                                     resolution: resolutions[i % 4])
            }
        }
        // Steady arrivals keeping 10,000 sessions of 5 minutes on average: 33 per second.
        let rate = Double(concurrent) / 300
        func arrive(at t: Instant) {
            ctx.at(t, EventKind("bench.arrival")) {
                service.startSession(userTier: tiers[Int(random.integer(below: 3))],
                                     length: .saturatingSeconds(random.sample(lengths)),
                                     resolution: resolutions[Int(random.integer(below: 4))])
                arrive(at: t + .saturatingSeconds(random.exponential(mean: 1 / rate)))
            }
        }
        arrive(at: Instant.zero + .saturatingSeconds(random.exponential(mean: 1 / rate)))

        func cpuSeconds() -> Double {
            var usage = rusage()
            getrusage(0, &usage)  // RUSAGE_SELF
            return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
                + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        }
        let start = Date()
        let cpuStart = cpuSeconds()
        let result = sim.run()
        let wall = Date().timeIntervalSince(start)
        let cpu = cpuSeconds() - cpuStart
        let events = result.digest.eventCount
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let rss = status.split(separator: "\n").first { $0.hasPrefix("VmHWM") } ?? "VmHWM: ?"
        let flow = result.conservation.first { $0.service == "recording" }!
        print("""
            recording peak hour ×\(scale): \(events) events in \(String(format: "%.2f", wall)) s wall, \
            \(String(format: "%.2f", cpu)) s CPU = \(String(format: "%.0f", Double(events) / cpu)) events/CPU-s; \(rss.replacingOccurrences(of: "\t", with: " ")); \
            digest \(result.digest.hex); sessions \(flow.entered) (\(service.statistics.completed) completed, \
            \(flow.inFlight) in flight); \(String(format: "%.1f", Double(events) / Double(max(1, flow.entered)))) events/session; \
            peak replicas \(result.snapshot.series(named: "recording.replicas{region=us-east-1}")?.values.max() ?? 0)
            """)
        XCTAssertTrue(ctx.ledger.holds)
    }
}
