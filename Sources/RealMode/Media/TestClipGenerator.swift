import CFFmpeg
import Foundation

/// A sine tone for generated clips.
public struct ToneSpec: Sendable, Equatable, Codable {
    public var sampleRate: Int
    public var channels: Int
    public var frequency: Double
    /// Peak amplitude, 0…1.
    public var amplitude: Double

    public init(sampleRate: Int = 48_000, channels: Int = 2, frequency: Double = 440, amplitude: Double = 0.25) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.frequency = frequency
        self.amplitude = amplitude
    }
}

/// What to synthesize: a clip of the moving `TestPattern` and a sine tone, at a given size
/// (up to 2160p and beyond), duration and frame rate, encoded and muxed by libav itself (no
/// ffmpeg CLI), so tests and `loomsim run --real --generate N` need no committed media.
public struct TestClipSpec: Sendable, Equatable, Codable {
    public var width: Int
    public var height: Int
    public var frameRate: MediaRational
    public var durationSeconds: Double
    /// False makes an audio-only file (a validation-rejection case).
    public var includeVideo: Bool
    /// Nil makes a silent, video-only file.
    public var audio: ToneSpec?
    /// libavformat muxer name ("mp4", "matroska", "mov"); nil: from the file extension.
    public var container: String?
    /// Video encoder name; nil: the best available H.264 (libx264, else …, else mpeg4).
    public var videoEncoder: String?
    public var audioEncoder: String
    public var preset: String
    public var crf: Int
    public var keyframeIntervalSeconds: Double
    /// Write MP4/MOV with `moov` first. Off by default: camera and screen recorders write it last.
    public var fastStart: Bool

    public init(width: Int = 640, height: Int = 360, frameRate: MediaRational = MediaRational(25, 1),
                durationSeconds: Double = 2, includeVideo: Bool = true, audio: ToneSpec? = ToneSpec(),
                container: String? = nil, videoEncoder: String? = nil, audioEncoder: String = "aac",
                preset: String = "ultrafast", crf: Int = 23, keyframeIntervalSeconds: Double = 1, fastStart: Bool = false) {
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.durationSeconds = durationSeconds
        self.includeVideo = includeVideo
        self.audio = audio
        self.container = container
        self.videoEncoder = videoEncoder
        self.audioEncoder = audioEncoder
        self.preset = preset
        self.crf = crf
        self.keyframeIntervalSeconds = keyframeIntervalSeconds
        self.fastStart = fastStart
    }

    /// A 16:9 clip `height` lines tall (2160 → 3840×2160).
    public static func widescreen(height: Int, durationSeconds: Double = 2, frameRate: MediaRational = MediaRational(30, 1)) -> TestClipSpec {
        let width = Int((Double(height) * 16 / 9 / 2).rounded()) * 2
        return TestClipSpec(width: width, height: height & ~1, frameRate: frameRate, durationSeconds: durationSeconds)
    }

    /// Frames the clip will have: duration × rate, rounded.
    public var frameCount: Int { Int((durationSeconds * frameRate.value).rounded()) }
}

/// What was written.
public struct GeneratedClip: Sendable, Equatable, Codable {
    public var path: String
    public var videoFrames: Int
    public var audioSamples: Int
    public var videoEncoder: String?
    public var bytes: Int64
}

/// Synthesizes test clips with libavcodec/libavformat (doc/examples/mux.c: video and audio
/// encoders feeding one muxer, interleaved by `av_compare_ts`).
public enum TestClipGenerator {
    public static func generate(to path: String, spec: TestClipSpec) throws(MediaError) -> GeneratedClip {
        try check(spec)
        do throws(MediaError) {
            let clip = try write(path: path, spec: spec)
            return clip
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            var failure = error
            failure.path = path
            throw failure
        }
    }

    static func check(_ spec: TestClipSpec) throws(MediaError) {
        var problems: [String] = []
        if spec.includeVideo {
            if spec.width < 16 || spec.height < 16 || spec.width > 7680 || spec.height > 4320 { problems.append("size \(spec.width)x\(spec.height) outside 16…7680 × 16…4320") }
            if spec.width % 2 != 0 || spec.height % 2 != 0 { problems.append("4:2:0 needs even dimensions, got \(spec.width)x\(spec.height)") }
            if !spec.frameRate.isValid || spec.frameRate.value > 240 { problems.append("frame rate \(spec.frameRate)") }
        }
        if !(spec.durationSeconds > 0 && spec.durationSeconds <= 3600) { problems.append("duration \(spec.durationSeconds) s") }
        if !spec.includeVideo && spec.audio == nil { problems.append("neither video nor audio") }
        if let tone = spec.audio, tone.channels < 1 || tone.channels > 8 || tone.sampleRate < 8000 { problems.append("tone \(tone)") }
        guard problems.isEmpty else {
            throw MediaError(kind: .invalidRequest, stage: .generate, reason: "bad clip spec: " + problems.joined(separator: "; "))
        }
    }

    private static func write(path: String, spec: TestClipSpec) throws(MediaError) -> GeneratedClip {
        let stage = MediaStage.generate
        let output = try OutputContainer(path: path, formatName: spec.container, stage: stage)
        var video: ClipVideoTrack?
        var audio: ClipAudioTrack?
        if spec.includeVideo {
            let choice = try EncoderSelection.videoEncoder(requested: spec.videoEncoder, allowFallback: spec.videoEncoder == nil, stage: stage)
            video = try ClipVideoTrack(spec: spec, encoderName: choice.encoder, output: output)
        }
        if let tone = spec.audio {
            audio = try ClipAudioTrack(tone: tone, spec: spec, output: output)
        }
        try output.begin(options: spec.fastStart ? [("movflags", "+faststart")] : [])
        // Feed whichever track is behind in time, as mux.c does, so the muxer interleaves cheaply.
        while true {
            let videoPending = video.map { !$0.done } ?? false
            let audioPending = audio.map { !$0.done } ?? false
            if !videoPending && !audioPending { break }
            if let video, videoPending,
               !audioPending || audio.map({ av_compare_ts(video.nextPts, video.timeBase, $0.nextPts, $0.timeBase) <= 0 }) ?? true {
                try video.step()
            } else if let audio {
                try audio.step()
            }
        }
        try video?.flush()
        try audio?.flush()
        try output.finish()
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
        return GeneratedClip(path: path, videoFrames: video?.frameIndex ?? 0, audioSamples: audio?.samplesWritten ?? 0,
                             videoEncoder: video?.encoder.codecName, bytes: bytes)
    }
}
