/// The real services behind the recording saga's five steps (seed §6.2; issue 4 item 8), as
/// `SagaParticipant`s for a `SagaCoordinator`.
///
/// - store-recording: the media goes to object storage (`ObjectStore.put`, its size over the
///   store's bandwidth) and its metadata row to the recording service's PostgreSQL primary;
///   undone by deleting the object and the row. A row write that fails after the put deletes the
///   object again, so a failed step leaves nothing behind;
/// - enqueue-processing: a call to `recording->video-processing` through the recording service's
///   breaker (seed §1.3.1), whose reply submits the job (`trySubmitJob`, idempotent per saga id);
///   a full queue refuses the reply (a failed call for the breaker too); undone by `cancelJob`;
/// - transcription: a transcription request to the AI/ML service (its model cache, fallback
///   chain and GPUs); a degraded result (every model of the chain failed) fails the attempt;
///   undone by deleting the transcript row;
/// - notify: a call to `recording->notification` through its breaker;
/// - index-analytics: a call to `recording->analytics` through its breaker, whose reply ingests a
///   `recording_indexed` event into the analytics service (a dropped event fails the attempt).
///
/// A step fails for real when its service does: a fault on the endpoint (`dependencyErrors`,
/// `dependencyLatency` past the call timeout, `datastoreOutage` on `recording->…`), on the object
/// store or the database, a queue rejection, a degraded AI result, an open breaker. The
/// participants keep the effects each saga left (stored recordings, live jobs, transcripts) so
/// the run can check that a compensated saga left none (`RecordingSagaRun`).
public final class RecordingSagaParticipants {
    public let recording: RecordingService
    public let video: VideoProcessingService
    public let ai: AIMLService
    public let analytics: AnalyticsService
    /// Where recordings are stored: the video-processing service's bucket (its source media).
    public let objectStore: ObjectStore
    /// The model the transcription step asks for (its fallback chain applies).
    public let transcriptionModel: String

    let context: PlatformContext
    /// The recording of each saga in progress, by saga id.
    var recordings: [String: FinishedRecording] = [:]
    /// Sagas whose recording is stored (object and row) and not deleted.
    public private(set) var stored: Set<String> = []
    /// Sagas whose transcript is stored and not deleted.
    public private(set) var transcripts: Set<String> = []
    /// The processing job each saga enqueued.
    var jobs: [String: UInt64] = [:]
    /// Transcription commands already submitted (`sagaID#attempt`), so a resent command is not
    /// submitted twice.
    var transcriptionCommands: Set<String> = []
    let compensationCounters: [String: MetricsRecorder.Counter]
    let failureCounters: [String: MetricsRecorder.Counter]
    let lateEffects: MetricsRecorder.Counter

    static let notification = 1
    static let analyticsDependency = 2

    /// Throws `CrossServiceConfigurationError` when `transcriptionModel` is not in the AI catalogue.
    public init(recording: RecordingService, video: VideoProcessingService, ai: AIMLService, analytics: AnalyticsService,
                context: PlatformContext, transcriptionModel: String = "whisper-large-v2") throws {
        guard ai.modelIndex[transcriptionModel] != nil else {
            throw CrossServiceConfigurationError("saga: transcription model \(transcriptionModel) is not in the AI/ML catalogue")
        }
        self.recording = recording
        self.video = video
        self.ai = ai
        self.analytics = analytics
        self.objectStore = video.objectStore
        self.transcriptionModel = transcriptionModel
        self.context = context
        var compensations: [String: MetricsRecorder.Counter] = [:]
        var failures: [String: MetricsRecorder.Counter] = [:]
        for step in RecordingSaga.steps {
            failures[step.name] = context.metrics.registerCounter(metricKey("saga.step_failures", [("step", step.name)]), unit: "attempts")
            if step.compensation != nil {
                compensations[step.name] = context.metrics.registerCounter(metricKey("saga.compensations", [("step", step.name)]), unit: "steps")
            }
        }
        compensationCounters = compensations
        failureCounters = failures
        lateEffects = context.metrics.registerCounter("saga.late_effects_undone", unit: "effects")
        context.metrics.registerGauge("saga.stored_recordings", unit: "recordings") { [unowned self] in Double(self.stored.count) }
    }

