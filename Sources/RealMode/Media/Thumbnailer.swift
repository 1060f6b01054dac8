import CFFmpeg
import Foundation

/// The poster image's encoding.
public enum ThumbnailFormat: String, Sendable, Equatable, Codable {
    /// JPEG through FFmpeg's `mjpeg` encoder (one MJPEG packet is a complete JPEG file).
    case jpeg
    /// PNG through FFmpeg's `png` encoder.
    case png

    var encoderName: String { self == .jpeg ? "mjpeg" : "png" }
    var fileExtension: String { self == .jpeg ? "jpg" : "png" }
}

/// Where and how the poster is taken.
public struct ThumbnailOptions: Sendable, Equatable, Codable {
    /// Fraction of the duration to take the frame at: 10 % skips fades and black lead-ins.
    public var position: Double
    public var format: ThumbnailFormat
    /// Tallest poster; never taller than the video.
    public var maxHeight: Int
    /// File name without extension.
    public var baseName: String

    public init(position: Double = 0.1, format: ThumbnailFormat = .jpeg, maxHeight: Int = 360, baseName: String = "poster") {
        self.position = position
        self.format = format
        self.maxHeight = maxHeight
        self.baseName = baseName
    }
}

/// A written poster image.
public struct Thumbnail: Sendable, Equatable, Codable {
    public var path: String
    public var format: ThumbnailFormat
    public var width: Int
    public var height: Int
    /// Presentation time of the frame used, in seconds from the start of the video.
    public var seconds: Double
    public var bytes: Int64
}

/// Takes the poster frame of the optimization stage: seek (`av_seek_frame`, backward to the
/// key frame before the target), decode forward to the first frame at or after 10 % of the
/// duration, scale (libswscale) and encode one picture with `mjpeg` or `png`.
enum Thumbnailer {
    static func make(from path: String, to outputPath: String, options: ThumbnailOptions) throws(MediaError) -> Thumbnail {
        let stage = MediaStage.optimize
        let input = try InputContainer(path: path, stage: stage, kindOnFailure: .unreadable)
        guard let index = input.bestStream(AVMEDIA_TYPE_VIDEO), let stream = input.stream(index) else {
            throw MediaError(kind: .notVideo, stage: stage, reason: "no video stream to take a poster from", path: path)
        }
        let decoder = try CodecContext.decoder(for: stream, threads: 1, stage: stage, path: path)
        let timeBase = stream.pointee.time_base
        let start = stream.pointee.start_time == loom_av_nopts_value() ? 0 : stream.pointee.start_time
        var duration = stream.pointee.duration
        if duration <= 0 || duration == loom_av_nopts_value() {
            let total = input.context.pointee.duration
            duration = total > 0 ? av_rescale_q(total, loom_av_time_base_q(), timeBase) : 0
        }
        let fraction = min(max(options.position, 0), 1)
        let target = start + Int64((Double(duration) * fraction).rounded(.down))
        if target > start, av_seek_frame(input.context, Int32(index), target, AVSEEK_FLAG_BACKWARD) >= 0 {
            avcodec_flush_buffers(decoder.context)
        } else if target > start {
            // Unseekable: decode from the start instead.
            _ = av_seek_frame(input.context, Int32(index), start, AVSEEK_FLAG_BACKWARD)
            avcodec_flush_buffers(decoder.context)
        }

        let chosen = try LibavFrame(stage: stage)
        var haveFrame = false
        var found = false
        let packet = try LibavPacket(stage: stage)
        let frame = try LibavFrame(stage: stage)
        let keep: (UnsafeMutablePointer<AVFrame>) throws(MediaError) -> Void = { decoded throws(MediaError) in
            guard !found else { return }
            chosen.unref()
            let status = av_frame_ref(chosen.pointer, decoded)
            guard status >= 0 else { throw .libav(status, kind: .processing, stage: stage, operation: "av_frame_ref") }
            haveFrame = true
            let pts = decoded.pointee.best_effort_timestamp
            if pts == loom_av_nopts_value() || pts >= target { found = true }
        }
        while !found, try input.read(into: packet, stage: stage) {
            defer { packet.unref() }
            guard Int(packet.pointer.pointee.stream_index) == index else { continue }
            try decoder.decode(packet.pointer, into: frame, keep)
        }
        if !found { try decoder.decode(nil, into: frame, keep) }
        guard haveFrame else {
            throw MediaError(kind: .corrupt, stage: stage, reason: "no video frame could be decoded for the poster", path: path)
        }
        let pts = chosen.pointer.pointee.best_effort_timestamp
        let seconds = pts == loom_av_nopts_value() ? 0 : Double(pts - start) * av_q2d(timeBase)
        let picture = try encodePicture(chosen.pointer, options: options, stage: stage)
        do {
            try Data(picture.bytes).write(to: URL(fileURLWithPath: outputPath), options: .atomic)
        } catch {
            throw MediaError(kind: .io, stage: stage, reason: "cannot write poster: \(error)", path: outputPath)
        }
        return Thumbnail(path: outputPath, format: options.format, width: picture.width, height: picture.height,
                         seconds: max(0, seconds), bytes: Int64(picture.bytes.count))
    }

