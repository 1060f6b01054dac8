import XCTest
import Foundation
@testable import LoomServices

/// A measurement, not a timed test: one simulated peak hour of the analytics service alone at
/// the seed's scale (§10.1 "1M+ events/hour"), one kernel event per arrival as a workload
/// generator would schedule them. Runs only with `LOOMSIM_BENCH_ANALYTICS=1`, `direct` or `kafka` (build in release
/// with `-Xswiftc -enable-testing`); prints events executed, events/s and wall time.
final class AnalyticsPeakHourBenchmark: XCTestCase {
    func testPeakHour() throws {
        let setting = ProcessInfo.processInfo.environment["LOOMSIM_BENCH_ANALYTICS"] ?? ""
        let paths = setting == "1" ? AnalyticsIngestionPath.allCases : AnalyticsIngestionPath.allCases.filter { $0.rawValue == setting }
        guard !paths.isEmpty else { throw XCTSkip("set LOOMSIM_BENCH_ANALYTICS=1 (or direct, kafka) to measure") }
        for path in paths {
            let rt = SimulatedRuntime(seed: 1)
            let ctx = PlatformContext(runtime: rt)
            var c = AnalyticsConfiguration()
            c.ingestionPath = path
            if path == .direct { c.autoscaler = nil }
            let service = try AnalyticsService(configuration: c, context: ctx)
            service.start()
            let metrics = ctx.metrics
            ctx.every(.wholeSeconds(10), EventKind("bench.sample"), startingAfter: .wholeSeconds(10)) { metrics.sample(at: rt.now) }
            // Poisson arrivals, 1,000,000 per hour; the seed's event classes in a plausible mix.
            let stream = ctx.stream("bench.arrivals")
            let types = ["user_action", "video_view", "video_complete", "page_view", "click", "heartbeat"]
            let cumulative = [0.05, 0.30, 0.40, 0.70, 0.85, 1.0]
            let mean = 3_600.0 / 1_000_000
            let end = Instant.zero + .hours(1)
            let kind = EventKind("bench.arrival")
            func arrive() {
                let u = stream.uniform()
                let t = cumulative.firstIndex { u < $0 } ?? 5
                service.ingest(eventType: types[t], userID: UInt64(stream.integer(below: 100_000)))
                let next = rt.now + .saturatingSeconds(stream.exponential(mean: mean))
                if next < end { ctx.at(next, kind, arrive) }
            }
            ctx.after(.zero, kind, arrive)
            let start = DispatchTime.now().uptimeNanoseconds
            let executed = try rt.run(until: end)
            let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let flow = ctx.ledger.snapshot.first { $0.service == "analytics" }!
            print(String(format: "analytics bench %@: %d events executed in %.2f s wall (%.0f events/s); %d arrivals, %d stored, %d in flight, %d replicas; digest %@",
                         path.rawValue, executed, wall, Double(executed) / wall, service.arrivals, service.storedCount,
                         flow.inFlight, service.deployment.replicas, rt.digest.description))
            XCTAssertTrue(ctx.ledger.holds)
        }
    }
}
