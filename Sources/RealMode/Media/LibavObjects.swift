import CFFmpeg

// Owners of libav objects. Each wraps one C allocation and frees it in `deinit`, so an early
// `throw` anywhere in a pipeline cannot leak. None is Sendable: raw C pointers must stay on the
// thread that created them (reference/swift-c-interop.md), and every pipeline runs on one thread.

/// An `AVPacket` (`av_packet_alloc` / `av_packet_free`).
final class LibavPacket {
    let pointer: UnsafeMutablePointer<AVPacket>

    init(stage: MediaStage) throws(MediaError) {
        guard let packet = av_packet_alloc() else { throw .outOfMemory("AVPacket", stage: stage) }
        pointer = packet
    }

    deinit {
        var packet: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&packet)
    }

    func unref() { av_packet_unref(pointer) }
}

/// An `AVFrame` (`av_frame_alloc` / `av_frame_free`).
final class LibavFrame {
    let pointer: UnsafeMutablePointer<AVFrame>

    init(stage: MediaStage) throws(MediaError) {
        guard let frame = av_frame_alloc() else { throw .outOfMemory("AVFrame", stage: stage) }
        pointer = frame
    }

    deinit {
        var frame: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&frame)
    }

    func unref() { av_frame_unref(pointer) }

    /// Gives the frame fresh buffers for `format` × `width` × `height` (`av_frame_get_buffer`).
    func allocateVideo(format: AVPixelFormat, width: Int32, height: Int32, stage: MediaStage) throws(MediaError) {
        av_frame_unref(pointer)
        pointer.pointee.format = format.rawValue
        pointer.pointee.width = width
        pointer.pointee.height = height
        let status = av_frame_get_buffer(pointer, 0)
        guard status >= 0 else {
            throw .libav(status, kind: .processing, stage: stage, operation: "av_frame_get_buffer")
        }
    }
}

/// A demuxer opened on a file (`avformat_open_input` + `avformat_find_stream_info` /
/// `avformat_close_input`).
final class InputContainer {
    let context: UnsafeMutablePointer<AVFormatContext>
    let path: String

    /// Opens and probes `path`. Failures carry libav's reason; `kindOnFailure` lets the
    /// validation stage call them `unreadable` and later stages `processing`.
    init(path: String, stage: MediaStage, kindOnFailure: MediaError.Kind = .unreadable) throws(MediaError) {
        LibavLog.prepare()
        LibavLog.clear()
        self.path = path
        var opened: UnsafeMutablePointer<AVFormatContext>?
        let status = avformat_open_input(&opened, path, nil, nil)
        guard status >= 0, let context = opened else {
            throw .libav(status < 0 ? status : loom_averror_invaliddata(), kind: kindOnFailure,
                         stage: stage, operation: "avformat_open_input", path: path)
        }
        self.context = context
        let info = avformat_find_stream_info(context, nil)
        guard info >= 0 else {
            throw .libav(info, kind: kindOnFailure, stage: stage,
                         operation: "avformat_find_stream_info", path: path)
        }
    }

    deinit {
        var opened: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&opened)
    }

    var streamCount: Int { Int(context.pointee.nb_streams) }

    /// The stream at `index`, or nil when out of range (no force-unwrap of libav's array).
    func stream(_ index: Int) -> UnsafeMutablePointer<AVStream>? {
        guard index >= 0, index < streamCount, let streams = context.pointee.streams else { return nil }
        return streams[index]
    }

    /// `av_find_best_stream` for `type`, skipping cover art (attached pictures are not video).
    func bestStream(_ type: AVMediaType, related: Int32 = -1) -> Int? {
        let found = av_find_best_stream(context, type, -1, related, nil, 0)
        if found >= 0, let stream = stream(Int(found)), !Self.isAttachedPicture(stream) {
            return Int(found)
        }
        for index in 0..<streamCount {
            guard let stream = stream(index), let parameters = stream.pointee.codecpar else { continue }
            if parameters.pointee.codec_type == type, !Self.isAttachedPicture(stream) { return index }
        }
        return nil
    }

    static func isAttachedPicture(_ stream: UnsafeMutablePointer<AVStream>) -> Bool {
        stream.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC != 0
    }

    /// Reads the next packet; false at end of file. Errors other than EOF throw.
    func read(into packet: LibavPacket, stage: MediaStage, kind: MediaError.Kind = .corrupt) throws(MediaError) -> Bool {
        let status = av_read_frame(context, packet.pointer)
        if status == loom_averror_eof() { return false }
        guard status >= 0 else {
            throw .libav(status, kind: kind, stage: stage, operation: "av_read_frame", path: path)
        }
        return true
    }
}

/// A muxer writing one file (`avformat_alloc_output_context2`, `avio_open`,
/// `avformat_write_header` / `av_write_trailer`, `avio_closep`, `avformat_free_context`).
final class OutputContainer {
    let context: UnsafeMutablePointer<AVFormatContext>
    let path: String
    let stage: MediaStage
    private var ioOpen = false
    private var headerWritten = false

    init(path: String, formatName: String?, stage: MediaStage) throws(MediaError) {
        LibavLog.prepare()
        self.path = path
        self.stage = stage
        var allocated: UnsafeMutablePointer<AVFormatContext>?
        let status = avformat_alloc_output_context2(&allocated, nil, formatName, path)
        guard status >= 0, let context = allocated else {
            throw .libav(status < 0 ? status : loom_averror(EINVAL), kind: .invalidRequest, stage: stage,
                         operation: "avformat_alloc_output_context2(\(formatName ?? "from extension"))", path: path)
        }
        self.context = context
    }

