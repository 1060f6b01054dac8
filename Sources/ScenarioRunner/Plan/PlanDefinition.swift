import Foundation
import ScenarioKit

/// A capacity-planning question, read from a scenario's `plan:` section (Scenarios/README.md,
/// "plan:"): which scenario values may change (the decision variables, each with its candidate
/// values and the direction that helps the SLOs), the load multipliers of the capacity curve,
/// how many replications each candidate gets and which side of the SLOs' confidence interval a
/// candidate must clear. DESIGN.md's user story 2: "find the cheapest configuration that meets
/// the SLOs, with confidence intervals".
public struct PlanDefinition: Sendable, Hashable {
    /// Whether raising a variable helps or hurts the SLOs.
    public enum Direction: String, Sendable, Hashable, CaseIterable {
        /// More GPUs, pods, queue slots: the SLOs can only get easier.
        case moreIsBetter
        /// A smaller budget or threshold helps (for example a GPU wait budget before CPU fallback).
        case lessIsBetter
    }

    /// One decision variable: a key path into the scenario (as in `sweep:`) and its candidates.
    public struct Variable: Sendable, Hashable {
        public var key: String
        /// The candidates in capacity order: from the one that helps the SLOs least to the one that
        /// helps most (the written order reversed for `lessIsBetter`). Written as YAML scalars.
        public var candidates: [String]
        public var direction: Direction
    }

    /// Which value across replications an SLO is checked on while planning.
    public enum Bound: String, Sendable, Hashable, CaseIterable {
        /// Each SLO's own `on:` (default).
        case asWritten
        /// The pessimistic side of the 95% confidence interval of the mean for every SLO written
        /// `on: mean` (upper95 for `below`/`atMost`, lower95 for `above`/`atLeast`); bounds written
        /// otherwise (`max`, `upper95`, ...) are kept.
        case ci95
    }

    public var variables: [Variable]
    /// Load multipliers of the capacity curve (1 = the scenario as written).
    public var loads: [Double]
    /// Replications per candidate; nil: the scenario's.
    public var replications: Int?
    public var bound: Bound
    /// The most configurations one search may run (a guard against a huge candidate box).
    public var maxEvaluations: Int

    public static let defaultLoads: [Double] = [0.5, 1, 1.5, 2, 2.5, 3]

    public init(variables: [Variable], loads: [Double] = PlanDefinition.defaultLoads, replications: Int? = nil,
                bound: Bound = .asWritten, maxEvaluations: Int = 500) {
        self.variables = variables
        self.loads = loads
        self.replications = replications
        self.bound = bound
        self.maxEvaluations = maxEvaluations
    }

