import CFFmpeg
import Foundation

/// NVDEC decoding through libavcodec's CUDA hwaccel (`av_hwdevice_ctx_create(CUDA)` and the
/// decoder's `hw_device_ctx`): what real mode can use on GPUs that decode but cannot encode.
public enum NVDECProbe {
    /// Frames decoded, and how many came out as CUDA frames (decoded on the GPU).
    public struct Report: Sendable, Equatable {
        public var frames: Int
        public var gpuFrames: Int
        public var decoder: String
    }

    /// Decodes the best video stream of `path` with a CUDA device attached; fails with
    /// libav's reason when there is no CUDA device.
    public static func decode(path: String) throws(MediaError) -> Report {
        LibavLog.prepare()
        LibavLog.clear()
        var device: UnsafeMutablePointer<AVBufferRef>?
        let created = av_hwdevice_ctx_create(&device, AV_HWDEVICE_TYPE_CUDA, nil, nil, 0)
        guard created >= 0, device != nil else {
            throw .libav(created, kind: .unsupported, stage: .validate, operation: "av_hwdevice_ctx_create(cuda)", path: path)
        }
        defer { av_buffer_unref(&device) }
        let input = try InputContainer(path: path, stage: .validate)
        guard let index = input.bestStream(AVMEDIA_TYPE_VIDEO), let stream = input.stream(index),
              let parameters = stream.pointee.codecpar, let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            throw MediaError(kind: .notVideo, stage: .validate, reason: "no decodable video stream", path: path)
        }
        let decoder = try CodecContext(codec: codec, stage: .validate)
        let copied = avcodec_parameters_to_context(decoder.context, parameters)
        guard copied >= 0 else { throw .libav(copied, kind: .unsupported, stage: .validate, operation: "avcodec_parameters_to_context") }
        decoder.context.pointee.pkt_timebase = stream.pointee.time_base
        decoder.context.pointee.hw_device_ctx = av_buffer_ref(device)
        try decoder.open(options: [], kind: .unsupported)
        var report = Report(frames: 0, gpuFrames: 0, decoder: decoder.codecName)
        let packet = try LibavPacket(stage: .validate)
        let frame = try LibavFrame(stage: .validate)
        let count: (UnsafeMutablePointer<AVFrame>) throws(MediaError) -> Void = { f throws(MediaError) in
            report.frames += 1
            if f.pointee.format == AV_PIX_FMT_CUDA.rawValue { report.gpuFrames += 1 }
        }
        while try input.read(into: packet, stage: .validate) {
            defer { packet.unref() }
            if Int(packet.pointer.pointee.stream_index) == index { try decoder.decode(packet.pointer, into: frame, count) }
        }
        try decoder.decode(nil, into: frame, count)
        return report
    }
}

/// What `scripts/gpu-check.sh` runs on a machine with an NVIDIA GPU: discovery, an NVENC
/// encode and an NVDEC decode of a generated clip, each reported in a line (never throwing).
public enum GPUCheck {
    public static func run(workDirectory: String) -> [String] {
        var lines: [String] = []
        let plan = RealModeGPUPlan.discover(region: "local")
        lines += plan.lines
        guard !plan.devices.isEmpty else { return lines }
        lines += EncoderSelection.availabilityLines(["libx264", "h264_nvenc", "hevc_nvenc"])
        let clip = (workDirectory as NSString).appendingPathComponent("gpu-check-720p.mp4")
        do {
            try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
            _ = try TestClipGenerator.generate(to: clip, spec: .widescreen(height: 720, durationSeconds: 2))
        } catch {
            lines.append("cannot generate a test clip: \(error)")
            return lines
        }
        let backend = LibavTranscodeBackend()
        let request = TranscodeRequest(
            jobID: "gpu-check", inputPath: clip, workDirectory: (workDirectory as NSString).appendingPathComponent("nvenc"),
            profiles: [.height(720)],
            settings: TranscodeSettings(videoEncoder: "h264_nvenc", allowEncoderFallback: false, preset: "p4", threads: 0))
        do {
            let clock = ContinuousClock()
            let start = clock.now
            let result = try backend.transcode(request)
            let seconds = RealPipelineStages.seconds(clock.now - start)
            let r = result.renditions[0]
            let decoded = try MediaInspector.decodeAll(path: r.path)
            lines.append(String(format: "NVENC: encoded %d frames %dx%d with %@ in %.2f s; decodes back to %d frames",
                                r.videoFrames, r.width, r.height, r.videoEncoder, seconds, decoded.videoFrames))
        } catch {
            lines.append("NVENC: not used: \(error)")
        }
        do {
            let report = try NVDECProbe.decode(path: clip)
            lines.append("NVDEC: decoded \(report.frames) frames with \(report.decoder), \(report.gpuFrames) of them on the GPU (CUDA frames)")
        } catch {
            lines.append("NVDEC: not used: \(error)")
        }
        return lines
    }
}
