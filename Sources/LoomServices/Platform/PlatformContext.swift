@_exported import Resilience
@_exported import SimKernel

/// What every service model receives: the runtime (time, timers, random streams, backends),
/// the metrics recorder, the conservation ledger, the active faults and the cost meter.
///
/// Passed explicitly into every model's initializer, never global (EXAMPLES.md §1 and
/// anti-pattern 5): the same service code runs on the simulated and the wall-clock runtime.
public final class PlatformContext {
    public let runtime: any Runtime
    public let metrics: MetricsRecorder
    public let ledger: ConservationLedger
    public let faults: FaultState
    public let costs: CostMeter
    /// The run's node pools; Deployments created after a pool is added schedule onto it.
    public let nodePools = NodePoolRegistry()

    public init(runtime: any Runtime, metrics: MetricsRecorder = MetricsRecorder(),
                ledger: ConservationLedger = ConservationLedger(), faults: FaultState = FaultState(),
                costs: CostMeter = CostMeter()) {
        self.runtime = runtime
        self.metrics = metrics
        self.ledger = ledger
        self.faults = faults
        self.costs = costs
    }

    public var now: Instant { runtime.now }

    /// The named random stream `name` (one per component, so components never shift each
    /// other's draws).
    public func stream(_ name: String) -> RandomStream { runtime.randomStream(named: name) }

    /// Schedules `action` after `delay`; model code never schedules in the past, so a failure
    /// here is a broken invariant and stops the run with the event that caused it.
    @discardableResult
    public func after(_ delay: TimeAmount, _ kind: EventKind, entity: UInt64 = 0, _ action: @escaping () -> Void) -> EventHandle {
        do {
            return try runtime.schedule(after: delay, kind, entity: entity, action)
        } catch {
            preconditionFailure("\(kind) for entity \(entity) at \(now.seconds) s: \(error)")
        }
    }

    /// Schedules `action` at `time` (not before now; see `after`).
    @discardableResult
    public func at(_ time: Instant, _ kind: EventKind, entity: UInt64 = 0, _ action: @escaping () -> Void) -> EventHandle {
        do {
            // Expressed as a delay from one reading of `now`: on the wall clock, time moves between
            // two readings, and an instant that just passed must run at once, not be rejected.
            let current = now
            return try runtime.schedule(after: max(.zero, time - current), kind, entity: entity, action)
        } catch {
            preconditionFailure("\(kind) for entity \(entity) at \(now.seconds) s: \(error)")
        }
    }

    /// Runs `action` now and then every `period` until the run ends (scrapes, controller loops).
    public func every(_ period: TimeAmount, _ kind: EventKind, startingAfter first: TimeAmount? = nil, _ action: @escaping () -> Void) {
        precondition(period.nanoseconds > 0, "a periodic task needs a positive period")
        func tick() {
            action()
            after(period, kind, tick)
        }
        after(first ?? .zero, kind, tick)
    }
}

/// Money spent so far, by category (pod-hours by size, GPU-hours by type, egress).
/// Models add cost as they consume; `total` is sampled into the `cost.total` series.
public final class CostMeter {
    public private(set) var byCategory: [String: Double] = [:]
    public private(set) var total: Double = 0

    public init() {}

    public func add(_ dollars: Double, to category: String) {
        guard dollars > 0 else { return }
        byCategory[category, default: 0] += dollars
        total += dollars
    }
}
