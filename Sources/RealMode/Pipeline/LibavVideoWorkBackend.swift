import Dispatch
import Foundation
import LoomServices

/// One input a real-mode run processes: its key (the job's media reference, the origin folder's
/// name) and its file.
public struct RealModeInput: Sendable, Equatable {
    public var key: String
    public var path: String

    public init(key: String, path: String) {
        self.key = key
        self.path = path
    }
}

/// Real mode's `VideoWorkBackend`: the same service calls, done with libav on worker threads
/// (`WallClockRuntime.perform`), each outcome posted back onto the wall-clock loop.
///
/// - validation: `MediaProbe` (open, probe, demux every packet, decode the first frame); a
///   rejection carries libav's reason;
/// - device work: transcoding of the plan's renditions in parallel with the strategy's preset,
///   CRF, maximum height and threads — NVENC (`h264_nvenc`) when the GPU manager placed the job
///   on a GPU, libx264 on a CPU worker — then optimization (poster, key-frame indexes);
/// - upload: into the origin folder with a SHA-256 manifest.
///
/// Each stage's checkpoint goes to the journal as the stage ends (`RealPipelineStages`), so the
/// recovery check (`intermediatesLost`) and a restarted process can verify the intermediates'
/// checksums and redo what is missing or corrupt. Device work cannot be stopped half-way inside
/// libav: a cancelled stay finishes its current encode on its thread, commits no checkpoint,
/// and its result is discarded.
public final class LibavVideoWorkBackend: VideoWorkBackend {
    public var name: String { "libav" }

    let runtime: WallClockRuntime
    let stages: RealPipelineStages
    /// One serial queue per job: its stages run one after the other on a thread of their own
    /// (serial queues get a thread each; a shared concurrent queue would cap the stages in
    /// progress at the core count and make a short validation wait behind long encodes).
    private var queues: [UInt64: DispatchQueue] = [:]
    /// Threads each job's encoders may use (the strategy's thread count on this machine).
    public let threadsPerJob: Int
    /// The NVENC encoder to use on GPUs (nil: no usable NVENC; GPU-placed work would be
    /// encoded on the CPU with a notice).
    public let gpuEncoder: String?
    private var inputs: [String: RealModeInput] = [:]
    private var nextTicket: UInt64 = 1
    private var running: [UInt64: AbandonFlag] = [:]
    private var abandoned: Set<UInt64> = []
    /// Every stage report, on the loop, as it arrives (timings, resumed and redone stages).
    var onReport: ((VideoWorkItem, VideoStage, StageReport) -> Void)?

    static let validatedKind = EventKind("real.validated")
    static let deviceDoneKind = EventKind("real.device_done")
    static let uploadedKind = EventKind("real.uploaded")

    init(runtime: WallClockRuntime, stages: RealPipelineStages, threadsPerJob: Int, gpuEncoder: String?) {
        self.runtime = runtime
        self.stages = stages
        self.threadsPerJob = max(1, threadsPerJob)
        self.gpuEncoder = gpuEncoder
    }

    private func queue(for job: VideoWorkItem) -> DispatchQueue {
        if let q = queues[job.jobID] { return q }
        let q = DispatchQueue(label: "loomsim.real.job-\(job.jobID)", qos: .userInitiated)
        queues[job.jobID] = q
        return q
    }

    /// Makes `input` known; a job's request names it by `mediaReference == input.key`.
    public func add(_ input: RealModeInput) { inputs[input.key] = input }

    private func input(for job: VideoWorkItem) -> RealModeInput? { job.request.mediaReference.flatMap { inputs[$0] } }

    // MARK: VideoWorkBackend

    public func validate(_ job: VideoWorkItem, completion: @escaping (VideoValidationOutcome) -> Void) {
        let input = input(for: job)
        let key = input?.key ?? "job-\(job.jobID)", path = input?.path ?? ""
        let stages = self.stages
        runtime.perform(Self.validatedKind, entity: job.jobID, on: queue(for: job), work: { () -> StageReport in
            guard !path.isEmpty else {
                return StageReport(jobKey: key, error: MediaError(kind: .invalidRequest, stage: .validate,
                                                                 reason: "the job names no known input"))
            }
            return stages.validate(key: key, inputPath: path)
        }, then: { [weak self] report in
            self?.onReport?(job, .validation, report)
            guard !job.isFinished else { return }
            if let error = report.error {
                completion(.rejected(reason: Self.rejection(error)))
            } else {
                completion(.valid)
            }
        })
    }

