#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stage of the processing pipeline (seed §2.1; §2.3.1 `ProcessingStage`).
public enum VideoStage: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    case validation, transcoding, optimization, upload

    public static func < (a: VideoStage, b: VideoStage) -> Bool { a.rawValue < b.rawValue }

    /// Where a job restarts when this stage's intermediates are lost (seed
    /// `restartFromEarlierStage`: transcoding → validation, optimization → transcoding,
    /// upload → optimization).
    public var restartStage: VideoStage {
        switch self {
        case .validation, .transcoding: return .validation
        case .optimization: return .transcoding
        case .upload: return .optimization
        }
    }

    public var description: String {
        switch self {
        case .validation: return "validation"
        case .transcoding: return "transcoding"
        case .optimization: return "optimization"
        case .upload: return "upload"
        }
    }
}

/// What a device can do, as a job's work is converted into device seconds.
struct DeviceRates {
    var encode: EncodeThroughput
    var presetFactors: [String: Double]
    var speedFactors: [String: Double]
}

/// The device-independent work of one job, fixed at its first dispatch by the strategy's
/// settings (seed §2.4.1: the preset changes the work per frame, `MaxResolution` which
/// renditions exist, the CRF the output size, `SkipAI` the enhancement pass), and how much of
/// it is left: a fraction per rendition and one for the optimization stage.
struct JobWorkPlan {
    let heights: [Int]
    let frames: Double
    let preset: String
    /// "enhancement" for transcodes, the job type for AI jobs.
    let analysisKind: String
    /// Media seconds of the AI pass (0 when skipped).
    let analysisMediaSeconds: Double
    let packagingSeconds: Double
    let outputBytes: Double
    var encodeRemaining: [Double]
    var optimizationRemaining: Double

    init(request: VideoJobRequest, settings: ProcessingSettings, isAI: Bool, work: VideoWorkModel) {
        frames = max(0, request.durationSeconds) * request.frameRate
        preset = settings.preset
        if isAI {
            heights = []
            analysisKind = request.jobType
            analysisMediaSeconds = max(0, request.durationSeconds)
            packagingSeconds = 0
            outputBytes = work.aiResultBytes
        } else {
            let cap = min(request.sourceHeight, settings.maxResolutionLines ?? .max)
            var rungs = work.ladder.filter { $0.height <= cap }.sorted { $0.height > $1.height }
            if rungs.isEmpty, let smallest = work.ladder.min(by: { $0.height < $1.height }) {
                rungs = [RenditionRung(height: max(1, cap), bitsPerSecond: smallest.bitsPerSecond)]
            }
            heights = rungs.map(\.height)
            analysisKind = "enhancement"
            analysisMediaSeconds = settings.skipAI || !work.enhancementPass ? 0 : max(0, request.durationSeconds)
            packagingSeconds = work.packagingSeconds
            // x264/NVENC rule of thumb: six CRF steps halve or double the bitrate.
            let sizeFactor = exp2((23 - Double(settings.crf)) / 6)
            outputBytes = rungs.reduce(0) { $0 + $1.bitsPerSecond } * max(0, request.durationSeconds) / 8 * sizeFactor
        }
        encodeRemaining = Array(repeating: 1, count: heights.count)
        optimizationRemaining = 1
    }

    /// Everything of `stage` and later still to do (a restart from `stage`).
    mutating func reset(from stage: VideoStage) {
        if stage <= .transcoding { encodeRemaining = Array(repeating: 1, count: heights.count) }
        if stage <= .optimization { optimizationRemaining = 1 }
    }

    mutating func finishDeviceWork() {
        encodeRemaining = Array(repeating: 0, count: heights.count)
        optimizationRemaining = 0
    }

    var transcodingDone: Bool { encodeRemaining.allSatisfy { $0 <= 0 } }

    /// Device seconds of one whole rendition on `rates`; nil when the device cannot encode.
    func encodeSeconds(_ i: Int, on rates: DeviceRates) -> Double? {
        let fps = rates.encode.framesPerSecond(height: heights[i])
        guard fps > 0, let factor = rates.presetFactors[preset] else { return nil }
        return frames * factor / fps
    }

