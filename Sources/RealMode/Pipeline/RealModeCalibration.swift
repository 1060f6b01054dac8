import Dispatch
import Foundation
import LoomServices

/// What `loomsim calibrate` measures.
public struct CalibrationOptions: Sendable {
    /// Source clips (16:9) to generate and transcode, by height; the ladder's own heights give
    /// the exact per-rendition rates (see `encodeTable`).
    public var sourceHeights: [Int]
    public var durationSeconds: Double
    public var frameRate: Int32
    /// Presets measured besides medium, for the preset work factors.
    public var presets: [String]
    /// Worker slots busy at once while measuring (default: real mode's default concurrency).
    public var concurrency: Int?
    public var threadsPerJob: Int?
    /// Rendition heights (the profiles measured per source: those no taller than it, or the
    /// source's own height when none is).
    public var ladder: [Int]
    /// Jobs each worker slot runs per measurement, one after the other (more: less noise).
    public var repetitions: Int
    /// Scratch folder (clips, intermediates, a journal); the caller removes it.
    public var workDirectory: String
    /// Untimed jobs per worker slot before each source size's timed ones (see `warmUp`).
    public var warmUpRounds = 1

    public init(sourceHeights: [Int] = [360, 480, 720, 1080], durationSeconds: Double = 2, frameRate: Int32 = 30,
                presets: [String] = ["ultrafast", "slow"], concurrency: Int? = nil, threadsPerJob: Int? = nil,
                ladder: [Int] = RealModePlatform.defaultLadder, repetitions: Int = 2, workDirectory: String) {
        self.sourceHeights = sourceHeights
        self.durationSeconds = durationSeconds
        self.frameRate = frameRate
        self.presets = presets
        self.concurrency = concurrency
        self.threadsPerJob = threadsPerJob
        self.ladder = ladder
        self.repetitions = repetitions
        self.workDirectory = workDirectory
    }

    var slots: Int { max(1, concurrency ?? RealModePlatform.defaultConcurrency) }
    var threads: Int { max(1, threadsPerJob ?? max(1, RealModePlatform.cores / slots)) }
}

