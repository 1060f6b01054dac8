import Foundation
import LoomServices

/// What a real-mode run produced: shaped like a simulated replication (a `MetricsSnapshot`, a
/// conservation ledger, a digest), plus per-job outcomes, wall-clock timings and provenance, so
/// the same report writer can render it.
public struct RealModeRunResult {
    /// This process's run number: 1 for a fresh run, 2 and up for a resumed one.
    public var run: Int
    public var resumed: Bool { run > 1 }
    /// Every job of the run (every process's), in input order, with its journaled outcome.
    public var jobs: [RealJobRecord]
    /// The jobs this process submitted, with their timings (seconds since this process's start).
    public var timings: [JobTiming]
    /// The service's decisions for the jobs this process handled, in submission order.
    public var decisions: [JobDecision]
    /// The requests this process submitted, by key (probe-derived attributes).
    public var requests: [String: VideoJobRequest]
    /// Sampled metrics of this process (the service's and `real.*`).
    public var snapshot: MetricsSnapshot
    /// The run's ledger across every process, from the journal: `video-processing` entered =
    /// every input, terminal states as journaled, in flight = unfinished.
    public var conservation: [ConservationLedger.Flow]
    /// This process's own ledger (the service's) and its violations.
    public var processConservation: [ConservationLedger.Flow]
    public var violations: [String]
    public var digest: TraceDigest
    /// Every job has exactly one terminal state.
    public var complete: Bool
    /// Why this process stopped before every job finished ("timeout after 60 s", "interrupted").
    public var interruption: String?
    public var gpu: RealModeGPUPlan
    /// The service configuration the run used.
    public var configuration: VideoProcessingConfiguration
    public var layout: RealModeLayout
    /// Wall-clock timings (label, seconds or text), for the results database's `wall_clock` table.
    public var wallClock: [(label: String, seconds: Double?, text: String?)]
    /// Which parts were real and which were modelled, for the report.
    public var provenance: [(component: String, real: Bool, detail: String)]
    /// Throughput and latency of the jobs this process handled.
    public var figures: RunFigures
    /// Encoder substitutions and other lines worth showing once.
    public var notices: [String]
    /// Journal events (resumed, redone, lost, dead-lettered stages) of every process.
    public var events: [(run: Int?, job: String, kind: String, detail: String)]
    /// When each job's stage calls started and ended (seconds since this process's start), by key.
    public var phases: [String: JobPhases] = [:]

    /// Jobs by terminal category over the whole run ("completed", "dead_lettered", …; "unfinished").
    public var countsByState: [String: Int] {
        jobs.reduce(into: [:]) { $0[$1.isTerminal ? $1.state : "unfinished", default: 0] += 1 }
    }

    /// One line per terminal category for a console summary.
    public var summaryLines: [String] {
        var lines = gpu.lines
        let counts = countsByState
        lines.append("jobs \(jobs.count): " + counts.keys.sorted().map { "\($0) \(counts[$0]!)" }.joined(separator: ", "))
        lines.append("this run (\(run)): " + figures.description)
        for job in jobs where job.state == "dead_lettered" {
            lines.append("dead-lettered \(job.key): \(job.detail ?? job.reason ?? "")")
        }
        return lines
    }
}

extension RealModeSession {
    func result(preparationSeconds: Double, processingSeconds: Double, wallSeconds: Double) throws -> RealModeRunResult {
        takeSample()
        let jobs = try journal.jobs()
        let ledger = ConservationLedger()
        for job in jobs {
            ledger.admit(VideoProcessingService.service, id: UInt64(job.sequence), at: .zero)
            if let state = job.terminalState {
                ledger.finish(VideoProcessingService.service, id: UInt64(job.sequence), state, at: runtime.now)
            }
        }
        var violations = context.ledger.violations + ledger.violations
        for job in jobs where job.terminalCount > 1 {
            violations.append("\(job.key): \(job.terminalCount) terminal states journaled")
        }
        let timingsInOrder = order.compactMap { timings[$0] }
        let decisions = recorder.decisions.values.sorted { $0.jobID < $1.jobID }
        var wallClock: [(label: String, seconds: Double?, text: String?)] = [
            ("wall time", wallSeconds, nil),
            ("input preparation", preparationSeconds, nil),
            ("processing on the wall clock", processingSeconds, nil),
            ("run", nil, "\(run) (\(run > 1 ? "resumed" : "fresh")), \(timingsInOrder.count) jobs submitted by this process"),
            ("machine", nil, "\(RealModePlatform.cores) cores; \(MediaLibraries.versionLine)"),
        ]
        for stage in VideoStage.allCases {
            if let s = stageSeconds[stage], !s.isEmpty {
                wallClock.append(("\(stage) mean seconds (\(s.count) jobs)", s.reduce(0, +) / Double(s.count), nil))
            }
        }
        let encoders = Set(decisions.compactMap(\.encoder)).sorted()
        var provenance: [(component: String, real: Bool, detail: String)] = [
            ("video-processing: validation, transcoding, optimization, upload", true,
             "libav (\(MediaLibraries.versionLine)); encoders \(encoders.isEmpty ? "none used" : encoders.joined(separator: ", ")); origin \(layout.originDirectory)"),
            ("video-processing: queue, priorities, adaptive strategy, GPU allocation, CPU fallback, retries", true,
             "the service's own policy code, on the wall clock"),
            ("GPUs", !gpu.pools.isEmpty, gpu.lines.joined(separator: "; ")),
            ("CPU worker pods", false,
             "\(configuration.cpuWorkers.initialReplicas) worker slots on this machine's \(RealModePlatform.cores) cores, \(libav.threadsPerJob) encoder threads per job; no autoscaler"),
            ("checkpoints", true, "SQLite journal \(layout.statePath) with SHA-256 of every intermediate"),
            ("arrivals", true, "real time\(options.speedup != 1 ? ", sped up ×\(options.speedup)" : "")"),
        ]
        provenance += companionProvenance
        // The video service's flow comes from the journal (every process's jobs); the modelled
        // companions' flows are this process's own.
        let companions = context.ledger.snapshot.filter { $0.service != VideoProcessingService.service }
        return RealModeRunResult(
            run: run, jobs: jobs, timings: timingsInOrder, decisions: decisions, requests: requests,
            snapshot: context.metrics.snapshot(), conservation: ledger.snapshot + companions, processConservation: context.ledger.snapshot,
            violations: violations, digest: runtime.digest, complete: jobs.allSatisfy(\.isTerminal),
            interruption: interruption, gpu: gpu,
            configuration: configuration, layout: layout, wallClock: wallClock, provenance: provenance,
            figures: RunFigures(timingsInOrder), notices: notices, events: (try? journal.events()) ?? [],
            phases: recorder.phasesByKey)
    }
}
