import Foundation
import XCTest
@testable import LoomServices

/// An hour of JWT validations (100,000 active users, Zipf(1), 2,000 validations per second by
/// default): a measurement, not a timed test — it runs only when `LOOMSIM_BENCH` is set (to the
/// fraction of that rate to run), and prints events per validation, CPU time and hit rates.
final class JWTValidationBenchmark: XCTestCase {
    func testAnHourOfValidations() throws {
        guard let scale = ProcessInfo.processInfo.environment["LOOMSIM_BENCH"].flatMap(Double.init) else {
            throw XCTSkip("set LOOMSIM_BENCH=1 (or a fraction of 2,000 validations/s) to measure")
        }
        let sim = try PlatformSimulation(seed: 1, duration: .hours(1), sampleInterval: .wholeSeconds(10))
        let service = try UserManagementService(configuration: UserManagementConfiguration(), context: sim.context)
        service.attachCosts(to: sim)
        service.start()
        let ctx = sim.context
        let random = ctx.stream("bench.validations")
        let rate = 2_000 * scale
        func arrive(at t: Instant) {
            ctx.at(t, EventKind("bench.validation")) {
                service.validateTokenOfRandomUser()
                arrive(at: t + .saturatingSeconds(random.exponential(mean: 1 / rate)))
            }
        }
        arrive(at: .zero)
        var usage = rusage()
        getrusage(0, &usage)  // RUSAGE_SELF
        let cpuStart = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let result = sim.run()
        getrusage(0, &usage)
        let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 - cpuStart
        let s = service.statistics
        let events = Double(result.digest.eventCount)
        print("""
            jwt hour ×\(scale): \(s.validations) validations, \(Int(events)) events \
            (\(String(format: "%.2f", events / Double(s.validations))) per validation, arrivals included), \
            \(String(format: "%.2f", cpu)) s CPU = \(String(format: "%.0f", events / cpu)) events/CPU-s; \
            local \(String(format: "%.1f", 100 * Double(s.localHits) / Double(s.validations))) %, \
            redis \(String(format: "%.1f", 100 * Double(s.redisHits) / Double(s.validations))) %, \
            full \(String(format: "%.1f", 100 * Double(s.fullValidations) / Double(s.validations))) %; \
            mean \(String(format: "%.3f", 1_000 * (result.snapshot.latency(named: "user-management.jwt_validation")?.mean ?? .nan))) ms
            """)
        XCTAssertTrue(ctx.ledger.holds)
    }
}