    /// The participants by step name, for `SagaCoordinator`.
    public var participants: [String: SagaParticipant] {
        [
            RecordingSaga.storeRecording: SagaParticipant(
                execute: { [unowned self] id, _, done in self.store(id, self.counted(RecordingSaga.storeRecording, done)) },
                compensate: { [unowned self] id, done in self.deleteRecording(id, self.undone(RecordingSaga.storeRecording, done)) }),
            RecordingSaga.enqueueProcessing: SagaParticipant(
                execute: { [unowned self] id, _, done in self.enqueue(id, self.counted(RecordingSaga.enqueueProcessing, done)) },
                compensate: { [unowned self] id, done in self.cancelProcessing(id, self.undone(RecordingSaga.enqueueProcessing, done)) }),
            RecordingSaga.transcription: SagaParticipant(
                execute: { [unowned self] id, attempt, done in self.transcribe(id, attempt, self.counted(RecordingSaga.transcription, done)) },
                compensate: { [unowned self] id, done in self.deleteTranscript(id, self.undone(RecordingSaga.transcription, done)) }),
            RecordingSaga.notify: SagaParticipant(
                execute: { [unowned self] id, _, done in self.notifyOwner(id, self.counted(RecordingSaga.notify, done)) }),
            RecordingSaga.indexAnalytics: SagaParticipant(
                execute: { [unowned self] id, _, done in self.index(id, self.counted(RecordingSaga.indexAnalytics, done)) }),
        ]
    }

    /// Remembers the recording saga `sagaID` works on (before the saga starts).
    func begin(_ sagaID: String, _ recording: FinishedRecording) { recordings[sagaID] = recording }

    /// The saga ended: its recording is no longer worked on. Returns the effects it left that a
    /// compensated saga must not have (stored recording, live job, transcript).
    func end(_ sagaID: String) -> Int {
        recordings[sagaID] = nil
        var left = 0
        if stored.contains(sagaID) { left += 1 }
        if transcripts.contains(sagaID) { left += 1 }
        if let job = jobs.removeValue(forKey: sagaID), video.jobs[job] != nil { left += 1 }
        return left
    }

    typealias Completion = (Result<Void, SagaStepFailure>) -> Void

    private func counted(_ step: String, _ done: @escaping Completion) -> Completion {
        { [unowned self] result in
            if case .failure = result { self.context.metrics.add(self.failureCounters[step]!) }
            done(result)
        }
    }

    private func undone(_ step: String, _ done: @escaping Completion) -> Completion {
        { [unowned self] result in
            if case .success = result { self.context.metrics.add(self.compensationCounters[step]!) }
            done(result)
        }
    }

    static func failure(_ outcome: QueueingResource.Outcome) -> String {
        switch outcome {
        case .served: return "served"
        case .failed: return "error"
        case .rejected(let why): return why.rawValue
        }
    }

    // MARK: Steps

    func store(_ id: String, _ done: @escaping Completion) {
        guard let r = recordings[id] else { return done(.failure(SagaStepFailure(reason: "unknown-recording", retryable: false))) }
        if stored.contains(id) { return done(.success(())) }
        objectStore.put(bytes: r.sizeBytes, entity: r.sessionID) { [unowned self] outcome in
            guard outcome.isSuccess else { return done(.failure(SagaStepFailure(reason: "object-store-" + Self.failure(outcome)))) }
            self.recording.postgres.write(entity: r.sessionID) { [unowned self] result in
                if let failure = result.failure {
                    // The step is all or nothing: the object without its row goes again.
                    self.objectStore.delete(entity: r.sessionID) { _ in }
                    return done(.failure(SagaStepFailure(reason: "database-" + failure.rawValue)))
                }
                guard self.recordings[id] != nil else {
                    // An attempt that answers after its saga ended: nobody will undo it, so the
                    // service removes what it wrote.
                    self.context.metrics.add(self.lateEffects)
                    self.objectStore.delete(entity: r.sessionID) { _ in }
                    self.recording.postgres.write(entity: r.sessionID) { _ in }
                    return
                }
                self.stored.insert(id)
                done(.success(()))
            }
        }
    }

    func deleteRecording(_ id: String, _ done: @escaping Completion) {
        guard stored.contains(id), let r = recordings[id] else { return done(.success(())) }
        objectStore.delete(entity: r.sessionID) { [unowned self] outcome in
            guard outcome.isSuccess else { return done(.failure(SagaStepFailure(reason: "object-store-" + Self.failure(outcome)))) }
            self.recording.postgres.write(entity: r.sessionID) { [unowned self] result in
                if let failure = result.failure { return done(.failure(SagaStepFailure(reason: "database-" + failure.rawValue))) }
                self.stored.remove(id)
                done(.success(()))
            }
        }
    }

