/// Deterministic reduction of long series to what a chart can show, so a report stays small
/// however long the run: at most two points (the minimum and the maximum, in time order) per
/// pixel-wide bucket, which keeps every spike and dip visible (the "min/max per pixel" rule of
/// plotting tools). NaN values split a series into separate runs, drawn as separate lines.
public enum Downsampler {
    /// A point of a chart line.
    public struct Point: Sendable, Equatable {
        public var t: Double
        public var v: Double
    }

    /// The finite runs of `values` (NaN/∞ break runs), each reduced to at most two points per
    /// bucket when the series is longer than `buckets`. Buckets divide `lo…hi` evenly.
    public static func segments(times: [Double], values: [Double], lo: Double, hi: Double, buckets: Int) -> [[Point]] {
        let n = min(times.count, values.count)
        let reduce = n > buckets && buckets > 0 && hi > lo
        var out: [[Point]] = []
        var current: [Point] = []
        var bucket = Int.min
        var minP = Point(t: 0, v: 0), maxP = Point(t: 0, v: 0)

        func flushBucket() {
            guard bucket != Int.min else { return }
            if minP == maxP {
                current.append(minP)
            } else if minP.t <= maxP.t {
                current.append(minP); current.append(maxP)
            } else {
                current.append(maxP); current.append(minP)
            }
            bucket = Int.min
        }
        func flushRun() {
            flushBucket()
            if !current.isEmpty { out.append(current) }
            current = []
        }

        for i in 0..<n {
            let v = values[i]
            guard v.isFinite else { flushRun(); continue }
            let p = Point(t: times[i], v: v)
            guard reduce else { current.append(p); continue }
            let b = bucketIndex(times[i], lo: lo, hi: hi, buckets: buckets)
            if b != bucket {
                flushBucket()
                bucket = b
                minP = p
                maxP = p
            } else {
                if v < minP.v { minP = p }
                if v > maxP.v { maxP = p }
            }
        }
        flushRun()
        return out
    }

    /// The bucket of time `t` among `buckets` equal buckets of `lo…hi`.
    static func bucketIndex(_ t: Double, lo: Double, hi: Double, buckets: Int) -> Int {
        let f = (t - lo) / (hi - lo)
        return max(0, min(buckets - 1, Int((f * Double(buckets)).rounded(.down))))
    }

    /// Per-bucket means (NaN counted as 0) of several aligned series, for stacked areas whose
    /// layers must stay aligned; returns the bucket times (first sample of each bucket) and the
    /// reduced layers. Series no longer than `buckets` come back unchanged (NaN as 0).
    public static func alignedMeans(times: [Double], layers: [[Double]], lo: Double, hi: Double,
                                    buckets: Int) -> (times: [Double], layers: [[Double]]) {
        let n = times.count
        let clean = layers.map { l in (0..<n).map { i in i < l.count && l[i].isFinite ? l[i] : 0 } }
        guard n > buckets, buckets > 0, hi > lo else { return (times, clean) }
        var outTimes: [Double] = []
        var outLayers = [[Double]](repeating: [], count: layers.count)
        var start = 0
        while start < n {
            let b = bucketIndex(times[start], lo: lo, hi: hi, buckets: buckets)
            var end = start + 1
            while end < n && bucketIndex(times[end], lo: lo, hi: hi, buckets: buckets) == b { end += 1 }
            outTimes.append(times[start])
            for k in clean.indices {
                var sum = 0.0
                for i in start..<end { sum += clean[k][i] }
                outLayers[k].append(sum / Double(end - start))
            }
            start = end
        }
        return (outTimes, outLayers)
    }

    /// Runs of equal state for a state band: (start time, end time, state) with NaN as no state.
    /// When the series is longer than `buckets`, each bucket takes its highest (worst) state so a
    /// short opening of a breaker stays visible.
    public static func stateRuns(times: [Double], values: [Double], lo: Double, hi: Double,
                                 buckets: Int) -> [(start: Double, end: Double, state: Int?)] {
        let n = min(times.count, values.count)
        guard n > 0 else { return [] }
        func state(_ v: Double) -> Int? { v.isFinite ? Int(v.rounded()) : nil }
        var points: [(t: Double, s: Int?)] = []
        if n > buckets && buckets > 0 && hi > lo {
            var start = 0
            while start < n {
                let b = bucketIndex(times[start], lo: lo, hi: hi, buckets: buckets)
                var end = start
                var worst: Int? = nil
                while end < n && bucketIndex(times[end], lo: lo, hi: hi, buckets: buckets) == b {
                    if let s = state(values[end]) { worst = max(worst ?? s, s) }
                    end += 1
                }
                points.append((times[start], worst))
                start = end
            }
        } else {
            points = (0..<n).map { (times[$0], state(values[$0])) }
        }
        var runs: [(start: Double, end: Double, state: Int?)] = []
        for (i, p) in points.enumerated() {
            let end = i + 1 < points.count ? points[i + 1].t : hi
            if let last = runs.last, last.state == p.s {
                runs[runs.count - 1].end = end
            } else {
                runs.append((p.t, end, p.s))
            }
        }
        return runs
    }
}
