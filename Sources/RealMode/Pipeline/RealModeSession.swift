import Foundation
import LoomServices

/// One process's part of a real-mode run, on the wall-clock loop: builds the service on the
/// libav backend (and the scenario's modelled companion services), submits the unfinished jobs
/// at their arrival times, journals each terminal state, samples metrics while the run lasts,
/// and stops when every job is accounted for and the companions' arrivals are over.
final class RealModeSession: PlatformHost {
    let options: RealModeOptions
    let layout: RealModeLayout
    let journal: RealModeJournal
    let run: Int
    let gpu: RealModeGPUPlan
    let configuration: VideoProcessingConfiguration
    let runtime: WallClockRuntime
    let context: PlatformContext
    let libav: LibavVideoWorkBackend
    let recorder: RecordingVideoWorkBackend
    let service: VideoProcessingService
    let records: [RealJobRecord]
    let progress: (String) -> Void
    let shouldStop: () -> Bool
    /// Why the run stopped before every job finished (timeout, interruption), if it did.
    private(set) var interruption: String?
    /// This process's jobs by key, in submission order.
    private(set) var timings: [String: JobTiming] = [:]
    private(set) var requests: [String: VideoJobRequest] = [:]
    private(set) var order: [String] = []
    private var details: [String: String] = [:]
    private var remaining: Int
    private var timedOut = false
    private var lastSample = Instant.zero
    private let stageLatency: [VideoStage: MetricsRecorder.Latency]
    private let resumedCounters: [VideoStage: MetricsRecorder.Counter]
    private let redoneCounters: [VideoStage: MetricsRecorder.Counter]
    private(set) var stageSeconds: [VideoStage: [Double]] = [:]
    private(set) var notices: [String] = []
    private let loops = PlatformHostLoops()
    /// The companion services' provenance lines (empty without companions).
    private(set) var companionProvenance: [(component: String, real: Bool, detail: String)] = []
    /// When the companions' last arrival is due; the run does not end before.
    private var arrivalsEnd = Instant.zero
    private var arrivalsOver = true
    private var companionPlatform: AnyObject?

    init(options: RealModeOptions, layout: RealModeLayout, journal: RealModeJournal, run: Int, gpu: RealModeGPUPlan,
         configuration: VideoProcessingConfiguration, threadsPerJob: Int, records: [RealJobRecord],
         progress: @escaping (String) -> Void, shouldStop: @escaping () -> Bool = { false }) throws {
        self.options = options
        self.layout = layout
        self.journal = journal
        self.run = run
        self.gpu = gpu
        self.configuration = configuration
        self.records = records
        self.progress = progress
        self.shouldStop = shouldStop
        runtime = WallClockRuntime(seed: options.seed)
        context = PlatformContext(runtime: runtime)
        let stages = RealPipelineStages(journal: journal, layout: layout, validationDepth: options.validationDepth, run: run)
        libav = LibavVideoWorkBackend(runtime: runtime, stages: stages, threadsPerJob: threadsPerJob, gpuEncoder: gpu.encoder)
        recorder = RecordingVideoWorkBackend(libav)
        recorder.clock = { [unowned runtime] in runtime.now.seconds }
        service = try VideoProcessingService(configuration: configuration, context: context, workBackend: recorder)
        remaining = records.filter { !$0.isTerminal }.count
        let m = context.metrics
        var latency: [VideoStage: MetricsRecorder.Latency] = [:]
        var resumed: [VideoStage: MetricsRecorder.Counter] = [:]
        var redone: [VideoStage: MetricsRecorder.Counter] = [:]
        for stage in VideoStage.allCases {
            latency[stage] = m.registerLatency(metricKey("real.stage_seconds", [("stage", stage.description)]))
            resumed[stage] = m.registerCounter(metricKey("real.resumed_stages", [("stage", stage.description)]), unit: "jobs")
            redone[stage] = m.registerCounter(metricKey("real.redone_stages", [("stage", stage.description)]), unit: "jobs")
        }
        stageLatency = latency
        resumedCounters = resumed
        redoneCounters = redone
        wire()
        if let companion = options.companion {
            context.metrics.registerGauge("cost.total", unit: "$") { [unowned context] in context.costs.total }
            let installed = try companion.install(self, options.speedup)
            companionProvenance = installed.provenance
            companionPlatform = installed.platform
            arrivalsEnd = Instant.zero + installed.arrivalsEnd
            arrivalsOver = false
        }
    }

    // MARK: PlatformHost (the companions' cost and end-of-run loops)

    func track(_ deployment: Deployment) { loops.track(deployment) }
    func accrue(_ hook: @escaping (TimeAmount) -> Void) { loops.accrue(hook) }
    func onFinish(_ hook: @escaping () -> Void) { loops.onFinish(hook) }
    /// Runs the companions' end-of-run hooks (in-flight work reported) after the loop stopped.
    func finish() {
        takeSample()
        loops.finish()
    }

    /// Every job is accounted for and the companions' arrivals are over.
    private var done: Bool { remaining == 0 && arrivalsOver }

