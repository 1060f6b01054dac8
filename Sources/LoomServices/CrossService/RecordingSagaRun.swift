/// The recording saga (seed §6.2; issue 4 item 8) running inside a platform: every recording the
/// recording service finishes starts `recording-<session id>` on a `SagaCoordinator` whose
/// participants are the real services (`RecordingSagaParticipants`), instead of the service's
/// three independent downstream calls.
///
/// Ledger: each saga is a unit of the `saga` flow (the coordinator admits and finishes it:
/// `completed`, `failed(compensated:<step>)`, `failed(compensation-failed:<step>)`, or in flight
/// at the end). A recording the saga could not start (its id already taken, a store error) ends
/// as `dropped(saga-not-started)` in `saga.handoff`, so no finished recording goes missing.
///
/// Metrics, besides the coordinator's (`saga.finished{status}`, `saga.duration`, gauge
/// `saga.in_flight`) and the participants' (`saga.step_failures{step}`,
/// `saga.compensations{step}`, `saga.late_effects_undone`, gauge `saga.stored_recordings`):
/// - `saga.started`: sagas started;
/// - `saga.orphaned_effects`: effects (stored recording, live job, transcript) a saga still had
///   when it ended compensated — 0 unless compensation is broken;
/// - `saga.completed_after_recovery`: completed sagas that started after the last fault ended,
///   with none active — the platform recovered from the fault spell.
public final class RecordingSagaRun {
    public let coordinator: SagaCoordinator
    public let participants: RecordingSagaParticipants
    let context: PlatformContext
    let started: MetricsRecorder.Counter
    let orphaned: MetricsRecorder.Counter
    let completedAfterRecovery: MetricsRecorder.Counter
    /// When each saga in progress started, and whether every fault had ended by then.
    var startedClean: [String: Bool] = [:]
    var activeFaults = 0
    var anyFaultEnded = false
    public private(set) var orphanedEffects = 0
    static let handoffFlow = "saga.handoff"

    /// Builds the coordinator over the services and takes over the recording service's finished
    /// recordings. Throws `CrossServiceConfigurationError` for an invalid configuration.
    public init(configuration: SagaCoordinatorConfiguration, recording: RecordingService, video: VideoProcessingService,
                ai: AIMLService, analytics: AnalyticsService, context: PlatformContext,
                transcriptionModel: String = "whisper-large-v2") throws {
        guard configuration.steps.map(\.name) == RecordingSaga.stepNames else {
            throw CrossServiceConfigurationError("saga: the recording saga's steps are \(RecordingSaga.stepNames.joined(separator: ", "))")
        }
        participants = try RecordingSagaParticipants(recording: recording, video: video, ai: ai, analytics: analytics,
                                                     context: context, transcriptionModel: transcriptionModel)
        coordinator = try SagaCoordinator(configuration: configuration, participants: participants.participants, context: context)
        self.context = context
        started = context.metrics.registerCounter("saga.started", unit: "sagas")
        orphaned = context.metrics.registerCounter("saga.orphaned_effects", unit: "effects")
        completedAfterRecovery = context.metrics.registerCounter("saga.completed_after_recovery", unit: "sagas")
        for kind in FaultKind.allCases where kind != .podLoss {
            // A pod loss is instantaneous; every other fault is a spell with a start and an end.
            context.faults.observe(kind, onStart: { [unowned self] _ in self.activeFaults += 1 },
                                   onEnd: { [unowned self] _ in
                                       self.activeFaults -= 1
                                       self.anyFaultEnded = true
                                   })
        }
        coordinator.onSagaFinished = { [unowned self] id, status in self.finished(id, status) }
        recording.recordingFinished = { [unowned self] finished in self.start(finished) }
    }

    /// Starts the saga of a finished recording.
    func start(_ recording: FinishedRecording) {
        let id = RecordingSaga.sagaID(forRecording: recording.sessionID)
        let fresh = participants.recordings[id] == nil
        if fresh {
            participants.begin(id, recording)
            startedClean[id] = anyFaultEnded && activeFaults == 0
        }
        guard fresh, coordinator.start(sagaID: id) else {
            if fresh {
                _ = participants.end(id)
                startedClean[id] = nil
            }
            context.ledger.admit(Self.handoffFlow, id: recording.sessionID, at: context.now)
            context.ledger.finish(Self.handoffFlow, id: recording.sessionID, .dropped(reason: "saga-not-started"), at: context.now)
            return
        }
        context.metrics.add(started)
    }

    private func finished(_ id: String, _ status: SagaStatus) {
        let left = participants.end(id)
        let clean = startedClean.removeValue(forKey: id) ?? false
        switch status {
        case .completed:
            if clean { context.metrics.add(completedAfterRecovery) }
        case .compensated where left > 0:
            orphanedEffects += left
            context.metrics.add(orphaned, Double(left))
            context.metrics.note("saga.orphaned_effects", subject: id, detail: "\(left) effects left after compensation", at: context.now)
        default:
            break
        }
    }
}
