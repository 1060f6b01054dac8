import CFFmpeg

/// The video half of one rendition: decoded frames in, scaled (libswscale) and encoded
/// packets out to the muxer. Follows doc/examples/transcode.c and encode_video.c, with the
/// FFmpeg 5.1 fixes from the interop notes: packet duration set before rescaling (else MP4
/// loses the last frame's duration), `AV_CODEC_FLAG_GLOBAL_HEADER` when the muxer wants it.
/// Owned by the one thread that runs its rendition.
final class VideoRenditionEncoder {
    let encoder: CodecContext
    let stream: UnsafeMutablePointer<AVStream>
    private let output: OutputContainer
    private let sourceTimeBase: AVRational
    /// The video stream's start, in its time base: output timestamps start at zero.
    private let sourceStart: Int64
    private let width: Int32
    private let height: Int32
    private var scaler: FrameScaler?
    private let scaled: LibavFrame
    private let packet: LibavPacket
    private var lastPts: Int64 = Int64.min
    private var synthesizedPts: Int64 = 0
    /// Packets written, i.e. encoded frames.
    private(set) var framesWritten = 0
    /// End of the last packet (pts + duration), in the encoder time base.
    private(set) var endPts: Int64 = 0

    init(source: UnsafeMutablePointer<AVStream>, sourceStart: Int64, frameRate: AVRational,
         rendition: PlannedRendition, encoderName: String, settings: TranscodeSettings,
         decoder: CodecContext, output: OutputContainer, stage: MediaStage) throws(MediaError) {
        guard let codec = avcodec_find_encoder_by_name(encoderName) else {
            throw MediaError(kind: .encoderUnavailable, stage: stage, reason: "encoder '\(encoderName)' not in this libavcodec build")
        }
        encoder = try CodecContext(codec: codec, stage: stage)
        self.output = output
        self.sourceTimeBase = source.pointee.time_base
        self.sourceStart = sourceStart
        self.width = Int32(rendition.width)
        self.height = Int32(rendition.height)
        scaled = try LibavFrame(stage: stage)
        packet = try LibavPacket(stage: stage)

        let rate = frameRate.num > 0 && frameRate.den > 0 ? frameRate : AVRational(num: 25, den: 1)
        let ctx = encoder.context
        ctx.pointee.width = width
        ctx.pointee.height = height
        ctx.pointee.pix_fmt = choosePixelFormat(AV_PIX_FMT_YUV420P, from: encoder.supportedPixelFormats)
        ctx.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
        // One tick per frame: the encoder counts frames, and a packet lasts one tick.
        ctx.pointee.time_base = av_inv_q(rate)
        ctx.pointee.framerate = rate
        let fps = Double(rate.num) / Double(rate.den)
        ctx.pointee.gop_size = Int32(max(1, (fps * settings.keyframeIntervalSeconds).rounded()))
        ctx.pointee.thread_count = Int32(max(0, settings.threads))
        // Keep the source's colour description; scaling does not change it.
        ctx.pointee.color_range = decoder.context.pointee.color_range
        ctx.pointee.colorspace = decoder.context.pointee.colorspace
        ctx.pointee.color_primaries = decoder.context.pointee.color_primaries
        ctx.pointee.color_trc = decoder.context.pointee.color_trc
        if output.wantsGlobalHeader { ctx.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        let options = EncoderSelection.configure(encoder, rateControl: rendition.rateControl, preset: rendition.preset)
        try encoder.open(options: options, kind: .encoderUnavailable)

        stream = try output.addStream()
        let copied = avcodec_parameters_from_context(stream.pointee.codecpar, ctx)
        guard copied >= 0 else {
            throw .libav(copied, kind: .processing, stage: stage, operation: "avcodec_parameters_from_context")
        }
        stream.pointee.time_base = ctx.pointee.time_base
        stream.pointee.avg_frame_rate = rate
    }

    /// Scales (when size or format differ), stamps and encodes one decoded frame.
    func encode(_ frame: UnsafeMutablePointer<AVFrame>) throws(MediaError) {
        let ctx = encoder.context
        var pts = frame.pointee.best_effort_timestamp
        if pts == loom_av_nopts_value() {
            pts = synthesizedPts
        } else {
            pts = av_rescale_q(pts - sourceStart, sourceTimeBase, ctx.pointee.time_base)
        }
        // Encoders reject non-increasing timestamps; variable-rate input can round two frames
        // onto one tick, so nudge forward.
        if pts <= lastPts { pts = lastPts + 1 }
        lastPts = pts
        synthesizedPts = pts + 1

        let input: UnsafeMutablePointer<AVFrame>
        if frame.pointee.width == width, frame.pointee.height == height, frame.pointee.format == ctx.pointee.pix_fmt.rawValue {
            input = frame
        } else {
            if scaler.map({ !$0.matches(frame) }) ?? true {
                scaler = try FrameScaler(sourceWidth: frame.pointee.width, sourceHeight: frame.pointee.height,
                                         sourceFormat: frame.pointee.format, width: width, height: height,
                                         format: ctx.pointee.pix_fmt, stage: encoder.stage)
            }
            guard let scaler else { return }
            try scaler.scale(frame, into: scaled, stage: encoder.stage)
            input = scaled.pointer
        }
        input.pointee.pts = pts
        // The decoder's picture types would force key frames where the source had them;
        // the output's GOP is ours to choose.
        input.pointee.pict_type = AV_PICTURE_TYPE_NONE
        try encoder.encode(input, into: packet) { packet throws(MediaError) in try self.write(packet) }
    }

    /// Drains the encoder's delayed frames (x264 keeps a look-ahead).
    func flush() throws(MediaError) {
        try encoder.encode(nil, into: packet) { packet throws(MediaError) in try self.write(packet) }
    }

    private func write(_ packet: LibavPacket) throws(MediaError) {
        let pkt = packet.pointer
        // FFmpeg 5.1 video encoders leave duration 0: one frame is one tick of the encoder time base.
        if pkt.pointee.duration <= 0 { pkt.pointee.duration = 1 }
        endPts = max(endPts, pkt.pointee.pts + pkt.pointee.duration)
        framesWritten += 1
        av_packet_rescale_ts(pkt, encoder.context.pointee.time_base, stream.pointee.time_base)
        pkt.pointee.stream_index = stream.pointee.index
        try output.write(packet)
    }

    /// Seconds of video written (end of the last frame).
    var durationSeconds: Double { Double(endPts) * av_q2d(encoder.context.pointee.time_base) }
}
