import CGSL

/// A probability distribution for service times, sizes and counts, sampled through GSL.
///
/// Create distributions with the throwing factory methods, which check parameters the way a
/// scenario author needs (`mean` must be positive and finite...), so that a bad parameter is an
/// error at the boundary rather than a NaN in the middle of a run. Samples come from GSL's
/// `gsl_ran_*` functions, whose algorithms are fixed, so a seed means the same values everywhere.
public struct Distribution: Sendable, CustomStringConvertible {
    @usableFromInline enum Law: Sendable {
        case constant(Double)
        case exponential(mean: Double)
        case normal(mean: Double, standardDeviation: Double)
        case lognormal(mu: Double, sigma: Double)
        case gamma(shape: Double, scale: Double)
        case weibull(scale: Double, shape: Double)
        case pareto(shape: Double, scale: Double)
        case uniform(low: Double, high: Double)
        case poisson(mean: Double)
        case bernoulli(p: Double)
        case discrete(values: [Double], table: DiscreteTable)
    }

    @usableFromInline let law: Law

    init(_ law: Law) { self.law = law }

    // MARK: Factories

    /// Always `value` (deterministic service, as in M/D/1).
    public static func constant(_ value: Double) throws -> Distribution {
        try check(value.isFinite, "constant value must be finite, got \(value)")
        return Distribution(.constant(value))
    }

    /// Exponential with the given mean (rate = 1/mean).
    public static func exponential(mean: Double) throws -> Distribution {
        try checkPositive(mean, "exponential mean")
        return Distribution(.exponential(mean: mean))
    }

    /// Normal (Gaussian); samples may be negative, so callers using it for times must clamp.
    public static func normal(mean: Double, standardDeviation: Double) throws -> Distribution {
        try check(mean.isFinite, "normal mean must be finite, got \(mean)")
        try checkPositive(standardDeviation, "normal standard deviation")
        return Distribution(.normal(mean: mean, standardDeviation: standardDeviation))
    }

    /// Lognormal with parameters of the underlying normal: ln X ~ N(mu, sigma²).
    public static func lognormal(mu: Double, sigma: Double) throws -> Distribution {
        try check(mu.isFinite, "lognormal mu must be finite, got \(mu)")
        try checkPositive(sigma, "lognormal sigma")
        return Distribution(.lognormal(mu: mu, sigma: sigma))
    }

    /// Lognormal with the given mean and coefficient of variation (sd / mean), the way
    /// measurements are usually quoted: sigma² = ln(1 + cv²), mu = ln(mean) − sigma²/2.
    public static func lognormal(mean: Double, coefficientOfVariation cv: Double) throws -> Distribution {
        try checkPositive(mean, "lognormal mean")
        try checkPositive(cv, "lognormal coefficient of variation")
        let sigma2 = Foundation_log1p(cv * cv)
        return try lognormal(mu: Foundation_log(mean) - sigma2 / 2, sigma: sigma2.squareRoot())
    }

    /// Gamma with shape k and scale θ (mean kθ).
    public static func gamma(shape: Double, scale: Double) throws -> Distribution {
        try checkPositive(shape, "gamma shape")
        try checkPositive(scale, "gamma scale")
        return Distribution(.gamma(shape: shape, scale: scale))
    }

    /// Weibull with scale λ and shape k.
    public static func weibull(scale: Double, shape: Double) throws -> Distribution {
        try checkPositive(scale, "Weibull scale")
        try checkPositive(shape, "Weibull shape")
        return Distribution(.weibull(scale: scale, shape: shape))
    }

    /// Pareto (type I) with shape α and scale x_m (the minimum value).
    public static func pareto(shape: Double, scale: Double) throws -> Distribution {
        try checkPositive(shape, "Pareto shape")
        try checkPositive(scale, "Pareto scale")
        return Distribution(.pareto(shape: shape, scale: scale))
    }

    /// Uniform on [low, high).
    public static func uniform(low: Double, high: Double) throws -> Distribution {
        try check(low.isFinite && high.isFinite, "uniform bounds must be finite, got [\(low), \(high))")
        try check(low < high, "uniform needs low < high, got [\(low), \(high))")
        return Distribution(.uniform(low: low, high: high))
    }

    /// Poisson counts with the given mean.
    public static func poisson(mean: Double) throws -> Distribution {
        try checkPositive(mean, "Poisson mean")
        return Distribution(.poisson(mean: mean))
    }

    /// 1 with probability p, else 0.
    public static func bernoulli(p: Double) throws -> Distribution {
        try check(p.isFinite && p >= 0 && p <= 1, "Bernoulli p must be in [0, 1], got \(p)")
        return Distribution(.bernoulli(p: p))
    }