    func enqueue(_ id: String, _ done: @escaping Completion) {
        guard let r = recordings[id] else { return done(.failure(SagaStepFailure(reason: "unknown-recording", retryable: false))) }
        var refused = false
        let request = VideoJobRequest(userTier: r.userTier, durationSeconds: r.length.seconds, sourceHeight: r.settings.qualityLines,
                                      fileSizeBytes: Int64(r.sizeBytes))
        recording.dependencies[0].call(entity: r.sessionID, accept: { [unowned self] in
            switch self.video.trySubmitJob(request, idempotencyKey: id) {
            case .accepted(let job):
                if self.recordings[id] != nil {
                    self.jobs[id] = job
                } else {
                    self.context.metrics.add(self.lateEffects)
                    self.video.cancelJob(job)
                }
                return true
            case .rejected:
                refused = true
                return false
            }
        }) { result in
            switch result {
            case .succeeded: done(.success(()))
            case .failed(let reason): done(.failure(SagaStepFailure(reason: refused ? "queue-rejected" : "video-processing-" + reason)))
            case .notPermitted: done(.failure(SagaStepFailure(reason: "breaker-open")))
            }
        }
    }

    func cancelProcessing(_ id: String, _ done: @escaping Completion) {
        // A job that already ended has nothing left to withdraw; its renditions are the next
        // step's concern in a real system, and out of this model.
        video.cancelJob(idempotencyKey: id)
        done(.success(()))
    }

    func transcribe(_ id: String, _ attempt: Int, _ done: @escaping Completion) {
        guard let r = recordings[id] else { return done(.failure(SagaStepFailure(reason: "unknown-recording", retryable: false))) }
        guard transcriptionCommands.insert("\(id)#\(attempt)").inserted else { return }
        do {
            try ai.submitInference(kind: .transcription, model: transcriptionModel, duration: r.length.seconds) { [unowned self] result in
                if result.degraded { return done(.failure(SagaStepFailure(reason: "degraded"))) }
                if self.recordings[id] != nil { self.transcripts.insert(id) } else { self.context.metrics.add(self.lateEffects) }
                done(.success(()))
            }
        } catch {
            done(.failure(SagaStepFailure(reason: "rejected", retryable: false)))
        }
    }

    func deleteTranscript(_ id: String, _ done: @escaping Completion) {
        guard transcripts.contains(id), let r = recordings[id] else { return done(.success(())) }
        recording.postgres.write(entity: r.sessionID) { [unowned self] result in
            if let failure = result.failure { return done(.failure(SagaStepFailure(reason: "database-" + failure.rawValue))) }
            self.transcripts.remove(id)
            done(.success(()))
        }
    }

    func notifyOwner(_ id: String, _ done: @escaping Completion) {
        guard let r = recordings[id] else { return done(.failure(SagaStepFailure(reason: "unknown-recording", retryable: false))) }
        call(Self.notification, entity: r.sessionID, accept: nil, done)
    }

    func index(_ id: String, _ done: @escaping Completion) {
        guard let r = recordings[id] else { return done(.failure(SagaStepFailure(reason: "unknown-recording", retryable: false))) }
        var dropped = false
        call(Self.analyticsDependency, entity: r.sessionID, accept: { [unowned self] in
            if case .accepted = self.analytics.ingest(eventType: "recording_indexed", userID: r.sessionID) { return true }
            dropped = true
            return false
        }) { result in
            if case .failure(let f) = result, dropped { return done(.failure(SagaStepFailure(reason: "analytics-dropped", retryable: f.retryable))) }
            done(result)
        }
    }

    private func call(_ dependency: Int, entity: UInt64, accept: (() -> Bool)?, _ done: @escaping Completion) {
        let name = recording.dependencies[dependency].name
        recording.dependencies[dependency].call(entity: entity, accept: accept) { result in
            switch result {
            case .succeeded: done(.success(()))
            case .failed(let reason): done(.failure(SagaStepFailure(reason: name + "-" + reason)))
            case .notPermitted: done(.failure(SagaStepFailure(reason: "breaker-open")))
            }
        }
    }
}