/// Measures the real pipeline on this machine and writes the calibration profile simulated
/// scenarios reference (`VideoProcessingConfiguration.calibration`).
///
/// For each source height, `concurrency` identical jobs run at once (every worker slot busy,
/// as in a loaded run; `repetitions` rounds of them, after `warmUpRounds` untimed ones), each through the real stages exactly as real mode runs them —
/// validation, the transcoding of all its renditions in parallel at the medium preset,
/// optimization, upload — with their checkpoints, so the stage times include what real mode
/// really pays (SHA-256 of the intermediates, journal commits). From them: the encode rate per
/// rendition height (`encodeTable`), the preset factors (other presets against medium on the
/// smallest source), and the mean validation, optimization (everything on the device but the
/// encoder calls) and upload times.
public enum RealModeCalibration {
    public static func measure(_ options: CalibrationOptions, progress: (String) -> Void = { _ in }) throws -> VideoCalibration {
        LibavLog.prepare()
        let layout = RealModeLayout(workDirectory: options.workDirectory)
        try layout.create()
        let journal = try RealModeJournal(path: layout.statePath)
        let stages = RealPipelineStages(journal: journal, layout: layout, run: try journal.beginRun())
        let slots = options.slots, threads = options.threads
        var measurements: [VideoCalibration.Measurement] = []
        var jobs: [(heights: [Int], secondsPerFrame: Double)] = []
        var validation: [Double] = [], overhead: [Double] = [], upload: [Double] = []
        var presetSeconds: [String: Double] = [:]
        for (i, height) in options.sourceHeights.sorted().enumerated() {
            let spec = TestClipSpec.widescreen(height: height, durationSeconds: options.durationSeconds,
                                               frameRate: MediaRational(options.frameRate, 1))
            let clip = try RealModeInputs.generate([("calibration-\(height)p.mp4", spec)], into: layout.generatedInputs)[0]
            let heights = profileHeights(source: spec.height, ladder: options.ladder)
            let presets = i == 0 ? ["medium"] + options.presets.filter { $0 != "medium" } : ["medium"]
            try warmUp(stages: stages, height: height, clip: clip, heights: heights, threads: threads, slots: slots,
                       layout: layout, rounds: options.warmUpRounds)
            for preset in presets {
                let settings = TranscodeSettings(preset: preset, crf: 23, maxHeight: nil, threads: threads, parallelProfiles: true)
                let repetitions = max(1, options.repetitions)
                let reports = lanes(slots) { lane in
                    (0..<repetitions).map { r in
                        calibrationJob(stages: stages, key: "cal-\(height)-\(preset)-\(lane)-\(r)", clip: clip,
                                       profiles: heights.map { TranscodeProfile.height($0) }, settings: settings,
                                       origin: layout.originDirectory)
                    }
                }.flatMap { $0 }
                if let failure = reports.compactMap(\.error).first { throw failure }
                let encode = reports.map(\.encodeSeconds).reduce(0, +) / Double(reports.count)
                let frames = reports.map(\.frames).max() ?? 0
                let rate = encode > 0 ? Double(frames) / encode : 0
                measurements.append(VideoCalibration.Measurement(
                    sourceHeight: spec.height, renditionHeights: heights, preset: preset, frames: frames, seconds: encode,
                    framesPerSecond: rate, secondsPerMediaSecond: encode / max(options.durationSeconds, 1e-9)))
                progress(String(format: "%dp → %@ %@: %.2f s for %d frames (%.1f frames/s; %d jobs at once, %d threads each; jobs %@ s)",
                                spec.height, heights.map { "\($0)p" }.joined(separator: "+"), preset, encode, frames, rate,
                                slots, threads, reports.map { String(format: "%.3f", $0.encodeSeconds) }.joined(separator: ", ")))
                if i == 0 { presetSeconds[preset] = encode }
                guard preset == "medium" else { continue }
                jobs.append((heights, frames > 0 ? encode / Double(frames) : 0))
                validation += reports.compactMap { $0.stageSeconds[.validation] }
                overhead += reports.map {
                    max(0, $0.stageSeconds[.transcoding, default: 0] - $0.encodeSeconds + $0.stageSeconds[.optimization, default: 0])
                }
                upload += reports.compactMap { $0.stageSeconds[.upload] }
            }
        }
        var factors: [String: Double] = ["medium": 1]
        if let medium = presetSeconds["medium"], medium > 0 {
            for (preset, seconds) in presetSeconds where preset != "medium" { factors[preset] = seconds / medium }
        }
        func mean(_ xs: [Double]) -> Double { xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count) }
        let encoder = (try? EncoderSelection.videoEncoder(requested: nil, allowFallback: true).encoder) ?? "libx264"
        let profile = VideoCalibration(
            machine: "\(RealModePlatform.cores) cores; \(MediaLibraries.versionLine)", encoder: encoder,
            concurrency: slots, threadsPerJob: threads, cpuEncode: encodeTable(jobs), cpuPresetWorkFactors: factors,
            validationSeconds: mean(validation), optimizationSeconds: mean(overhead), uploadSeconds: mean(upload),
            measurements: measurements)
        try profile.validate()
        return profile
    }

    /// Unmeasured jobs of a source size on every lane before its timed ones. The first job at a
    /// new frame size pays for the encoders' buffers of that size (fresh pages from the kernel,
    /// grown allocator arenas): 5-15 % more than the next ones, a cost a real run pays once per
    /// size and process, not per job. Averaged into the rate it made every job of the twin too
    /// slow.
    static func warmUp(stages: RealPipelineStages, height: Int, clip: String, heights: [Int], threads: Int, slots: Int,
                       layout: RealModeLayout, rounds: Int) throws {
        guard rounds > 0 else { return }
        let settings = TranscodeSettings(preset: "medium", crf: 23, maxHeight: nil, threads: threads, parallelProfiles: true)
        let reports = lanes(slots) { lane in
            (0..<rounds).map { r in
                calibrationJob(stages: stages, key: "cal-\(height)-warm-\(lane)-\(r)", clip: clip,
                               profiles: heights.map { TranscodeProfile.height($0) }, settings: settings,
                               origin: layout.originDirectory)
            }
        }.flatMap { $0 }
        if let failure = reports.compactMap(\.error).first { throw failure }
    }

    /// Rates per rendition height from whole-job times, smallest source first: a job's time
    /// per frame, less what its smaller renditions cost (known from smaller sources), is its
    /// tallest rendition's cost; renditions no smaller source measured share the rest by
    /// pixel count. (A share is never taken below a tenth of the job's time.)
    static func encodeTable(_ jobs: [(heights: [Int], secondsPerFrame: Double)]) -> [VideoCalibration.Point] {
        var cost: [Int: Double] = [:]
        for job in jobs.sorted(by: { ($0.heights.first ?? 0) < ($1.heights.first ?? 0) }) where job.secondsPerFrame > 0 {
            let known = job.heights.compactMap { cost[$0] }.reduce(0, +)
            let unknown = job.heights.filter { cost[$0] == nil }
            guard !unknown.isEmpty else { continue }
            let rest = max(job.secondsPerFrame - known, 0.1 * job.secondsPerFrame)
            let weight = unknown.reduce(0) { $0 + Double($1 * $1) }
            for h in unknown { cost[h] = rest * Double(h * h) / weight }
        }
        return cost.keys.sorted().compactMap { h in cost[h]! > 0 ? VideoCalibration.Point(height: h, framesPerSecond: 1 / cost[h]!) : nil }
    }

    /// The renditions a source of `source` lines gets: the ladder's heights no taller than it,
    /// tallest first, or its own height when none is (what the service's work plan does).
    static func profileHeights(source: Int, ladder: [Int]) -> [Int] {
        let fitting = ladder.filter { $0 <= source }.sorted(by: >)
        return fitting.isEmpty ? [source] : fitting
    }

    /// One job through every real stage, as real mode runs it.
    static func calibrationJob(stages: RealPipelineStages, key: String, clip: String, profiles: [TranscodeProfile],
                               settings: TranscodeSettings, origin: String) -> StageReport {
        var report = stages.validate(key: key, inputPath: clip)
        guard report.error == nil else { return report }
        let device = stages.deviceWork(key: key, inputPath: clip, profiles: profiles, settings: settings, attempt: 1)
        report.error = device.error
        report.encodeSeconds = device.encodeSeconds
        report.frames = device.frames
        report.stageSeconds.merge(device.stageSeconds) { a, _ in a }
        guard report.error == nil else { return report }
        let uploaded = stages.upload(key: key, originDirectory: origin)
        report.error = uploaded.error
        report.stageSeconds.merge(uploaded.stageSeconds) { a, _ in a }
        return report
    }

    /// Runs `count` lanes at once on their own threads and returns their results in lane order.
    static func lanes<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        let box = LaneResults<T>(count: count)
        let group = DispatchGroup()
        for lane in 0..<count {
            // A serial queue per lane: a thread each, whatever the core count.
            DispatchQueue(label: "loomsim.calibration.lane-\(lane)").async(group: group) { box.set(lane, body(lane)) }
        }
        group.wait()
        return box.values
    }

    /// Writes `profile` as JSON to `path` (atomically).
    public static func write(_ profile: VideoCalibration, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(try profile.encodedJSON()).write(to: url, options: .atomic)
    }

    /// Reads a profile written by `write`.
    public static func read(from path: String) throws -> VideoCalibration {
        try VideoCalibration.decode(json: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
    }
}

private final class LaneResults<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [T?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: T) { lock.lock(); slots[i] = value; lock.unlock() }
    var values: [T] { lock.lock(); defer { lock.unlock() }; return slots.map { $0! } }
}
