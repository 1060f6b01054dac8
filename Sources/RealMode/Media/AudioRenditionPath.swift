import CFFmpeg

/// How a rendition carries the source's audio.
public enum AudioHandling: String, Sendable, Codable {
    /// AAC in, AAC out: packets are copied (remuxed), not re-encoded.
    case passthrough
    /// Decoded, converted to the encoder's sample format and encoded (FFmpeg's native `aac`).
    case encoded
    /// The source has no audio.
    case none
}

/// The audio half of one rendition: passthrough of AAC packets (stream copy, like
/// `ffmpeg -c:a copy`), or decode → float → fixed-size frames → AAC encode (transcode.c's
/// audio path, with a FIFO because AAC takes exactly `frame_size` = 1024 samples per frame and
/// decoders hand out other sizes). Owned by the thread that runs its rendition.
final class AudioRenditionPath {
    let handling: AudioHandling
    let stream: UnsafeMutablePointer<AVStream>
    private let output: OutputContainer
    private let sourceTimeBase: AVRational
    /// The video's start expressed in this stream's time base: audio stays in sync with video.
    private let sourceStart: Int64
    private let stage: MediaStage
    // Encoding state (nil for passthrough).
    private let decoder: CodecContext?
    private let encoder: CodecContext?
    private let decoded: LibavFrame
    private let chunk: LibavFrame
    private let packet: LibavPacket
    private var pending: [[Float]] = []
    private var pendingStart = 0
    private var nextPts: Int64?
    private let channels: Int
    private let frameSize: Int

