import Histogram

/// A latency's statistics — the per-interval p50/p99 and the run's mean, percentiles and max —
/// exactly as an HdrHistogram holding the same values reports them, computed from the raw values.
///
/// Why: `Histogram.valueAtPercentile` and `mean` walk the bucket array from the start in
/// unspecialized generic code (the package's loops are not inlinable); for the recorder's shape
/// (1 µs to 30 days, three digits) those walks dominated whole runs — about two thirds of
/// `loomsim plan`'s CPU time went into the two per-sample percentiles of every latency, and most
/// of the rest into the run's summaries. Sorting the few raw values is far cheaper, and the
/// answers are identical: the bucket where the cumulative count first reaches rank k is the bucket
/// of the k-th smallest value, the histogram answers that bucket's highest equivalent value clamped
/// to [min, max] recorded, and its mean sums each bucket's median × count in ascending order.
/// Beyond `intervalLimit` / `runLimit` values the recorder keeps only the histogram, as before.
enum RawPercentiles {
    /// Values kept raw per sampling interval before the recorder uses a histogram for it.
    static let intervalLimit = 4_096
    /// Values kept raw for a run's summary (after the warm-up), 1 MiB per latency at most.
    static let runLimit = 131_072

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

    /// `Histogram.mean` of a histogram of `shape` holding exactly `sorted` (ascending, all ≥ 1):
    /// each bucket's median equivalent value times its count, summed bucket by bucket upwards.
    static func mean(sorted: [UInt64], shape: Histogram<UInt64>) -> Double {
        precondition(!sorted.isEmpty)
        var total: Double = 0
        var i = 0
        while i < sorted.count {
            let bucketEnd = shape.highestEquivalentForValue(sorted[i])
            var j = i + 1
            while j < sorted.count && sorted[j] <= bucketEnd { j += 1 }
            total += Double(shape.medianEquivalentForValue(sorted[i])) * Double(j - i)
            i = j
        }
        return total / Double(sorted.count)
    }

    /// The run's summary of `values` (microseconds, unsorted) in seconds, as `MetricsRecorder`
    /// reports it from its histogram.
    static func summary(key: String, values: [UInt64], shape: Histogram<UInt64>) -> LatencySummary {
        guard !values.isEmpty else {
            return LatencySummary(key: key, count: 0, mean: .nan, p50: .nan, p90: .nan, p95: .nan, p99: .nan, p999: .nan, max: .nan)
        }
        let sorted = values.sorted()
        func p(_ q: Double) -> Double { Double(percentile(q, sorted: sorted, shape: shape)) / 1e6 }
        return LatencySummary(key: key, count: UInt64(sorted.count), mean: mean(sorted: sorted, shape: shape) / 1e6,
                              p50: p(50), p90: p(90), p95: p(95), p99: p(99), p999: p(99.9),
                              max: Double(shape.highestEquivalentForValue(sorted[sorted.count - 1])) / 1e6)
    }
}
