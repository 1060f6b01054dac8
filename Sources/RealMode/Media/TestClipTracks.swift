import CFFmpeg

// The two encoders behind `TestClipGenerator`, one per track, each owned by the generating thread.

/// The video encoder of a generated clip: draws `TestPattern` frames and encodes them.
final class ClipVideoTrack {
    let encoder: CodecContext
    let stream: UnsafeMutablePointer<AVStream>
    let output: OutputContainer
    let total: Int
    private let canvas: LibavFrame
    private let converted: LibavFrame
    private let scaler: FrameScaler?
    private let packet: LibavPacket
    private(set) var frameIndex = 0

    var done: Bool { frameIndex >= total }
    var nextPts: Int64 { Int64(frameIndex) }
    var timeBase: AVRational { encoder.context.pointee.time_base }

    init(spec: TestClipSpec, encoderName: String, output: OutputContainer) throws(MediaError) {
        let stage = MediaStage.generate
        guard let codec = avcodec_find_encoder_by_name(encoderName) else {
            throw MediaError(kind: .encoderUnavailable, stage: stage, reason: "encoder '\(encoderName)' not in this libavcodec build")
        }
        encoder = try CodecContext(codec: codec, stage: stage)
        self.output = output
        total = max(1, spec.frameCount)
        let ctx = encoder.context
        ctx.pointee.width = Int32(spec.width)
        ctx.pointee.height = Int32(spec.height)
        ctx.pointee.pix_fmt = choosePixelFormat(AV_PIX_FMT_YUV420P, from: encoder.supportedPixelFormats)
        ctx.pointee.time_base = av_inv_q(spec.frameRate.av)
        ctx.pointee.framerate = spec.frameRate.av
        ctx.pointee.gop_size = Int32(max(1, (spec.frameRate.value * spec.keyframeIntervalSeconds).rounded()))
        ctx.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
        if output.wantsGlobalHeader { ctx.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        let options = EncoderSelection.configure(encoder, rateControl: .crf(spec.crf), preset: spec.preset)
        try encoder.open(options: options, kind: .encoderUnavailable)
        stream = try output.addStream()
        let copied = avcodec_parameters_from_context(stream.pointee.codecpar, ctx)
        guard copied >= 0 else { throw .libav(copied, kind: .processing, stage: stage, operation: "avcodec_parameters_from_context") }
        stream.pointee.time_base = ctx.pointee.time_base
        stream.pointee.avg_frame_rate = spec.frameRate.av

        canvas = try LibavFrame(stage: stage)
        converted = try LibavFrame(stage: stage)
        packet = try LibavPacket(stage: stage)
        // The pattern is drawn in yuv420p; other encoder formats get a libswscale conversion.
        if ctx.pointee.pix_fmt.rawValue != AV_PIX_FMT_YUV420P.rawValue {
            scaler = try FrameScaler(sourceWidth: ctx.pointee.width, sourceHeight: ctx.pointee.height,
                                     sourceFormat: AV_PIX_FMT_YUV420P.rawValue, width: ctx.pointee.width,
                                     height: ctx.pointee.height, format: ctx.pointee.pix_fmt, stage: stage)
        } else {
            scaler = nil
        }
    }

    func step() throws(MediaError) {
        let ctx = encoder.context
        // Fresh buffers each frame: the encoder may still hold a reference to the last ones.
        try canvas.allocateVideo(format: AV_PIX_FMT_YUV420P, width: ctx.pointee.width, height: ctx.pointee.height, stage: .generate)
        TestPattern.draw(into: canvas.pointer, index: frameIndex)
        canvas.pointer.pointee.pts = Int64(frameIndex)
        var input = canvas.pointer
        if let scaler {
            try scaler.scale(canvas.pointer, into: converted, stage: .generate)
            input = converted.pointer
        }
        frameIndex += 1
        try encoder.encode(input, into: packet) { packet throws(MediaError) in try self.write(packet) }
    }

    func flush() throws(MediaError) {
        try encoder.encode(nil, into: packet) { packet throws(MediaError) in try self.write(packet) }
    }

    private func write(_ packet: LibavPacket) throws(MediaError) {
        let pkt = packet.pointer
        if pkt.pointee.duration <= 0 { pkt.pointee.duration = 1 }
        av_packet_rescale_ts(pkt, encoder.context.pointee.time_base, stream.pointee.time_base)
        pkt.pointee.stream_index = stream.pointee.index
        try output.write(packet)
    }
}

/// The audio encoder of a generated clip: a sine tone in the encoder's own sample format.
final class ClipAudioTrack {
    let encoder: CodecContext
    let stream: UnsafeMutablePointer<AVStream>
    let output: OutputContainer
    let tone: ToneSpec
    let totalSamples: Int
    let frameSize: Int
    private let frame: LibavFrame
    private let packet: LibavPacket
    private(set) var samplesWritten = 0

