import LoomServices

/// The simulated twin of a real-mode run: the same service configuration and the same
/// submissions (times and requests), on the simulated runtime with the work model's backend —
/// calibrated service times when the configuration carries a calibration profile. What the
/// decision-parity test and the calibration comparison run against the real run.
public enum SimulatedTwin {
    /// One job to submit at `offsetSeconds`.
    public struct Submission: Sendable, Equatable {
        public var key: String
        public var offsetSeconds: Double
        public var request: VideoJobRequest

        public init(key: String, offsetSeconds: Double, request: VideoJobRequest) {
            self.key = key
            self.offsetSeconds = offsetSeconds
            self.request = request
        }
    }

    /// What the twin produced.
    public struct Outcome {
        /// In submission order.
        public var timings: [JobTiming]
        /// The service's decisions per job, in submission order.
        public var decisions: [JobDecision]
        public var conservation: [ConservationLedger.Flow]
        public var digest: TraceDigest
        /// When each job's stage calls started and ended, by key.
        public var phases: [String: JobPhases] = [:]
        public var figures: RunFigures { RunFigures(timings) }
    }

    static let arrivalKind = EventKind("twin.arrival")

    /// The submissions of a real run (its actual submission times and probed requests).
    public static func submissions(of real: RealModeRunResult) -> [Submission] {
        real.timings.compactMap { t in
            real.requests[t.key].map { Submission(key: t.key, offsetSeconds: t.submittedAt, request: $0) }
        }
    }

    /// Runs the twin until every job is terminal (or `limit` of simulated time).
    public static func run(configuration: VideoProcessingConfiguration, submissions: [Submission], seed: UInt64,
                           limit: TimeAmount = .hours(24)) throws -> Outcome {
        let runtime = SimulatedRuntime(seed: seed)
        let context = PlatformContext(runtime: runtime)
        let store = try ObjectStore(configuration: configuration.objectStore, context: context)
        let simulated = SimulatedVideoWorkBackend(configuration: configuration.calibrated(), context: context, objectStore: store)
        let recorder = RecordingVideoWorkBackend(simulated)
        recorder.clock = { runtime.now.seconds }
        let service = try VideoProcessingService(configuration: configuration, context: context, objectStore: store,
                                                 workBackend: recorder)
        var timings: [String: JobTiming] = [:]
        var ids: [String: UInt64] = [:]
        recorder.onFinished = { item, state, _ in
            guard let key = item.request.mediaReference else { return }
            timings[key]?.finishedAt = runtime.now.seconds
            timings[key]?.state = state
        }
        service.start()
        for (i, s) in submissions.enumerated() {
            var request = s.request
            request.mediaReference = s.key
            context.at(Instant.zero + .saturatingSeconds(s.offsetSeconds), arrivalKind, entity: UInt64(i)) {
                timings[s.key] = JobTiming(key: s.key, submittedAt: runtime.now.seconds, finishedAt: nil, state: nil,
                                           mediaSeconds: request.durationSeconds)
                ids[s.key] = service.submitJob(request)
            }
        }
        try runtime.run(until: Instant.zero + limit)
        let ordered = submissions.compactMap { timings[$0.key] }
        let decisions = submissions.compactMap { s in ids[s.key].flatMap { recorder.decisions[$0] } }
        return Outcome(timings: ordered, decisions: decisions, conservation: context.ledger.snapshot, digest: runtime.digest,
                       phases: recorder.phasesByKey)
    }
}