    /// Scales `frame` to the poster size and encodes it as one JPEG/PNG picture.
    private static func encodePicture(_ frame: UnsafeMutablePointer<AVFrame>, options: ThumbnailOptions,
                                      stage: MediaStage) throws(MediaError) -> (bytes: [UInt8], width: Int, height: Int) {
        let encoderName = options.format.encoderName
        guard let codec = avcodec_find_encoder_by_name(encoderName) else {
            throw MediaError(kind: .encoderUnavailable, stage: stage, reason: "encoder '\(encoderName)' not in this libavcodec build")
        }
        let encoder = try CodecContext(codec: codec, stage: stage)
        let source = VideoStreamInfo(
            streamIndex: 0, codec: "", width: Int(frame.pointee.width), height: Int(frame.pointee.height),
            sampleAspectRatio: MediaRational(frame.pointee.sample_aspect_ratio), frameRate: MediaRational(0, 1),
            pixelFormat: "", frameCount: nil, durationSeconds: nil)
        let size = TranscodePlan.outputSize(profileHeight: max(2, options.maxHeight), cap: nil, source: source)
        let preferred = options.format == .jpeg ? AV_PIX_FMT_YUVJ420P : AV_PIX_FMT_RGB24
        let format = choosePixelFormat(preferred, from: encoder.supportedPixelFormats)
        let ctx = encoder.context
        ctx.pointee.width = Int32(size.width)
        ctx.pointee.height = Int32(size.height)
        ctx.pointee.pix_fmt = format
        ctx.pointee.time_base = AVRational(num: 1, den: 25)
        if options.format == .jpeg {
            // Full-range YUV, as JPEG defines it; quantizer 3 is a high-quality poster.
            ctx.pointee.color_range = AVCOL_RANGE_JPEG
            ctx.pointee.flags |= AV_CODEC_FLAG_QSCALE
            ctx.pointee.global_quality = Int32(FF_QP2LAMBDA) * 3
        }
        try encoder.open(options: [], kind: .encoderUnavailable)

        let scaled = try LibavFrame(stage: stage)
        let scaler = try FrameScaler(sourceWidth: frame.pointee.width, sourceHeight: frame.pointee.height,
                                     sourceFormat: frame.pointee.format, width: Int32(size.width),
                                     height: Int32(size.height), format: format, stage: stage)
        try scaler.scale(frame, into: scaled, stage: stage)
        scaled.pointer.pointee.pts = 0
        scaled.pointer.pointee.pict_type = AV_PICTURE_TYPE_NONE
        if options.format == .jpeg { scaled.pointer.pointee.color_range = AVCOL_RANGE_JPEG }
        let packet = try LibavPacket(stage: stage)
        var bytes: [UInt8] = []
        let collect: (LibavPacket) throws(MediaError) -> Void = { packet in
            let pkt = packet.pointer.pointee
            guard let data = pkt.data, pkt.size > 0 else { return }
            bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(pkt.size)))
        }
        try encoder.encode(scaled.pointer, into: packet, collect)
        try encoder.encode(nil, into: packet, collect)
        guard !bytes.isEmpty else {
            throw MediaError(kind: .processing, stage: stage, reason: "'\(encoderName)' produced no picture")
        }
        return (bytes, size.width, size.height)
    }
}
