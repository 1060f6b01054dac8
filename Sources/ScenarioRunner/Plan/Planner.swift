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

    /// Two configurations at one load where the one with less capacity (no larger on every axis)
    /// meets every SLO and the larger one fails: the search's monotonicity assumption is wrong
    /// there (`loomsim plan` prints "monotonicity violated at ...").
    public struct Inversion: Sendable, Hashable, Codable {
        public var load: Double
        /// The smaller configuration's values, which meet every SLO.
        public var feasible: [String]
        /// The larger configuration's values, which fail.
        public var infeasible: [String]
    }

    /// The recommendation's check against its immediate neighbours (one candidate step up and
    /// down on each variable), run because the model need not be monotone (see Scenarios/README.md).
    public struct Verification: Sendable, Hashable, Codable {
        /// The configuration the search found before the check.
        public var searched: [String]
        /// Every neighbour run: values, verdict and cost.
        public var neighbours: [Neighbour]
        /// Times the check moved the recommendation to a cheaper feasible neighbour.
        public var moves: Int
    }

    public struct Neighbour: Sendable, Hashable, Codable {
        public var values: [String]
        public var feasible: Bool
        public var dollarsPerHour: Double
    }

    public var scenario: String
    public var variables: [String]
    public var directions: [String]
    public var bound: String
    public var replications: Int
    /// The recommendation: the curve's row at load 1 (nil: no configuration meets the SLOs).
    public var recommended: PlanEvaluation?
    public var curve: [CurvePoint]
    /// The neighbour check of the recommendation (nil without a recommendation).
    public var verification: Verification?
    /// Monotonicity violations among the configurations run, by load (at most
    /// `Planner.inversionLimit` per load; `inversionCount` counts them all).
    public var inversions: [Inversion]
    public var inversionCount: Int
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
        var searchedAtLoad1 = Set<[Int]>()
        for load in loads {
            var search = PlanSearch(sizes: sizes, maxEvaluations: d.maxEvaluations)
            let outcome = try search.run { (points: [[Int]]) throws(PlanError) -> [PlanSearch.Verdict] in
                try evaluator.evaluate(points, load: load).map { PlanSearch.Verdict(feasible: $0.feasible, cost: $0.dollarsPerHour) }
            }
            if load == 1 { searchedAtLoad1 = Set(outcome.evaluated) }
            curve.append(PlanResult.CurvePoint(load: load, best: outcome.best.flatMap { evaluator.evaluation($0, load: load) },
                                               evaluated: outcome.evaluated.count, inferred: outcome.inferred,
                                               truncated: outcome.truncated))
        }
        var verification: PlanResult.Verification?
        if let i = curve.firstIndex(where: { $0.load == 1 }), let searched = curve[i].best {
            let checked = try verify(searched, evaluator: evaluator, sizes: sizes)
            verification = checked.verification
            curve[i].best = checked.best
            curve[i].evaluated = searchedAtLoad1.union(checked.asked).count
        }
        let (inversions, inversionCount) = Self.inversions(evaluator.history, loads: loads)
        let recommended = curve.first { $0.load == 1 }?.best
        return PlanResult(scenario: name, variables: d.variables.map(\.key), directions: d.variables.map(\.direction.rawValue),
                          bound: d.bound.rawValue, replications: evaluator.replications, recommended: recommended,
                          curve: curve.filter { d.loads.contains($0.load) || $0.load == 1 }, verification: verification,
                          inversions: inversions, inversionCount: inversionCount, evaluations: evaluator.history.count,
                          boxSize: sizes.reduce(1, *))
    }
}
