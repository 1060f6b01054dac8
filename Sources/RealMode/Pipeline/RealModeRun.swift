import Dispatch
import Foundation
import LoomServices

/// What a real-mode run processes and how (the `loomsim run --real` options).
public struct RealModeOptions: Sendable {
    public var inputs: RealModeInputSource
    /// Holds `jobs/` (intermediates), `origin/` (published outputs), `inputs/` (generated
    /// clips) and `state.sqlite` (the journal) unless placed elsewhere below.
    public var workDirectory: String
    public var originDirectory: String?
    /// The journal: running again with the same one resumes the run where it stopped.
    public var statePath: String?
    /// CPU worker slots (jobs encoding at once on the CPU); default half the cores.
    public var concurrency: Int?
    /// Encoder threads per job; default cores ÷ concurrency.
    public var threadsPerJob: Int?
    /// When jobs arrive (seconds from the start), divided by `speedup` (arrivals only).
    public var arrivals: RealModeArrivalSchedule
    public var speedup: Double
    public var seed: UInt64
    /// The service's policies (queue, strategy, preemption, retries…); the machine's GPUs and
    /// cores replace its pools and workers (`RealModePlatform.configuration`).
    public var configuration: VideoProcessingConfiguration
    /// Rendition heights (default 1080, 720, 480, 360).
    public var ladder: [Int]
    /// Request attributes by input, cycled (default: every job from a free-tier user).
    public var jobProfiles: [RealModeJobProfile]
    /// False ignores the machine's GPUs (every job on the CPU).
    public var useGPUs: Bool
    public var validationDepth: ValidationDepth
    /// Metrics are sampled this often on the wall clock.
    public var sampleInterval: TimeAmount
    /// Stop after this many wall seconds even if jobs remain (nil: no limit).
    public var timeoutSeconds: Double?
    /// Keep each job's intermediates after it completes (default: removed; the origin keeps the outputs).
    public var keepIntermediates: Bool
    /// The scenario's other services, modelled on the wall clock next to the real video service
    /// (nil: the video service alone).
    public var companion: RealModeCompanion?

    public init(inputs: RealModeInputSource, workDirectory: String, originDirectory: String? = nil, statePath: String? = nil,
                concurrency: Int? = nil, threadsPerJob: Int? = nil, arrivals: RealModeArrivalSchedule = .interval(seconds: 1),
                speedup: Double = 1, seed: UInt64 = 1, configuration: VideoProcessingConfiguration = VideoProcessingConfiguration(region: "local"),
                ladder: [Int] = RealModePlatform.defaultLadder, jobProfiles: [RealModeJobProfile] = [RealModeJobProfile()],
                useGPUs: Bool = true, validationDepth: ValidationDepth = .packets, sampleInterval: TimeAmount = .wholeSeconds(1),
                timeoutSeconds: Double? = nil, keepIntermediates: Bool = false) {
        self.inputs = inputs
        self.workDirectory = workDirectory
        self.originDirectory = originDirectory
        self.statePath = statePath
        self.concurrency = concurrency
        self.threadsPerJob = threadsPerJob
        self.arrivals = arrivals
        self.speedup = speedup
        self.seed = seed
        self.configuration = configuration
        self.ladder = ladder
        self.jobProfiles = jobProfiles
        self.useGPUs = useGPUs
        self.validationDepth = validationDepth
        self.sampleInterval = sampleInterval
        self.timeoutSeconds = timeoutSeconds
        self.keepIntermediates = keepIntermediates
    }

    var layout: RealModeLayout { RealModeLayout(workDirectory: workDirectory, originDirectory: originDirectory, statePath: statePath) }
}

/// A run of the video-processing service on the wall clock with real files: the same service
/// object as in simulation (queue, priorities, adaptive strategy, GPU manager, checkpoints),
/// its work done by `LibavVideoWorkBackend`, its state journaled in SQLite so that a killed run
/// started again resumes every unfinished job from its checkpoint.
public enum RealModeRun {
    static let arrivalKind = EventKind("real.arrival")
    static let sampleKind = EventKind("real.sample")
    static let timeoutKind = EventKind("real.timeout")
    static let arrivalsEndKind = EventKind("real.arrivals-end")

    /// Runs (or resumes) the run described by `options`; `progress` gets one line per notable
    /// step (generated clips, GPU line, finished jobs, resumed or redone stages), on the
    /// calling thread. `shouldStop` is asked at every metrics sample (a CLI's Ctrl-C flag):
    /// true stops the run there, unfinished jobs stay in the journal for the next run to resume.
    /// Throws for unusable options, inputs or state files.
    public static func run(_ options: RealModeOptions, progress: @escaping (String) -> Void = { _ in },
                           shouldStop: @escaping () -> Bool = { false }) throws -> RealModeRunResult {
        let wall = ContinuousClock()
        let started = wall.now
        LibavLog.prepare()
        let layout = options.layout
        try layout.create()
        let journal = try RealModeJournal(path: layout.statePath)
        let runNumber = try journal.beginRun()
        let paths = try RealModeInputs.resolve(options.inputs, layout: layout, progress: progress)
        let keys = RealModeInputs.keys(for: paths)
        let offsets = options.arrivals.offsets(count: paths.count, seed: options.seed, speedup: options.speedup)
        let profiles = options.jobProfiles.isEmpty ? [RealModeJobProfile()] : options.jobProfiles
        try journal.register(paths.indices.map { i in
            let p = profiles[i % profiles.count]
            return RealJobSpec(key: keys[i], sequence: i, inputPath: paths[i], arrivalOffset: offsets[i],
                               userTier: p.userTier, isLive: p.isLiveRecording, priority: p.priority)
        })
        let records = try journal.jobs()
        let preparation = RealModeStageClock.seconds(wall.now - started)

        let gpu = options.useGPUs ? RealModeGPUPlan.discover(region: options.configuration.region)
                                  : .none("GPUs not used (useGPUs off): every job takes the CPU fallback")
        gpu.lines.forEach(progress)
        let concurrency = max(1, options.concurrency ?? RealModePlatform.defaultConcurrency)
        let threads = max(1, options.threadsPerJob ?? max(1, RealModePlatform.cores / concurrency))
        let configuration = RealModePlatform.configuration(base: options.configuration, gpu: gpu,
                                                           concurrency: concurrency, ladder: options.ladder)
        let session = try RealModeSession(
            options: options, layout: layout, journal: journal, run: runNumber, gpu: gpu, configuration: configuration,
            threadsPerJob: threads, records: records, progress: progress, shouldStop: shouldStop)
        session.start()
        session.runtime.runUntilIdle()
        session.finish()
        let processing = session.runtime.now.seconds
        try journal.endRun(runNumber)
        return try session.result(preparationSeconds: preparation, processingSeconds: processing,
                                  wallSeconds: RealModeStageClock.seconds(wall.now - started))
    }
}

enum RealModeStageClock {
    static func seconds(_ d: Duration) -> Double { RealPipelineStages.seconds(d) }
}
