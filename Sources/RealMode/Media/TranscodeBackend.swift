/// The four stages of seed §2.1's video-processing pipeline (validation → transcoding with
/// parallel profiles → optimization → upload), as one interface with value-type inputs and
/// outputs, so that the libav backend (`LibavTranscodeBackend`) and a simulated backend can
/// stand behind the same service code (DESIGN.md §1: same service code, two runtimes).
///
/// Calls are synchronous and may take seconds: the real runtime runs them on a worker queue
/// with `WallClockRuntime.perform` and gets the result back on its loop; a simulated backend
/// answers at once and the service charges a service time drawn from a distribution (or a
/// calibration profile measured with this backend). Every failure is a `MediaError`, whose
/// `kind` tells the service whether to reject the upload, retry, or fall back.
public protocol TranscodeBackend: Sendable {
    /// A short name for reports ("libav", "simulated").
    var name: String { get }

    /// Validation stage ("Format Check"): probe the input and reject what cannot be processed.
    func validate(_ request: ValidationRequest) throws(MediaError) -> MediaInfo

    /// Transcoding stage: one output per profile, profiles encoded in parallel.
    func transcode(_ request: TranscodeRequest) throws(MediaError) -> TranscodeResult

    /// Optimization stage: poster thumbnail and key-frame index of the outputs. (The seed's
    /// "AI Enhancement" belongs to the AI/ML service model; `SkipAI` has nothing to skip here.)
    func optimize(_ request: OptimizeRequest) throws(MediaError) -> OptimizationResult

    /// Upload stage ("CDN Distribution"): publish the files to the origin with a manifest.
    func upload(_ request: UploadRequest) throws(MediaError) -> OriginManifest
}

/// Input of the validation stage.
public struct ValidationRequest: Sendable, Equatable, Codable {
    public var jobID: String
    public var inputPath: String
    public var depth: ValidationDepth

    public init(jobID: String, inputPath: String, depth: ValidationDepth = .packets) {
        self.jobID = jobID
        self.inputPath = inputPath
        self.depth = depth
    }
}

/// Input of the transcoding stage: which file, which profiles, which settings, and where
/// intermediate outputs go (`<workDirectory>/<profile>.mp4`).
public struct TranscodeRequest: Sendable, Equatable, Codable {
    public var jobID: String
    public var inputPath: String
    public var workDirectory: String
    public var profiles: [TranscodeProfile]
    public var settings: TranscodeSettings

    public init(jobID: String, inputPath: String, workDirectory: String,
                profiles: [TranscodeProfile] = TranscodeProfile.standardLadder,
                settings: TranscodeSettings = TranscodeSettings()) {
        self.jobID = jobID
        self.inputPath = inputPath
        self.workDirectory = workDirectory
        self.profiles = profiles
        self.settings = settings
    }
}

/// Output of the transcoding stage.
public struct TranscodeResult: Sendable, Equatable, Codable {
    public var jobID: String
    public var source: MediaInfo
    public var encoder: EncoderChoice
    /// In profile order, tallest first when the profiles were given that way.
    public var renditions: [Rendition]
    public var skipped: [SkippedProfile]
    /// Lines a human should see: an encoder substitution, skipped profiles.
    public var notices: [String]
}

/// Input of the optimization stage.
public struct OptimizeRequest: Sendable, Equatable, Codable {
    public var jobID: String
    public var workDirectory: String
    public var renditions: [Rendition]
    public var thumbnail: ThumbnailOptions

    public init(jobID: String, workDirectory: String, renditions: [Rendition],
                thumbnail: ThumbnailOptions = ThumbnailOptions()) {
        self.jobID = jobID
        self.workDirectory = workDirectory
        self.renditions = renditions
        self.thumbnail = thumbnail
    }
}

/// A key-frame index written next to a rendition (`<profile>.keyframes.json`).
public struct KeyframeIndexFile: Sendable, Equatable, Codable {
    public var profile: String
    public var path: String
    public var keyframeCount: Int
}

/// Output of the optimization stage.
public struct OptimizationResult: Sendable, Equatable, Codable {
    public var jobID: String
    public var thumbnail: Thumbnail
    public var keyframeIndexes: [KeyframeIndexFile]
}

/// What a published file is.
public enum OriginFileKind: String, Sendable, Equatable, Codable {
    case rendition, thumbnail, keyframeIndex
}

/// One file to publish.
public struct UploadItem: Sendable, Equatable, Codable {
    public var path: String
    public var kind: OriginFileKind
    public var profile: String?

    public init(path: String, kind: OriginFileKind, profile: String? = nil) {
        self.path = path
        self.kind = kind
        self.profile = profile
    }
}

/// Input of the upload stage: the files go to `<originDirectory>/<jobID>/`.
public struct UploadRequest: Sendable, Equatable, Codable {
    public var jobID: String
    public var originDirectory: String
    public var items: [UploadItem]

    public init(jobID: String, originDirectory: String, items: [UploadItem]) {
        self.jobID = jobID
        self.originDirectory = originDirectory
        self.items = items
    }

    /// Every output of the transcoding and optimization stages.
    public init(jobID: String, originDirectory: String, transcoded: TranscodeResult, optimized: OptimizationResult) {
        var items = transcoded.renditions.map { UploadItem(path: $0.path, kind: .rendition, profile: $0.profile) }
        items.append(UploadItem(path: optimized.thumbnail.path, kind: .thumbnail))
        items += optimized.keyframeIndexes.map { UploadItem(path: $0.path, kind: .keyframeIndex, profile: $0.profile) }
        self.init(jobID: jobID, originDirectory: originDirectory, items: items)
    }
}

/// Everything one job's run through the four stages produced.
public struct PipelineOutcome: Sendable, Equatable, Codable {
    public var source: MediaInfo
    public var transcoded: TranscodeResult
    public var optimized: OptimizationResult
    public var manifest: OriginManifest
}

extension TranscodeBackend {
    /// Runs the four stages in order for one input; the first failure stops the job.
    public func process(jobID: String, inputPath: String, workDirectory: String, originDirectory: String,
                        profiles: [TranscodeProfile] = TranscodeProfile.standardLadder,
                        settings: TranscodeSettings = TranscodeSettings(),
                        thumbnail: ThumbnailOptions = ThumbnailOptions()) throws(MediaError) -> PipelineOutcome {
        let source = try validate(ValidationRequest(jobID: jobID, inputPath: inputPath))
        let transcoded = try transcode(TranscodeRequest(jobID: jobID, inputPath: inputPath, workDirectory: workDirectory,
                                                        profiles: profiles, settings: settings))
        let optimized = try optimize(OptimizeRequest(jobID: jobID, workDirectory: workDirectory,
                                                     renditions: transcoded.renditions, thumbnail: thumbnail))
        let manifest = try upload(UploadRequest(jobID: jobID, originDirectory: originDirectory,
                                                transcoded: transcoded, optimized: optimized))
        return PipelineOutcome(source: source, transcoded: transcoded, optimized: optimized, manifest: manifest)
    }
}
