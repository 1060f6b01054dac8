/// One run of the platform on the simulated runtime: builds the context, lets the caller add
/// services, workloads and faults, then advances virtual time with the sampling loop (the
/// metrics scrape every `sampleInterval`), ends the warm-up, accrues costs, and stops at the
/// end of the run or when interrupted, returning everything measured.
///
/// Progress is reported through `progress` at every sample, so a CLI can draw a progress bar
/// and honour Ctrl-C (set `interruptRequested`) between two samples: a run stopped early
/// still returns consistent results, marked incomplete.
public final class PlatformSimulation: PlatformHost {
    public let runtime: SimulatedRuntime
    public let context: PlatformContext
    public let duration: TimeAmount
    public let warmUp: TimeAmount
    public let sampleInterval: TimeAmount
    /// Called after every sample with the simulated time reached.
    public var progress: (Instant) -> Void = { _ in }
    /// Set (from a signal handler's flag check in `progress`) to stop at the next sample.
    public var interruptRequested = false

    private let loops = PlatformHostLoops()
    private static let sampleKind = EventKind("platform.sample")
    private static let warmUpKind = EventKind("platform.warmup-end")

    /// A run of `duration` (warm-up included) seeded with `seed`.
    public init(seed: UInt64, duration: TimeAmount, warmUp: TimeAmount = .zero,
                sampleInterval: TimeAmount = .wholeSeconds(10)) throws(PlatformError) {
        guard duration.nanoseconds > 0 else { throw PlatformError("the run's duration must be positive, got \(duration)") }
        guard warmUp.nanoseconds >= 0, warmUp < duration else {
            throw PlatformError("the warm-up (\(warmUp)) must be at least 0 and shorter than the run (\(duration))")
        }
        guard sampleInterval.nanoseconds > 0 else { throw PlatformError("the sampling interval must be positive") }
        runtime = SimulatedRuntime(seed: seed)
        context = PlatformContext(runtime: runtime)
        self.duration = duration
        self.warmUp = warmUp
        self.sampleInterval = sampleInterval
        context.metrics.registerGauge("cost.total", unit: "$") { [unowned context] in context.costs.total }
    }

    /// Includes a deployment's pods in the cost accounting.
    public func track(_ deployment: Deployment) { loops.track(deployment) }
    /// Adds a cost that accrues per interval (GPU-hours, reserved capacity).
    public func accrue(_ hook: @escaping (TimeAmount) -> Void) { loops.accrue(hook) }
    /// Runs when the run ends (services report in-flight work, close windows).
    public func onFinish(_ hook: @escaping () -> Void) { loops.onFinish(hook) }

    /// What a run measured.
    public struct Result: Sendable {
        public var snapshot: MetricsSnapshot
        public var conservation: [ConservationLedger.Flow]
        public var violations: [String]
        public var digest: TraceDigest
        public var endTime: Instant
        /// False when the run was interrupted before its end.
        public var complete: Bool

        public init(snapshot: MetricsSnapshot, conservation: [ConservationLedger.Flow], violations: [String],
                    digest: TraceDigest, endTime: Instant, complete: Bool) {
            self.snapshot = snapshot
            self.conservation = conservation
            self.violations = violations
            self.digest = digest
            self.endTime = endTime
            self.complete = complete
        }
    }

    /// Runs to the end (or the interruption) and returns the measurements.
    public func run() -> Result {
        let end = Instant.zero + duration
        if warmUp.nanoseconds > 0 {
            context.after(warmUp, Self.warmUpKind) { [unowned self] in
                self.context.metrics.endWarmUp(at: self.context.now)
            }
        }
        var reached = Instant.zero
        var complete = true
        while reached < end {
            let next = min(reached + sampleInterval, end)
            // run(until:) only fails for a limit in the past, which `next` never is.
            try! runtime.run(until: next)
            loops.accrueCosts(over: next - reached)
            context.metrics.sample(at: next)
            reached = next
            progress(reached)
            if interruptRequested && reached < end {
                complete = false
                break
            }
        }
        loops.finish()
        let snapshot = context.metrics.snapshot()
        let conservation = context.ledger.snapshot
        return Result(
            snapshot: snapshot, conservation: conservation, violations: context.ledger.violations,
            digest: Self.finalDigest(runtime.digest, conservation: conservation, snapshot: snapshot,
                                     unseed: runtime.randomStream(named: "platform.unseed")),
            endTime: reached, complete: complete)
    }

    /// The event digest with the run's outcome folded in: every flow's counts, every counter's
    /// total, and a final "unseed" draw (FoundationDB's check that the random streams ended in
    /// the same state). Two runs that executed the same events but decided differently — which a
    /// model that aggregates many units per event can do — get different digests.
    static func finalDigest(_ events: TraceDigest, conservation: [ConservationLedger.Flow], snapshot: MetricsSnapshot,
                            unseed: RandomStream) -> TraceDigest {
        var d = events
        for flow in conservation {
            d.record(word: StableHash.fnv1a(flow.service))
            d.record(word: UInt64(flow.entered))
            d.record(word: UInt64(bitPattern: Int64(flow.inFlight)))
            for (state, count) in flow.terminal.sorted(by: { $0.key < $1.key }) {
                d.record(word: StableHash.fnv1a(state.description))
                d.record(word: UInt64(count))
            }
        }
        for counter in snapshot.counters { d.record(word: counter.total.bitPattern) }
        d.record(word: UInt64(unseed.integer(below: UInt(UInt32.max))))
        return d
    }
}

/// A platform that cannot be built or run as configured.
public struct PlatformError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
