/// How an encoder spends bits: constant quality or a target bitrate.
public enum RateControl: Sendable, Equatable, Hashable, Codable {
    /// Constant rate factor (x264's `crf`; lower is better, 23 is x264's default). Encoders
    /// without a CRF mode get an approximate fixed quantizer instead (see `EncoderSelection`).
    case crf(Int)
    /// Average bitrate in bits per second.
    case bitrate(Int)
}

/// One output rendition of the transcoding stage's "Parallel Profiles" (seed §2.1), such as
/// 720p: a name (also the output file's name), the tallest picture it may have, and optionally
/// its own rate control and preset, which otherwise come from `TranscodeSettings`.
public struct TranscodeProfile: Sendable, Equatable, Hashable, Codable {
    public var name: String
    public var maxHeight: Int
    public var rateControl: RateControl?
    public var preset: String?

    public init(name: String, maxHeight: Int, rateControl: RateControl? = nil, preset: String? = nil) {
        self.name = name
        self.maxHeight = maxHeight
        self.rateControl = rateControl
        self.preset = preset
    }

    /// `"<height>p"` with the settings' rate control and preset.
    public static func height(_ height: Int) -> TranscodeProfile {
        TranscodeProfile(name: "\(height)p", maxHeight: height)
    }

    /// The ladder of seed §2.1 / §4: 1080p, 720p, 480p, 360p.
    public static let standardLadder: [TranscodeProfile] = [1080, 720, 480, 360].map(height)
}

/// The encoder settings the adaptive processing strategy (seed §2.4.1 `ProcessingSettings`)
/// chooses per job: encoder, preset, CRF, maximum resolution, threads. A value, so the
/// strategy (a pure policy) can pick it and the backend simply applies it.
public struct TranscodeSettings: Sendable, Equatable, Codable {
    /// The libavcodec encoder name ("libx264", "h264_nvenc", "mpeg4"); nil picks the best
    /// available software H.264 encoder. Hardware encoders are chosen by the GPU manager,
    /// which sets this field; the backend itself never picks one.
    public var videoEncoder: String?
    /// When the named encoder is missing or fails to open, use the best available one (and
    /// say so in `TranscodeResult.notices`) instead of failing the job.
    public var allowEncoderFallback: Bool
    /// The audio encoder used when the input's audio is not already AAC (FFmpeg's native "aac").
    public var audioEncoder: String
    public var audioBitRate: Int
    /// Encoder speed preset ("ultrafast" … "veryslow" for x264).
    public var preset: String
    /// Constant rate factor for profiles without their own rate control.
    public var crf: Int
    /// Tallest output allowed (seed: `MaxResolution` "720p" / "1080p"); nil: the profiles decide.
    public var maxHeight: Int?
    /// Threads per encoder (`AVCodecContext.thread_count`); 0 lets libav choose.
    public var threads: Int
    /// Encode the profiles of one job on one thread each, at the same time.
    public var parallelProfiles: Bool
    /// Distance between key frames (the GOP), in seconds: 2 s suits HLS/DASH segmenting.
    public var keyframeIntervalSeconds: Double

    public init(videoEncoder: String? = nil, allowEncoderFallback: Bool = true, audioEncoder: String = "aac",
                audioBitRate: Int = 128_000, preset: String = "medium", crf: Int = 23, maxHeight: Int? = 1080,
                threads: Int = 0, parallelProfiles: Bool = true, keyframeIntervalSeconds: Double = 2) {
        self.videoEncoder = videoEncoder
        self.allowEncoderFallback = allowEncoderFallback
        self.audioEncoder = audioEncoder
        self.audioBitRate = audioBitRate
        self.preset = preset
        self.crf = crf
        self.maxHeight = maxHeight
        self.threads = threads
        self.parallelProfiles = parallelProfiles
        self.keyframeIntervalSeconds = keyframeIntervalSeconds
    }

    /// Seed §2.4.1 `processWithBalancedQuality`: medium, CRF 23, up to 1080p, all cores.
    public static func balanced(cpuCount: Int) -> TranscodeSettings {
        TranscodeSettings(preset: "medium", crf: 23, maxHeight: 1080, threads: cpuCount)
    }

    /// Seed §2.4.1 `processWithFastSettings`: ultrafast, CRF 28, up to 720p, half the cores.
    /// The seed names `h264_nvenc`; that choice belongs to the GPU manager, so this leaves
    /// `videoEncoder` nil (CPU) and the GPU path sets it when it holds an encoder.
    public static func fast(cpuCount: Int) -> TranscodeSettings {
        TranscodeSettings(preset: "ultrafast", crf: 28, maxHeight: 720, threads: max(1, cpuCount / 2))
    }

