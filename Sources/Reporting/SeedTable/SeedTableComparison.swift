import SimKernel

/// What the seed claims for one row of its §10.1 "Scalability Solutions" table, in a form a
/// measurement can be held against.
public struct SeedTableClaim: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// "10x …": the solution's value over the baseline's is at least `value` (higher is better).
        case ratio
        /// "80 % reduction …": 1 − solution/baseline is at least `value` (a fraction; lower is better).
        case reduction
        /// "1M+ events/hour": the solution's value alone is at least `value` (in the metric's unit).
        case atLeast
    }

    public var kind: Kind
    public var value: Double
    /// The seed's words ("10x concurrent sessions").
    public var text: String

    public init(_ kind: Kind, _ value: Double, text: String) {
        self.kind = kind
        self.value = value
        self.text = text
    }
}

/// The measured improvement of one row: per replication, paired by replication index (both
/// variants of replication i run with the same seed: common random numbers), and its mean with
/// a 95 % Student-t interval over those paired values.
///
/// Ratios: `with_i / without_i`. Reductions: `1 − with_i / without_i`. Pairing cancels the load
/// noise the two variants share, so the interval is tighter than one built from the two means
/// (a delta-method interval of the ratio of means would ignore that correlation).
public struct SeedTableImprovement: Sendable, Equatable {
    public enum Measure: String, Sendable {
        case ratio
        case reduction
    }

    public var measure: Measure
    /// One value per replication that has both variants measured and a positive baseline.
    public var perReplication: [Double]
    public var mean: Double
    /// Bounds of the 95 % interval; infinite with fewer than two replications.
    public var lower: Double
    public var upper: Double

    /// Nil when no replication has both values and a positive baseline (nothing to divide by).
    public init?(without: [Double?], with: [Double?], measure: Measure) {
        var values: [Double] = []
        for (a, b) in zip(without, with) {
            guard let a, let b, a > 0, a.isFinite, b.isFinite else { continue }
            values.append(measure == .ratio ? b / a : 1 - b / a)
        }
        guard !values.isEmpty else { return nil }
        self.measure = measure
        perReplication = values
        let ci = ConfidenceInterval(observations: values, level: 0.95)
        mean = ci.mean
        lower = values.count >= 2 ? ci.lower : -.infinity
        upper = values.count >= 2 ? ci.upper : .infinity
    }
}

/// A sample's mean and 95 % Student-t interval (infinite bounds for one value, nil for none).
public struct SeedTableEstimate: Sendable, Equatable {
    public var values: [Double]
    public var mean: Double
    public var lower: Double
    public var upper: Double
    public var halfWidth: Double { (upper - lower) / 2 }

    public init?(_ values: [Double?]) {
        let v = values.compactMap { $0 }.filter(\.isFinite)
        guard !v.isEmpty else { return nil }
        let ci = ConfidenceInterval(observations: v, level: 0.95)
        self.values = v
        mean = ci.mean
        lower = v.count >= 2 ? ci.lower : -.infinity
        upper = v.count >= 2 ? ci.upper : .infinity
    }
}

/// Whether the measurement bears the claim out.
public enum SeedTableVerdict: Sendable, Equatable {
    /// The whole 95 % interval is at or beyond the claimed figure.
    case reproduced
    /// The whole interval falls short of it.
    case notReproduced
    /// The interval straddles the claimed figure (more replications may decide it).
    case inconclusive
    /// No figure could be measured; the reason says why.
    case notMeasurable(String)

    public var label: String {
        switch self {
        case .reproduced: "claim reproduced"
        case .notReproduced: "claim not reproduced"
        case .inconclusive: "inconclusive"
        case .notMeasurable: "not measurable"
        }
    }

    /// Holds the interval [lower, upper] of the claimed quantity against the claimed value.
    public static func judge(lower: Double, upper: Double, claimed: Double) -> SeedTableVerdict {
        if lower >= claimed { return .reproduced }
        if upper < claimed { return .notReproduced }
        return .inconclusive
    }
}
