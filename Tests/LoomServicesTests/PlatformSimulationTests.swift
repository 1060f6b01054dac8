import XCTest
@testable import LoomServices

final class PlatformSimulationTests: XCTestCase {
    func testSamplesWarmUpCostsAndInterruption() throws {
        func build() throws -> (PlatformSimulation, MetricsRecorder.Counter) {
            let sim = try PlatformSimulation(seed: 3, duration: .minutes(10), warmUp: .minutes(2), sampleInterval: .wholeSeconds(30))
            let template = PodTemplate(cpuRequestCores: 1, memoryRequestBytes: 1e9, startupLatency: try .constant(5),
                                       readinessDelay: try .constant(5), costPerHour: 0.6)
            let d = Deployment(service: "api", region: "r", template: template, replicas: 3, context: sim.context)
            d.startWarm()
            sim.track(d)
            let arrivals = sim.context.metrics.registerCounter("api.arrivals", unit: "requests")
            sim.context.every(.wholeSeconds(1), EventKind("tick")) { sim.context.metrics.add(arrivals) }
            return (sim, arrivals)
        }
        let (sim, arrivals) = try build()
        var progress: [Instant] = []
        sim.progress = { progress.append($0) }
        let result = sim.run()
        XCTAssertTrue(result.complete)
        XCTAssertEqual(result.snapshot.times.count, 20)
        XCTAssertEqual(progress.last, Instant.zero + .minutes(10))
        // 3 pods × $0.60/h × 1/6 h
        XCTAssertEqual(result.snapshot.series(named: "cost.total")?.values.last ?? 0, 0.3, accuracy: 1e-9)
        // Ticks at 0, 1, ..., 600 s; the warm-up deletes those before 120 s (ticks at 120 s run first).
        XCTAssertEqual(sim.context.metrics.total(arrivals), 481, accuracy: 1)
        XCTAssertEqual(result.snapshot.series(named: "api.replicas{region=r}")?.values.allSatisfy { $0 == 3 }, true)

        let (again, _) = try build()
        XCTAssertEqual(again.run().digest, result.digest, "same seed, same digest")

        let (interrupted, _) = try build()
        interrupted.progress = { if $0 >= Instant.zero + .minutes(3) { interrupted.interruptRequested = true } }
        let partial = interrupted.run()
        XCTAssertFalse(partial.complete)
        XCTAssertEqual(partial.endTime, Instant.zero + .minutes(3))
        XCTAssertEqual(partial.snapshot.times.count, 6)
    }

    func testInvalidRunShapesAreRejected() {
        XCTAssertThrowsError(try PlatformSimulation(seed: 1, duration: .zero))
        XCTAssertThrowsError(try PlatformSimulation(seed: 1, duration: .minutes(1), warmUp: .minutes(2))) { error in
            XCTAssertTrue("\(error)".contains("shorter than the run"))
        }
    }
}
