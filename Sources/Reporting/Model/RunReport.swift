/// Everything a report needs about one run of a scenario: identity, the replications' measurements,
/// SLO verdicts and provenance notes. Rendering it is a pure transform: the same `RunReport` gives
/// byte-identical `report.html`, `summary.md`, `summary.json`, `junit.xml` and database rows.
///
/// `wallClock` is the one exception to determinism: it is written only to the results database's
/// `wall_clock` table and never reaches a rendered document.
public struct RunReport: Sendable, Equatable {
    /// The scenario's name (also the JUnit class name).
    public var scenario: String
    /// A sentence or two on what the scenario exercises.
    public var description: String
    /// The run's root seed; each replication derives its own (`ReplicationResult.seed`).
    public var seed: UInt64
    /// The run's trace digest, sixteen hex digits (`TraceDigest.hex`); for replicated runs the
    /// caller's combination of the replications' digests.
    public var digest: String
    /// The fully resolved scenario text (defaults filled in, includes expanded), as run.
    public var resolvedScenario: String
    /// The command line that reproduces this run exactly.
    public var rerunCommand: String
    /// Replications in index order; a single run has one.
    public var replications: [ReplicationResult]
    /// How many replications the run was asked for; fewer recorded means it was interrupted.
    public var plannedReplications: Int
    /// SLO and assertion outcomes, in the scenario's order.
    public var slos: [SLOResult]
    /// Which parts of the run were real and which were modelled, in display order.
    public var provenance: [ProvenanceNote]
    /// The run's parameters (for sweeps: the point's coordinates), in display order.
    public var parameters: [RunParameter]
    /// The sweep point this run belongs to (0 for a plain run).
    public var point: Int
    /// Why the run stopped early (signal, error, budget), when it did.
    public var interruption: String?
    /// The confidence level of `SLOResult`'s intervals (0.95 unless the scenario says otherwise).
    public var confidenceLevel: Double
    /// Wall-clock timings; kept out of every deterministic output.
    public var wallClock: [WallClockTiming]

    public init(
        scenario: String, description: String = "", seed: UInt64, digest: String,
        resolvedScenario: String = "", rerunCommand: String = "",
        replications: [ReplicationResult], plannedReplications: Int? = nil,
        slos: [SLOResult] = [], provenance: [ProvenanceNote] = [], parameters: [RunParameter] = [],
        point: Int = 0, interruption: String? = nil, confidenceLevel: Double = 0.95,
        wallClock: [WallClockTiming] = []
    ) {
        self.scenario = scenario
        self.description = description
        self.seed = seed
        self.digest = digest
        self.resolvedScenario = resolvedScenario
        self.rerunCommand = rerunCommand
        self.replications = replications
        self.plannedReplications = plannedReplications ?? replications.count
        self.slos = slos
        self.provenance = provenance
        self.parameters = parameters
        self.point = point
        self.interruption = interruption
        self.confidenceLevel = confidenceLevel
        self.wallClock = wallClock
    }
}

/// One independent replication of a run: its own seed, digest and measurements.
public struct ReplicationResult: Sendable, Equatable {
    /// 0-based index within the run.
    public var index: Int
    public var seed: UInt64
    /// Sixteen hex digits (`TraceDigest.hex`).
    public var digest: String
    /// Everything the replication measured.
    public var metrics: MetricsSnapshot
    /// Per-service flow counts from the `ConservationLedger`, in ledger order.
    public var conservation: [ConservationLedger.Flow]
    /// Breaches of the one-terminal-state rule (`ConservationLedger.violations`).
    public var conservationViolations: [String]
    /// False when the replication was interrupted before its planned end.
    public var complete: Bool

    public init(index: Int, seed: UInt64, digest: String, metrics: MetricsSnapshot,
                conservation: [ConservationLedger.Flow], conservationViolations: [String] = [],
                complete: Bool = true) {
        self.index = index
        self.seed = seed
        self.digest = digest
        self.metrics = metrics
        self.conservation = conservation
        self.conservationViolations = conservationViolations
        self.complete = complete
    }

    /// Whether every service balances and no unit broke the one-terminal-state rule.
    public var conservationHolds: Bool {
        conservationViolations.isEmpty && conservation.allSatisfy(\.isBalanced)
    }

    /// The last sampling instant, in seconds (0 when nothing was sampled).
    public var endSeconds: Double { metrics.times.last?.seconds ?? 0 }
}

/// The outcome of one SLO or assertion.
public struct SLOResult: Sendable, Equatable {
    /// Human name ("upload p99 under 2 s").
    public var name: String
    /// The metric it reads ("recording.upload_latency.p99").
    public var metric: String
    /// The threshold as written ("<= 2 s").
    public var threshold: String
    /// The value compared with the threshold (for replicated runs, the caller's choice: usually
    /// the mean or the pessimistic CI bound).
    public var value: Double
    /// The unit of `value` and of the CI columns ("s", "req/s", "" for plain numbers).
    public var unit: String
    public var passed: Bool
    /// Replicated runs: the mean over replications and its confidence interval.
    public var mean: Double?
    public var ciLow: Double?
    public var ciHigh: Double?

    public init(name: String, metric: String, threshold: String, value: Double, unit: String = "",
                passed: Bool, mean: Double? = nil, ciLow: Double? = nil, ciHigh: Double? = nil) {
        self.name = name
        self.metric = metric
        self.threshold = threshold
        self.value = value
        self.unit = unit
        self.passed = passed
        self.mean = mean
        self.ciLow = ciLow
        self.ciHigh = ciHigh
    }

    /// Whether this row carries replication statistics.
    public var hasInterval: Bool { mean != nil || ciLow != nil || ciHigh != nil }
}

/// One line of "what was real and what was modelled" (e.g. transcoding: modelled from a
/// calibration profile; circuit breaker: the real policy code).
public struct ProvenanceNote: Sendable, Equatable {
    /// How a component took part in the run.
    public enum Mode: String, Sendable, Equatable {
        case real, modelled, calibrated
    }
    public var component: String
    public var mode: Mode
    public var detail: String

    public init(component: String, mode: Mode, detail: String = "") {
        self.component = component
        self.mode = mode
        self.detail = detail
    }
}

/// One key/value parameter of the run, as text.
public struct RunParameter: Sendable, Equatable {
    public var key: String
    public var value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

/// A wall-clock measurement (elapsed seconds of a phase, or a timestamp as text). Only the
/// results database's `wall_clock` table stores these.
public struct WallClockTiming: Sendable, Equatable {
    public var label: String
    public var seconds: Double?
    public var text: String?

    public init(label: String, seconds: Double? = nil, text: String? = nil) {
        self.label = label
        self.seconds = seconds
        self.text = text
    }
}
