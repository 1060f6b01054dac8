/// A whole capacity plan: the cheapest configuration meeting every SLO at the scenario's load,
/// and the capacity curve — the cheapest such configuration at each load multiplier.
public struct PlanResult: Sendable, Hashable, Codable {
    /// One row of the capacity curve.
    public struct CurvePoint: Sendable, Hashable, Codable {
        public var load: Double
        /// The cheapest feasible configuration at this load; nil: infeasible within the ranges.
        public var best: PlanEvaluation?
        /// Configurations run for this load.
        public var evaluated: Int
        /// Verdicts settled by monotonicity without a run.
        public var inferred: Int
        /// The search hit `maxEvaluations`.
        public var truncated: Bool
    }

    public var scenario: String
    public var variables: [String]
    public var directions: [String]
    public var bound: String
    public var replications: Int
    /// The recommendation: the curve's row at load 1 (nil: no configuration meets the SLOs).
    public var recommended: PlanEvaluation?
    public var curve: [CurvePoint]
    /// Distinct (configuration, load) pairs run in all.
    public var evaluations: Int
    /// The size of the candidate box (configurations per load).
    public var boxSize: Int
}

/// Runs `PlanSearch` at every load of the definition (and at 1, the scenario as written, which is
/// the recommendation) through one `PlanEvaluator`.
public enum Planner {
    public static func plan(scenario name: String, evaluator: PlanEvaluator) throws(PlanError) -> PlanResult {
        let d = evaluator.definition
        let sizes = d.variables.map(\.candidates.count)
        var loads = d.loads
        if !loads.contains(1) { loads.append(1); loads.sort() }
        var curve: [PlanResult.CurvePoint] = []
        for load in loads {
            var search = PlanSearch(sizes: sizes, maxEvaluations: d.maxEvaluations)
            let outcome = try search.run { (points: [[Int]]) throws(PlanError) -> [PlanSearch.Verdict] in
                try evaluator.evaluate(points, load: load).map { PlanSearch.Verdict(feasible: $0.feasible, cost: $0.dollarsPerHour) }
            }
            curve.append(PlanResult.CurvePoint(load: load, best: outcome.best.flatMap { evaluator.evaluation($0, load: load) },
                                               evaluated: outcome.evaluated.count, inferred: outcome.inferred,
                                               truncated: outcome.truncated))
        }
        let recommended = curve.first { $0.load == 1 }?.best
        return PlanResult(scenario: name, variables: d.variables.map(\.key), directions: d.variables.map(\.direction.rawValue),
                          bound: d.bound.rawValue, replications: evaluator.replications, recommended: recommended,
                          curve: curve.filter { d.loads.contains($0.load) || $0.load == 1 }, evaluations: evaluator.history.count,
                          boxSize: sizes.reduce(1, *))
    }
}
