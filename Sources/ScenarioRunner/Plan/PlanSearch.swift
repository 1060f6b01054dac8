/// The search for the cheapest configuration that meets every SLO, over a box of candidate
/// indices (one axis per decision variable, each ordered from least to most capacity).
///
/// It exploits monotonicity: more capacity on any axis never breaks an SLO that held, so the
/// feasible configurations form an up-set. A verdict therefore also settles every configuration
/// above a feasible one (feasible) and below an infeasible one (infeasible) without running it.
/// Assuming, too, that more capacity never costs less, the cheapest feasible configuration is a
/// minimal feasible one. The search:
/// 1. runs the all-maximum configuration (infeasible there: infeasible everywhere in the box);
/// 2. binary-searches each axis, the others at their maximum, for its smallest feasible index —
///    a lower bound no feasible configuration goes under;
/// 3. for every combination of the other axes inside those bounds, binary-searches the last
///    axis for its smallest feasible index: the staircase of minimal feasible configurations;
/// 4. returns the cheapest of every configuration it ran that was feasible (so a cost that does
///    not grow with capacity, e.g. GPUs sparing CPU-fallback pods, is still compared fairly).
/// Where the premise fails the answer is still feasible (it was run), but may not be the cheapest:
/// the video model is one such place — with very few GPUs the adaptive strategy (seed §2.4.1)
/// sends jobs to CPU sooner, so 1 GPU can meet a queue-wait SLO that 4 miss (PlanTests).
/// Phase 2 advances its binary searches in lockstep (one batch of up to one configuration per
/// axis); phase 3 runs one configuration at a time, so every verdict can settle later ones. The
/// sequence of batches — and so the answer — depends only on the verdicts, never on scheduling;
/// the parallelism is across each configuration's replications (and a batch's configurations).
public struct PlanSearch {
    /// A verdict: whether every SLO held, and the configuration's cost (dollars per hour).
    public struct Verdict: Sendable, Hashable {
        public var feasible: Bool
        public var cost: Double
        public init(feasible: Bool, cost: Double) {
            self.feasible = feasible
            self.cost = cost
        }
    }

    /// What the search found.
    public struct Outcome: Sendable, Hashable {
        /// The cheapest feasible configuration (candidate indices), nil when none is feasible.
        public var best: [Int]?
        /// The configurations run, in the order they were run.
        public var evaluated: [[Int]]
        /// Verdicts settled by monotonicity without a run.
        public var inferred: Int
        /// The smallest feasible index of each axis with the others at their maximum.
        public var lowerBounds: [Int]
        /// True when the search stopped at `maxEvaluations` (the answer is the best found so far).
        public var truncated: Bool
    }

    public let sizes: [Int]
    public let maxEvaluations: Int
    private var known: [[Int]: Verdict] = [:]
    private var order: [[Int]] = []
    private var inferred = 0
    private var truncated = false

    public init(sizes: [Int], maxEvaluations: Int = 500) {
        precondition(!sizes.isEmpty && sizes.allSatisfy { $0 > 0 }, "every axis needs a candidate")
        self.sizes = sizes
        self.maxEvaluations = maxEvaluations
    }

    /// Runs the search; `evaluate` gets batches of distinct, not yet run configurations and
    /// returns their verdicts in the same order.
    public mutating func run<E: Error>(_ evaluate: ([[Int]]) throws(E) -> [Verdict]) throws(E) -> Outcome {
        let top = sizes.map { $0 - 1 }
        try batch([top], evaluate)
        guard known[top]?.feasible == true else {
            return Outcome(best: nil, evaluated: order, inferred: inferred, lowerBounds: [], truncated: truncated)
        }
        // Phase 2: lower bounds, one binary search per axis.
        var lo = Array(repeating: 0, count: sizes.count), hi = top
        while !truncated {
            var asks: [[Int]] = []
            for i in sizes.indices where lo[i] < hi[i] {
                var p = top
                p[i] = (lo[i] + hi[i]) / 2
                asks.append(p)
            }
            if asks.isEmpty { break }
            try batch(asks, evaluate)
            for i in sizes.indices where lo[i] < hi[i] {
                var p = top
                p[i] = (lo[i] + hi[i]) / 2
                if verdict(p)?.feasible == true { hi[i] = p[i] } else { lo[i] = p[i] + 1 }
            }
        }
        let bounds = hi
        // Phase 3: the staircase over the last axis, for every prefix inside the bounds, one
        // prefix after the other in lexicographic order, so each search starts from what the
        // earlier ones settled (a prefix one step larger inherits the previous minimum as a
        // feasible upper end: the classic staircase walk).
        let last = sizes.count - 1
        var frontier: [[Int]] = []
        for prefix in prefixes(from: Array(bounds[..<last]), to: Array(top[..<last])) where !truncated {
            var lo = bounds[last], hi = top[last] + 1
            while lo < hi && !truncated {
                let p = prefix + [(lo + hi) / 2]
                try batch([p], evaluate)
                if verdict(p)?.feasible == true { hi = p[last] } else { lo = p[last] + 1 }
            }
            if lo == hi && lo <= top[last] { frontier.append(prefix + [lo]) }
        }
        // Phase 4: every minimal configuration must be run for its cost.
        try batch(frontier, evaluate, force: true)
        var best: [Int]?
        for p in order where known[p]!.feasible {
            if let b = best {
                let (c, cb) = (known[p]!.cost, known[b]!.cost)
                if c < cb || (c == cb && p.lexicographicallyPrecedes(b)) { best = p }
            } else {
                best = p
            }
        }
        return Outcome(best: best, evaluated: order, inferred: inferred, lowerBounds: bounds, truncated: truncated)
    }

    /// The verdict of `p`: run, or implied by a run one.
    func verdict(_ p: [Int]) -> Verdict? {
        if let v = known[p] { return v }
        for (q, v) in known {
            if v.feasible, zip(q, p).allSatisfy({ $0 <= $1 }) { return Verdict(feasible: true, cost: .nan) }
            if !v.feasible, zip(q, p).allSatisfy({ $0 >= $1 }) { return Verdict(feasible: false, cost: .nan) }
        }
        return nil
    }

    /// Runs the configurations of `asks` that are neither run nor implied (`force`: run even
    /// implied ones — phase 4 needs their costs), within the evaluation limit.
    private mutating func batch<E: Error>(_ asks: [[Int]], _ evaluate: ([[Int]]) throws(E) -> [Verdict], force: Bool = false) throws(E) {
        var todo: [[Int]] = []
        for p in asks where known[p] == nil && !todo.contains(p) {
            if !force, verdict(p) != nil { inferred += 1; continue }
            todo.append(p)
        }
        if order.count + todo.count > maxEvaluations {
            todo = Array(todo.prefix(max(0, maxEvaluations - order.count)))
            truncated = true
        }
        guard !todo.isEmpty else { return }
        let verdicts = try evaluate(todo)
        precondition(verdicts.count == todo.count, "one verdict per configuration")
        for (p, v) in zip(todo, verdicts) {
            known[p] = v
            order.append(p)
        }
    }

    /// Every index vector between `low` and `high` (inclusive), lexicographically; [[]] when empty.
    func prefixes(from low: [Int], to high: [Int]) -> [[Int]] {
        var out: [[Int]] = [[]]
        for (a, b) in zip(low, high) { out = out.flatMap { p in (a...b).map { p + [$0] } } }
        return out
    }
}