    var done: Bool { samplesWritten >= totalSamples }
    var nextPts: Int64 { Int64(samplesWritten) }
    var timeBase: AVRational { encoder.context.pointee.time_base }

    init(tone: ToneSpec, spec: TestClipSpec, output: OutputContainer) throws(MediaError) {
        let stage = MediaStage.generate
        guard let codec = avcodec_find_encoder_by_name(spec.audioEncoder) else {
            throw MediaError(kind: .encoderUnavailable, stage: stage, reason: "audio encoder '\(spec.audioEncoder)' not in this libavcodec build")
        }
        encoder = try CodecContext(codec: codec, stage: stage)
        self.output = output
        let rates = encoder.supportedSampleRates
        let rate = rates.isEmpty || rates.contains(Int32(tone.sampleRate)) ? Int32(tone.sampleRate) : (rates.contains(48_000) ? 48_000 : rates[0])
        var adjusted = tone
        adjusted.sampleRate = Int(rate)
        self.tone = adjusted
        guard let format = AudioSamples.chooseFormat(encoder.supportedSampleFormats) else {
            throw MediaError(kind: .unsupported, stage: stage, reason: "no writable sample format for '\(spec.audioEncoder)'")
        }
        let ctx = encoder.context
        ctx.pointee.sample_rate = rate
        ctx.pointee.sample_fmt = format
        av_channel_layout_default(&ctx.pointee.ch_layout, Int32(tone.channels))
        ctx.pointee.bit_rate = 128_000
        ctx.pointee.time_base = AVRational(num: 1, den: rate)
        if output.wantsGlobalHeader { ctx.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        try encoder.open(options: [], kind: .encoderUnavailable)
        stream = try output.addStream()
        let copied = avcodec_parameters_from_context(stream.pointee.codecpar, ctx)
        guard copied >= 0 else { throw .libav(copied, kind: .processing, stage: stage, operation: "avcodec_parameters_from_context(audio)") }
        stream.pointee.time_base = ctx.pointee.time_base
        totalSamples = Int((spec.durationSeconds * Double(rate)).rounded())
        let size = Int(ctx.pointee.frame_size)
        frameSize = size > 0 ? size : 1024
        frame = try LibavFrame(stage: stage)
        packet = try LibavPacket(stage: stage)
    }

    func step() throws(MediaError) {
        let count = min(frameSize, totalSamples - samplesWritten)
        guard count > 0 else { return }
        let ctx = encoder.context
        var samples = [Float](repeating: 0, count: count)
        let step = 2 * Double.pi * tone.frequency / Double(tone.sampleRate)
        for i in 0..<count { samples[i] = Float(tone.amplitude * sin(step * Double(samplesWritten + i))) }
        try AudioSamples.allocate(frame, count: count, format: ctx.pointee.sample_fmt, sampleRate: ctx.pointee.sample_rate,
                                  channels: Int32(tone.channels), stage: .generate)
        try AudioSamples.write(Array(repeating: samples, count: tone.channels), start: 0, count: count,
                               into: frame.pointer, stage: .generate)
        frame.pointer.pointee.pts = Int64(samplesWritten)
        samplesWritten += count
        try encoder.encode(frame.pointer, into: packet) { packet throws(MediaError) in try self.write(packet) }
    }

    func flush() throws(MediaError) {
        try encoder.encode(nil, into: packet) { packet throws(MediaError) in try self.write(packet) }
    }

    private func write(_ packet: LibavPacket) throws(MediaError) {
        let pkt = packet.pointer
        av_packet_rescale_ts(pkt, encoder.context.pointee.time_base, stream.pointee.time_base)
        pkt.pointee.stream_index = stream.pointee.index
        try output.write(packet)
    }
}
