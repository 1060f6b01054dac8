import Histogram

/// The per-interval p50 and p99 of a latency, exactly as an HdrHistogram of the interval would
/// report them (`valueAtPercentile`), computed from the interval's few raw values.
///
/// Why: `Histogram.valueAtPercentile` walks the bucket array from the start in unspecialized
/// generic code (the package's loop is not inlinable); for the recorder's shape (1 µs to 30 days,
/// three digits) that walk dominated whole runs — about two thirds of `loomsim plan`'s CPU time
/// went into the two per-sample percentiles of every latency. An interval usually holds a handful
/// of values, so sorting them is far cheaper, and the result is identical: the bucket where the
/// cumulative count first reaches rank k is the bucket of the k-th smallest value, and the
/// histogram answers that bucket's highest equivalent value clamped to [min, max] recorded.
/// Intervals with more than `exactLimit` values keep a histogram, as before.
enum IntervalPercentiles {
    /// Values kept raw per interval before the recorder switches to a histogram.
    static let exactLimit = 4_096

    /// p50 and p99 of the interval (nil, nil when it is empty). Sorts `values` in place.
    static func medianAnd99th(of values: inout [UInt64], spilled: Histogram<UInt64>?,
                              shape: Histogram<UInt64>) -> (UInt64?, UInt64?) {
        if let h = spilled {
            guard h.totalCount > 0 else { return (nil, nil) }
            return (h.valueAtPercentile(50), h.valueAtPercentile(99))
        }
        guard !values.isEmpty else { return (nil, nil) }
        values.sort()
        return (percentile(50, sorted: values, shape: shape), percentile(99, sorted: values, shape: shape))
    }

    /// `Histogram.valueAtPercentile(percentile)` (0 < percentile < 100) of a histogram of `shape`
    /// holding exactly the values `sorted` (ascending, all ≥ 1).
    static func percentile(_ percentile: Double, sorted: [UInt64], shape: Histogram<UInt64>) -> UInt64 {
        precondition(percentile > 0 && percentile < 100 && !sorted.isEmpty)
        // The same arithmetic as the histogram's, so the rank is the same to the last ulp.
        let requested = Swift.min(Swift.max(percentile.nextDown, 0.0), 100.0)
        let rank = Swift.max(1, UInt64(((requested * Double(sorted.count)) / 100.0).rounded(.up)))
        let value = sorted[Int(Swift.min(rank, UInt64(sorted.count))) - 1]
        return Swift.max(Swift.min(shape.highestEquivalentForValue(value), sorted[sorted.count - 1]), sorted[0])
    }
}
