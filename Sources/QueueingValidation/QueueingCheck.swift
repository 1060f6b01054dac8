import SimKernel

/// The verdict on one analytic case.
public struct QueueingCheckResult: Sendable {
    public var testCase: AnalyticCase
    public var interval: ConfidenceInterval
    public var departures: Int
    public var digest: TraceDigest

    /// PASS when the analytic value lies in the interval, or — when the interval is narrower
    /// than ±2 % — within 2 % of the estimate (the issue's rule: a tight interval may exclude the
    /// exact value through the ns rounding of times and residual warm-up bias).
    public var passed: Bool {
        let a = testCase.analyticValue
        if interval.contains(a) { return true }
        let tolerance = 0.02 * abs(a)
        return interval.halfWidth < tolerance && abs(interval.mean - a) <= tolerance
    }

    /// One line: model, metric, estimate, interval, analytic value, verdict.
    public var line: String {
        let c = testCase
        let pct = Int((interval.level * 100).rounded())
        return "\(passed ? "PASS" : "FAIL")  \(pad(c.modelName, 8)) \(pad(c.model.description, 44)) "
            + "\(pad(c.metric.rawValue, 7)) estimate=\(fmt(interval.mean)) \(pct)% CI [\(fmt(interval.lower)), \(fmt(interval.upper))] "
            + "analytic=\(fmt(c.analyticValue)) customers=\(departures)"
    }
}

/// Runs the analytic cases, one simulation per distinct model (its metrics share the run).
/// Each model's seed is derived from the run seed and the model, so adding a case leaves the
/// others' results unchanged.
public func checkQueueing(
    _ cases: [AnalyticCase], seed: UInt64, settings: BatchMeansSettings,
    progress: (String) -> Void = { _ in }
) -> [QueueingCheckResult] {
    var order: [String] = []
    var grouped: [String: [AnalyticCase]] = [:]
    for c in cases {
        if grouped[c.modelKey] == nil { order.append(c.modelKey) }
        grouped[c.modelKey, default: []].append(c)
    }
    var estimates: [String: BatchMeansEstimate] = [:]
    for key in order {
        let group = grouped[key]!
        var metrics: [QueueMetric] = []
        for c in group where !metrics.contains(c.metric) { metrics.append(c.metric) }
        progress("simulating \(group[0].modelName) \(group[0].model) for \(metrics.map(\.rawValue).joined(separator: ", "))")
        let modelSeed = StableHash.streamSeed(runSeed: seed, streamName: key)
        estimates[key] = BatchMeansEstimate(model: group[0].model, metrics: metrics, seed: modelSeed, settings: settings)
    }
    return cases.map { c in
        let e = estimates[c.modelKey]!
        return QueueingCheckResult(testCase: c, interval: e.intervals[c.metric]!, departures: e.departures, digest: e.digest)
    }
}

private func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }

private func fmt(_ x: Double) -> String {
    if x == 0 { return "0" }
    let magnitude = abs(x)
    if magnitude >= 1e-3 && magnitude < 1e6 {
        var s = String(format6(x))
        while s.contains(".") && (s.hasSuffix("0") || s.hasSuffix(".")) { s.removeLast() }
        return s
    }
    return "\(x)"
}

private func format6(_ x: Double) -> String {
    // Six significant decimals without Foundation's String(format:) (keeps this target pure Swift).
    let scaled = (x * 1_000_000).rounded() / 1_000_000
    return "\(scaled)"
}
