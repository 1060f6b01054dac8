import Foundation
import LoomServices

/// What one stage call on a worker thread did: its outcome, timings, and which stages were
/// taken from a checkpoint or redone because their intermediates were missing or corrupt.
struct StageReport: Sendable {
    var jobKey: String
    var error: MediaError?
    /// Wall seconds of the whole call.
    var seconds: Double = 0
    /// Wall seconds per stage actually run (validation, transcoding, optimization, upload).
    var stageSeconds: [VideoStage: Double] = [:]
    /// Seconds inside the encoder calls of the transcoding stage only.
    var encodeSeconds: Double = 0
    var resumed: [VideoStage] = []
    var redone: [(stage: VideoStage, why: String)] = []
    var encoder: String?
    var notices: [String] = []
    var frames = 0
}

/// The pipeline's stages as real mode runs them, each on a worker thread: libav does the
/// work (`LibavTranscodeBackend`), and a stage's checkpoint (its files with SHA-256 and its
/// result) is committed to the journal as it ends. Each call first looks for a checkpoint of
/// its stage and reuses it when every file checks out; otherwise it (re)does the stage, and
/// a redo removes the later stages' checkpoints, which depended on it (seed §2.3.1
/// `restartFromEarlierStage`). A value of Sendable parts: any thread may use it.
struct RealPipelineStages: Sendable {
    let journal: RealModeJournal
    let layout: RealModeLayout
    let media: LibavTranscodeBackend
    let validationDepth: ValidationDepth
    let thumbnail: ThumbnailOptions
    let run: Int

    init(journal: RealModeJournal, layout: RealModeLayout, validationDepth: ValidationDepth = .packets,
         thumbnail: ThumbnailOptions = ThumbnailOptions(), run: Int) {
        self.journal = journal
        self.layout = layout
        self.media = LibavTranscodeBackend()
        self.validationDepth = validationDepth
        self.thumbnail = thumbnail
        self.run = run
    }

    // MARK: Validation

    func validate(key: String, inputPath: String) -> StageReport {
        var report = StageReport(jobKey: key)
        let clock = ContinuousClock()
        let start = clock.now
        defer { report.seconds = Self.seconds(clock.now - start) }
        do throws(MediaError) {
            // A validation checkpoint lists the input with its checksum: a changed input is validated again.
            if let _: MediaInfo = reuse(key, .validation, report: &report) { return report }
            let info = try media.validate(ValidationRequest(jobID: key, inputPath: inputPath, depth: validationDepth))
            let input = try CheckedFile.measure(inputPath)
            let elapsed = Self.seconds(clock.now - start)
            try save(key, .validation, files: [input], result: info, seconds: elapsed)
            report.stageSeconds[.validation] = elapsed
        } catch {
            report.error = error
        }
        return report
    }

    // MARK: Transcoding and optimization (one stay on a device)

    /// `abandoned` is checked between stages and before each checkpoint: an attempt the
    /// service gave up on (preemption, a lost device) stops there and commits nothing more.
    func deviceWork(key: String, inputPath: String, profiles: [TranscodeProfile], settings: TranscodeSettings,
                    attempt: UInt64, abandoned: AbandonFlag = AbandonFlag()) -> StageReport {
        var report = StageReport(jobKey: key)
        let clock = ContinuousClock()
        let start = clock.now
        do throws(MediaError) {
            let transcoded = try ensureTranscoded(key: key, inputPath: inputPath, profiles: profiles, settings: settings,
                                                  attempt: attempt, abandoned: abandoned, report: &report)
            try abandoned.check(.optimize)
            _ = try ensureOptimized(key: key, transcoded: transcoded, attempt: attempt, abandoned: abandoned, report: &report)
        } catch {
            report.error = error
        }
        report.seconds = Self.seconds(clock.now - start)
        return report
    }

