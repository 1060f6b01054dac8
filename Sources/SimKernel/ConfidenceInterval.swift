import CGSL

/// A sample mean with a two-sided Student-t confidence interval.
///
/// Used for independent replications and batch means, where each observation is one
/// replication's or one batch's mean and the observations are close to independent and normal.
/// The t quantile comes from GSL (`gsl_cdf_tdist_Pinv`).
public struct ConfidenceInterval: Sendable, Equatable, CustomStringConvertible {
    public var mean: Double
    /// Half the interval's width; `mean ± halfWidth` holds the true value with probability `level`.
    public var halfWidth: Double
    public var level: Double
    /// The number of observations.
    public var count: Int

    public var lower: Double { mean - halfWidth }
    public var upper: Double { mean + halfWidth }

    /// The interval for the mean of `observations` at confidence `level` (0 < level < 1).
    /// Needs at least two observations; with fewer the half-width is infinite.
    public init(observations: [Double], level: Double) {
        precondition(level > 0 && level < 1, "confidence level must be in (0, 1)")
        GSLSetup.once()
        self.level = level
        self.count = observations.count
        let n = Double(observations.count)
        mean = observations.isEmpty ? .nan : observations.reduce(0, +) / n
        guard observations.count >= 2 else { halfWidth = .infinity; return }
        let m = mean
        let variance = observations.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)
        let t = gsl_cdf_tdist_Pinv(1 - (1 - level) / 2, n - 1)
        halfWidth = t * (variance / n).squareRoot()
    }

    /// `halfWidth / |mean|`: the precision a sequential procedure stops on.
    public var relativeHalfWidth: Double { mean == 0 ? .infinity : halfWidth / abs(mean) }

    public func contains(_ value: Double) -> Bool { value >= lower && value <= upper }

    public var description: String { "\(mean) ± \(halfWidth) (\(Int((level * 100).rounded()))%, n=\(count))" }
}
