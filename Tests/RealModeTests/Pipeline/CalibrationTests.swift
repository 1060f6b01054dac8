import Foundation
import LoomServices
@testable import RealMode
import XCTest

/// `loomsim calibrate` on a tiny workload: the profile is measured, written, read back and
/// applied to a simulated service; then a real run and its simulated twin are compared.
final class CalibrationTests: XCTestCase {
    func testProfileIsWrittenReadBackAndSetsTheSimulatedCPUThroughput() throws {
        let work = PipelineFixtures.folder(self, "calibrate")
        let profile = try RealModeCalibration.measure(CalibrationOptions(
            sourceHeights: [240, 360], durationSeconds: 1, frameRate: 25, presets: ["ultrafast"], concurrency: 2,
            threadsPerJob: 1, ladder: [360], repetitions: 1, workDirectory: work))
        XCTAssertEqual(profile.cpuEncode.map(\.height), [240, 360])
        XCTAssertTrue(profile.cpuEncode.allSatisfy { $0.framesPerSecond > 0 })
        XCTAssertEqual(profile.cpuPresetWorkFactors["medium"], 1)
        XCTAssertLessThan(try XCTUnwrap(profile.cpuPresetWorkFactors["ultrafast"]), 1, "ultrafast does less work per frame")
        XCTAssertGreaterThan(profile.validationSeconds, 0)
        XCTAssertGreaterThan(profile.uploadSeconds, 0)
        XCTAssertEqual(profile.measurements.count, 3)

        let path = (work as NSString).appendingPathComponent("profiles/machine.json")
        try RealModeCalibration.write(profile, to: path)
        XCTAssertEqual(try RealModeCalibration.read(from: path), profile)

        var configuration = VideoProcessingConfiguration(region: "r1")
        configuration.calibration = try VideoCalibration.decode(json: PipelineFixtures.bytes(path))
        let runtime = SimulatedRuntime(seed: 1)
        let service = try VideoProcessingService(configuration: configuration, context: PlatformContext(runtime: runtime))
        XCTAssertEqual(service.configuration.cpuWorkers.encode.points.map(\.framesPerSecond), profile.cpuEncode.map(\.framesPerSecond))
        XCTAssertEqual(service.configuration.work.packagingSeconds, profile.optimizationSeconds)
        XCTAssertEqual(service.configuration.work.cpuPresetWorkFactors["ultrafast"], profile.cpuPresetWorkFactors["ultrafast"])

        var broken = profile
        broken.cpuEncode = []
        configuration.calibration = broken
        XCTAssertThrowsError(try configuration.validate())
        XCTAssertThrowsError(try VideoCalibration.decode(json: Array("{\"format\": 1}".utf8)))
    }

    func testPerRenditionRatesAddUpToTheMeasuredJobs() {
        // Jobs of 360p, 480p and 720p sources: 10, 25 and 50 ms per frame through their ladders.
        let table = RealModeCalibration.encodeTable([([720, 480, 360], 0.050), ([360], 0.010), ([480, 360], 0.025)])
        XCTAssertEqual(table.map(\.height), [360, 480, 720])
        let cost = table.map { 1 / $0.framesPerSecond }
        XCTAssertEqual(cost[0], 0.010, accuracy: 1e-12)
        XCTAssertEqual(cost[1], 0.015, accuracy: 1e-12)
        XCTAssertEqual(cost[2], 0.025, accuracy: 1e-12)
        // A source whose smaller rungs were not measured shares its time by pixel count.
        let shared = RealModeCalibration.encodeTable([([720, 360], 0.05)])
        XCTAssertEqual(1 / shared[0].framesPerSecond, 0.01, accuracy: 1e-12)
        XCTAssertEqual(1 / shared[1].framesPerSecond, 0.04, accuracy: 1e-12)
    }