    func ensureTranscoded(key: String, inputPath: String, profiles: [TranscodeProfile], settings: TranscodeSettings,
                          attempt: UInt64, abandoned: AbandonFlag, report: inout StageReport) throws(MediaError) -> TranscodeResult {
        if let reused: TranscodeResult = reuse(key, .transcoding, report: &report) {
            report.encoder = reused.encoder.encoder
            return reused
        }
        let clock = ContinuousClock()
        let start = clock.now
        // Later stages were derived from the renditions this stage replaces.
        try? journal.removeCheckpoints(key, from: .transcoding)
        let directory = layout.attemptDirectory(key: key, attempt: "r\(run)-a\(attempt)", stage: "renditions")
        try? FileManager.default.removeItem(atPath: directory)
        let request = TranscodeRequest(jobID: key, inputPath: inputPath, workDirectory: directory,
                                       profiles: profiles, settings: settings)
        let result = try media.transcode(request)
        report.encodeSeconds = Self.seconds(clock.now - start)
        let files = try result.renditions.map { (r) throws(MediaError) in try CheckedFile.measure(r.path) }
        let elapsed = Self.seconds(clock.now - start)
        try abandoned.check(.transcode)
        try save(key, .transcoding, files: files, result: result, seconds: elapsed)
        report.stageSeconds[.transcoding] = elapsed
        report.encoder = result.encoder.encoder
        report.notices += result.notices
        report.frames = result.renditions.map(\.videoFrames).max() ?? 0
        return result
    }

    func ensureOptimized(key: String, transcoded: TranscodeResult, attempt: UInt64, abandoned: AbandonFlag,
                         report: inout StageReport) throws(MediaError) -> OptimizationResult {
        if let reused: OptimizationResult = reuse(key, .optimization, report: &report) { return reused }
        let clock = ContinuousClock()
        let start = clock.now
        try? journal.removeCheckpoints(key, from: .optimization)
        let directory = layout.attemptDirectory(key: key, attempt: "r\(run)-a\(attempt)", stage: "optimized")
        try? FileManager.default.removeItem(atPath: directory)
        let result = try media.optimize(OptimizeRequest(jobID: key, workDirectory: directory,
                                                        renditions: transcoded.renditions, thumbnail: thumbnail))
        var files = [try CheckedFile.measure(result.thumbnail.path)]
        for index in result.keyframeIndexes { files.append(try CheckedFile.measure(index.path)) }
        let elapsed = Self.seconds(clock.now - start)
        try abandoned.check(.optimize)
        try save(key, .optimization, files: files, result: result, seconds: elapsed)
        report.stageSeconds[.optimization] = elapsed
        return result
    }

    // MARK: Upload

    func upload(key: String, originDirectory: String) -> StageReport {
        var report = StageReport(jobKey: key)
        let clock = ContinuousClock()
        let start = clock.now
        defer { report.seconds = Self.seconds(clock.now - start) }
        do throws(MediaError) {
            if let _: OriginManifest = reuse(key, .upload, report: &report) { return report }
            guard let transcoded: TranscodeResult = intact(key, .transcoding),
                  let optimized: OptimizationResult = intact(key, .optimization) else {
                throw MediaError(kind: .io, stage: .upload, reason: "intermediates missing or corrupt")
            }
            let manifest = try media.upload(UploadRequest(jobID: key, originDirectory: originDirectory,
                                                          transcoded: transcoded, optimized: optimized))
            let checked = try CheckedFile.measure(manifest.manifestPath)
            let elapsed = Self.seconds(clock.now - start)
            try save(key, .upload, files: [checked], result: manifest, seconds: elapsed)
            report.stageSeconds[.upload] = elapsed
        } catch {
            report.error = error
        }
        return report
    }

    // MARK: Recovery check

    /// Seed `RecoverJob`: the first stage before `stage` whose checkpoint is missing or whose
    /// files fail their checks, with the reason; nil when everything `stage` relies on is intact.
    func lostIntermediate(key: String, before stage: VideoStage) -> (stage: VideoStage, why: String)? {
        for earlier in [VideoStage.transcoding, .optimization] where earlier < stage {
            guard let checkpoint = try? journal.checkpoint(key, earlier) else {
                return (earlier, "no \(earlier) checkpoint")
            }
            if let problem = checkpoint.problem() { return (earlier, problem) }
        }
        return nil
    }

