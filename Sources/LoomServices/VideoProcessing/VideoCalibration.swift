import Foundation

/// Service times of the video pipeline measured on a real machine (`loomsim calibrate`, real
/// mode's libav backend), for a simulated scenario to use instead of the default work model:
/// DESIGN.md §1's "simulated backends whose service times come from … a calibration profile
/// measured in real mode".
///
/// What it sets when a `VideoProcessingConfiguration.calibration` is given (see `calibrated()`):
/// the CPU workers' encode throughput per output height (one worker slot, one rendition at a
/// time, medium preset), the CPU preset work factors, the validation time and the optimization
/// stage's packaging time. `uploadSeconds` is kept for the record (and for real mode's twin
/// comparison) but not applied: uploads depend on the object store and network, which the
/// scenario models separately. The file is JSON (`encodedJSON()` / `decode(json:)`), so
/// scenario loading stays a pure bytes-to-values transform.
public struct VideoCalibration: Sendable, Equatable, Codable {
    /// One measured rate: frames per second of H.264 at `height` output lines.
    public struct Point: Sendable, Equatable, Codable {
        public var height: Int
        public var framesPerSecond: Double
        public init(height: Int, framesPerSecond: Double) {
            self.height = height
            self.framesPerSecond = framesPerSecond
        }
    }

    /// One job's transcoding stage timed during calibration: every rendition of a source (in
    /// parallel, as real mode encodes them), on one worker slot while all slots were busy.
    public struct Measurement: Sendable, Equatable, Codable {
        public var sourceHeight: Int
        /// The renditions encoded, tallest first.
        public var renditionHeights: [Int]
        public var preset: String
        /// Source frames (each rendition encodes all of them).
        public var frames: Int
        /// Wall seconds of the encoder calls.
        public var seconds: Double
        /// Source frames per second through the whole ladder.
        public var framesPerSecond: Double
        /// Wall seconds per second of media (below 1: faster than real time).
        public var secondsPerMediaSecond: Double

        public init(sourceHeight: Int, renditionHeights: [Int], preset: String, frames: Int, seconds: Double,
                    framesPerSecond: Double, secondsPerMediaSecond: Double) {
            self.sourceHeight = sourceHeight
            self.renditionHeights = renditionHeights
            self.preset = preset
            self.frames = frames
            self.seconds = seconds
            self.framesPerSecond = framesPerSecond
            self.secondsPerMediaSecond = secondsPerMediaSecond
        }
    }

    /// The file format's version (1).
    public var format: Int
    /// Where it was measured ("2 cores, avcodec 59.37.100").
    public var machine: String
    /// The encoder measured ("libx264").
    public var encoder: String
    /// Jobs that ran at once while measuring (one per worker slot), and threads each used.
    public var concurrency: Int
    public var threadsPerJob: Int
    /// Frames per second by output height, ascending, medium preset, one worker slot while
    /// `concurrency` slots were busy: derived from the measured jobs so that the work model's
    /// sum over a job's renditions (frames ÷ rate, per rendition) gives the measured time of
    /// a job whose source is at a ladder height (the rung's share is what its job took beyond
    /// the smaller source's job).
    public var cpuEncode: [Point]
    /// Encode work per frame by preset relative to medium (x264: ultrafast well below 1).
    public var cpuPresetWorkFactors: [String: Double]
    /// Mean seconds of the validation stage (probe, packet scan, checkpoint).
    public var validationSeconds: Double
    /// Mean seconds of the optimization stage (poster, key-frame indexes, checkpoint).
    public var optimizationSeconds: Double
    /// Mean seconds of the upload stage to a local origin (copy, SHA-256, manifest).
    public var uploadSeconds: Double
    /// Every timed transcode, in measuring order.
    public var measurements: [Measurement]

    public init(format: Int = 1, machine: String, encoder: String, concurrency: Int, threadsPerJob: Int,
                cpuEncode: [Point], cpuPresetWorkFactors: [String: Double], validationSeconds: Double,
                optimizationSeconds: Double, uploadSeconds: Double, measurements: [Measurement] = []) {
        self.format = format
        self.machine = machine
        self.encoder = encoder
        self.concurrency = concurrency
        self.threadsPerJob = threadsPerJob
        self.cpuEncode = cpuEncode
        self.cpuPresetWorkFactors = cpuPresetWorkFactors
        self.validationSeconds = validationSeconds
        self.optimizationSeconds = optimizationSeconds
        self.uploadSeconds = uploadSeconds
        self.measurements = measurements
    }

    /// The encode table as the CPU workers use it.
    public func encodeThroughput() throws -> EncodeThroughput {
        try EncodeThroughput(cpuEncode.map { EncodeThroughput.Point(height: $0.height, framesPerSecond: $0.framesPerSecond) })
    }

    /// Throws `VideoProcessingConfigurationError` naming the first unusable figure.
    public func validate() throws {
        func fail(_ m: String) -> VideoProcessingConfigurationError { VideoProcessingConfigurationError(message: "calibration: \(m)") }
        guard format == 1 else { throw fail("unknown format \(format) (this loomsim reads format 1)") }
        guard !cpuEncode.isEmpty else { throw fail("cpuEncode lists no rates") }
        do { _ = try encodeThroughput() } catch { throw fail("cpuEncode: \(error)") }
        for (preset, f) in cpuPresetWorkFactors.sorted(by: { $0.key < $1.key }) where !(f.isFinite && f > 0) {
            throw fail("cpuPresetWorkFactors[\(preset)] must be positive, got \(f)")
        }
        for (name, v) in [("validationSeconds", validationSeconds), ("optimizationSeconds", optimizationSeconds),
                          ("uploadSeconds", uploadSeconds)] where !(v.isFinite && v >= 0) {
            throw fail("\(name) must be ≥ 0, got \(v)")
        }
    }

    /// The profile as JSON with sorted keys (stable bytes for the same figures).
    public func encodedJSON() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return [UInt8](try encoder.encode(self))
    }

    /// Reads a profile written by `encodedJSON()` (`loomsim calibrate --out FILE`) and validates it.
    public static func decode(json bytes: [UInt8]) throws -> VideoCalibration {
        let profile: VideoCalibration
        do {
            profile = try JSONDecoder().decode(VideoCalibration.self, from: Data(bytes))
        } catch {
            throw VideoProcessingConfigurationError(message: "calibration: not a calibration profile: \(error)")
        }
        try profile.validate()
        return profile
    }
}

/// What happens to a job whose source the validation stage rejects.
public enum InvalidSourceDisposition: String, CaseIterable, Sendable, Codable {
    /// It ends `failed(reason)`, as the simulator always modelled it (the default).
    case failed
    /// It goes to the dead-letter queue with the reason, for an operator to look at (real mode:
    /// the reason is the one libav gave).
    case deadLettered

    func terminalState(reason: String) -> TerminalState {
        self == .failed ? .failed(reason: reason) : .deadLettered(reason: reason)
    }
}

extension VideoProcessingConfiguration {
    /// This configuration with `calibration` applied (itself when there is none): CPU encode
    /// rates, CPU preset factors, validation time and packaging time come from the profile.
    public func calibrated() -> VideoProcessingConfiguration {
        guard let profile = calibration, let encode = try? profile.encodeThroughput() else { return self }
        var c = self
        c.cpuWorkers.encode = encode
        for (preset, factor) in profile.cpuPresetWorkFactors { c.work.cpuPresetWorkFactors[preset] = factor }
        if let validation = try? Distribution.constant(profile.validationSeconds) { c.work.validationTime = validation }
        c.work.packagingSeconds = profile.optimizationSeconds
        return c
    }
}
