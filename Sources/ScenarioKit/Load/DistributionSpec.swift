/// A numeric distribution as a scenario writes it, ready to sample: the family, its parameters
/// with their units, the dimension of the values drawn (seconds, bytes or plain numbers), and the
/// kernel's `Distribution`.
///
/// Written as a one-key mapping naming the family, or a bare value for a constant:
/// `{lognormal: {mean: 5m, cv: 1.2}}`, `{empirical: {values: [720, 1080], weights: [3, 1]}}`,
/// `{uniform: {low: 1s, high: 3s}}`, `30s`. Families and parameters:
/// `constant {value}`, `exponential {mean}`, `normal {mean, sd}`, `lognormal {mean, cv}` or
/// `{mu, sigma}`, `gamma {shape, scale}`, `weibull {shape, scale}`, `pareto {shape, scale}`,
/// `uniform {low, high}`, `poisson {mean}`, `bernoulli {p}`, `empirical {values, weights}`
/// (weights optional, equal by default). Location and scale parameters carry units and must
/// share one; `cv`, `shape`, `mu`, `sigma` and `p` are plain numbers. Samples are in the base unit
/// of the dimension (seconds for durations, bytes for sizes).
public struct DistributionSpec: Sendable {
    public var family: String
    /// The parameters as written, in canonical order, with their units.
    public var parameters: [(name: String, value: Measure)]
    /// Extra list parameters (empirical values and weights).
    public var lists: [(name: String, values: [Measure])]
    public var dimension: Measure.Dimension
    public var distribution: Distribution

    public init(family: String, parameters: [(name: String, value: Measure)], lists: [(name: String, values: [Measure])] = [],
                dimension: Measure.Dimension, distribution: Distribution) {
        self.family = family
        self.parameters = parameters
        self.lists = lists
        self.dimension = dimension
        self.distribution = distribution
    }

    /// The families, in the order they are listed in hints.
    public static let families = ["constant", "exponential", "normal", "lognormal", "gamma", "weibull",
                                  "pareto", "uniform", "poisson", "bernoulli", "empirical"]

    /// Parameters that carry the unit of the values drawn.
    static let dimensioned: Set<String> = ["value", "mean", "sd", "scale", "low", "high", "values"]

    /// The accepted parameter sets of each family (alternatives for lognormal).
    static func parameterSets(of family: String) -> [[String]] {
        switch family {
        case "constant": return [["value"]]
        case "exponential", "poisson": return [["mean"]]
        case "normal": return [["mean", "sd"]]
        case "lognormal": return [["mean", "cv"], ["mu", "sigma"]]
        case "gamma", "weibull", "pareto": return [["shape", "scale"]]
        case "uniform": return [["low", "high"]]
        case "bernoulli": return [["p"]]
        case "empirical": return [["values", "weights"], ["values"]]
        default: return []
        }
    }

    /// The kernel distribution for `family` with parameter values in base units.
    static func make(_ family: String, _ p: [String: Double], values: [Double], weights: [Double]) throws -> Distribution {
        switch family {
        case "constant": return try .constant(p["value"]!)
        case "exponential": return try .exponential(mean: p["mean"]!)
        case "poisson": return try .poisson(mean: p["mean"]!)
        case "normal": return try .normal(mean: p["mean"]!, standardDeviation: p["sd"]!)
        case "lognormal":
            if let mean = p["mean"], let cv = p["cv"] { return try .lognormal(mean: mean, coefficientOfVariation: cv) }
            return try .lognormal(mu: p["mu"]!, sigma: p["sigma"]!)
        case "gamma": return try .gamma(shape: p["shape"]!, scale: p["scale"]!)
        case "weibull": return try .weibull(scale: p["scale"]!, shape: p["shape"]!)
        case "pareto": return try .pareto(shape: p["shape"]!, scale: p["scale"]!)
        case "uniform": return try .uniform(low: p["low"]!, high: p["high"]!)
        case "bernoulli": return try .bernoulli(p: p["p"]!)
        default: return try .empirical(values: values, weights: weights)
        }
    }
}