    init(source: UnsafeMutablePointer<AVStream>, sourceStart: Int64, settings: TranscodeSettings,
         output: OutputContainer, stage: MediaStage) throws(MediaError) {
        self.output = output
        self.sourceTimeBase = source.pointee.time_base
        self.sourceStart = sourceStart
        self.stage = stage
        decoded = try LibavFrame(stage: stage)
        chunk = try LibavFrame(stage: stage)
        packet = try LibavPacket(stage: stage)
        guard let parameters = source.pointee.codecpar else {
            throw MediaError(kind: .unsupported, stage: stage, reason: "audio stream has no codec parameters")
        }
        stream = try output.addStream()

        if parameters.pointee.codec_id == AV_CODEC_ID_AAC {
            handling = .passthrough
            decoder = nil
            encoder = nil
            channels = Int(parameters.pointee.ch_layout.nb_channels)
            frameSize = 1024
            let copied = avcodec_parameters_copy(stream.pointee.codecpar, parameters)
            guard copied >= 0 else {
                throw .libav(copied, kind: .processing, stage: stage, operation: "avcodec_parameters_copy")
            }
            // The source container's tag (e.g. from Matroska) means nothing to MP4.
            if let copiedParameters = stream.pointee.codecpar { copiedParameters.pointee.codec_tag = 0 }
            stream.pointee.time_base = source.pointee.time_base
            return
        }

        handling = .encoded
        let decoder = try CodecContext.decoder(for: source, threads: 1, stage: stage)
        guard let codec = avcodec_find_encoder_by_name(settings.audioEncoder) else {
            throw MediaError(kind: .encoderUnavailable, stage: stage,
                             reason: "audio encoder '\(settings.audioEncoder)' not in this libavcodec build")
        }
        let encoder = try CodecContext(codec: codec, stage: stage)
        let sampleRate = decoder.context.pointee.sample_rate
        let rates = encoder.supportedSampleRates
        guard sampleRate > 0, rates.isEmpty || rates.contains(sampleRate) else {
            throw MediaError(kind: .unsupported, stage: stage,
                             reason: "audio sample rate \(sampleRate) Hz is not accepted by '\(settings.audioEncoder)' and resampling needs libswresample, which is not linked")
        }
        guard let format = AudioSamples.chooseFormat(encoder.supportedSampleFormats) else {
            throw MediaError(kind: .unsupported, stage: stage, reason: "no supported sample format for '\(settings.audioEncoder)'")
        }
        let sourceChannels = Int32(max(1, decoder.context.pointee.ch_layout.nb_channels))
        let counts = encoder.supportedChannelCounts
        // Keep the channel count when the encoder has a layout for it; else stereo (the first
        // two channels: a crude downmix, but no libswresample).
        let outputChannels: Int32 = counts.isEmpty || counts.contains(sourceChannels) ? sourceChannels : 2
        let ctx = encoder.context
        ctx.pointee.sample_rate = sampleRate
        ctx.pointee.sample_fmt = format
        av_channel_layout_default(&ctx.pointee.ch_layout, outputChannels)
        ctx.pointee.bit_rate = Int64(settings.audioBitRate)
        ctx.pointee.time_base = AVRational(num: 1, den: sampleRate)
        if output.wantsGlobalHeader { ctx.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        try encoder.open(options: [], kind: .encoderUnavailable)
        let copied = avcodec_parameters_from_context(stream.pointee.codecpar, ctx)
        guard copied >= 0 else {
            throw .libav(copied, kind: .processing, stage: stage, operation: "avcodec_parameters_from_context(audio)")
        }
        stream.pointee.time_base = ctx.pointee.time_base
        self.decoder = decoder
        self.encoder = encoder
        self.channels = Int(outputChannels)
        let size = Int(ctx.pointee.frame_size)
        self.frameSize = size > 0 ? size : 1024
    }

    /// Handles one demuxed packet of the source audio stream (its reference is consumed).
    func handle(_ source: LibavPacket) throws(MediaError) {
        guard let decoder else {
            let pkt = source.pointer
            if pkt.pointee.pts != loom_av_nopts_value() { pkt.pointee.pts -= sourceStart }
            if pkt.pointee.dts != loom_av_nopts_value() { pkt.pointee.dts -= sourceStart }
            av_packet_rescale_ts(pkt, sourceTimeBase, stream.pointee.time_base)
            pkt.pointee.stream_index = stream.pointee.index
            pkt.pointee.pos = -1
            try output.write(source)
            return
        }
        try decoder.decode(source.pointer, into: decoded) { frame throws(MediaError) in try self.accept(frame) }
        try drain(final: false)
    }

    /// Flushes the decoder, the FIFO's partial last frame and the encoder.
    func finish() throws(MediaError) {
        guard let decoder, let encoder else { return }
        try decoder.decode(nil, into: decoded) { frame throws(MediaError) in try self.accept(frame) }
        try drain(final: true)
        try encoder.encode(nil, into: packet) { packet throws(MediaError) in try self.write(packet) }
    }

    private func accept(_ frame: UnsafeMutablePointer<AVFrame>) throws(MediaError) {
        if nextPts == nil, let encoder {
            // The first frame fixes where encoded audio starts relative to the video.
            let pts = frame.pointee.best_effort_timestamp
            nextPts = pts == loom_av_nopts_value() ? 0
                : av_rescale_q(pts - sourceStart, sourceTimeBase, encoder.context.pointee.time_base)
        }
        try AudioSamples.append(frame, channels: channels, to: &pending, stage: stage)
    }

    /// Encodes every whole `frameSize` chunk in the FIFO, and the remainder when `final`.
    private func drain(final: Bool) throws(MediaError) {
        guard let encoder, !pending.isEmpty else { return }
        let ctx = encoder.context
        while true {
            let available = pending[0].count - pendingStart
            let count = available >= frameSize ? frameSize : (final ? available : 0)
            guard count > 0 else { break }
            try AudioSamples.allocate(chunk, count: count, format: ctx.pointee.sample_fmt,
                                      sampleRate: ctx.pointee.sample_rate, channels: Int32(channels), stage: stage)
            try AudioSamples.write(pending, start: pendingStart, count: count, into: chunk.pointer, stage: stage)
            let pts = nextPts ?? 0
            chunk.pointer.pointee.pts = pts
            nextPts = pts + Int64(count)
            pendingStart += count
            try encoder.encode(chunk.pointer, into: packet) { packet throws(MediaError) in try self.write(packet) }
        }
        // Drop consumed samples now and then, not on every chunk.
        if pendingStart >= 1 << 16 {
            for channel in pending.indices { pending[channel].removeFirst(pendingStart) }
            pendingStart = 0
        }
    }

    private func write(_ packet: LibavPacket) throws(MediaError) {
        guard let encoder else { return }
        let pkt = packet.pointer
        av_packet_rescale_ts(pkt, encoder.context.pointee.time_base, stream.pointee.time_base)
        pkt.pointee.stream_index = stream.pointee.index
        try output.write(packet)
    }

    /// The codec name written ("aac").
    var codecName: String {
        guard let parameters = stream.pointee.codecpar else { return "unknown" }
        return LibavText.codecName(parameters.pointee.codec_id)
    }
}
