import LoomServices
import ScenarioKit

/// One replication of a scenario: builds the platform, lets a `ScenarioDriver` schedule the
/// arrivals and the fault timeline, and runs the simulation to the end or to an interruption.
public struct ReplicationRun {
    public let scenario: Scenario
    public let index: Int
    public let seed: UInt64
    public let sampleInterval: TimeAmount

    /// The seed of replication `index`: the scenario's seed for the first, and independent
    /// streams derived from it for the others, so adding replications never changes earlier ones.
    public static func seed(for index: Int, scenarioSeed: UInt64) -> UInt64 {
        index == 0 ? scenarioSeed : StableHash.streamSeed(runSeed: scenarioSeed, streamName: "replication-\(index)")
    }

    public init(scenario: Scenario, index: Int, sampleInterval: TimeAmount = .wholeSeconds(10)) {
        self.scenario = scenario
        self.index = index
        self.seed = Self.seed(for: index, scenarioSeed: scenario.seed)
        self.sampleInterval = sampleInterval
    }

    /// What one replication produced.
    public struct Outcome: Sendable {
        public var index: Int
        public var seed: UInt64
        public var result: PlatformSimulation.Result
        public var provenance: [(component: String, real: Bool, detail: String)]
        /// Events the kernel executed (for throughput figures).
        public var events: UInt64

        public init(index: Int, seed: UInt64, result: PlatformSimulation.Result,
                    provenance: [(component: String, real: Bool, detail: String)], events: UInt64) {
            self.index = index
            self.seed = seed
            self.result = result
            self.provenance = provenance
            self.events = events
        }
    }

    /// Runs the replication; `progress` is called after every sample with the simulated time
    /// reached and may return false to interrupt the run (Ctrl-C); `trace`, when given, watches
    /// the run for the `--trace` export (it only reads: the digest is the same).
    ///
    /// With `warmUp: auto` the replication runs twice on the same seed: a pilot without warm-up,
    /// whose SLO metric series choose the MSER-5 truncation (`AutoWarmUp`), then the run itself
    /// with that warm-up (identical events, so the deleted stretch is exactly the transient seen).
    public func run(factory: PlatformFactory, trace: RunTraceRecorder? = nil,
                    progress: @escaping (Instant) -> Bool = { _ in true }) throws -> Outcome {
        guard scenario.warmUpAuto else {
            return try run(warmUp: scenario.warmUp, factory: factory, trace: trace, progress: progress)
        }
        // The pilot polls for interruption without moving the progress bar, and is not traced.
        let pilot = try run(warmUp: .zero, factory: factory, trace: nil) { _ in progress(.zero) }
        guard pilot.result.complete else { return pilot }
        let choice = AutoWarmUp.choose(pilot.result.snapshot, slos: scenario.slos)
        guard choice.samples > 0, choice.end < Instant.zero + scenario.duration else {
            // No truncation: the pilot is the run; a trace, if asked for, needs it run again.
            guard trace != nil else { return pilot }
            return try run(warmUp: .zero, factory: factory, trace: trace, progress: progress)
        }
        return try run(warmUp: choice.end - .zero, factory: factory, trace: trace, progress: progress)
    }

    private func run(warmUp: TimeAmount, factory: PlatformFactory, trace: RunTraceRecorder?,
                     progress: @escaping (Instant) -> Bool) throws -> Outcome {
        let simulation = try PlatformSimulation(
            seed: seed, duration: scenario.duration, warmUp: warmUp, sampleInterval: sampleInterval)
        simulation.runtime.observer = trace
        simulation.context.ledger.observer = trace
        let platform = try factory(scenario, simulation)
        let context = simulation.context
        let driver = ScenarioDriver(scenario: scenario)
        driver.schedule(on: platform, context: context)
        driver.scheduleFaults(context: context)
        simulation.progress = { [unowned simulation] reached in
            if !progress(reached) { simulation.interruptRequested = true }
        }
        let result = simulation.run()
        trace?.complete(with: result)
        return Outcome(index: index, seed: seed, result: result, provenance: platform.provenance,
                       events: result.digest.eventCount)
    }
}