    // MARK: Checkpoints

    /// The checkpoint of `stage` when it exists and every file checks out (recorded as a
    /// resumed stage); a checkpoint that fails its checks is recorded as a redo and removed,
    /// with the later stages' checkpoints.
    private func reuse<T: Decodable>(_ key: String, _ stage: VideoStage, report: inout StageReport) -> T? {
        guard let checkpoint = try? journal.checkpoint(key, stage) else { return nil }
        if let problem = checkpoint.problem() {
            report.redone.append((stage, problem))
            journal.record(event: "redone", job: key, detail: "\(stage): \(problem)", run: run)
            try? journal.removeCheckpoints(key, from: stage)
            return nil
        }
        guard let value = checkpoint.decoded(T.self) else {
            try? journal.removeCheckpoints(key, from: stage)
            return nil
        }
        report.resumed.append(stage)
        journal.record(event: "resumed", job: key, detail: "\(stage) from its checkpoint", run: run)
        return value
    }

    /// The checkpoint's result when its files are intact, without recording anything.
    private func intact<T: Decodable>(_ key: String, _ stage: VideoStage) -> T? {
        guard let checkpoint = try? journal.checkpoint(key, stage), checkpoint.problem() == nil else { return nil }
        return checkpoint.decoded(T.self)
    }

    private func save<T: Encodable>(_ key: String, _ stage: VideoStage, files: [CheckedFile], result: T,
                                    seconds: Double) throws(MediaError) {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let text = String(decoding: try encoder.encode(result), as: UTF8.self)
            try journal.saveCheckpoint(StageCheckpoint(jobKey: key, stage: stage, files: files, result: text, seconds: seconds),
                                       run: run)
        } catch {
            throw MediaError(kind: .io, stage: stage.mediaStage, reason: "cannot save the \(stage) checkpoint: \(error)")
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

/// Set on the loop when the service abandons a device stay; read by its worker thread.
final class AbandonFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() {
        lock.lock()
        value = true
        lock.unlock()
    }

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func check(_ stage: MediaStage) throws(MediaError) {
        if isSet { throw MediaError(kind: .processing, stage: stage, reason: "abandoned by the service (preempted or interrupted)") }
    }
}

/// Where a real-mode run keeps its files: `<work>/jobs/<key>/a<attempt>/<stage>/` for
/// intermediates, the origin folder for published outputs, and the journal.
public struct RealModeLayout: Sendable, Equatable {
    public var workDirectory: String
    public var originDirectory: String
    public var statePath: String
    /// Generated clips go here.
    public var generatedInputs: String

    public init(workDirectory: String, originDirectory: String? = nil, statePath: String? = nil) {
        self.workDirectory = workDirectory
        self.originDirectory = originDirectory ?? (workDirectory as NSString).appendingPathComponent("origin")
        self.statePath = statePath ?? (workDirectory as NSString).appendingPathComponent("state.sqlite")
        generatedInputs = (workDirectory as NSString).appendingPathComponent("inputs")
    }

    func jobDirectory(key: String) -> String {
        ((workDirectory as NSString).appendingPathComponent("jobs") as NSString).appendingPathComponent(key)
    }

    /// `attempt` names one process's attempt ("r2-a5": run 2, its fifth device stay), so a
    /// resumed run never writes over files an earlier run's checkpoint lists.
    func attemptDirectory(key: String, attempt: String, stage: String) -> String {
        ((jobDirectory(key: key) as NSString).appendingPathComponent(attempt) as NSString).appendingPathComponent(stage)
    }

    func create() throws {
        for dir in [workDirectory, originDirectory, (statePath as NSString).deletingLastPathComponent] where !dir.isEmpty {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
    }
}

extension VideoStage {
    var mediaStage: MediaStage {
        switch self {
        case .validation: return .validate
        case .transcoding: return .transcode
        case .optimization: return .optimize
        case .upload: return .upload
        }
    }
}
