import CFFmpeg

/// A rational number as libav uses it for frame rates and time bases (`AVRational`).
public struct MediaRational: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public var numerator: Int32
    public var denominator: Int32

    public init(_ numerator: Int32, _ denominator: Int32) {
        self.numerator = numerator
        self.denominator = denominator
    }

    init(_ rational: AVRational) { self.init(rational.num, rational.den) }

    var av: AVRational { AVRational(num: numerator, den: denominator) }

    /// The value as a double; 0 when the denominator is 0 (libav's "unknown").
    public var value: Double { denominator == 0 ? 0 : Double(numerator) / Double(denominator) }
    public var isValid: Bool { numerator > 0 && denominator > 0 }
    public var description: String { "\(numerator)/\(denominator)" }
}

/// One elementary stream of a container, as `avformat_find_stream_info` describes it.
public struct MediaStreamInfo: Sendable, Equatable, Codable {
    /// "video", "audio", "subtitle", "data", "attachment" (`av_get_media_type_string`).
    public var type: String
    public var index: Int
    /// Short codec name ("h264", "aac").
    public var codec: String
    /// Cover art in an audio file: a video-typed stream that is not video.
    public var isAttachedPicture: Bool
}

/// The video stream a pipeline works on: the facts seed §2.1's validation stage checks and the
/// transcoding stage sizes its profiles from.
public struct VideoStreamInfo: Sendable, Equatable, Codable {
    public var streamIndex: Int
    public var codec: String
    public var width: Int
    public var height: Int
    /// Display aspect correction (`sample_aspect_ratio`); 0/1 or 1/1 for square pixels.
    public var sampleAspectRatio: MediaRational
    /// `av_guess_frame_rate`: the container's average rate, else the stream's real base rate.
    public var frameRate: MediaRational
    public var pixelFormat: String
    /// `nb_frames` when the container records it (MP4 does), else nil.
    public var frameCount: Int?
    public var durationSeconds: Double?

    /// Width × height as pixels are displayed: `width · SAR` when pixels are not square.
    public var displayWidth: Double {
        sampleAspectRatio.isValid ? Double(width) * sampleAspectRatio.value : Double(width)
    }
}

/// The audio stream carried alongside the video.
public struct AudioStreamInfo: Sendable, Equatable, Codable {
    public var streamIndex: Int
    public var codec: String
    public var sampleRate: Int
    public var channels: Int
    public var sampleFormat: String
    public var durationSeconds: Double?
}

/// What probing a media file found: container, streams, duration, the chosen video and audio
/// streams. Models the "Format Check" of seed §2.1's validation stage; filled from
/// `AVFormatContext` / `AVStream` / `AVCodecParameters` after `avformat_find_stream_info`.
public struct MediaInfo: Sendable, Equatable, Codable {
    public var path: String
    public var fileSize: Int64
    /// The demuxer's short name ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm").
    public var container: String
    public var containerLongName: String
    public var durationSeconds: Double?
    public var bitRate: Int64?
    public var streams: [MediaStreamInfo]
    /// The best video stream that is not cover art; nil for audio-only or non-media files.
    public var video: VideoStreamInfo?
    /// The best audio stream (related to the video stream when there is one).
    public var audio: AudioStreamInfo?
    /// Video packets seen when validation read the whole file (`ValidationDepth.packets` or
    /// deeper); nil for a header-only probe.
    public var videoPacketCount: Int?
    /// Video frames decoded when validation decoded the whole stream (`ValidationDepth.decode`).
    public var decodedVideoFrames: Int?
}

extension MediaInfo {
    /// Builds the description of an opened container.
    init(container input: InputContainer, fileSize: Int64) {
        let context = input.context
        let format = context.pointee.iformat
        let duration = context.pointee.duration
        let streams = (0..<input.streamCount).compactMap { index -> MediaStreamInfo? in
            guard let stream = input.stream(index), let parameters = stream.pointee.codecpar else { return nil }
            let type = LibavText.string(av_get_media_type_string(parameters.pointee.codec_type)) ?? "unknown"
            return MediaStreamInfo(type: type, index: index, codec: LibavText.codecName(parameters.pointee.codec_id),
                                   isAttachedPicture: InputContainer.isAttachedPicture(stream))
        }
        let videoIndex = input.bestStream(AVMEDIA_TYPE_VIDEO)
        let audioIndex = input.bestStream(AVMEDIA_TYPE_AUDIO, related: Int32(videoIndex ?? -1))
        self.init(
            path: input.path, fileSize: fileSize,
            container: format.flatMap { LibavText.string($0.pointee.name) } ?? "unknown",
            containerLongName: format.flatMap { LibavText.string($0.pointee.long_name) } ?? "",
            durationSeconds: duration > 0 && duration != loom_av_nopts_value() ? Double(duration) / Double(AV_TIME_BASE) : nil,
            bitRate: context.pointee.bit_rate > 0 ? context.pointee.bit_rate : nil,
            streams: streams,
            video: videoIndex.flatMap { Self.videoInfo(input, $0) },
            audio: audioIndex.flatMap { Self.audioInfo(input, $0) })
    }

    static func seconds(_ value: Int64, _ timeBase: AVRational) -> Double? {
        guard value != loom_av_nopts_value(), value >= 0, timeBase.den != 0 else { return nil }
        return Double(value) * Double(timeBase.num) / Double(timeBase.den)
    }

    private static func videoInfo(_ input: InputContainer, _ index: Int) -> VideoStreamInfo? {
        guard let stream = input.stream(index), let parameters = stream.pointee.codecpar else { return nil }
        let rate = av_guess_frame_rate(input.context, stream, nil)
        return VideoStreamInfo(
            streamIndex: index, codec: LibavText.codecName(parameters.pointee.codec_id),
            width: Int(parameters.pointee.width), height: Int(parameters.pointee.height),
            sampleAspectRatio: MediaRational(parameters.pointee.sample_aspect_ratio),
            frameRate: MediaRational(rate),
            pixelFormat: LibavText.pixelFormatName(parameters.pointee.format),
            frameCount: stream.pointee.nb_frames > 0 ? Int(stream.pointee.nb_frames) : nil,
            durationSeconds: seconds(stream.pointee.duration, stream.pointee.time_base))
    }

    private static func audioInfo(_ input: InputContainer, _ index: Int) -> AudioStreamInfo? {
        guard let stream = input.stream(index), let parameters = stream.pointee.codecpar else { return nil }
        return AudioStreamInfo(
            streamIndex: index, codec: LibavText.codecName(parameters.pointee.codec_id),
            sampleRate: Int(parameters.pointee.sample_rate), channels: Int(parameters.pointee.ch_layout.nb_channels),
            sampleFormat: LibavText.sampleFormatName(parameters.pointee.format),
            durationSeconds: seconds(stream.pointee.duration, stream.pointee.time_base))
    }
}