    /// An empirical distribution: `values[i]` with probability proportional to `weights[i]`
    /// (GSL's Walker alias tables, O(1) per draw).
    public static func empirical(values: [Double], weights: [Double]) throws -> Distribution {
        try check(!values.isEmpty, "an empirical distribution needs at least one value")
        try check(values.count == weights.count,
            "an empirical distribution needs one weight per value, got \(values.count) values and \(weights.count) weights")
        try check(values.allSatisfy(\.isFinite), "empirical values must be finite")
        try check(weights.allSatisfy { $0.isFinite && $0 >= 0 }, "empirical weights must be finite and ≥ 0")
        try check(weights.contains { $0 > 0 }, "empirical weights must not all be zero")
        return Distribution(.discrete(values: values, table: DiscreteTable(weights: weights)))
    }

    // MARK: Moments

    /// The distribution's mean (for reports and analytic checks).
    public var mean: Double {
        switch law {
        case .constant(let v): return v
        case .exponential(let m): return m
        case .normal(let m, _): return m
        case .lognormal(let mu, let s): return Foundation_exp(mu + s * s / 2)
        case .gamma(let k, let t): return k * t
        case .weibull(let l, let k): return l * Foundation_tgamma(1 + 1 / k)
        case .pareto(let a, let x): return a > 1 ? a * x / (a - 1) : .infinity
        case .uniform(let lo, let hi): return (lo + hi) / 2
        case .poisson(let m): return m
        case .bernoulli(let p): return p
        case .discrete(let values, let table): return zip(values, table.probabilities).reduce(0) { $0 + $1.0 * $1.1 }
        }
    }

    // MARK: Sampling

    @inlinable
    func sample(_ rng: UnsafeMutablePointer<gsl_rng>) -> Double {
        switch law {
        case .constant(let v): return v
        case .exponential(let m): return gsl_ran_exponential(rng, m)
        case .normal(let m, let sd): return m + gsl_ran_gaussian_ziggurat(rng, sd)
        case .lognormal(let mu, let s): return gsl_ran_lognormal(rng, mu, s)
        case .gamma(let k, let t): return gsl_ran_gamma(rng, k, t)
        case .weibull(let l, let k): return gsl_ran_weibull(rng, l, k)
        case .pareto(let a, let x): return gsl_ran_pareto(rng, a, x)
        case .uniform(let lo, let hi): return gsl_ran_flat(rng, lo, hi)
        case .poisson(let m): return Double(gsl_ran_poisson(rng, m))
        case .bernoulli(let p): return Double(gsl_ran_bernoulli(rng, p))
        case .discrete(let values, let table): return values[Int(gsl_ran_discrete(rng, table.table))]
        }
    }

    public var description: String {
        switch law {
        case .constant(let v): return "constant(\(v))"
        case .exponential(let m): return "exponential(mean: \(m))"
        case .normal(let m, let sd): return "normal(mean: \(m), sd: \(sd))"
        case .lognormal(let mu, let s): return "lognormal(mu: \(mu), sigma: \(s))"
        case .gamma(let k, let t): return "gamma(shape: \(k), scale: \(t))"
        case .weibull(let l, let k): return "weibull(scale: \(l), shape: \(k))"
        case .pareto(let a, let x): return "pareto(shape: \(a), scale: \(x))"
        case .uniform(let lo, let hi): return "uniform(\(lo), \(hi))"
        case .poisson(let m): return "poisson(mean: \(m))"
        case .bernoulli(let p): return "bernoulli(p: \(p))"
        case .discrete(let values, _): return "empirical(\(values.count) values)"
        }
    }

    private static func check(_ ok: Bool, _ message: @autoclosure () -> String) throws {
        if !ok { throw DistributionError(message: message()) }
    }
    private static func checkPositive(_ v: Double, _ what: String) throws {
        try check(v.isFinite && v > 0, "\(what) must be a positive finite number, got \(v)")
    }
}

/// A distribution parameter that is out of range; `message` names the parameter and the value.
public struct DistributionError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// GSL's preprocessed alias table for an empirical distribution; immutable once built.
@usableFromInline
final class DiscreteTable: @unchecked Sendable {
    @usableFromInline let table: UnsafeMutablePointer<gsl_ran_discrete_t>
    let probabilities: [Double]

    init(weights: [Double]) {
        GSLSetup.once()
        let total = weights.reduce(0, +)
        probabilities = weights.map { $0 / total }
        guard let t = weights.withUnsafeBufferPointer({ gsl_ran_discrete_preproc($0.count, $0.baseAddress) }) else {
            fatalError("GSL could not build an alias table for \(weights.count) weights")
        }
        table = t
    }

    deinit { gsl_ran_discrete_free(table) }
}
