import Foundation

/// One published file in an origin manifest.
public struct ManifestEntry: Sendable, Equatable, Codable {
    /// File name inside the job's folder.
    public var name: String
    public var kind: OriginFileKind
    public var profile: String?
    public var bytes: Int64
    /// Lowercase hex SHA-256 of the contents, as `sha256sum` prints it.
    public var sha256: String
}

/// The manifest of one job's folder on the origin (`<origin>/<jobID>/manifest.json`): what
/// a CDN pulls and what a recovery check verifies (seed §7.2 checks intermediate files by
/// size and checksum before trusting them).
public struct OriginManifest: Sendable, Equatable, Codable {
    public var jobID: String
    /// The job's folder.
    public var directory: String
    public var manifestPath: String
    /// Sorted by name, so the manifest's bytes depend only on the files.
    public var files: [ManifestEntry]
}

/// The upload stage ("CDN Distribution", seed §2.1), against a directory that stands for the
/// origin: copy the files into a hidden staging folder, hash them, write `manifest.json`, then
/// rename the folder into place. The rename is atomic, so a reader (or a crash) never sees a
/// half-published job; re-uploading a job replaces its folder.
enum OriginUploader {
    static let manifestName = "manifest.json"

    static func upload(_ request: UploadRequest) throws(MediaError) -> OriginManifest {
        guard TranscodePlan.isSafeName(request.jobID) else {
            throw MediaError(kind: .invalidRequest, stage: .upload, reason: "job id '\(request.jobID)' is not a safe folder name")
        }
        let names = request.items.map { URL(fileURLWithPath: $0.path).lastPathComponent }
        guard Set(names).count == names.count, !names.contains(manifestName) else {
            throw MediaError(kind: .invalidRequest, stage: .upload, reason: "upload items must have distinct names other than \(manifestName)")
        }
        let files = FileManager.default
        let origin = URL(fileURLWithPath: request.originDirectory, isDirectory: true)
        let final = origin.appendingPathComponent(request.jobID, isDirectory: true)
        let staging = origin.appendingPathComponent(".\(request.jobID).staging", isDirectory: true)
        do {
            try files.createDirectory(at: origin, withIntermediateDirectories: true)
            if files.fileExists(atPath: staging.path) { try files.removeItem(at: staging) }
            try files.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw MediaError(kind: .io, stage: .upload, reason: "cannot prepare origin folder: \(error)", path: staging.path)
        }
        var entries: [ManifestEntry] = []
        for (item, name) in zip(request.items, names) {
            let target = staging.appendingPathComponent(name)
            do {
                try files.copyItem(at: URL(fileURLWithPath: item.path), to: target)
            } catch {
                try? files.removeItem(at: staging)
                throw MediaError(kind: .io, stage: .upload, reason: "cannot copy to origin: \(error)", path: item.path)
            }
            let bytes = (try? files.attributesOfItem(atPath: target.path)[.size] as? NSNumber)?.int64Value ?? 0
            let digest: String
            do {
                digest = try SHA256.hex(ofFileAt: target.path)
            } catch {
                try? files.removeItem(at: staging)
                throw error
            }
            entries.append(ManifestEntry(name: name, kind: item.kind, profile: item.profile, bytes: bytes, sha256: digest))
        }
        entries.sort { $0.name < $1.name }
        var manifest = OriginManifest(jobID: request.jobID, directory: final.path,
                                      manifestPath: final.appendingPathComponent(manifestName).path, files: entries)
        do {
            try encodeManifest(manifest).write(to: staging.appendingPathComponent(manifestName))
            if files.fileExists(atPath: final.path) { try files.removeItem(at: final) }
            try files.moveItem(at: staging, to: final)
        } catch {
            try? files.removeItem(at: staging)
            throw MediaError(kind: .io, stage: .upload, reason: "cannot publish job folder: \(error)", path: final.path)
        }
        manifest.directory = final.path
        return manifest
    }

    /// `manifest.json`: the job id and its files, with sorted keys (stable bytes). Paths on this
    /// machine are left out: the manifest describes the folder, wherever it is served from.
    static func encodeManifest(_ manifest: OriginManifest) throws -> Data {
        struct Document: Encodable {
            var jobID: String
            var files: [ManifestEntry]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(Document(jobID: manifest.jobID, files: manifest.files))
    }

    /// Reads a published `manifest.json` back.
    static func readManifest(at path: String) throws(MediaError) -> (jobID: String, files: [ManifestEntry]) {
        struct Document: Decodable {
            var jobID: String
            var files: [ManifestEntry]
        }
        do {
            let document = try JSONDecoder().decode(Document.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            return (document.jobID, document.files)
        } catch {
            throw MediaError(kind: .io, stage: .upload, reason: "cannot read manifest: \(error)", path: path)
        }
    }
}
