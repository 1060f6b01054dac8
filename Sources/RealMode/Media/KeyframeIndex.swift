import CFFmpeg
import Foundation

/// One key frame of a rendition: where a player can start decoding.
public struct KeyframeEntry: Sendable, Equatable, Codable {
    /// Presentation timestamp in the stream's time base.
    public var pts: Int64
    /// Seconds from the start of the video (microsecond precision).
    public var seconds: Double
    /// Byte offset of the key frame's packet in the file (for byte-range requests), when known.
    public var byteOffset: Int64?
}

/// The key frames of a rendition's video stream, in presentation order: what the
/// optimization stage writes as `<profile>.keyframes.json` so seeking and segmenting need not
/// re-scan the file. Built by demuxing only (`av_read_frame`, `AV_PKT_FLAG_KEY`): no decoding.
public struct KeyframeIndex: Sendable, Equatable, Codable {
    /// The indexed file's name (not its path: the index travels with the file).
    public var file: String
    public var streamIndex: Int
    /// The stream time base, "1/15360".
    public var timeBase: String
    public var frameCount: Int
    public var durationSeconds: Double
    public var keyframes: [KeyframeEntry]

    /// Scans `path` and lists its video key frames.
    public static func scan(path: String, stage: MediaStage = .optimize) throws(MediaError) -> KeyframeIndex {
        let input = try InputContainer(path: path, stage: stage, kindOnFailure: .unreadable)
        guard let index = input.bestStream(AVMEDIA_TYPE_VIDEO), let stream = input.stream(index) else {
            throw MediaError(kind: .notVideo, stage: stage, reason: "no video stream to index", path: path)
        }
        let timeBase = stream.pointee.time_base
        let start = stream.pointee.start_time == loom_av_nopts_value() ? 0 : stream.pointee.start_time
        let packet = try LibavPacket(stage: stage)
        var entries: [KeyframeEntry] = []
        var frames = 0
        var end: Int64 = 0
        while try input.read(into: packet, stage: stage) {
            defer { packet.unref() }
            let pkt = packet.pointer.pointee
            guard Int(pkt.stream_index) == index else { continue }
            frames += 1
            let pts = pkt.pts != loom_av_nopts_value() ? pkt.pts : pkt.dts
            guard pts != loom_av_nopts_value() else { continue }
            end = max(end, pts + max(0, pkt.duration))
            if pkt.flags & AV_PKT_FLAG_KEY != 0 {
                entries.append(KeyframeEntry(pts: pts, seconds: microseconds(Double(pts - start) * av_q2d(timeBase)),
                                             byteOffset: pkt.pos >= 0 ? pkt.pos : nil))
            }
        }
        entries.sort { $0.pts < $1.pts }
        return KeyframeIndex(file: URL(fileURLWithPath: path).lastPathComponent, streamIndex: index,
                             timeBase: "\(timeBase.num)/\(timeBase.den)", frameCount: frames,
                             durationSeconds: microseconds(Double(end - start) * av_q2d(timeBase)), keyframes: entries)
    }

    /// The index as JSON with sorted keys: the same file always gives the same bytes.
    public func jsonData() throws(MediaError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return try encoder.encode(self)
        } catch {
            throw MediaError(kind: .processing, stage: .optimize, reason: "cannot encode key-frame index: \(error)")
        }
    }

    /// Writes `jsonData()` to `path`.
    public func write(to path: String) throws(MediaError) {
        let data = try jsonData()
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw MediaError(kind: .io, stage: .optimize, reason: "cannot write key-frame index: \(error)", path: path)
        }
    }

    /// Rounds to whole microseconds, so the JSON does not print binary-fraction noise.
    static func microseconds(_ seconds: Double) -> Double { (seconds * 1_000_000).rounded() / 1_000_000 }
}
