import CFFmpeg

/// An `AVCodecContext` (`avcodec_alloc_context3` / `avcodec_free_context`) with the
/// send/receive loop of FFmpeg's decode/encode API (doc/examples/decode_video.c, encode_video.c).
final class CodecContext {
    let context: UnsafeMutablePointer<AVCodecContext>
    let codec: UnsafePointer<AVCodec>
    let stage: MediaStage

    init(codec: UnsafePointer<AVCodec>, stage: MediaStage) throws(MediaError) {
        guard let context = avcodec_alloc_context3(codec) else {
            throw .outOfMemory("AVCodecContext", stage: stage)
        }
        self.context = context
        self.codec = codec
        self.stage = stage
    }

    deinit {
        var owned: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&owned)
    }

    var codecName: String { LibavText.string(codec.pointee.name) ?? "unknown" }

    /// `avcodec_open2` with codec-private `options`; failures are `kind` with libav's reason.
    func open(options: [(String, String)], kind: MediaError.Kind) throws(MediaError) {
        LibavLog.clear()
        var dictionary = LibavDictionary(options)
        let status = avcodec_open2(context, codec, &dictionary.pointer)
        guard status >= 0 else {
            throw .libav(status, kind: kind, stage: stage, operation: "avcodec_open2(\(codecName))")
        }
    }

    // MARK: Decoding

    /// Opens a decoder for `stream` with `pkt_timebase` set (the interop notes: without it
    /// some decoders guess timestamps wrongly) and `threads` (0 = libav's choice).
    static func decoder(for stream: UnsafeMutablePointer<AVStream>, threads: Int32, stage: MediaStage,
                        path: String? = nil) throws(MediaError) -> CodecContext {
        guard let parameters = stream.pointee.codecpar else {
            throw MediaError(kind: .unsupported, stage: stage, reason: "stream has no codec parameters", path: path)
        }
        let id = parameters.pointee.codec_id
        guard let codec = avcodec_find_decoder(id) else {
            throw MediaError(kind: .unsupported, stage: stage,
                             reason: "no decoder for codec '\(LibavText.codecName(id))' in this libavcodec build",
                             code: loom_averror(ENOSYS), path: path)
        }
        let decoder = try CodecContext(codec: codec, stage: stage)
        let copied = avcodec_parameters_to_context(decoder.context, parameters)
        guard copied >= 0 else {
            throw .libav(copied, kind: .unsupported, stage: stage, operation: "avcodec_parameters_to_context", path: path)
        }
        decoder.context.pointee.pkt_timebase = stream.pointee.time_base
        decoder.context.pointee.thread_count = threads
        do {
            try decoder.open(options: [], kind: .unsupported)
        } catch {
            throw MediaError(kind: error.kind, stage: error.stage, reason: error.reason, code: error.code,
                             detail: error.detail, path: path)
        }
        return decoder
    }

    /// Sends `packet` (nil flushes) and hands every frame that comes out to `body`, unref'ing
    /// it afterwards. Decode errors throw `corrupt` with libav's reason.
    func decode(_ packet: UnsafeMutablePointer<AVPacket>?, into frame: LibavFrame,
                _ body: (UnsafeMutablePointer<AVFrame>) throws(MediaError) -> Void) throws(MediaError) {
        let sent = avcodec_send_packet(context, packet)
        // EOF here means "already flushed"; EAGAIN cannot happen because we always drain.
        if sent < 0 && sent != loom_averror_eof() {
            throw .libav(sent, kind: .corrupt, stage: stage, operation: "avcodec_send_packet(\(codecName))")
        }
        while true {
            let received = avcodec_receive_frame(context, frame.pointer)
            if received == loom_averror_eagain() || received == loom_averror_eof() { return }
            guard received >= 0 else {
                throw .libav(received, kind: .corrupt, stage: stage, operation: "avcodec_receive_frame(\(codecName))")
            }
            defer { frame.unref() }
            try body(frame.pointer)
        }
    }

    // MARK: Encoding

    /// Sends `frame` (nil flushes) and hands every packet that comes out to `body`.
    func encode(_ frame: UnsafeMutablePointer<AVFrame>?, into packet: LibavPacket,
                _ body: (LibavPacket) throws(MediaError) -> Void) throws(MediaError) {
        let sent = avcodec_send_frame(context, frame)
        if sent < 0 && sent != loom_averror_eof() {
            throw .libav(sent, kind: .processing, stage: stage, operation: "avcodec_send_frame(\(codecName))")
        }
        while true {
            let received = avcodec_receive_packet(context, packet.pointer)
            if received == loom_averror_eagain() || received == loom_averror_eof() { return }
            guard received >= 0 else {
                throw .libav(received, kind: .processing, stage: stage, operation: "avcodec_receive_packet(\(codecName))")
            }
            defer { packet.unref() }
            try body(packet)
        }
    }

    // MARK: Capabilities

    /// The pixel formats the codec accepts (`AVCodec.pix_fmts`, terminated by -1).
    var supportedPixelFormats: [AVPixelFormat] {
        guard var cursor = codec.pointee.pix_fmts else { return [] }
        var formats: [AVPixelFormat] = []
        while cursor.pointee.rawValue != AV_PIX_FMT_NONE.rawValue {
            formats.append(cursor.pointee)
            cursor += 1
        }
        return formats
    }

    /// The sample formats the codec accepts (`AVCodec.sample_fmts`, terminated by -1).
    var supportedSampleFormats: [AVSampleFormat] {
        guard var cursor = codec.pointee.sample_fmts else { return [] }
        var formats: [AVSampleFormat] = []
        while cursor.pointee.rawValue != AV_SAMPLE_FMT_NONE.rawValue {
            formats.append(cursor.pointee)
            cursor += 1
        }
        return formats
    }

    /// The sample rates the codec accepts (`AVCodec.supported_samplerates`, 0-terminated); empty means any.
    var supportedSampleRates: [Int32] {
        guard var cursor = codec.pointee.supported_samplerates else { return [] }
        var rates: [Int32] = []
        while cursor.pointee != 0 {
            rates.append(cursor.pointee)
            cursor += 1
        }
        return rates
    }

    /// Channel counts the codec lists layouts for (`AVCodec.ch_layouts`); empty means any.
    var supportedChannelCounts: [Int32] {
        guard var cursor = codec.pointee.ch_layouts else { return [] }
        var counts: [Int32] = []
        while cursor.pointee.nb_channels != 0 {
            counts.append(cursor.pointee.nb_channels)
            cursor += 1
        }
        return counts
    }

    /// Whether the codec has a private option `name` (`av_opt_find` on `priv_data`), e.g. "crf".
    func hasPrivateOption(_ name: String) -> Bool {
        guard let privateData = context.pointee.priv_data else { return false }
        return av_opt_find(privateData, name, nil, 0, 0) != nil
    }
}

/// Picks `preferred` when the codec accepts it, else the codec's first format.
func choosePixelFormat(_ preferred: AVPixelFormat, from supported: [AVPixelFormat]) -> AVPixelFormat {
    if supported.isEmpty || supported.contains(where: { $0.rawValue == preferred.rawValue }) { return preferred }
    return supported[0]
}
