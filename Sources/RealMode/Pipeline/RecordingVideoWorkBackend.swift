import LoomServices

/// The decisions the service made for one job, as its backend saw them: what the parity test
/// compares between the simulated and the real run, and what the journal keeps per job.
public struct JobDecision: Sendable, Equatable {
    public var jobID: UInt64
    /// The job's input key in real mode (its request's media reference).
    public var mediaReference: String?
    public var priority: JobPriority?
    public var strategy: ProcessingStrategy?
    /// The devices its work ran on, in order (CPU worker pods or GPUs).
    public var devices: [VideoDevice] = []
    /// The encoder used (real mode).
    public var encoder: String?
    /// Device stays started (more than one after a failure or an interruption).
    public var attempts = 0
    public var validations = 0
    public var uploads = 0
}

/// A `VideoWorkBackend` that forwards to another and records, per job, the service's
/// decisions (priority, strategy, devices) and each terminal state, on the loop. Both runtimes
/// use it, so their decisions can be compared job by job.
public final class RecordingVideoWorkBackend: VideoWorkBackend {
    public let inner: any VideoWorkBackend
    public var name: String { inner.name }
    /// Decisions by job id.
    public private(set) var decisions: [UInt64: JobDecision] = [:]
    /// Called when a job reaches its terminal state, before the service's own `onJobFinished`.
    public var onFinished: ((VideoWorkItem, TerminalState, JobDecision) -> Void)?
    /// The runtime's clock in seconds; when set, each stage call's start and end are kept in `phases`.
    public var clock: (() -> Double)?
    /// When each job's stages started and ended (by job id; set only with a `clock`).
    public private(set) var phases: [UInt64: JobPhases] = [:]

    public init(_ inner: any VideoWorkBackend) {
        self.inner = inner
    }

    private func touch(_ job: VideoWorkItem, _ update: (inout JobDecision) -> Void) {
        var d = decisions[job.jobID] ?? JobDecision(jobID: job.jobID, mediaReference: job.request.mediaReference)
        d.priority = job.priority
        d.strategy = job.strategy
        update(&d)
        decisions[job.jobID] = d
    }

    /// Records the encoder a device stay used (the real backend reports it).
    public func noteEncoder(_ encoder: String, jobID: UInt64) {
        decisions[jobID]?.encoder = encoder
    }

    public func validate(_ job: VideoWorkItem, completion: @escaping (VideoValidationOutcome) -> Void) {
        touch(job) { $0.validations += 1 }
        guard let clock else { return inner.validate(job, completion: completion) }
        let id = job.jobID
        phases[id, default: JobPhases()].validation.append(StagePhase(start: clock()))
        inner.validate(job) { [unowned self] outcome in
            self.phases[id]?.validation.endLast(clock())
            completion(outcome)
        }
    }

    public func startDeviceWork(_ job: VideoWorkItem, on device: VideoDevice, modelledSeconds: Double,
                                completion: @escaping (VideoDeviceOutcome) -> Void) -> VideoWorkHandle {
        touch(job) {
            $0.devices.append(device)
            $0.attempts += 1
        }
        guard let clock else { return inner.startDeviceWork(job, on: device, modelledSeconds: modelledSeconds, completion: completion) }
        let id = job.jobID
        phases[id, default: JobPhases()].device.append(StagePhase(start: clock()))
        return inner.startDeviceWork(job, on: device, modelledSeconds: modelledSeconds) { [unowned self] outcome in
            self.phases[id]?.device.endLast(clock())
            completion(outcome)
        }
    }

    public func cancel(_ handle: VideoWorkHandle) { inner.cancel(handle) }

    public func intermediatesLost(_ job: VideoWorkItem, stage: VideoStage) -> Bool {
        inner.intermediatesLost(job, stage: stage)
    }

    public func upload(_ job: VideoWorkItem, bytes: Double, completion: @escaping (VideoUploadOutcome) -> Void) {
        touch(job) { $0.uploads += 1 }
        guard let clock else { return inner.upload(job, bytes: bytes, completion: completion) }
        let id = job.jobID
        phases[id, default: JobPhases()].upload.append(StagePhase(start: clock()))
        inner.upload(job, bytes: bytes) { [unowned self] outcome in
            self.phases[id]?.upload.endLast(clock())
            completion(outcome)
        }
    }

    public func jobFinished(_ job: VideoWorkItem, state: TerminalState) {
        touch(job) { _ in }
        inner.jobFinished(job, state: state)
        onFinished?(job, state, decisions[job.jobID]!)
    }
}
