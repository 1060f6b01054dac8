import CFFmpeg

/// Converting audio samples between libav's sample formats and planar `Float`, in Swift.
///
/// Why not libswresample: the `CFFmpeg` module links avformat, avcodec, swscale and avutil
/// only. Every common decoder output (u8, s16, s32, s64, flt, dbl, packed or planar) converts
/// to float exactly; what this cannot do is change the sample rate, so an input whose rate the
/// AAC encoder does not accept is rejected as `unsupported` (see `AudioRenditionPath`).
enum AudioSamples {
    /// Appends the first `channels` channels of `frame` to `planes` as floats in [-1, 1]. A
    /// mono source feeding a stereo output is duplicated into both channels.
    static func append(_ frame: UnsafeMutablePointer<AVFrame>, channels: Int, to planes: inout [[Float]],
                       stage: MediaStage) throws(MediaError) {
        let count = Int(frame.pointee.nb_samples)
        let sourceChannels = Int(frame.pointee.ch_layout.nb_channels)
        guard count > 0, sourceChannels > 0 else { return }
        guard let data = frame.pointee.extended_data else {
            throw MediaError(kind: .corrupt, stage: stage, reason: "decoded audio frame has no data")
        }
        let format = AVSampleFormat(rawValue: frame.pointee.format)
        let planar = av_sample_fmt_is_planar(format) != 0
        let packed = av_get_packed_sample_fmt(format)
        while planes.count < channels { planes.append([]) }
        for channel in 0..<channels {
            let source = channel < sourceChannels ? channel : 0
            guard let base = data[planar ? source : 0] else {
                throw MediaError(kind: .corrupt, stage: stage, reason: "decoded audio frame misses channel \(source)")
            }
            let stride = planar ? 1 : sourceChannels
            let offset = planar ? 0 : source
            planes[channel].reserveCapacity(planes[channel].count + count)
            switch packed {
            case AV_SAMPLE_FMT_FLT:
                let samples = UnsafeRawPointer(base).assumingMemoryBound(to: Float.self)
                for i in 0..<count { planes[channel].append(samples[i * stride + offset]) }
            case AV_SAMPLE_FMT_S16:
                let samples = UnsafeRawPointer(base).assumingMemoryBound(to: Int16.self)
                for i in 0..<count { planes[channel].append(Float(samples[i * stride + offset]) / 32_768) }
            case AV_SAMPLE_FMT_S32:
                let samples = UnsafeRawPointer(base).assumingMemoryBound(to: Int32.self)
                for i in 0..<count { planes[channel].append(Float(Double(samples[i * stride + offset]) / 2_147_483_648)) }
            case AV_SAMPLE_FMT_DBL:
                let samples = UnsafeRawPointer(base).assumingMemoryBound(to: Double.self)
                for i in 0..<count { planes[channel].append(Float(samples[i * stride + offset])) }
            case AV_SAMPLE_FMT_U8:
                for i in 0..<count { planes[channel].append((Float(base[i * stride + offset]) - 128) / 128) }
            case AV_SAMPLE_FMT_S64:
                let samples = UnsafeRawPointer(base).assumingMemoryBound(to: Int64.self)
                for i in 0..<count { planes[channel].append(Float(Double(samples[i * stride + offset]) / 9_223_372_036_854_775_808)) }
            default:
                throw MediaError(kind: .unsupported, stage: stage,
                                 reason: "audio sample format '\(LibavText.sampleFormatName(frame.pointee.format))' is not supported")
            }
        }
    }

    /// The output sample formats `write` can fill.
    static let writableFormats: [AVSampleFormat] = [
        AV_SAMPLE_FMT_FLTP, AV_SAMPLE_FMT_FLT, AV_SAMPLE_FMT_S16, AV_SAMPLE_FMT_S16P, AV_SAMPLE_FMT_S32, AV_SAMPLE_FMT_S32P,
    ]

    /// The first of an encoder's sample formats that `write` can fill.
    static func chooseFormat(_ supported: [AVSampleFormat]) -> AVSampleFormat? {
        if supported.isEmpty { return AV_SAMPLE_FMT_FLTP }
        return supported.first { format in writableFormats.contains { $0.rawValue == format.rawValue } }
    }

    /// Writes `planes[c][start ..< start+count]` into `frame` (already allocated with
    /// `count` samples in its format), clamping to the format's range.
    static func write(_ planes: [[Float]], start: Int, count: Int, into frame: UnsafeMutablePointer<AVFrame>,
                      stage: MediaStage) throws(MediaError) {
        let channels = planes.count
        guard let data = frame.pointee.extended_data else {
            throw MediaError(kind: .processing, stage: stage, reason: "audio frame has no buffers")
        }
        let format = AVSampleFormat(rawValue: frame.pointee.format)
        let planar = av_sample_fmt_is_planar(format) != 0
        let packed = av_get_packed_sample_fmt(format)
        for channel in 0..<channels {
            guard let base = data[planar ? channel : 0] else {
                throw MediaError(kind: .processing, stage: stage, reason: "audio frame misses plane \(channel)")
            }
            let stride = planar ? 1 : channels
            let offset = planar ? 0 : channel
            let plane = planes[channel]
            switch packed {
            case AV_SAMPLE_FMT_FLT:
                let out = UnsafeMutableRawPointer(base).assumingMemoryBound(to: Float.self)
                for i in 0..<count { out[i * stride + offset] = plane[start + i] }
            case AV_SAMPLE_FMT_S16:
                let out = UnsafeMutableRawPointer(base).assumingMemoryBound(to: Int16.self)
                for i in 0..<count { out[i * stride + offset] = Int16(max(-32_768, min(32_767, (plane[start + i] * 32_767).rounded()))) }
            case AV_SAMPLE_FMT_S32:
                let out = UnsafeMutableRawPointer(base).assumingMemoryBound(to: Int32.self)
                for i in 0..<count {
                    let value = (Double(plane[start + i]) * 2_147_483_647).rounded()
                    out[i * stride + offset] = Int32(max(-2_147_483_648, min(2_147_483_647, value)))
                }
            default:
                throw MediaError(kind: .unsupported, stage: stage,
                                 reason: "cannot write audio sample format '\(LibavText.sampleFormatName(frame.pointee.format))'")
            }
        }
    }

    /// Allocates `frame` for `count` samples of `format` at `sampleRate` with `channels`
    /// channels in libav's default layout for that count.
    static func allocate(_ frame: LibavFrame, count: Int, format: AVSampleFormat, sampleRate: Int32,
                         channels: Int32, stage: MediaStage) throws(MediaError) {
        let f = frame.pointer
        av_frame_unref(f)
        f.pointee.nb_samples = Int32(count)
        f.pointee.format = format.rawValue
        f.pointee.sample_rate = sampleRate
        av_channel_layout_default(&f.pointee.ch_layout, channels)
        let status = av_frame_get_buffer(f, 0)
        guard status >= 0 else {
            throw .libav(status, kind: .processing, stage: stage, operation: "av_frame_get_buffer(audio)")
        }
    }
}
