import CFFmpeg
import Foundation

/// How much of a file validation reads before accepting it.
public enum ValidationDepth: String, Sendable, Codable, CaseIterable {
    /// Open and probe the container only (fast; misses truncation when `moov` comes first).
    case header
    /// Also demux every packet and decode the first video frame: catches "partial file"
    /// truncation and undecodable codec headers without decoding everything. The default.
    case packets
    /// Also decode every video frame: catches corrupt data anywhere, at the cost of a full decode.
    case decode
}

/// Opening, probing and validating media files with libavformat: seed §2.1's "Validation
/// Stage / Format Check". Follows FFmpeg's `avformat_open_input` → `avformat_find_stream_info`
/// → `av_find_best_stream` → `av_read_frame` sequence (doc/examples/demux_decode.c).
///
/// Whatever the bytes (empty, truncated, random, text, audio-only), the result is a
/// `MediaInfo` or a `MediaError` carrying libav's reason: never a crash.
public enum MediaProbe {
    /// Codecs that libav decodes into "video" but that are not recordings: text art demuxed
    /// by the `tty`, `bin`, `xbin` and `idf` demuxers.
    static let pseudoVideoCodecs: Set<String> = ["ansi", "bintext", "xbin", "idf"]
    /// Largest frame dimension accepted: 8K UHD is 7680×4320.
    public static let maximumDimension = 8192

    /// Opens `path` and describes it, without judging whether it can be processed.
    public static func probe(path: String) throws(MediaError) -> MediaInfo {
        let size = try fileSize(path, stage: .validate)
        do {
            let input = try InputContainer(path: path, stage: .validate)
            return MediaInfo(container: input, fileSize: size)
        } catch {
            throw classifyOpenFailure(error, size: size)
        }
    }

    /// Probes `path` and rejects what the pipeline cannot process: unreadable or empty files,
    /// no real video stream, no decoder, absurd dimensions, and (by `depth`) truncated or
    /// corrupt data.
    public static func validate(path: String, depth: ValidationDepth = .packets) throws(MediaError) -> MediaInfo {
        let size = try fileSize(path, stage: .validate)
        let input: InputContainer
        do {
            input = try InputContainer(path: path, stage: .validate)
        } catch {
            throw classifyOpenFailure(error, size: size)
        }
        var info = MediaInfo(container: input, fileSize: size)
        try checkStreams(info)
        guard let video = info.video, let stream = input.stream(video.streamIndex) else {
            throw MediaError(kind: .notVideo, stage: .validate, reason: "no video stream", path: path)
        }
        // Opening the decoder proves libavcodec can decode this codec with these parameters.
        let decoder = try CodecContext.decoder(for: stream, threads: 1, stage: .validate, path: path)
        try checkIndexWithinFile(input, fileSize: size)
        guard depth != .header else { return info }
        let scan = try scanPackets(input, videoIndex: video.streamIndex, decoder: decoder, decodeAll: depth == .decode)
        if let declared = video.frameCount, scan.videoPackets < declared {
            // libav just reports end of file early: the index promised more than the data holds.
            throw MediaError(kind: .truncated, stage: .validate, reason: LibavLog.errorText(loom_averror_eof()),
                             code: loom_averror_eof(),
                             detail: "av_read_frame: end of file after \(scan.videoPackets) of the \(declared) video frames the index lists",
                             path: path)
        }
        info.videoPacketCount = scan.videoPackets
        if depth == .decode { info.decodedVideoFrames = scan.decodedFrames }
        return info
    }

    // MARK: Rules

    static func checkStreams(_ info: MediaInfo) throws(MediaError) {
        let path = info.path
        guard let video = info.video else {
            let found = info.streams.map { "\($0.type) \($0.codec)\($0.isAttachedPicture ? " (cover art)" : "")" }
            let listing = found.isEmpty ? "no streams" : found.joined(separator: ", ")
            throw MediaError(kind: .notVideo, stage: .validate,
                             reason: "no video stream (container \(info.container): \(listing))", path: path)
        }
        if pseudoVideoCodecs.contains(video.codec) {
            throw MediaError(kind: .notVideo, stage: .validate,
                             reason: "libav reads this file as '\(video.codec)' text art in a '\(info.container)' container, not video",
                             path: path)
        }
        if info.container == "image2" || info.container.hasSuffix("_pipe") {
            throw MediaError(kind: .notVideo, stage: .validate,
                             reason: "a still image ('\(info.container)', codec \(video.codec)), not video", path: path)
        }
        guard video.width > 0, video.height > 0, video.width <= maximumDimension, video.height <= maximumDimension else {
            throw MediaError(kind: .unsupported, stage: .validate,
                             reason: "video size \(video.width)x\(video.height) is outside 1…\(maximumDimension)", path: path)
        }
    }

