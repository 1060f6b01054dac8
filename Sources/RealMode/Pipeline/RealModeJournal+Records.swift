import Foundation
import GRDB
import LoomServices

// The rows of the real-mode journal (`RealModeJournal`), as values.

/// A job as registered: its input, arrival offset and request attributes.
struct RealJobSpec: Sendable {
    var key: String
    var sequence: Int
    var inputPath: String
    var arrivalOffset: Double
    var userTier: String
    var isLive: Bool
    var priority: JobPriority?
}

/// One row of the `jobs` table.
public struct RealJobRecord: Sendable, Equatable {
    public var key: String
    public var sequence: Int
    public var inputPath: String
    public var arrivalOffset: Double
    public var userTier: String
    public var isLive: Bool
    public var priorityOverride: JobPriority?
    /// "pending", "arrived", or a terminal category ("completed", "dead_lettered", "failed", "dropped").
    public var state: String
    public var reason: String?
    public var detail: String?
    public var priority: String?
    public var strategy: String?
    public var device: String?
    public var encoder: String?
    public var attempts: Int
    public var arrivedRun: Int?
    public var finishedRun: Int?
    public var latencySeconds: Double?
    /// Terminal writes: 1 for every finished job, 0 for an unfinished one.
    public var terminalCount: Int

    init(row: Row) {
        key = row["key"]
        sequence = row["seq"]
        inputPath = row["input_path"]
        arrivalOffset = row["arrival_offset"]
        userTier = row["user_tier"]
        isLive = (row["is_live"] as Int? ?? 0) != 0
        priorityOverride = (row["priority_override"] as Int?).flatMap(JobPriority.init(rawValue:))
        state = row["state"]
        reason = row["reason"]
        detail = row["detail"]
        priority = row["priority"]
        strategy = row["strategy"]
        device = row["device"]
        encoder = row["encoder"]
        attempts = row["attempts"]
        arrivedRun = row["arrived_run"]
        finishedRun = row["finished_run"]
        latencySeconds = row["latency_seconds"]
        terminalCount = row["terminal_count"]
    }

    public var isTerminal: Bool { !["pending", "arrived"].contains(state) }

    /// The terminal state as the ledger records it, once finished.
    public var terminalState: TerminalState? {
        switch state {
        case "completed": return .completed
        case "failed": return .failed(reason: reason ?? "")
        case "dead_lettered": return .deadLettered(reason: reason ?? "")
        case "dropped": return .dropped(reason: reason ?? "")
        default: return nil
        }
    }
}

/// One intermediate or output file and its checksum, as a checkpoint lists it.
public struct CheckedFile: Sendable, Equatable, Codable {
    public var path: String
    public var sha256: String
    public var bytes: Int64

    /// Hashes `path` now.
    static func measure(_ path: String) throws(MediaError) -> CheckedFile {
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
        return CheckedFile(path: path, sha256: try FileDigest.sha256Hex(ofFileAt: path), bytes: bytes)
    }

    /// Nil when the file is there with the recorded size and SHA-256; else what is wrong.
    func problem() -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return "\(path) is missing" }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? -1
        guard size == bytes else { return "\(path) has \(size) bytes, the checkpoint recorded \(bytes)" }
        guard let digest = try? FileDigest.sha256Hex(ofFileAt: path) else { return "\(path) cannot be read" }
        return digest == sha256 ? nil : "\(path) fails its SHA-256 check (corrupt)"
    }
}

/// A finished stage of one job: its files with checksums and its result (JSON).
public struct StageCheckpoint: Sendable, Equatable {
    public var jobKey: String
    public var stage: VideoStage
    public var files: [CheckedFile]
    /// The stage's output as JSON (`MediaInfo`, `TranscodeResult`, `OptimizationResult`, `OriginManifest`).
    public var result: String
    /// Wall seconds the stage took.
    public var seconds: Double

    init(jobKey: String, stage: VideoStage, files: [CheckedFile], result: String, seconds: Double) {
        self.jobKey = jobKey
        self.stage = stage
        self.files = files
        self.result = result
        self.seconds = seconds
    }

    init(row: Row) {
        jobKey = row["job_key"]
        let name: String = row["stage"]
        stage = VideoStage.allCases.first { $0.description == name } ?? .validation
        let text: String = row["files"]
        files = (try? JSONDecoder().decode([CheckedFile].self, from: Data(text.utf8))) ?? []
        result = row["result"]
        seconds = row["seconds"]
    }

    /// Nil when every file is intact; else the first problem found.
    public func problem() -> String? {
        for file in files { if let p = file.problem() { return p } }
        return nil
    }

    /// The result decoded as `T`.
    func decoded<T: Decodable>(_ type: T.Type) -> T? {
        try? JSONDecoder().decode(T.self, from: Data(result.utf8))
    }
}
