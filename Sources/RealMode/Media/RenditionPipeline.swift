import CFFmpeg
import Foundation

/// One finished output rendition of the transcoding stage.
public struct Rendition: Sendable, Equatable, Codable {
    public var profile: String
    public var path: String
    public var width: Int
    public var height: Int
    /// The libavcodec encoder that produced the video ("libx264").
    public var videoEncoder: String
    /// The video codec written ("h264", or "mpeg4" on the fallback).
    public var videoCodec: String
    public var videoFrames: Int
    public var videoDurationSeconds: Double
    public var audio: AudioHandling
    /// The audio codec written ("aac"), nil without audio.
    public var audioCodec: String?
    public var bytes: Int64
}

/// Everything one rendition needs, as values: the job a profile thread runs.
struct RenditionJob: Sendable {
    var inputPath: String
    var outputPath: String
    var rendition: PlannedRendition
    var encoder: String
    var settings: TranscodeSettings
    /// Muxer options; MP4 gets `movflags=+faststart` so players can start before the download ends.
    var muxerOptions: [(String, String)] = [("movflags", "+faststart")]
    var containerFormat: String = "mp4"
    /// False drops the audio (the benchmark's video-only mode).
    var includeAudio = true
}

/// Demux → decode → (scale → encode video | copy or re-encode audio) → mux, for one rendition,
/// entirely on the calling thread (doc/examples/transcode.c). Each profile thread runs its
/// own pipeline with its own demuxer and decoder: decoding is repeated per profile, which
/// costs a fraction of an encode and means no libav object is ever shared between threads.
enum RenditionPipeline {
    static func run(_ job: RenditionJob, stage: MediaStage = .transcode) throws(MediaError) -> Rendition {
        do throws(MediaError) {
            return try encode(job, stage: stage)
        } catch {
            // A half-written file must never look like an output.
            try? FileManager.default.removeItem(atPath: job.outputPath)
            var failure = error
            if failure.path == nil { failure.path = job.inputPath }
            throw failure
        }
    }

    private static func encode(_ job: RenditionJob, stage: MediaStage) throws(MediaError) -> Rendition {
        let input = try InputContainer(path: job.inputPath, stage: stage, kindOnFailure: .unreadable)
        guard let videoIndex = input.bestStream(AVMEDIA_TYPE_VIDEO), let videoStream = input.stream(videoIndex) else {
            throw MediaError(kind: .notVideo, stage: stage, reason: "no video stream", path: job.inputPath)
        }
        let audioIndex = input.bestStream(AVMEDIA_TYPE_AUDIO, related: Int32(videoIndex))
        let decoder = try CodecContext.decoder(for: videoStream, threads: 0, stage: stage, path: job.inputPath)
        let frameRate = av_guess_frame_rate(input.context, videoStream, nil)
        // Output time zero is the first video frame; audio is shifted by the same amount.
        let start = videoStream.pointee.start_time == loom_av_nopts_value() ? 0 : videoStream.pointee.start_time

        let output = try OutputContainer(path: job.outputPath, formatName: job.containerFormat, stage: stage)
        let video = try VideoRenditionEncoder(
            source: videoStream, sourceStart: start, frameRate: frameRate, rendition: job.rendition,
            encoderName: job.encoder, settings: job.settings, decoder: decoder, output: output, stage: stage)
        var audio: AudioRenditionPath?
        if job.includeAudio, let audioIndex, let audioStream = input.stream(audioIndex) {
            let audioStart = av_rescale_q(start, videoStream.pointee.time_base, audioStream.pointee.time_base)
            audio = try AudioRenditionPath(source: audioStream, sourceStart: audioStart, settings: job.settings,
                                           output: output, stage: stage)
        }
        try output.begin(options: job.muxerOptions)

        let packet = try LibavPacket(stage: stage)
        let frame = try LibavFrame(stage: stage)
        while try input.read(into: packet, stage: stage) {
            defer { packet.unref() }
            let index = Int(packet.pointer.pointee.stream_index)
            if index == videoIndex {
                try decoder.decode(packet.pointer, into: frame) { decoded throws(MediaError) in try video.encode(decoded) }
            } else if let audio, index == audioIndex {
                try audio.handle(packet)
            }
        }
        try decoder.decode(nil, into: frame) { decoded throws(MediaError) in try video.encode(decoded) }
        try video.flush()
        try audio?.finish()
        try output.finish()

        let bytes = (try? FileManager.default.attributesOfItem(atPath: job.outputPath)[.size] as? NSNumber)?.int64Value ?? 0
        return Rendition(
            profile: job.rendition.profile.name, path: job.outputPath,
            width: job.rendition.width, height: job.rendition.height,
            videoEncoder: job.encoder, videoCodec: LibavText.codecName(video.encoder.codec.pointee.id),
            videoFrames: video.framesWritten, videoDurationSeconds: video.durationSeconds,
            audio: audio?.handling ?? .none, audioCodec: audio?.codecName, bytes: bytes)
    }
}

/// Runs rendition jobs, one thread per job when `parallel` (seed §2.1 "Transcoding Stage /
/// Parallel Profiles"), else one after another on the caller's thread. Only values cross
/// threads: each job's libav objects are created, used and freed on its own thread.
enum ParallelRenditions {
    static func run(_ jobs: [RenditionJob], parallel: Bool) -> [Result<Rendition, MediaError>] {
        guard parallel, jobs.count > 1 else {
            return jobs.map { job in Result { () throws(MediaError) in try RenditionPipeline.run(job) } }
        }
        let results = ResultSlots(count: jobs.count)
        let group = DispatchGroup()
        for (index, job) in jobs.enumerated() {
            group.enter()
            let thread = Thread {
                let result = Result { () throws(MediaError) in try RenditionPipeline.run(job) }
                results.set(index, result)
                group.leave()
            }
            thread.name = "loomsim.transcode.\(job.rendition.profile.name)"
            // libav and x264 are stack-hungry; Foundation's default secondary-thread stack is small.
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        return results.all()
    }
}

/// Result slots filled from profile threads; the lock makes the hand-off safe.
private final class ResultSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<Rendition, MediaError>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<Rendition, MediaError>) {
        lock.lock()
        slots[index] = result
        lock.unlock()
    }

    func all() -> [Result<Rendition, MediaError>] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0 ?? .failure(MediaError(kind: .processing, stage: .transcode, reason: "profile thread produced no result")) }
    }
}
