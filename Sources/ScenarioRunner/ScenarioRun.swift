import LoomServices
import Reporting
import ScenarioKit

/// A whole scenario run: every replication, the SLO verdicts across them, and the report.
///
/// Replications are independent (each has its own seed and runtime), so the caller may run
/// them in any order or in parallel; `ScenarioRun` only combines finished outcomes, always in
/// replication order, so the results do not depend on how they were scheduled.
public struct ScenarioRun {
    public let scenario: Scenario
    public let outcomes: [ReplicationRun.Outcome]
    public let plannedReplications: Int

    public init(scenario: Scenario, outcomes: [ReplicationRun.Outcome], plannedReplications: Int) {
        self.scenario = scenario
        self.outcomes = outcomes.sorted { $0.index < $1.index }
        self.plannedReplications = plannedReplications
    }

    public var complete: Bool { outcomes.count == plannedReplications && outcomes.allSatisfy(\.result.complete) }

    /// Every SLO, checked on the value its `on:` bound asks for across replications.
    public var sloVerdicts: [(assertion: SLOAssertion, result: ScenarioKit.SLOResult, perReplication: [Double])] {
        let lookups = outcomes.map {
            MetricLookup(snapshot: $0.result.snapshot, conservation: $0.result.conservation,
                         violations: $0.result.violations, runEnd: $0.result.endTime)
        }
        return scenario.slos.map { assertion in
            var values: [Double] = []
            let result = assertion.evaluate { query in
                values = lookups.compactMap { $0.value(query.metric, query.statistic) }
                // A metric missing in some replication has no defensible value: report no data.
                guard values.count == lookups.count else { return nil }
                return reduce(values, by: query.bound)
            }
            return (assertion, result, values)
        }
    }

    /// True when every SLO holds and nothing was lost (conservation is always asserted).
    public var passed: Bool {
        sloVerdicts.allSatisfy(\.result.passed) && outcomes.allSatisfy { $0.result.violations.isEmpty && $0.result.conservation.allSatisfy(\.isBalanced) }
    }

    /// The combined digest: each replication's digest folded in replication order.
    public var digest: TraceDigest {
        var d = TraceDigest()
        for o in outcomes { d.record(word: o.result.digest.value) }
        return d
    }

    /// The report handed to `ReportWriter`; wall-clock figures go only into `wallClock`.
    public func report(rerunCommand: String, interruption: String?, wallClock: [WallClockTiming]) -> RunReport {
        let slos = sloVerdicts.map { v -> Reporting.SLOResult in
            let ci = v.perReplication.count >= 2 ? ConfidenceInterval(observations: v.perReplication, level: 0.95) : nil
            return Reporting.SLOResult(
                name: v.assertion.name, metric: v.assertion.query.description, threshold: v.assertion.thresholdText,
                value: v.result.measured ?? .nan, unit: Self.unit(v.assertion.threshold.dimension), passed: v.result.passed,
                mean: ci?.mean, ciLow: ci?.lower, ciHigh: ci?.upper)
        }
        let replications = outcomes.map { o in
            ReplicationResult(
                index: o.index, seed: o.seed, digest: o.result.digest.hex, metrics: o.result.snapshot,
                conservation: o.result.conservation, conservationViolations: o.result.violations, complete: o.result.complete)
        }
        var provenance: [ProvenanceNote] = []
        if let first = outcomes.first {
            provenance = first.provenance.map { ProvenanceNote(component: $0.component, mode: $0.real ? .real : .modelled, detail: $0.detail) }
        }
        return RunReport(
            scenario: scenario.name, description: scenario.description ?? "", seed: scenario.seed, digest: digest.hex,
            resolvedScenario: scenario.resolvedText, rerunCommand: rerunCommand, replications: replications,
            plannedReplications: plannedReplications, slos: slos, provenance: provenance,
            parameters: [RunParameter("duration", "\(scenario.duration)"), RunParameter("warmUp", "\(scenario.warmUp)"),
                         RunParameter("replications", "\(plannedReplications)")],
            interruption: interruption, wallClock: wallClock)
    }

    static func unit(_ d: Measure.Dimension) -> String {
        switch d {
        case .duration: return "s"
        case .size: return "B"
        case .rate: return "/s"
        case .money: return "$"
        case .fraction, .number: return ""
        }
    }
}
