import LoomServices
import ScenarioKit

/// Feeds a platform its scenario on any runtime: every workload's arrivals (one event ahead per
/// workload, so memory does not grow with the run) and the fault timeline.
///
/// A simulated replication drives it on virtual time; real mode drives the same scenario on the
/// wall clock, with scenario time divided by its arrival speed-up (SimPy's
/// `RealtimeEnvironment(factor:)`).
public struct ScenarioDriver {
    public let scenario: Scenario
    /// Scenario seconds per runtime second (1 in simulation; `--speedup` in real mode).
    public let speedup: Double

    public init(scenario: Scenario, speedup: Double = 1) {
        precondition(speedup > 0 && speedup.isFinite, "the speed-up must be positive")
        self.scenario = scenario
        self.speedup = speedup
    }

    static let arrivalKind = EventKind("workload.arrival")
    static let faultStartKind = EventKind("fault.start")
    static let faultEndKind = EventKind("fault.end")

    /// The runtime instant of scenario instant `t`.
    func runtimeInstant(_ t: Instant) -> Instant {
        speedup == 1 ? t : Instant(nanoseconds: Int64((Double(t.nanoseconds) / speedup).rounded()))
    }

    /// When the last arrival can happen on the runtime's clock (the scenario's end).
    public var arrivalsEnd: TimeAmount { runtimeInstant(Instant.zero + scenario.duration) - Instant.zero }

    /// Schedules the arrivals of `workloads` (default: all), each handed to `platform`.
    public func schedule(workloads: [Workload]? = nil, on platform: any PlatformInstance, context: PlatformContext) {
        for (w, workload) in (workloads ?? scenario.workloads).enumerated() {
            var process = workload.arrivalProcess(horizon: scenario.duration)
            let arrivals = context.stream(workload.streamName)
            let mix = context.stream(workload.mixStreamName)
            var count: UInt64 = 0
            let base = UInt64(w) << 40
            func next() {
                guard let t = process.next(using: arrivals) else { return }
                context.at(runtimeInstant(t), Self.arrivalKind, entity: base | count) {
                    count += 1
                    platform.dispatch(workload, arrivalID: base | count, attributes: workload.mix.sample(using: mix))
                    next()
                }
            }
            next()
        }
    }

    /// Schedules the scenario's fault timeline: each fault begins and ends in `context.faults`
    /// and is noted in the metrics (the report's fault markers).
    public func scheduleFaults(context: PlatformContext) {
        var active: [Int: [ActiveFault]] = [:]
        for event in scenario.faults.events {
            let index = event.faultIndex
            switch event.transition {
            case .start:
                context.at(runtimeInstant(event.at), Self.faultStartKind, entity: UInt64(index)) {
                    let mapped = FaultMapping.activeFaults(for: event.fault.effect)
                    active[index] = mapped
                    for f in mapped {
                        context.faults.begin(f)
                        context.metrics.note("fault.started", subject: f.target, detail: f.kind.rawValue, at: context.now)
                    }
                }
            case .end:
                context.at(runtimeInstant(event.at), Self.faultEndKind, entity: UInt64(index)) {
                    for f in active.removeValue(forKey: index) ?? [] {
                        context.faults.end(f)
                        context.metrics.note("fault.ended", subject: f.target, detail: f.kind.rawValue, at: context.now)
                    }
                }
            }
        }
    }
}
