import CFFmpeg
import Foundation

/// SHA-256 of a file through libavutil's `av_sha` (optimized C), for the checkpoints' checksums:
/// every intermediate is hashed when its stage ends and again whenever a checkpoint is trusted,
/// so the hash must be fast in debug builds too. The digest is the same as `SHA256.hex(ofFileAt:)`
/// (and `sha256sum`).
enum FileDigest {
    static func sha256Hex(ofFileAt path: String) throws(MediaError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw MediaError(kind: .io, stage: .upload, reason: "cannot open file for hashing", path: path)
        }
        defer { try? handle.close() }
        guard let context = av_sha_alloc() else { throw .outOfMemory("AVSHA", stage: .upload) }
        defer { av_free(UnsafeMutableRawPointer(context)) }
        guard av_sha_init(context, 256) == 0 else {
            throw MediaError(kind: .processing, stage: .upload, reason: "av_sha_init(256) failed")
        }
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                chunk.withUnsafeBytes { raw in
                    av_sha_update(context, raw.bindMemory(to: UInt8.self).baseAddress, raw.count)
                }
            }
        } catch {
            throw MediaError(kind: .io, stage: .upload, reason: "cannot read file for hashing: \(error)", path: path)
        }
        var digest = [UInt8](repeating: 0, count: 32)
        digest.withUnsafeMutableBufferPointer { av_sha_final(context, $0.baseAddress) }
        return SHA256.hexString(digest)
    }
}