    /// Device seconds of the whole optimization stage on `rates`; nil when the device cannot
    /// run the AI pass.
    func optimizationSeconds(on rates: DeviceRates) -> Double? {
        guard analysisMediaSeconds > 0 else { return packagingSeconds }
        guard let speed = rates.speedFactors[analysisKind], speed > 0 else { return nil }
        return analysisMediaSeconds / speed + packagingSeconds
    }

    /// Whether `rates` can do all the device work that is left.
    func canRun(on rates: DeviceRates) -> Bool {
        for i in heights.indices where encodeRemaining[i] > 0 { if encodeSeconds(i, on: rates) == nil { return false } }
        return optimizationRemaining <= 0 || optimizationSeconds(on: rates) != nil
    }
}

/// One stay of a job on one device: the renditions share the device equally (parallel NVENC
/// sessions or x264 threads), so the smallest finishes first and the others speed up; then the
/// optimization stage runs. Progress at any elapsed time is closed-form, so interruptions and
/// checkpoints need no events of their own.
struct DeviceSegment {
    let start: Instant
    /// Device seconds of each whole rendition (plan order) and of the whole optimization stage.
    let fullEncode: [Double]
    let fullOptimization: Double
    /// Device seconds left at the start, per rendition (plan order).
    let remaining: [Double]
    /// Elapsed device seconds at which each rendition finishes, ascending.
    let completions: [Double]
    let transcodeSeconds: Double
    let optimizationLeft: Double
    var totalSeconds: Double { transcodeSeconds + optimizationLeft }

    init?(plan: JobWorkPlan, rates: DeviceRates, start: Instant) {
        guard plan.canRun(on: rates) else { return nil }
        self.start = start
        let full = plan.heights.indices.map { plan.encodeSeconds($0, on: rates) ?? 0 }
        fullEncode = full
        fullOptimization = plan.optimizationSeconds(on: rates) ?? 0
        remaining = plan.heights.indices.map { max(0, plan.encodeRemaining[$0]) * full[$0] }
        let sorted = remaining.sorted()
        var completions: [Double] = []
        var elapsed = 0.0, level = 0.0
        for (j, r) in sorted.enumerated() {
            elapsed += Double(sorted.count - j) * (r - level)
            level = r
            completions.append(elapsed)
        }
        self.completions = completions
        transcodeSeconds = completions.last ?? 0
        optimizationLeft = max(0, plan.optimizationRemaining) * fullOptimization
    }

    /// The plan's remaining fractions after `elapsed` device seconds of this segment.
    func progress(of plan: JobWorkPlan, after elapsed: Double) -> (encode: [Double], optimization: Double) {
        let e = min(max(0, elapsed), totalSeconds)
        var encode = plan.encodeRemaining
        if e >= transcodeSeconds {
            for i in encode.indices { encode[i] = 0 }
        } else {
            // Water level: every unfinished rendition has had `level` device seconds.
            let sorted = remaining.sorted()
            var before = 0.0, level = 0.0
            for (j, r) in sorted.enumerated() {
                let active = Double(sorted.count - j)
                let reach = before + active * (r - level)
                if e < reach { level += (e - before) / active; break }
                before = reach
                level = r
            }
            for i in encode.indices where fullEncode[i] > 0 {
                encode[i] = max(0, remaining[i] - min(remaining[i], level)) / fullEncode[i]
            }
        }
        var optimization = plan.optimizationRemaining
        if e > transcodeSeconds, fullOptimization > 0 {
            optimization = max(0, optimizationLeft - (e - transcodeSeconds)) / fullOptimization
        }
        return (encode, optimization)
    }

    /// The elapsed time of the last checkpoint at or before `elapsed`: the segment's start (the
    /// state it resumed from), a periodic checkpoint every `interval`, a finished rendition, or
    /// the end of transcoding.
    func checkpointElapsed(at elapsed: Double, interval: Double) -> Double {
        var c = (elapsed / interval).rounded(.down) * interval
        for t in completions where t <= elapsed { c = max(c, t) }
        return min(max(0, c), elapsed)
    }

    /// The stage the job is in after `elapsed` device seconds.
    func stage(after elapsed: Double) -> VideoStage {
        elapsed < transcodeSeconds ? .transcoding : .optimization
    }
}
