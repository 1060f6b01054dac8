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
    public func run(factory: PlatformFactory, trace: RunTraceRecorder? = nil,
                    progress: @escaping (Instant) -> Bool = { _ in true }) throws -> Outcome {
        let simulation = try PlatformSimulation(
            seed: seed, duration: scenario.duration, warmUp: scenario.warmUp, sampleInterval: sampleInterval)
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
