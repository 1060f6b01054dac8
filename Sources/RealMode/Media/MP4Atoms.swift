import Foundation

/// A top-level box ("atom") of an ISO-BMFF / MP4 file.
public struct MP4Atom: Sendable, Equatable {
    /// Four-character type: "ftyp", "moov", "mdat", "free".
    public var type: String
    public var offset: Int64
    public var size: Int64
}

/// Reads the top-level box layout of an MP4 file (ISO/IEC 14496-12 §4.2: 32-bit size +
/// type, size 1 → 64-bit size follows, size 0 → to end of file). Used to check that outputs
/// are "fast start": `moov` (the index) before `mdat` (the media), which is what
/// `movflags=+faststart` promises and what lets a player start before the download ends.
public enum MP4Atoms {
    public static func topLevel(path: String) throws(MediaError) -> [MP4Atom] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw MediaError(kind: .io, stage: .upload, reason: "cannot open file", path: path)
        }
        defer { try? handle.close() }
        let fileSize: Int64
        do {
            fileSize = Int64(try handle.seekToEnd())
        } catch {
            throw MediaError(kind: .io, stage: .upload, reason: "cannot size file: \(error)", path: path)
        }
        var atoms: [MP4Atom] = []
        var offset: Int64 = 0
        while offset + 8 <= fileSize {
            let header: Data
            do {
                try handle.seek(toOffset: UInt64(offset))
                header = try handle.read(upToCount: 16) ?? Data()
            } catch {
                throw MediaError(kind: .io, stage: .upload, reason: "cannot read box header: \(error)", path: path)
            }
            let bytes = [UInt8](header)
            guard bytes.count >= 8 else { break }
            var size = Int64(bigEndian: bytes, at: 0, count: 4)
            let type = String(decoding: bytes[4..<8], as: UTF8.self)
            if size == 1 {
                guard bytes.count >= 16 else { break }
                size = Int64(bigEndian: bytes, at: 8, count: 8)
            } else if size == 0 {
                size = fileSize - offset
            }
            guard size >= 8, offset + size <= fileSize else {
                throw MediaError(kind: .corrupt, stage: .upload,
                                 reason: "box '\(type)' at \(offset) claims \(size) bytes; file has \(fileSize)", path: path)
            }
            atoms.append(MP4Atom(type: type, offset: offset, size: size))
            offset += size
        }
        return atoms
    }

    /// True when the file has both `moov` and `mdat` and the first `moov` comes first.
    public static func isFastStart(path: String) throws(MediaError) -> Bool {
        let atoms = try topLevel(path: path)
        guard let moov = atoms.firstIndex(where: { $0.type == "moov" }),
              let mdat = atoms.firstIndex(where: { $0.type == "mdat" }) else { return false }
        return moov < mdat
    }
}

extension Int64 {
    /// A big-endian unsigned integer of `count` bytes at `start`.
    init(bigEndian bytes: [UInt8], at start: Int, count: Int) {
        var value: Int64 = 0
        for byte in bytes[start..<(start + count)] { value = value << 8 | Int64(byte) }
        self = value
    }
}