    private func wire() {
        libav.onReport = { [unowned self] item, _, report in self.absorb(report, jobID: item.jobID) }
        recorder.onFinished = { [unowned self] item, state, decision in
            guard let key = item.request.mediaReference else { return }
            self.finished(key, state: state, decision: decision)
        }
    }

    /// Starts the service and schedules the arrivals: jobs that had arrived in an earlier
    /// process first, at once, in order; the rest at their offsets, shifted by the latest
    /// offset that had already arrived.
    func start() {
        service.start()
        let pending = records.filter { !$0.isTerminal }
        let shift = records.filter { $0.arrivedRun != nil }.map(\.arrivalOffset).max() ?? 0
        if records.contains(where: { $0.arrivedRun != nil }) {
            let done = records.count - pending.count
            progress("resuming: \(done) of \(records.count) jobs already finished, \(pending.count) to go")
        }
        if !arrivalsOver {
            context.after(max(.zero, arrivalsEnd - runtime.now), RealModeRun.arrivalsEndKind) { [unowned self] in
                self.arrivalsOver = true
                if self.remaining == 0 { self.end() }
            }
        }
        context.after(options.sampleInterval, RealModeRun.sampleKind) { [unowned self] in self.sample() }
        if let limit = options.timeoutSeconds {
            context.after(.saturatingSeconds(limit), RealModeRun.timeoutKind) { [unowned self] in
                guard !self.done else { return }
                self.halt("timeout after \(limit) s")
            }
        }
        if pending.isEmpty {
            if done { end() }
            return
        }
        for record in pending {
            let offset = record.arrivedRun != nil ? 0 : max(0, record.arrivalOffset - shift)
            // `after`, not `at`: on the wall clock `now` moves between reading it and scheduling.
            let delay = max(.zero, (Instant.zero + .saturatingSeconds(offset)) - runtime.now)
            context.after(delay, RealModeRun.arrivalKind, entity: UInt64(record.sequence)) { [unowned self] in self.arrive(record) }
        }
    }

    private func arrive(_ record: RealJobRecord) {
        try? journal.markArrived(record.key, run: run)
        libav.add(RealModeInput(key: record.key, path: record.inputPath))
        let profile = RealModeJobProfile(userTier: record.userTier, isLiveRecording: record.isLive, priority: record.priorityOverride)
        let request = RealModeInputs.request(path: record.inputPath, key: record.key, profile: profile)
        requests[record.key] = request
        order.append(record.key)
        timings[record.key] = JobTiming(key: record.key, submittedAt: runtime.now.seconds, finishedAt: nil, state: nil,
                                        mediaSeconds: request.durationSeconds)
        service.submitJob(request)
    }

    private func absorb(_ report: StageReport, jobID: UInt64) {
        for (stage, seconds) in report.stageSeconds {
            context.metrics.record(stageLatency[stage]!, .saturatingSeconds(seconds))
            stageSeconds[stage, default: []].append(seconds)
        }
        for stage in report.resumed {
            context.metrics.add(resumedCounters[stage]!)
            progress("\(report.jobKey): \(stage) resumed from its checkpoint")
        }
        for (stage, why) in report.redone {
            context.metrics.add(redoneCounters[stage]!)
            progress("\(report.jobKey): \(stage) redone: \(why)")
        }
        if let encoder = report.encoder { recorder.noteEncoder(encoder, jobID: jobID) }
        for notice in report.notices where !notices.contains(notice) {
            notices.append(notice)
            progress(notice)
        }
        if let error = report.error { details[report.jobKey] = error.description }
    }

    private func finished(_ key: String, state: TerminalState, decision: JobDecision) {
        let now = runtime.now.seconds
        timings[key]?.finishedAt = now
        timings[key]?.state = state
        let latency = timings[key].map { now - $0.submittedAt }
        do {
            try journal.finish(key, state: state, detail: details[key], decision: decision, run: run, latencySeconds: latency)
        } catch {
            progress("\(key): cannot journal its terminal state: \(error)")
        }
        if state != .completed { journal.record(event: state.category, job: key, detail: details[key] ?? state.description, run: run) }
        remaining -= 1
        progress("\(key): \(state)\(latency.map { String(format: " after %.2f s", $0) } ?? "")")
        if !options.keepIntermediates { try? FileManager.default.removeItem(atPath: layout.jobDirectory(key: key)) }
        if done { end() }
    }

    /// Ends the run: every job is accounted for and no arrival is left, even though the
    /// services' periodic loops (metric scrapes, autoscalers) would keep the loop busy forever.
    private func end() {
        takeSample()
        runtime.stop()
    }

    private func halt(_ why: String) {
        timedOut = true
        interruption = why
        progress("\(why): \(remaining) jobs unfinished (run again with the same state file to resume)")
        runtime.stop()
    }

    private func sample() {
        takeSample()
        if !done && !timedOut && shouldStop() { halt("interrupted") }
        if !done && !timedOut {
            context.after(options.sampleInterval, RealModeRun.sampleKind) { [unowned self] in self.sample() }
        }
    }

    func takeSample() {
        let now = runtime.now
        guard now > lastSample else { return }
        loops.accrueCosts(over: now - lastSample)
        context.metrics.sample(at: now)
        lastSample = now
    }

    var complete: Bool { remaining == 0 }
}