    deinit {
        if ioOpen { avio_closep(&context.pointee.pb) }
        avformat_free_context(context)
    }

    /// Whether the muxer wants codec headers out of band (`AVFMT_GLOBALHEADER`): encoders must
    /// then set `AV_CODEC_FLAG_GLOBAL_HEADER`, or MP4 gets no `avcC`.
    var wantsGlobalHeader: Bool {
        guard let format = context.pointee.oformat else { return false }
        return format.pointee.flags & AVFMT_GLOBALHEADER != 0
    }

    /// Adds a stream; its parameters are filled by the caller.
    func addStream() throws(MediaError) -> UnsafeMutablePointer<AVStream> {
        guard let stream = avformat_new_stream(context, nil) else { throw .outOfMemory("AVStream", stage: stage) }
        return stream
    }

    /// Opens the file and writes the header with muxer `options` ("movflags" = "+faststart").
    func begin(options: [(String, String)]) throws(MediaError) {
        let needsFile = context.pointee.oformat.map { $0.pointee.flags & AVFMT_NOFILE == 0 } ?? true
        if needsFile {
            let opened = avio_open(&context.pointee.pb, path, AVIO_FLAG_WRITE)
            guard opened >= 0 else {
                throw .libav(opened, kind: .io, stage: stage, operation: "avio_open", path: path)
            }
            ioOpen = true
        }
        var dictionary = LibavDictionary(options)
        let status = avformat_write_header(context, &dictionary.pointer)
        guard status >= 0 else {
            throw .libav(status, kind: .processing, stage: stage, operation: "avformat_write_header", path: path)
        }
        headerWritten = true
    }

    /// `av_interleaved_write_frame`: takes the packet's reference and interleaves by time.
    func write(_ packet: LibavPacket) throws(MediaError) {
        let status = av_interleaved_write_frame(context, packet.pointer)
        guard status >= 0 else {
            throw .libav(status, kind: .processing, stage: stage, operation: "av_interleaved_write_frame", path: path)
        }
    }

    /// Writes the trailer (for MP4 with faststart this rewrites the file with `moov` first) and closes it.
    func finish() throws(MediaError) {
        guard headerWritten else { return }
        let status = av_write_trailer(context)
        headerWritten = false
        if ioOpen {
            avio_closep(&context.pointee.pb)
            ioOpen = false
        }
        guard status >= 0 else {
            throw .libav(status, kind: .processing, stage: stage, operation: "av_write_trailer", path: path)
        }
    }
}

/// An `AVDictionary` of options (`av_dict_set` / `av_dict_free`).
struct LibavDictionary: ~Copyable {
    var pointer: OpaquePointer?

    init(_ entries: [(String, String)]) {
        for (key, value) in entries { av_dict_set(&pointer, key, value, 0) }
    }

    deinit {
        var owned = pointer
        av_dict_free(&owned)
    }
}

/// A libswscale context converting one frame geometry/format to another (`sws_getContext` /
/// `sws_freeContext`), used through `sws_scale_frame` (FFmpeg ≥ 5.0).
final class FrameScaler {
    private let context: OpaquePointer
    let source: (width: Int32, height: Int32, format: Int32)
    let target: (width: Int32, height: Int32, format: AVPixelFormat)

    init(sourceWidth: Int32, sourceHeight: Int32, sourceFormat: Int32,
         width: Int32, height: Int32, format: AVPixelFormat, stage: MediaStage) throws(MediaError) {
        // Bicubic is FFmpeg's `scale` filter default: a fair comparison with the ffmpeg CLI.
        guard let context = sws_getContext(sourceWidth, sourceHeight, AVPixelFormat(rawValue: sourceFormat),
                                           width, height, format, SWS_BICUBIC, nil, nil, nil) else {
            throw MediaError(kind: .unsupported, stage: stage,
                             reason: "libswscale cannot convert \(LibavText.pixelFormatName(sourceFormat)) \(sourceWidth)x\(sourceHeight) to \(LibavText.pixelFormatName(format.rawValue)) \(width)x\(height)",
                             detail: LibavLog.lastErrorLine())
        }
        self.context = context
        self.source = (sourceWidth, sourceHeight, sourceFormat)
        self.target = (width, height, format)
    }

    deinit { sws_freeContext(context) }

    func matches(_ frame: UnsafeMutablePointer<AVFrame>) -> Bool {
        frame.pointee.width == source.width && frame.pointee.height == source.height
            && frame.pointee.format == source.format
    }

    /// Scales `input` into `output`, which gets fresh buffers (an encoder may still hold the last ones).
    func scale(_ input: UnsafeMutablePointer<AVFrame>, into output: LibavFrame, stage: MediaStage) throws(MediaError) {
        try output.allocateVideo(format: target.format, width: target.width, height: target.height, stage: stage)
        let status = sws_scale_frame(context, output.pointer, input)
        guard status >= 0 else {
            throw .libav(status, kind: .processing, stage: stage, operation: "sws_scale_frame")
        }
        output.pointer.pointee.pts = input.pointee.pts
    }
}
