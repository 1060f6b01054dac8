import Foundation

/// What `loomsim bench transcode` measures: one input through one rendition pipeline
/// (decode → libswscale → encoder → MP4 with faststart), the same work as
/// `ffmpeg -i IN -vf scale=-2:H -c:v ENC -preset P -crf C -g G -c:a copy|aac -movflags +faststart`.
public struct TranscodeBenchmarkOptions: Sendable, Equatable, Codable {
    public var inputPath: String
    /// Where the output goes (overwritten on every run).
    public var outputPath: String
    public var encoder: String
    public var preset: String
    public var crf: Int
    /// Output height; nil keeps the source's.
    public var height: Int?
    /// Encoder threads; 0 lets libav choose (as ffmpeg does by default).
    public var threads: Int
    /// Key-frame interval in seconds (ffmpeg's `-g` is this × frame rate).
    public var keyframeIntervalSeconds: Double
    public var includeAudio: Bool
    /// Runs; the report keeps the fastest (least disturbed) one.
    public var runs: Int

    public init(inputPath: String, outputPath: String, encoder: String = "libx264", preset: String = "veryfast",
                crf: Int = 23, height: Int? = nil, threads: Int = 0, keyframeIntervalSeconds: Double = 2,
                includeAudio: Bool = true, runs: Int = 1) {
        self.inputPath = inputPath
        self.outputPath = outputPath
        self.encoder = encoder
        self.preset = preset
        self.crf = crf
        self.height = height
        self.threads = threads
        self.keyframeIntervalSeconds = keyframeIntervalSeconds
        self.includeAudio = includeAudio
        self.runs = runs
    }
}

/// The measurement: frames encoded and the wall time of the fastest run.
public struct TranscodeBenchmarkReport: Sendable, Equatable, Codable {
    public var frames: Int
    public var seconds: Double
    public var framesPerSecond: Double
    public var width: Int
    public var height: Int
    public var encoder: String
    public var outputBytes: Int64
    /// Wall time of every run, in order.
    public var runSeconds: [Double]

    /// One line of `key=value` pairs, what `bench/ffmpeg-compare.sh` parses:
    /// `frames=300 seconds=2.512 fps=119.43 width=1280 height=720 encoder=libx264 bytes=1234567`.
    public var summaryLine: String {
        "frames=\(frames) seconds=\(String(format: "%.3f", seconds)) fps=\(String(format: "%.2f", framesPerSecond)) "
            + "width=\(width) height=\(height) encoder=\(encoder) bytes=\(outputBytes)"
    }
}

/// The entry point of the transcode benchmark (the CLI wires `loomsim bench transcode` to
/// `TranscodeBenchmark.run`). The only place in the media backend that reads a clock: the
/// pipeline itself is timeless, and the simulator's service times come from distributions.
public enum TranscodeBenchmark {
    public static func run(_ options: TranscodeBenchmarkOptions) throws(MediaError) -> TranscodeBenchmarkReport {
        guard options.runs >= 1, options.crf >= 0, options.threads >= 0 else {
            throw MediaError(kind: .invalidRequest, stage: .transcode, reason: "runs ≥ 1, crf ≥ 0 and threads ≥ 0 are required")
        }
        let source = try MediaProbe.validate(path: options.inputPath, depth: .header)
        guard let video = source.video else {
            throw MediaError(kind: .notVideo, stage: .transcode, reason: "no video stream", path: options.inputPath)
        }
        let settings = TranscodeSettings(videoEncoder: options.encoder, allowEncoderFallback: false, preset: options.preset,
                                         crf: options.crf, maxHeight: nil, threads: options.threads, parallelProfiles: false,
                                         keyframeIntervalSeconds: options.keyframeIntervalSeconds)
        let profile = TranscodeProfile(name: "bench", maxHeight: options.height ?? video.height)
        let plan = try TranscodePlan.make(profiles: [profile], source: video, settings: settings)
        let choice = try EncoderSelection.videoEncoder(requested: options.encoder, allowFallback: false)
        guard let rendition = plan.renditions.first else {
            throw MediaError(kind: .invalidRequest, stage: .transcode, reason: "nothing to encode")
        }
        var job = RenditionJob(inputPath: options.inputPath, outputPath: options.outputPath, rendition: rendition,
                               encoder: choice.encoder, settings: settings)
        job.includeAudio = options.includeAudio
        let clock = ContinuousClock()
        var runSeconds: [Double] = []
        var last: Rendition?
        for _ in 0..<options.runs {
            let start = clock.now
            last = try RenditionPipeline.run(job)
            let elapsed = clock.now - start
            runSeconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        guard let output = last, let best = runSeconds.min() else {
            throw MediaError(kind: .processing, stage: .transcode, reason: "no run completed")
        }
        return TranscodeBenchmarkReport(
            frames: output.videoFrames, seconds: best, framesPerSecond: best > 0 ? Double(output.videoFrames) / best : 0,
            width: output.width, height: output.height, encoder: output.videoEncoder, outputBytes: output.bytes,
            runSeconds: runSeconds)
    }
}