    func testRealRunAndItsCalibratedTwinGiveComparableThroughputAndLatency() throws {
        let work = PipelineFixtures.folder(self, "twin")
        let profile = try RealModeCalibration.measure(CalibrationOptions(
            sourceHeights: [360, 480], durationSeconds: 2, frameRate: 25, presets: [], concurrency: 1, threadsPerJob: 2,
            ladder: [480, 360], repetitions: 2, workDirectory: (work as NSString).appendingPathComponent("measure")))
        var options = TwinComparisonOptions.standard(calibration: profile, workDirectory: (work as NSString).appendingPathComponent("twin"),
                                                     jobsPerHeight: 4, ladder: [480, 360])
        options.clips = options.clips.map { var c = $0; c.frameRate = MediaRational(25, 1); return c }
        let result = try TwinComparison.run(options)
        print(CalibrationReport(profile: profile, path: "(not written)", comparison: result).lines.joined(separator: "\n"))
        XCTAssertEqual(result.real.completed, 8)
        XCTAssertEqual(result.simulated.completed, 8)
        XCTAssertGreaterThan(result.real.throughputJobsPerSecond, 0)
        XCTAssertGreaterThan(result.simulated.medianLatencySeconds, 0)
        // One worker slot with two encoder threads (the default on two cores): the work model's
        // independent slots then match the machine. The target is 15 %, which
        // `loomsim calibrate` reports on its larger workload; eight small jobs on a shared
        // two-core CI machine are noisier, so the test holds a looser line and prints the figures.
        XCTAssertLessThan(abs(result.throughputDifference), 0.3, result.lines.joined(separator: "\n"))
        XCTAssertLessThan(abs(result.medianLatencyDifference), 0.3, result.lines.joined(separator: "\n"))

        // Both runs' stage calls were timed, job by job; in the twin the device stay of a job is
        // exactly the calibrated work (each rendition's frames at its rate, then the packaging).
        print(result.jobLines.joined(separator: "\n"))
        XCTAssertEqual(Set(result.realPhases.keys), Set(result.realJobs.map(\.key)))
        XCTAssertEqual(Set(result.simulatedPhases.keys), Set(result.realJobs.map(\.key)))
        let encode = try profile.encodeThroughput()
        for job in result.simulatedJobs {
            let phases = try XCTUnwrap(result.simulatedPhases[job.key])
            XCTAssertEqual(phases.device.count, 1)
            let height = try XCTUnwrap(options.clips.first { job.key.hasSuffix("-\($0.height)p.mp4") }?.height)
            let modelled = RealModeCalibration.profileHeights(source: height, ladder: [480, 360])
                .reduce(0) { $0 + job.mediaSeconds * 25 / encode.framesPerSecond(height: $1) } + profile.optimizationSeconds
            XCTAssertEqual(phases.deviceSeconds, modelled, accuracy: 1e-6, job.key)
            XCTAssertEqual(phases.validationSeconds, profile.validationSeconds, accuracy: 1e-6)
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(phases.queueSeconds), 0)
        }
        for job in result.realJobs {
            let phases = try XCTUnwrap(result.realPhases[job.key])
            XCTAssertGreaterThan(phases.deviceSeconds, 0)
            XCTAssertLessThanOrEqual(phases.validationSeconds + phases.deviceSeconds + phases.uploadSeconds,
                                     try XCTUnwrap(job.latency) + 1e-6)
        }
    }

    func testTheStandardWorkloadUsesClipsAsLongAsTheMeasuredOnes() {
        // Per-frame rates hold for jobs of the measured length: a job's fixed costs are folded in.
        let profile = VideoCalibration(
            machine: "test", encoder: "libx264", concurrency: 1, threadsPerJob: 2,
            cpuEncode: [VideoCalibration.Point(height: 360, framesPerSecond: 300)], cpuPresetWorkFactors: ["medium": 1],
            validationSeconds: 0.01, optimizationSeconds: 0.02, uploadSeconds: 0.01,
            measurements: [VideoCalibration.Measurement(sourceHeight: 360, renditionHeights: [360], preset: "medium", frames: 120,
                                                        seconds: 0.4, framesPerSecond: 300, secondsPerMediaSecond: 0.1)])
        XCTAssertEqual(try XCTUnwrap(profile.measuredClipSeconds), 4, accuracy: 1e-12)
        let options = TwinComparisonOptions.standard(calibration: profile, workDirectory: "unused", ladder: [360])
        XCTAssertEqual(options.clips.count, 3)
        XCTAssertTrue(options.clips.allSatisfy { $0.durationSeconds == 4 && $0.height == 360 })
        // One slot at full load: a job arrives every mean service time (120 frames at 300 f/s,
        // plus the stages).
        guard case let .interval(seconds) = options.arrivals else { return XCTFail("\(options.arrivals)") }
        XCTAssertEqual(seconds, 0.4 + 0.01 + 0.02 + 0.01, accuracy: 1e-9)
    }
}
