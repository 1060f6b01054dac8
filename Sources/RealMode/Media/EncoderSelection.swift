import CFFmpeg
import Foundation

/// The encoder a job actually uses, and the line that explains a substitution.
public struct EncoderChoice: Sendable, Equatable, Codable {
    /// What the settings asked for (nil: "best available").
    public var requested: String?
    /// The libavcodec encoder name in use ("libx264").
    public var encoder: String
    /// The codec it produces ("h264", "mpeg4").
    public var codec: String
    /// One line when the encoder differs from the request or from the preferred libx264,
    /// e.g. "video encoder 'h264_nvenc' unavailable: Operation not permitted (Cannot load
    /// libcuda.so.1); using 'libx264'". Nil when nothing needs saying.
    public var notice: String?
}

/// Whether a libavcodec encoder can be used on this machine.
public enum EncoderAvailability: Sendable, Equatable {
    case available
    /// Not compiled into this libavcodec build.
    case missing
    /// Present, but `avcodec_open2` fails (e.g. NVENC without a GPU: EPERM, "Cannot load libcuda.so.1").
    case cannotOpen(reason: String)

    public var isAvailable: Bool { self == .available }
}

/// Finding and configuring encoders: libx264 when available, else the best software H.264
/// encoder, else MPEG-4 Part 2 (`avcodec_find_encoder_by_name`, `avcodec_open2`,
/// codec-private options through `av_opt_find`). The encoder is a name so that a GPU path can
/// pass "h264_nvenc"; availability is tested by really opening a tiny encoder, because a
/// hardware encoder is found even where it cannot run.
public enum EncoderSelection {
    /// Software H.264 encoders, best first. Hardware encoders are never picked automatically.
    public static let softwareH264Preference = ["libx264", "libopenh264"]
    /// The last resort when no H.264 encoder works: always built into libavcodec.
    public static let fallbackVideoEncoder = "mpeg4"

    private static let cache = AvailabilityCache()

    /// Whether encoder `name` exists and opens (cached per process).
    public static func availability(of name: String) -> EncoderAvailability {
        if let known = cache.value(for: name) { return known }
        let result = probe(name)
        cache.store(result, for: name)
        return result
    }

    /// Encoders the backend may use, for `availabilityLines`.
    public static let knownEncoders = ["libx264", "libopenh264", "h264_nvenc", "mpeg4", "aac", "mjpeg", "png"]

    /// One line per encoder, "libx264: available" / "h264_nvenc: unavailable: Operation not
    /// permitted (avcodec_open2(h264_nvenc): Cannot load libcuda.so.1)": for `--version`-style
    /// diagnostics and logs.
    public static func availabilityLines(_ names: [String] = knownEncoders) -> [String] {
        names.map { name in
            switch availability(of: name) {
            case .available: return "\(name): available"
            case .missing: return "\(name): unavailable: not in this libavcodec build"
            case .cannotOpen(let reason): return "\(name): unavailable: \(reason)"
            }
        }
    }

    /// The video encoder for `requested` (nil: best software H.264). With `allowFallback`, an
    /// unusable request falls back to the preference list and the choice carries a notice;
    /// without it, the request's failure is thrown as `encoderUnavailable`.
    public static func videoEncoder(requested: String?, allowFallback: Bool,
                                    stage: MediaStage = .transcode) throws(MediaError) -> EncoderChoice {
        var problems: [String] = []
        if let requested {
            let state = availability(of: requested)
            if state.isAvailable { return choice(requested, requested: requested, problems: []) }
            let problem = describe(requested, state)
            guard allowFallback else {
                throw MediaError(kind: .encoderUnavailable, stage: stage, reason: problem)
            }
            problems.append(problem)
        }
        for name in softwareH264Preference + [fallbackVideoEncoder] where name != requested {
            let state = availability(of: name)
            if state.isAvailable { return choice(name, requested: requested, problems: problems) }
            if name == "libx264" || requested == nil { problems.append(describe(name, state)) }
        }
        throw MediaError(kind: .encoderUnavailable, stage: stage,
                         reason: "no usable video encoder: " + problems.joined(separator: "; "))
    }

    private static func choice(_ name: String, requested: String?, problems: [String]) -> EncoderChoice {
        let codecID = avcodec_find_encoder_by_name(name).map { $0.pointee.id } ?? AV_CODEC_ID_NONE
        let codec = LibavText.codecName(codecID)
        var notice: String?
        if !problems.isEmpty {
            notice = problems.joined(separator: "; ") + "; using '\(name)'"
            if codec != "h264" { notice? += " (\(codec), not H.264)" }
        }
        return EncoderChoice(requested: requested, encoder: name, codec: codec, notice: notice)
    }