    /// The seed's `StrategyOptimal` has no settings listed; this is the natural reading:
    /// slow preset, CRF 20, no resolution cap beyond the profiles.
    public static func optimal(cpuCount: Int) -> TranscodeSettings {
        TranscodeSettings(preset: "slow", crf: 20, maxHeight: nil, threads: cpuCount)
    }
}

/// A profile resolved against a source: the exact output size and the rate control and
/// preset that apply.
public struct PlannedRendition: Sendable, Equatable, Codable {
    public var profile: TranscodeProfile
    public var width: Int
    public var height: Int
    public var rateControl: RateControl
    public var preset: String
}

/// A profile that produces no output, and why (it would duplicate a smaller source).
public struct SkippedProfile: Sendable, Equatable, Codable {
    public var profile: String
    public var reason: String
}

/// Which renditions a job produces from a given source: the sizing rules of the transcoding
/// stage, kept pure so they can be tested without libav.
///
/// Rules: never upscale (the height is the smallest of the profile's, the settings' cap and the
/// source's); keep the displayed aspect ratio (non-square pixels are corrected, outputs have
/// square pixels); keep both dimensions even (4:2:0 chroma needs it); a profile that would
/// produce the same height as an earlier one is skipped rather than encoded twice.
public struct TranscodePlan: Sendable, Equatable, Codable {
    public var renditions: [PlannedRendition]
    public var skipped: [SkippedProfile]

    public static func make(profiles: [TranscodeProfile], source: VideoStreamInfo,
                            settings: TranscodeSettings) throws(MediaError) -> TranscodePlan {
        guard !profiles.isEmpty else {
            throw MediaError(kind: .invalidRequest, stage: .transcode, reason: "no output profiles requested")
        }
        var seenNames: Set<String> = []
        for profile in profiles {
            guard isSafeName(profile.name), seenNames.insert(profile.name).inserted else {
                throw MediaError(kind: .invalidRequest, stage: .transcode,
                                 reason: "profile name '\(profile.name)' is empty, repeated or not a safe file name")
            }
            guard profile.maxHeight >= 2 else {
                throw MediaError(kind: .invalidRequest, stage: .transcode,
                                 reason: "profile '\(profile.name)' has max height \(profile.maxHeight)")
            }
        }
        guard source.width >= 2, source.height >= 2 else {
            throw MediaError(kind: .unsupported, stage: .transcode, reason: "source is \(source.width)x\(source.height)")
        }
        var plan = TranscodePlan(renditions: [], skipped: [])
        for profile in profiles {
            let (width, height) = outputSize(profileHeight: profile.maxHeight, cap: settings.maxHeight, source: source)
            if let earlier = plan.renditions.first(where: { $0.height == height }) {
                plan.skipped.append(SkippedProfile(
                    profile: profile.name,
                    reason: "would be \(width)x\(height), the same as '\(earlier.profile.name)' (source is \(source.width)x\(source.height); no upscaling)"))
                continue
            }
            plan.renditions.append(PlannedRendition(
                profile: profile, width: width, height: height,
                rateControl: profile.rateControl ?? .crf(settings.crf), preset: profile.preset ?? settings.preset))
        }
        return plan
    }

    /// The output size for a profile: height capped by profile, settings and source, made
    /// even; width from the displayed aspect ratio, rounded to the nearest even number.
    public static func outputSize(profileHeight: Int, cap: Int?, source: VideoStreamInfo) -> (width: Int, height: Int) {
        var height = min(profileHeight, source.height)
        if let cap { height = min(height, cap) }
        height = max(2, height & ~1)
        let squarePixels = !source.sampleAspectRatio.isValid || source.sampleAspectRatio.numerator == source.sampleAspectRatio.denominator
        if squarePixels && height == source.height & ~1 && height == source.height {
            return (max(2, source.width & ~1), height)
        }
        let width = source.displayWidth * Double(height) / Double(source.height)
        let even = Int((width / 2).rounded()) * 2
        return (max(2, even), height)
    }

    /// Letters, digits, '-', '_' and '.', not starting with '.': safe as a file name anywhere.
    static func isSafeName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 64, !name.hasPrefix(".") else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)))
                || scalar == "-" || scalar == "_" || scalar == "."
        }
    }
}
