import CFFmpeg

/// What fully decoding a file found: frames and samples per stream, picture size, durations.
public struct DecodeReport: Sendable, Equatable, Codable {
    public var streamCount: Int
    public var videoCodec: String?
    public var audioCodec: String?
    /// Size of the decoded pictures (not just what the header claims).
    public var width: Int
    public var height: Int
    public var videoFrames: Int
    /// From the first frame's start to the last frame's end, in seconds.
    public var videoDurationSeconds: Double
    public var audioSamples: Int
    public var audioSampleRate: Int
    public var audioChannels: Int
    /// Decoded audio samples ÷ sample rate.
    public var audioDurationSeconds: Double
}

/// Decodes every frame of a file's best video and audio streams (doc/examples/demux_decode.c):
/// the ground truth for "the output really plays", used by tests and by `ValidationDepth.decode`
/// style checks of outputs.
public enum MediaInspector {
    public static func decodeAll(path: String, stage: MediaStage = .validate) throws(MediaError) -> DecodeReport {
        try decodeAll(path: path, stage: stage, eachVideoFrame: nil)
    }

    /// `decodeAll`, also handing every decoded video frame to `eachVideoFrame` (tests read the
    /// generated clips' frame counters through it).
    static func decodeAll(path: String, stage: MediaStage,
                          eachVideoFrame: ((UnsafeMutablePointer<AVFrame>) -> Void)?) throws(MediaError) -> DecodeReport {
        let input = try InputContainer(path: path, stage: stage, kindOnFailure: .unreadable)
        let videoIndex = input.bestStream(AVMEDIA_TYPE_VIDEO)
        let audioIndex = input.bestStream(AVMEDIA_TYPE_AUDIO, related: Int32(videoIndex ?? -1))
        var videoDecoder: CodecContext?
        var audioDecoder: CodecContext?
        var videoTimeBase = AVRational(num: 0, den: 1)
        var frameTicks = Int64(0)
        if let videoIndex, let stream = input.stream(videoIndex) {
            videoDecoder = try CodecContext.decoder(for: stream, threads: 0, stage: stage, path: path)
            videoTimeBase = stream.pointee.time_base
            let rate = av_guess_frame_rate(input.context, stream, nil)
            if rate.num > 0 { frameTicks = av_rescale_q(1, av_inv_q(rate), videoTimeBase) }
        }
        if let audioIndex, let stream = input.stream(audioIndex) {
            audioDecoder = try CodecContext.decoder(for: stream, threads: 1, stage: stage, path: path)
        }
        var report = DecodeReport(
            streamCount: input.streamCount, videoCodec: videoDecoder.map { LibavText.codecName($0.context.pointee.codec_id) },
            audioCodec: audioDecoder.map { LibavText.codecName($0.context.pointee.codec_id) },
            width: 0, height: 0, videoFrames: 0, videoDurationSeconds: 0, audioSamples: 0,
            audioSampleRate: Int(audioDecoder?.context.pointee.sample_rate ?? 0),
            audioChannels: Int(audioDecoder?.context.pointee.ch_layout.nb_channels ?? 0), audioDurationSeconds: 0)
        var firstPts = Int64.max
        var endPts = Int64.min
        let onVideo: (UnsafeMutablePointer<AVFrame>) throws(MediaError) -> Void = { frame throws(MediaError) in
            report.videoFrames += 1
            eachVideoFrame?(frame)
            report.width = Int(frame.pointee.width)
            report.height = Int(frame.pointee.height)
            let pts = frame.pointee.best_effort_timestamp
            guard pts != loom_av_nopts_value() else { return }
            firstPts = min(firstPts, pts)
            let duration = frame.pointee.pkt_duration > 0 ? frame.pointee.pkt_duration : frameTicks
            endPts = max(endPts, pts + duration)
        }
        let onAudio: (UnsafeMutablePointer<AVFrame>) throws(MediaError) -> Void = { frame throws(MediaError) in
            report.audioSamples += Int(frame.pointee.nb_samples)
        }
        let packet = try LibavPacket(stage: stage)
        let frame = try LibavFrame(stage: stage)
        while try input.read(into: packet, stage: stage) {
            defer { packet.unref() }
            let index = Int(packet.pointer.pointee.stream_index)
            if index == videoIndex, let videoDecoder {
                try videoDecoder.decode(packet.pointer, into: frame, onVideo)
            } else if index == audioIndex, let audioDecoder {
                try audioDecoder.decode(packet.pointer, into: frame, onAudio)
            }
        }
        if let videoDecoder { try videoDecoder.decode(nil, into: frame, onVideo) }
        if let audioDecoder { try audioDecoder.decode(nil, into: frame, onAudio) }
        if endPts > firstPts { report.videoDurationSeconds = Double(endPts - firstPts) * av_q2d(videoTimeBase) }
        if report.audioSampleRate > 0 { report.audioDurationSeconds = Double(report.audioSamples) / Double(report.audioSampleRate) }
        return report
    }
}
