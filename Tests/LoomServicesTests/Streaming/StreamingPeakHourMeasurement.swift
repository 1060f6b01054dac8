import Foundation
import XCTest
@testable import LoomServices

/// A peak hour of the streaming service alone at the seed's scale (§4.2.1: 100,000 concurrent
/// viewers, a 4 s segment each every 4 s ≈ 90 M segment requests), printed as events, wall
/// time, events/s and peak RSS. A measurement, not a timed test: it runs only with
/// `LOOMSIM_MEASURE_SERVICES=1` (use a release build:
/// `swift test -c release -Xswiftc -enable-testing --filter PeakHourMeasurement`).
final class StreamingPeakHourMeasurement: XCTestCase {
    func testStreamingPeakHour() throws {
        guard ProcessInfo.processInfo.environment["LOOMSIM_MEASURE_SERVICES"] == "1" else {
            throw XCTSkip("set LOOMSIM_MEASURE_SERVICES=1 to measure")
        }
        let scale = Double(ProcessInfo.processInfo.environment["LOOMSIM_MEASURE_SCALE"] ?? "1") ?? 1
        let started = Date()
        let cpuStarted = clock()
        let sim = try PlatformSimulation(seed: 42, duration: .hours(1), sampleInterval: .wholeSeconds(10))
        let service = try StreamingService(configuration: StreamingConfiguration(), context: sim.context)
        service.start()
        let ctx = sim.context
        let stream = ctx.stream("measure.viewers")
        let catalog = try StreamingVideoCatalog(videoCount: 200_000, zipfExponent: 0.8)
        let regions = ["us-east-1", "us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1"]
        let qualities = ["480p", "720p", "720p", "1080p"]
        let meanWatch = 180.0
        let concurrent = 100_000 * scale
        func viewer() {
            try! service.startViewing(region: regions[Int(stream.integer(below: 5))], video: catalog.drawVideo(from: stream),
                                      quality: qualities[Int(stream.integer(below: 4))], duration: stream.exponential(mean: meanWatch),
                                      videoLength: 60 + 540 * stream.uniform())
        }
        // Start at steady state: the concurrent viewers (watch times are memoryless), then
        // arrivals at concurrent / mean watch time per second.
        for _ in 0..<Int(concurrent) { viewer() }
        func arrive() {
            viewer()
            ctx.after(.saturatingSeconds(stream.exponential(mean: meanWatch / concurrent)), EventKind("measure.arrival"), arrive)
        }
        ctx.after(.zero, EventKind("measure.arrival"), arrive)
        let result = sim.run()
        let wall = Date().timeIntervalSince(started)
        let cpu = Double(clock() - cpuStarted) / Double(CLOCKS_PER_SEC)
        let segments = result.conservation.first { $0.service == "streaming.segments" }!
        let sessions = result.conservation.first { $0.service == "streaming" }!
        print("""
            streaming peak hour ×\(scale): \(result.digest.eventCount) events in \(String(format: "%.2f", wall)) s \
            (\(Int(Double(result.digest.eventCount) / wall)) events/s; \(String(format: "%.2f", cpu)) s CPU), peak RSS \(Self.peakRSSMiB()) MiB, digest \(result.digest.hex)
              sessions \(sessions.entered), segment requests \(segments.entered), ledger holds \(result.violations.isEmpty)
              edge hit rate \(String(format: "%.3f", served(result, "edge") / (served(result, "edge") + served(result, "cdn") + served(result, "origin"))))
            """)
        XCTAssertTrue(result.violations.isEmpty)
    }

    func served(_ r: PlatformSimulation.Result, _ source: String) -> Double {
        r.snapshot.counter(named: "streaming.segments.served{source=\(source)}")?.total ?? 0
    }

    /// Peak resident set size of this process, MiB (Linux `VmHWM`).
    static func peakRSSMiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return -1 }
        let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? -1
        return kb / 1_024
    }
}
