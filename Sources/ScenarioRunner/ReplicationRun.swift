import LoomServices
import ScenarioKit

/// One replication of a scenario: builds the platform, schedules every workload's arrivals
/// (one event ahead per workload, so memory does not grow with the run) and the fault timeline,
/// and runs the simulation to the end or to an interruption.
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

    private static let arrivalKind = EventKind("workload.arrival")
    private static let faultStartKind = EventKind("fault.start")
    private static let faultEndKind = EventKind("fault.end")

    /// Runs the replication; `progress` is called after every sample with the simulated time
    /// reached and may return false to interrupt the run (Ctrl-C).
    ///
    /// With `warmUp: auto` the replication runs twice on the same seed: a pilot without warm-up,
    /// whose SLO metric series choose the MSER-5 truncation (`AutoWarmUp`), then the run itself
    /// with that warm-up (identical events, so the deleted stretch is exactly the transient seen).
    public func run(factory: PlatformFactory, progress: @escaping (Instant) -> Bool = { _ in true }) throws -> Outcome {
        guard scenario.warmUpAuto else { return try run(warmUp: scenario.warmUp, factory: factory, progress: progress) }
        // The pilot polls for interruption without moving the progress bar.
        let pilot = try run(warmUp: .zero, factory: factory) { _ in progress(.zero) }
        guard pilot.result.complete else { return pilot }
        let choice = AutoWarmUp.choose(pilot.result.snapshot, slos: scenario.slos)
        guard choice.samples > 0, choice.end < Instant.zero + scenario.duration else { return pilot }
        return try run(warmUp: choice.end - .zero, factory: factory, progress: progress)
    }

    private func run(warmUp: TimeAmount, factory: PlatformFactory, progress: @escaping (Instant) -> Bool) throws -> Outcome {
        let simulation = try PlatformSimulation(
            seed: seed, duration: scenario.duration, warmUp: warmUp, sampleInterval: sampleInterval)
        let platform = try factory(scenario, simulation)
        let context = simulation.context
        schedule(workloads: scenario.workloads, on: platform, context: context)
        schedule(faults: scenario.faults, context: context)
        simulation.progress = { [unowned simulation] reached in
            if !progress(reached) { simulation.interruptRequested = true }
        }
        let result = simulation.run()
        return Outcome(index: index, seed: seed, result: result, provenance: platform.provenance,
                       events: result.digest.eventCount)
    }

    private func schedule(workloads: [Workload], on platform: any PlatformInstance, context: PlatformContext) {
        for (w, workload) in workloads.enumerated() {
            var process = workload.arrivalProcess(horizon: scenario.duration)
            let arrivals = context.stream(workload.streamName)
            let mix = context.stream(workload.mixStreamName)
            var count: UInt64 = 0
            let base = UInt64(w) << 40
            func next() {
                guard let t = process.next(using: arrivals) else { return }
                context.at(t, Self.arrivalKind, entity: base | count) {
                    count += 1
                    platform.dispatch(workload, arrivalID: base | count, attributes: workload.mix.sample(using: mix))
                    next()
                }
            }
            next()
        }
    }

    private func schedule(faults: FaultTimeline, context: PlatformContext) {
        var active: [Int: [ActiveFault]] = [:]
        for event in faults.events {
            let index = event.faultIndex
            switch event.transition {
            case .start:
                context.at(event.at, Self.faultStartKind, entity: UInt64(index)) {
                    let mapped = FaultMapping.activeFaults(for: event.fault.effect)
                    active[index] = mapped
                    for f in mapped {
                        context.faults.begin(f)
                        context.metrics.note("fault.started", subject: f.target, detail: f.kind.rawValue, at: context.now)
                    }
                }
            case .end:
                context.at(event.at, Self.faultEndKind, entity: UInt64(index)) {
                    for f in active.removeValue(forKey: index) ?? [] {
                        context.faults.end(f)
                        context.metrics.note("fault.ended", subject: f.target, detail: f.kind.rawValue, at: context.now)
                    }
                }
            }
        }
    }
}
