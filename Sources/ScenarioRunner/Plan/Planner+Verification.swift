/// The planner's guard against a model that is not monotone: the search infers verdicts from
/// "more capacity never breaks an SLO", which the video pipeline violates at small fleets (with
/// a wait budget, a fleet so small that every wait estimate exceeds the budget sends jobs to the
/// CPU workers at once, while a slightly larger one makes them hold their worker for the whole
/// budget; and seed §2.4.1 switches to fast settings above 90 % GPU load). So the recommendation
/// is checked against its immediate neighbours, a cheaper feasible neighbour replaces it (a
/// local descent, within `maxEvaluations`), and every inversion seen among the runs is reported.
extension Planner {
    /// Inversions listed per load at most; the rest are only counted.
    public static let inversionLimit = 10

    /// Runs the neighbours of `searched` (load 1) and moves to the cheapest feasible configuration
    /// run so far while one is cheaper than the current recommendation.
    static func verify(_ searched: PlanEvaluation, evaluator: PlanEvaluator, sizes: [Int])
        throws(PlanError) -> (best: PlanEvaluation, verification: PlanResult.Verification, asked: Set<[Int]>) {
        var best = searched
        var moves = 0
        var checked: [[Int]] = []
        var neighbours: [PlanResult.Neighbour] = []
        var seen = Set<[Int]>()
        let budget = evaluator.definition.maxEvaluations
        while !checked.contains(best.point) {
            checked.append(best.point)
            var asks: [[Int]] = []
            for axis in sizes.indices {
                for step in [-1, 1] {
                    var p = best.point
                    p[axis] += step
                    if (0..<sizes[axis]).contains(p[axis]) { asks.append(p) }
                }
            }
            let runsAtLoad1 = evaluator.history.filter { $0.load == 1 }.count
            let fresh = asks.filter { evaluator.evaluation($0, load: 1) == nil }
            // The first check always runs; further ones (after a move) stay within maxEvaluations.
            if moves > 0 && runsAtLoad1 + fresh.count > budget { break }
            for e in try evaluator.evaluate(asks, load: 1) where seen.insert(e.point).inserted {
                neighbours.append(PlanResult.Neighbour(values: e.values, feasible: e.feasible, dollarsPerHour: e.dollarsPerHour))
            }
            let cheapest = evaluator.history.filter { $0.load == 1 && $0.feasible }.min { a, b in
                a.dollarsPerHour < b.dollarsPerHour || (a.dollarsPerHour == b.dollarsPerHour && a.point.lexicographicallyPrecedes(b.point))
            }
            if let c = cheapest, c.dollarsPerHour < best.dollarsPerHour {
                best = c
                moves += 1
            }
        }
        return (best, PlanResult.Verification(searched: searched.values, neighbours: neighbours, moves: moves), seen)
    }

    /// Pairs run at the same load where a configuration no larger on any axis meets every SLO and
    /// a larger one fails, in run order; at most `inversionLimit` per load, and the total count.
    static func inversions(_ history: [PlanEvaluation], loads: [Double]) -> ([PlanResult.Inversion], Int) {
        inversions(history.map { Run(point: $0.point, values: $0.values, load: $0.load, feasible: $0.feasible) }, loads: loads)
    }

    /// What the inversion search needs of a configuration run.
    struct Run {
        var point: [Int]
        var values: [String]
        var load: Double
        var feasible: Bool
    }

    static func inversions(_ history: [Run], loads: [Double]) -> ([PlanResult.Inversion], Int) {
        var out: [PlanResult.Inversion] = []
        var count = 0
        for load in loads {
            let runs = history.filter { $0.load == load }
            var listed = 0
            for small in runs where small.feasible {
                for large in runs where !large.feasible && large.point != small.point
                    && zip(small.point, large.point).allSatisfy({ $0 <= $1 }) {
                    count += 1
                    if listed < inversionLimit {
                        out.append(PlanResult.Inversion(load: load, feasible: small.values, infeasible: large.values))
                        listed += 1
                    }
                }
            }
        }
        return (out, count)
    }
}