    /// The ledger's reason for a rejected source: `invalid-source: <kind>: <libav's reason>`
    /// (the full error, with libav's logged detail and the path, goes to the journal).
    static func rejection(_ error: MediaError) -> String {
        "invalid-source: \(error.kind.rawValue): \(error.reason)"
    }

    public func startDeviceWork(_ job: VideoWorkItem, on device: VideoDevice, modelledSeconds: Double,
                                completion: @escaping (VideoDeviceOutcome) -> Void) -> VideoWorkHandle {
        let ticket = nextTicket
        nextTicket += 1
        let flag = AbandonFlag()
        running[ticket] = flag
        let input = input(for: job)
        let key = input?.key ?? "job-\(job.jobID)", path = input?.path ?? ""
        let settings = transcodeSettings(for: job.strategy, device: device)
        let profiles = Self.profiles(heights: job.renditionHeights, sourceHeight: job.request.sourceHeight)
        let stages = self.stages
        runtime.perform(Self.deviceDoneKind, entity: job.jobID, on: queue(for: job), work: { () -> StageReport in
            stages.deviceWork(key: key, inputPath: path, profiles: profiles, settings: settings, attempt: ticket, abandoned: flag)
        }, then: { [weak self] report in
            guard let self else { return }
            self.running[ticket] = nil
            if self.abandoned.remove(ticket) != nil { return }
            self.onReport?(job, .transcoding, report)
            if let error = report.error {
                completion(.failed(reason: "processing-error: \(error.kind.rawValue): \(error.reason)"))
            } else {
                completion(.completed(deviceSeconds: report.seconds))
            }
        })
        return VideoWorkHandle(ticket: ticket)
    }

    public func cancel(_ handle: VideoWorkHandle) {
        guard let flag = running[handle.ticket] else { return }
        flag.set()
        abandoned.insert(handle.ticket)
    }

    public func intermediatesLost(_ job: VideoWorkItem, stage: VideoStage) -> Bool {
        guard let key = input(for: job)?.key else { return false }
        guard let lost = stages.lostIntermediate(key: key, before: stage) else { return false }
        stages.journal.record(event: "lost", job: key, detail: "\(lost.stage): \(lost.why)", run: stages.run)
        return true
    }

    public func jobFinished(_ job: VideoWorkItem, state: TerminalState) {
        queues[job.jobID] = nil
    }

    public func upload(_ job: VideoWorkItem, bytes: Double, completion: @escaping (VideoUploadOutcome) -> Void) {
        let key = input(for: job)?.key ?? "job-\(job.jobID)"
        let stages = self.stages
        let origin = stages.layout.originDirectory
        runtime.perform(Self.uploadedKind, entity: job.jobID, on: queue(for: job), work: { () -> StageReport in
            stages.upload(key: key, originDirectory: origin)
        }, then: { [weak self] report in
            self?.onReport?(job, .upload, report)
            if let error = report.error {
                completion(.failed(reason: "upload-failed: \(error.kind.rawValue): \(error.reason)"))
            } else {
                completion(.stored)
            }
        })
    }

    // MARK: Settings

    /// The strategy's settings (seed §2.4.1) on this machine: preset, CRF, maximum height and
    /// threads; NVENC on a GPU (its presets p1/p4/p6 for ultrafast/medium/slow), else the best
    /// software H.264 encoder.
    func transcodeSettings(for strategy: ProcessingStrategy?, device: VideoDevice) -> TranscodeSettings {
        let s = AdaptiveProcessingPolicy.settings(for: strategy ?? .balanced, cpuCount: threadsPerJob)
            ?? AdaptiveProcessingPolicy.settings(for: .fast, cpuCount: threadsPerJob)!
        var settings = TranscodeSettings(preset: s.preset, crf: s.crf, maxHeight: s.maxResolutionLines,
                                         threads: s.threads, parallelProfiles: true)
        if case .gpu = device, let gpuEncoder {
            settings.videoEncoder = gpuEncoder
            settings.preset = ["ultrafast": "p1", "medium": "p4", "slow": "p6"][s.preset] ?? "p4"
        }
        return settings
    }

    /// One profile per planned rendition height ("720p"); the source's height when the plan
    /// has none.
    static func profiles(heights: [Int], sourceHeight: Int) -> [TranscodeProfile] {
        let list = heights.isEmpty ? [max(2, sourceHeight)] : heights
        return list.map { TranscodeProfile.height($0) }
    }
}
