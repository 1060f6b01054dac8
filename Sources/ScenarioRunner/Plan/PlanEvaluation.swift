import LoomServices
import ScenarioKit

/// One SLO of an evaluated configuration: the value it was checked on against its threshold.
public struct PlanSLOMargin: Sendable, Hashable, Codable {
    public var name: String
    /// The replication bound the value is (`mean`, `upper95`, ...).
    public var bound: String
    /// In the metric's base unit; nil: no data.
    public var value: Double?
    public var valueText: String
    public var threshold: Double
    /// `< 30s`.
    public var thresholdText: String
    public var passed: Bool
    /// How far inside the threshold the value is, in the metric's unit (negative: violated).
    public var margin: Double?
    /// `margin` over the threshold's magnitude (nil for a zero threshold).
    public var relativeMargin: Double?
    /// `margin` with its unit, signed (`+12.4s`, `-3`), or `no data`.
    public var marginText: String
}

/// A configuration run at one load: its verdict, SLO margins and hourly cost (means over its
/// replications), ready for the plan's tables.
public struct PlanEvaluation: Sendable, Hashable, Codable {
    /// Candidate index per variable.
    public var point: [Int]
    /// The variables' values, in definition order.
    public var values: [String]
    public var load: Double
    public var feasible: Bool
    public var slos: [PlanSLOMargin]
    /// Whether every replication conserved every unit (a lost job is never a feasible plan).
    public var nothingLost: Bool
    public var dollarsPerHour: Double
    /// The run's cost: `dollarsPerHour` × the run's duration.
    public var dollarsPerRun: Double
    /// The bill's lines, means over replications.
    public var bill: [CostModel.Item]
    public var replications: Int
    public var digest: String
    /// Each replication's warm-up end, seconds (the MSER-5 choice with `warmUp: auto`).
    public var warmUpSeconds: [Double]

    /// Combines a finished run of the configuration.
    public init(point: [Int], values: [String], load: Double, run: ScenarioRun, cost: CostModel, spec: PlatformSpec) {
        self.point = point
        self.values = values
        self.load = load
        slos = run.sloVerdicts.map { v in
            let t = v.assertion.threshold.value
            let value = v.result.measured
            let margin = value.map { x in
                switch v.assertion.comparison {
                case .below, .atMost: return t - x
                case .above, .atLeast: return x - t
                }
            }
            return PlanSLOMargin(name: v.assertion.name, bound: v.assertion.query.bound.rawValue, value: value,
                                 valueText: v.result.measuredText, threshold: t, thresholdText: v.assertion.thresholdText,
                                 passed: v.result.passed, margin: margin,
                                 relativeMargin: t == 0 ? nil : margin.map { $0 / abs(t) },
                                 marginText: margin.map { ($0 < 0 ? "-" : "+") + "\(Measure(abs($0), v.assertion.threshold.dimension).approximateDescription)" } ?? "no data")
        }
        nothingLost = run.outcomes.allSatisfy { $0.result.violations.isEmpty && $0.result.conservation.allSatisfy(\.isBalanced) }
        feasible = run.complete && run.passed
        var names: [String] = []
        var sums: [String: CostModel.Item] = [:]
        for o in run.outcomes {
            for item in cost.bill(o.result.snapshot, runEnd: o.result.endTime, spec: spec) {
                if sums[item.name] == nil { names.append(item.name); sums[item.name] = CostModel.Item(name: item.name, quantity: 0, unitPrice: item.unitPrice, dollarsPerHour: 0) }
                sums[item.name]!.quantity += item.quantity
                sums[item.name]!.dollarsPerHour += item.dollarsPerHour
            }
        }
        let n = Double(max(1, run.outcomes.count))
        bill = names.map { name in
            var i = sums[name]!
            i.quantity /= n
            i.dollarsPerHour /= n
            return i
        }
        dollarsPerHour = bill.reduce(0) { $0 + $1.dollarsPerHour }
        dollarsPerRun = dollarsPerHour * run.scenario.duration.seconds / 3_600
        replications = run.outcomes.count
        digest = run.digest.hex
        warmUpSeconds = run.outcomes.map { $0.result.snapshot.warmUpEnd.seconds }
    }
}