    /// A failed open is `empty` for a zero-byte file, else `unreadable`; libav's reason stays.
    static func classifyOpenFailure(_ error: MediaError, size: Int64) -> MediaError {
        var classified = error
        classified.kind = size == 0 ? .empty : .unreadable
        return classified
    }

    static func fileSize(_ path: String, stage: MediaStage) throws(MediaError) -> Int64 {
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let type = attributes[.type] as? FileAttributeType, type == .typeDirectory {
                throw MediaError(kind: .io, stage: stage, reason: LibavLog.errorText(loom_averror(EISDIR)),
                                 code: loom_averror(EISDIR), path: path)
            }
            return (attributes[.size] as? NSNumber)?.int64Value ?? 0
        } catch let error as MediaError {
            throw error
        } catch {
            throw MediaError(kind: .io, stage: stage, reason: LibavLog.errorText(loom_averror(ENOENT)),
                             code: loom_averror(ENOENT), detail: "\(error)", path: path)
        }
    }

    /// A container index (MP4 sample tables, Matroska cues) that points past the end of the
    /// file means the file was cut short: catches a truncated fast-start MP4 from its header.
    static func checkIndexWithinFile(_ input: InputContainer, fileSize: Int64) throws(MediaError) {
        guard input.context.pointee.iformat.map({ $0.pointee.flags & AVFMT_NOFILE == 0 }) ?? false else { return }
        for index in 0..<input.streamCount {
            guard let stream = input.stream(index) else { continue }
            let count = avformat_index_get_entries_count(stream)
            guard count > 0, let last = avformat_index_get_entry(stream, count - 1) else { continue }
            let end = last.pointee.pos + Int64(max(0, last.pointee.size))
            if last.pointee.pos >= 0, end > fileSize {
                throw MediaError(kind: .truncated, stage: .validate, reason: LibavLog.errorText(loom_averror_eof()),
                                 code: loom_averror_eof(),
                                 detail: "the index of stream \(index) references bytes up to \(end); the file has \(fileSize)",
                                 path: input.path)
            }
        }
    }

    // MARK: Packet scan

    struct PacketScan {
        var videoPackets = 0
        var decodedFrames = 0
    }

    /// Demuxes every packet. A read error is `truncated` when libav says "partial file" (the
    /// index points past the end of the data), else `corrupt`; packets flagged
    /// `AV_PKT_FLAG_CORRUPT` are `corrupt`. Video is decoded until the first frame comes out,
    /// or entirely when `decodeAll`.
    static func scanPackets(_ input: InputContainer, videoIndex: Int, decoder: CodecContext,
                            decodeAll: Bool) throws(MediaError) -> PacketScan {
        let packet = try LibavPacket(stage: .validate)
        let frame = try LibavFrame(stage: .validate)
        var scan = PacketScan()
        var decoding = true
        LibavLog.clear()
        do throws(MediaError) {
            while try input.read(into: packet, stage: .validate) {
                defer { packet.unref() }
                guard Int(packet.pointer.pointee.stream_index) == videoIndex else { continue }
                scan.videoPackets += 1
                if packet.pointer.pointee.flags & AV_PKT_FLAG_CORRUPT != 0 {
                    throw MediaError(kind: .corrupt, stage: .validate, reason: "libav flagged video packet \(scan.videoPackets) as corrupt",
                                     detail: LibavLog.lastErrorLine(), path: input.path)
                }
                guard decoding else { continue }
                try decoder.decode(packet.pointer, into: frame) { _ throws(MediaError) in scan.decodedFrames += 1 }
                if !decodeAll && scan.decodedFrames > 0 { decoding = false }
            }
            if decoding {
                try decoder.decode(nil, into: frame) { _ throws(MediaError) in scan.decodedFrames += 1 }
            }
        } catch {
            var failure = error
            failure.path = input.path
            if let detail = failure.detail, detail.contains("partial file") { failure.kind = .truncated }
            throw failure
        }
        guard scan.videoPackets > 0, scan.decodedFrames > 0 else {
            throw MediaError(kind: .corrupt, stage: .validate,
                             reason: scan.videoPackets == 0 ? "the video stream has no packets" : "no video frame could be decoded",
                             detail: LibavLog.lastErrorLine(), path: input.path)
        }
        return scan
    }
}
