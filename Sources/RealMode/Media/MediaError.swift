import CFFmpeg

/// Which of the video-processing pipeline's stages (seed §2.1: validation → transcoding →
/// optimization → upload) an error came from; `generate` is the test-clip synthesizer.
public enum MediaStage: String, Sendable, Codable, CaseIterable {
    case validate, transcode, optimize, upload, generate
}

/// A failure of the libav media backend, typed so callers can branch on *why* an input was
/// rejected or a job failed, without parsing text.
///
/// Models seed §2.1's "Validation Stage / Format Check" rejections and the failures of the
/// later stages. `reason` is libav's own text for the error code (`av_strerror`, FFmpeg's
/// `libavutil/error.h`), or loomsim's explanation when the rejection is loomsim's rule rather
/// than a libav failure (no video stream, still image). `detail` is the last error line libav
/// logged on the failing thread ("moov atom not found", "partial file", "Cannot load
/// libcuda.so.1"), which is usually what a human needs to see.
public struct MediaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The classes of failure callers act on differently (reject the upload, retry, fall back).
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The file has zero bytes.
        case empty
        /// libav could not open or identify the container (random bytes, text, missing `moov`).
        case unreadable
        /// The container opens but its data ends early ("partial file").
        case truncated
        /// The data is damaged: a demuxer or decoder rejected it part-way.
        case corrupt
        /// No (real) video stream: audio-only, a still image, a pseudo-video such as ANSI text.
        case notVideo
        /// Valid media that this backend cannot process (no decoder, absurd size, sample rate).
        case unsupported
        /// A requested encoder is missing from this libavcodec build or cannot be opened.
        case encoderUnavailable
        /// A file-system operation failed (create, copy, rename, read).
        case io
        /// libav failed while processing valid input (an encoder or muxer call returned an error).
        case processing
        /// The caller passed something unusable (no profiles, a bad profile, a bad clip spec).
        case invalidRequest
    }

    public var kind: Kind
    public var stage: MediaStage
    /// libav's `av_strerror` text, or loomsim's explanation for rules that are not libav errors.
    public var reason: String
    /// The libav error code (a negative `AVERROR`), when the failure came from a libav call.
    public var code: Int32?
    /// The last error line libav logged on the failing thread, when it logged one.
    public var detail: String?
    /// The file concerned, when there is one.
    public var path: String?

    public init(kind: Kind, stage: MediaStage, reason: String, code: Int32? = nil,
                detail: String? = nil, path: String? = nil) {
        self.kind = kind
        self.stage = stage
        self.reason = reason
        self.code = code
        self.detail = detail
        self.path = path
    }

    /// One line for logs and reports: `validate: truncated: Invalid data … (stream 1, offset …: partial file) [clip.mp4]`.
    public var description: String {
        var line = "\(stage.rawValue): \(kind.rawValue): \(reason)"
        if let detail, !detail.isEmpty, detail != reason { line += " (\(detail))" }
        if let path { line += " [\(path)]" }
        return line
    }

    /// An error for a failed libav call: `reason` is `av_strerror(code)`, `detail` the last
    /// libav error line logged on this thread; `operation` names the call for context.
    static func libav(_ code: Int32, kind: Kind, stage: MediaStage, operation: String,
                      path: String? = nil) -> MediaError {
        let logged = LibavLog.lastErrorLine()
        let detail = logged.map { "\(operation): \($0)" } ?? operation
        return MediaError(kind: kind, stage: stage, reason: LibavLog.errorText(code), code: code,
                          detail: detail, path: path)
    }

    /// An error for a libav allocation that returned NULL.
    static func outOfMemory(_ what: String, stage: MediaStage) -> MediaError {
        MediaError(kind: .processing, stage: stage, reason: LibavLog.errorText(loom_averror(ENOMEM)),
                   code: loom_averror(ENOMEM), detail: "allocating \(what)")
    }
}