    private static func describe(_ name: String, _ state: EncoderAvailability) -> String {
        switch state {
        case .available: return "encoder '\(name)' is available"
        case .missing: return "encoder '\(name)' unavailable: not in this libavcodec build"
        case .cannotOpen(let reason): return "encoder '\(name)' unavailable: \(reason)"
        }
    }

    /// Opens the encoder on a 64×64 picture (or a stereo 48 kHz signal) and closes it again.
    private static func probe(_ name: String) -> EncoderAvailability {
        LibavLog.prepare()
        guard let codec = avcodec_find_encoder_by_name(name) else { return .missing }
        do throws(MediaError) {
            let context = try CodecContext(codec: codec, stage: .transcode)
            let ctx = context.context
            if codec.pointee.type == AVMEDIA_TYPE_AUDIO {
                let rates = context.supportedSampleRates
                ctx.pointee.sample_rate = rates.isEmpty || rates.contains(48_000) ? 48_000 : rates[0]
                ctx.pointee.sample_fmt = context.supportedSampleFormats.first ?? AV_SAMPLE_FMT_FLTP
                av_channel_layout_default(&ctx.pointee.ch_layout, 2)
                ctx.pointee.time_base = AVRational(num: 1, den: ctx.pointee.sample_rate)
            } else {
                ctx.pointee.width = 64
                ctx.pointee.height = 64
                ctx.pointee.pix_fmt = choosePixelFormat(AV_PIX_FMT_YUV420P, from: context.supportedPixelFormats)
                // MJPEG accepts 4:2:0 only as full-range ("JPEG") YUV.
                if codec.pointee.id == AV_CODEC_ID_MJPEG { ctx.pointee.color_range = AVCOL_RANGE_JPEG }
                ctx.pointee.time_base = AVRational(num: 1, den: 25)
                ctx.pointee.framerate = AVRational(num: 25, den: 1)
                ctx.pointee.thread_count = 1
            }
            try context.open(options: [], kind: .encoderUnavailable)
            return .available
        } catch {
            let detail = error.detail.map { " (\($0))" } ?? ""
            return .cannotOpen(reason: error.reason + detail)
        }
    }

    /// Codec-private options and context fields for a rate control and preset, chosen by what
    /// the encoder offers: `crf` (x264, x265, VP9), `cq` (NVENC's constant quality), else a
    /// fixed quantizer (`AV_CODEC_FLAG_QSCALE`, for mpeg4) mapped from the CRF; `preset` only
    /// when the encoder has one (mpeg4 has none; its speed is fixed).
    static func configure(_ encoder: CodecContext, rateControl: RateControl, preset: String) -> [(String, String)] {
        var options: [(String, String)] = []
        if encoder.hasPrivateOption("preset") { options.append(("preset", preset)) }
        switch rateControl {
        case .bitrate(let bitsPerSecond):
            encoder.context.pointee.bit_rate = Int64(bitsPerSecond)
        case .crf(let crf):
            if encoder.hasPrivateOption("crf") {
                options.append(("crf", String(crf)))
            } else if encoder.hasPrivateOption("cq") {
                options.append(("cq", String(crf)))
            } else {
                encoder.context.pointee.flags |= AV_CODEC_FLAG_QSCALE
                encoder.context.pointee.global_quality = Int32(FF_QP2LAMBDA) * Int32(quantizer(forCRF: crf))
            }
        }
        return options
    }

    /// An MPEG-4 Part 2 quantizer (2…31) of roughly the quality of x264 CRF `crf`: CRF 18 → 2,
    /// 23 → 5, 28 → 7. A rule of thumb, good enough for a fallback encoder.
    public static func quantizer(forCRF crf: Int) -> Int {
        min(31, max(2, (crf - 13) / 2))
    }
}

/// Per-process memo of encoder probes; probing NVENC costs a failed dlopen, so do it once.
private final class AvailabilityCache: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: EncoderAvailability] = [:]

    func value(for name: String) -> EncoderAvailability? {
        lock.lock()
        defer { lock.unlock() }
        return values[name]
    }

    func store(_ value: EncoderAvailability, for name: String) {
        lock.lock()
        defer { lock.unlock() }
        values[name] = value
    }
}
