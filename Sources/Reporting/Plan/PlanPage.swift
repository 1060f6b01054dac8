/// What `plan.html` shows of a capacity plan (`loomsim plan`), as plain values: the recommended
/// configuration with its cost and SLO margins, the capacity curve (the cheapest feasible
/// configuration per load multiplier), every configuration run at the scenario's load (the cost
/// frontier), the neighbour check and the monotonicity violations. ScenarioRunner fills it from
/// its `PlanResult` (Reporting does not depend on ScenarioRunner); `html` renders it.
public struct PlanPage: Sendable {
    /// A configuration run at one load: its values (one per variable), verdict and hourly cost.
    public struct Configuration: Sendable, Hashable {
        public var values: [String]
        public var feasible: Bool
        public var dollarsPerHour: Double
        public init(values: [String], feasible: Bool, dollarsPerHour: Double) {
            self.values = values
            self.feasible = feasible
            self.dollarsPerHour = dollarsPerHour
        }
    }

    /// One SLO of the recommendation: the value it was checked on against its threshold.
    public struct SLOMargin: Sendable, Hashable {
        public var name: String
        /// The replication bound the value is (`mean`, `upper95`, ...).
        public var bound: String
        public var valueText: String
        public var thresholdText: String
        /// Signed, with its unit (`+12.4s`), or `no data`.
        public var marginText: String
        /// The margin over the threshold's magnitude (nil: zero threshold or no data).
        public var relativeMargin: Double?
        public var passed: Bool
        public init(name: String, bound: String, valueText: String, thresholdText: String, marginText: String,
                    relativeMargin: Double?, passed: Bool) {
            self.name = name
            self.bound = bound
            self.valueText = valueText
            self.thresholdText = thresholdText
            self.marginText = marginText
            self.relativeMargin = relativeMargin
            self.passed = passed
        }
    }

    /// One line of the recommendation's bill (means over replications).
    public struct BillLine: Sendable, Hashable {
        public var name: String
        public var quantity: Double
        public var unitPrice: Double
        public var dollarsPerHour: Double
        public init(name: String, quantity: Double, unitPrice: Double, dollarsPerHour: Double) {
            self.name = name
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.dollarsPerHour = dollarsPerHour
        }
    }

    /// The cheapest configuration meeting every SLO at the scenario's load.
    public struct Recommendation: Sendable, Hashable {
        public var values: [String]
        public var dollarsPerHour: Double
        public var dollarsPerRun: Double
        public var slos: [SLOMargin]
        public var nothingLost: Bool
        public var bill: [BillLine]
        public var digest: String
        public init(values: [String], dollarsPerHour: Double, dollarsPerRun: Double, slos: [SLOMargin],
                    nothingLost: Bool, bill: [BillLine], digest: String) {
            self.values = values
            self.dollarsPerHour = dollarsPerHour
            self.dollarsPerRun = dollarsPerRun
            self.slos = slos
            self.nothingLost = nothingLost
            self.bill = bill
            self.digest = digest
        }
    }

    /// One load of the capacity curve.
    public struct CurvePoint: Sendable, Hashable {
        /// × the scenario's arrival rates.
        public var load: Double
        /// The cheapest feasible configuration; nil: none within the ranges.
        public var best: Configuration?
        public var evaluated: Int
        public var inferred: Int
        /// The search stopped at maxEvaluations.
        public var truncated: Bool
        public init(load: Double, best: Configuration?, evaluated: Int, inferred: Int, truncated: Bool) {
            self.load = load
            self.best = best
            self.evaluated = evaluated
            self.inferred = inferred
            self.truncated = truncated
        }
    }

    /// The recommendation's neighbours (one candidate step down and up on each variable).
    public struct NeighbourCheck: Sendable, Hashable {
        public var searched: [String]
        public var neighbours: [Configuration]
        public var moves: Int
        public init(searched: [String], neighbours: [Configuration], moves: Int) {
            self.searched = searched
            self.neighbours = neighbours
            self.moves = moves
        }
    }

    /// A smaller configuration that meets every SLO while a larger one fails, at one load.
    public struct Inversion: Sendable, Hashable {
        public var load: Double
        public var feasible: [String]
        public var infeasible: [String]
        public init(load: Double, feasible: [String], infeasible: [String]) {
            self.load = load
            self.feasible = feasible
            self.infeasible = infeasible
        }
    }

    public var scenario: String
    /// Key paths of the decision variables, in definition order.
    public var variables: [String]
    public var directions: [String]
    /// `ci95` or `as-written`.
    public var bound: String
    public var replications: Int
    public var evaluations: Int
    public var boxSize: Int
    public var recommendation: Recommendation?
    public var curve: [CurvePoint]
    /// Every configuration run at load 1, in run order (the cost frontier).
    public var frontier: [Configuration]
    public var neighbourCheck: NeighbourCheck?
    public var inversions: [Inversion]
    public var inversionCount: Int
    /// Inversions listed per load at most.
    public var inversionLimit: Int
    /// The command that reproduces the plan (empty: none shown).
    public var rerunCommand: String

    public init(scenario: String, variables: [String], directions: [String], bound: String, replications: Int,
                evaluations: Int, boxSize: Int, recommendation: Recommendation?, curve: [CurvePoint],
                frontier: [Configuration], neighbourCheck: NeighbourCheck?, inversions: [Inversion],
                inversionCount: Int, inversionLimit: Int, rerunCommand: String = "") {
        self.scenario = scenario
        self.variables = variables
        self.directions = directions
        self.bound = bound
        self.replications = replications
        self.evaluations = evaluations
        self.boxSize = boxSize
        self.recommendation = recommendation
        self.curve = curve
        self.frontier = frontier
        self.neighbourCheck = neighbourCheck
        self.inversions = inversions
        self.inversionCount = inversionCount
        self.inversionLimit = inversionLimit
        self.rerunCommand = rerunCommand
    }

    /// The last two parts of a key path (`gpus.rtx-3060`), for column headers.
    static func shortKey(_ key: String) -> String { key.split(separator: ".").suffix(2).joined(separator: ".") }

    /// `rtx-3060=4, rtx-4080=2` (the keys' last parts), for labels.
    func configuration(_ values: [String]) -> String {
        zip(variables, values).map { "\($0.split(separator: ".").last.map(String.init) ?? $0)=\($1)" }.joined(separator: ", ")
    }

    static func money(_ d: Double) -> String { d.isFinite ? "$" + NumberFormat.fixed(d, 2) : NumberFormat.nonFinite(d) }

    /// `1.5×`.
    static func load(_ x: Double) -> String { NumberFormat.trimmed(x, 3) + "×" }
}