    /// Reads the `plan:` section, reporting problems at their file:line:column into `sink`; nil
    /// when it is wrong.
    ///
    /// ```yaml
    /// plan:
    ///   variables:
    ///     - {key: topology.services.video-processing.gpus.rtx-3060, values: [2, 4, 6, 8]}
    ///     - {key: topology.services.video-processing.cpuWorkers.hpa.spec.maxReplicas, range: {min: 2, max: 8, step: 2}}
    ///   loads: [0.5, 1, 2, 3]
    ///   replications: 3
    ///   on: ci95
    /// ```
    public static func parse(section node: ScenarioNode, sink: DiagnosticSink) -> PlanDefinition? {
        let errorsBefore = sink.errorCount
        let root = NodeReader(node, path: "plan", sink: sink)
        guard root.checkKeys(["variables", "loads", "replications", "on", "maxEvaluations"]) else { return nil }
        var variables: [Variable] = []
        let list = root.sequence("variables", required: true, expected: "a list of {key:, values:} decision variables")
        for v in list {
            guard v.checkKeys(["key", "values", "range", "direction"]), let key = v.required("key", as: .string) else { continue }
            do throws(SweepDefinitionError) { try SweepDefinition.checkKey(key, where: v.path(of: "key")) } catch {
                v.child("key")?.error(error.message, hint: "name a scenario value by its dotted key path")
                continue
            }
            if key == "plan" || key.hasPrefix("plan.") || key == "cost" || key.hasPrefix("cost.") {
                v.child("key")?.error("\(key) cannot be a decision variable", hint: "name a topology or policy value")
                continue
            }
            if let first = variables.first(where: { $0.key == key || $0.key.hasPrefix(key + ".") || key.hasPrefix($0.key + ".") }) {
                v.child("key")?.error("\(key) overlaps the variable \(first.key)", expected: "each value planned once")
                continue
            }
            let direction = v.optional("direction", as: .choice(Direction.self), default: .moreIsBetter)
            guard let written = candidates(v) else { continue }
            variables.append(Variable(key: key, candidates: direction == .moreIsBetter ? written : written.reversed(), direction: direction))
        }
        if list.isEmpty, sink.errorCount == errorsBefore, let node = root.child("variables") {
            node.error("no variables", expected: "at least one {key:, values:} decision variable")
        }
        var loads = defaultLoads
        if let l = root.child("loads") {
            loads = []
            for e in l.elements(expected: "a list of load multipliers like [0.5, 1, 2]") {
                guard let m = e.value(as: .positiveNumber) else { continue }
                if m > 100 { e.error("\(m) is over 100", expected: "a multiplier of the scenario's load from 0 to 100") }
                if loads.contains(m) { e.error("\(m) is listed twice", expected: "distinct multipliers") }
                loads.append(m)
            }
            if loads.isEmpty, sink.errorCount == errorsBefore { l.error("no multipliers", expected: "a non-empty list like [0.5, 1, 2]") }
            loads.sort()
        }
        let replications = root.optional("replications", as: .integer(in: 1...1_000))
        let bound = root.optional("on", as: .choice(Bound.self), default: .asWritten)
        let maxEvaluations = root.optional("maxEvaluations", as: .integer(in: 1...100_000), default: 500)
        guard sink.errorCount == errorsBefore else { return nil }
        return PlanDefinition(variables: variables, loads: loads, replications: replications, bound: bound, maxEvaluations: maxEvaluations)
    }

    /// A variable's candidates as written: `values: [...]` (strictly increasing numbers, units allowed
    /// after the number: `30s`) or `range: {min:, max:, step:, unit:}`.
    static func candidates(_ v: NodeReader) -> [String]? {
        guard let which = v.exactlyOne(of: ["values", "range"], what: "candidate values") else { return nil }
        var texts: [String] = []
        if which == "values", let list = v.child("values") {
            var last: Double?
            for e in list.elements(expected: "a list of candidate values") {
                guard let s = e.node.scalar, !s.isNull, let number = leadingNumber(s.text) else {
                    e.error("found \(e.node.summary)", expected: "a number, optionally with a unit (4, 30s)")
                    return nil
                }
                if let last, number <= last {
                    e.error("\(s.text) does not follow the value before it", expected: "values in increasing order")
                    return nil
                }
                last = number
                texts.append(s.text)
            }
        } else if let r = v.child("range") {
            guard r.checkKeys(["min", "max", "step", "unit"]), let lo = r.required("min", as: .number()),
                  let hi = r.required("max", as: .number()) else { return nil }
            let step = r.optional("step", as: .positiveNumber, default: 1)
            let unit = r.optional("unit", as: .string, default: "")
            if hi < lo { r.error("max \(hi) is below min \(lo)", expected: "min ≤ max"); return nil }
            if (hi - lo) / step > 1_000 { r.error("over 1000 candidates", expected: "a larger step"); return nil }
            var x = lo
            while x <= hi + step * 1e-9 {
                texts.append((x == x.rounded() ? String(Int64(x)) : String(format: "%.6g", x)) + unit)
                x += step
            }
        }
        if texts.isEmpty { (v.child(which) ?? v).error("no candidates", expected: "at least one value"); return nil }
        return texts
    }

    /// The number a candidate starts with (`30s` → 30), for checking the order.
    static func leadingNumber(_ text: String) -> Double? {
        let prefix = text.prefix { $0.isNumber || $0 == "." || $0 == "-" || $0 == "e" || $0 == "+" }
        return Double(prefix)
    }
}
