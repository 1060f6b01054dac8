import ArgumentParser
import Foundation
import RealMode

/// `loomsim calibrate`: measure this machine's real transcode speed and write a profile.
struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure real libav transcode speed per profile and resolution; write a calibration profile.",
        discussion: """
            Generates test clips with libav, transcodes them through the real backend at each source \
            height and preset, and writes a JSON profile (frames per second per worker slot per \
            rendition height, preset work factors, stage times) that simulated scenarios reference \
            with `topology.services.video-processing.calibration: FILE`. Then, unless --no-compare, \
            runs a small real workload and its simulated twin (same arrivals, calibrated service \
            times) and prints throughput and median job latency of both with the difference.
            """)

    @Option(name: .long, help: ArgumentHelp("Where to write the profile.", valueName: "file")) var out: String = "calibration.json"
    @Option(name: .long, help: "Source heights to measure, comma-separated.") var heights: String = "360,480,720,1080"
    @Option(name: .long, help: "Seconds of each generated clip.") var duration: Double = 2
    @Option(name: .long, help: "Worker slots (default: half the cores).") var concurrency: Int?
    @Option(name: .long, help: "Encoder threads per job.") var threads: Int?
    @Option(name: .long, help: ArgumentHelp("Scratch directory (default: a temporary one).", valueName: "dir")) var work: String?
    @Flag(name: .customLong("no-compare"), help: "Skip the real-versus-simulated comparison.") var noCompare = false
    @Flag(name: .long, help: "Also print each compared job's stage times, real against simulated.") var jobs = false

    func validate() throws {
        guard !parsedHeights.isEmpty, parsedHeights.allSatisfy({ $0 >= 120 && $0 <= 2160 }) else {
            throw ValidationError("--heights must list heights between 120 and 2160, got \(heights)")
        }
        guard duration > 0, duration <= 60 else { throw ValidationError("--duration must be in (0, 60] seconds") }
    }

    var parsedHeights: [Int] { heights.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func run() throws {
        let workDirectory = work ?? FileManager.default.temporaryDirectory.appendingPathComponent("loomsim-calibrate-\(getpid())").path
        let options = CalibrationOptions(sourceHeights: parsedHeights, durationSeconds: duration,
                                         concurrency: concurrency, threadsPerJob: threads, workDirectory: workDirectory)
        do {
            let report = try RealModeCalibration.calibrate(options, writeTo: out, compare: !noCompare) { printError("calibrate: \($0)") }
            for line in report.lines { print(line) }
            if jobs, let comparison = report.comparison { for line in comparison.jobLines { print(line) } }
        } catch {
            printError("error: calibration failed: \(error)")
            throw ExitCode.failure
        }
        if work == nil { try? FileManager.default.removeItem(atPath: workDirectory) }
    }
}
