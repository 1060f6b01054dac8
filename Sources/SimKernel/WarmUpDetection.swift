/// Automatic warm-up deletion by MSER-5 (White 1997; White, Cobb & Spratt 2000): batch the
/// output series into means of 5, and truncate at the batch `d` that minimises the marginal
/// standard error of the remaining mean,
///
///     MSER(d) = Σ_{i>d} (z_i − z̄_d)² / (n − d)²,
///
/// searching only the first half of the batches (a minimum beyond it means the run is too
/// short to tell transient from steady state, and is reported as such).
public enum MSER5 {
    /// The result: how many raw observations to delete, and whether the answer can be trusted.
    public struct Truncation: Sendable, Equatable {
        /// Observations to delete from the start of the series.
        public var deleteCount: Int
        /// False when the minimum fell at the edge of the searched half: the run is too short.
        public var isReliable: Bool
    }

    /// The truncation point of `series` (NaN values, e.g. intervals without observations, are
    /// skipped). Needs at least 10 batches (50 observations).
    public static func truncation(of series: [Double]) -> Truncation? {
        let values = series.filter { !$0.isNaN }
        let batchCount = values.count / 5
        guard batchCount >= 10 else { return nil }
        var batches = [Double](repeating: 0, count: batchCount)
        for b in 0..<batchCount {
            var s = 0.0
            for j in 0..<5 { s += values[b * 5 + j] }
            batches[b] = s / 5
        }
        // Suffix sums let every MSER(d) be computed in O(1): Σ(z − z̄)² = Σz² − (Σz)²/m.
        var suffixSum = [Double](repeating: 0, count: batchCount + 1)
        var suffixSquares = [Double](repeating: 0, count: batchCount + 1)
        for b in stride(from: batchCount - 1, through: 0, by: -1) {
            suffixSum[b] = suffixSum[b + 1] + batches[b]
            suffixSquares[b] = suffixSquares[b + 1] + batches[b] * batches[b]
        }
        var best = 0
        var bestValue = Double.infinity
        let limit = batchCount / 2
        for d in 0...limit {
            let m = Double(batchCount - d)
            let sse = max(0, suffixSquares[d] - suffixSum[d] * suffixSum[d] / m)
            let value = sse / (m * m)
            if value < bestValue {
                bestValue = value
                best = d
            }
        }
        return Truncation(deleteCount: best * 5, isReliable: best < limit)
    }
}
