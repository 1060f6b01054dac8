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

/// One simulation the check needs: a distinct model and the metrics its cases ask for.
public struct QueueingModelRun: Sendable {
    public var key: String
    public var label: String
    public var model: QueueModel
    public var metrics: [QueueMetric]
    /// Derived from the run seed and the model, so adding a case leaves the others unchanged.
    public var seed: UInt64

    public func estimate(settings: BatchMeansSettings) -> BatchMeansEstimate {
        BatchMeansEstimate(model: model, metrics: metrics, seed: seed, settings: settings)
    }
}

/// The cases of a check grouped into independent model runs. The runs may execute in any order
/// or in parallel: each owns its random streams, so the results do not depend on scheduling.
public struct QueueingCheckPlan: Sendable {
    public let cases: [AnalyticCase]
    public let runs: [QueueingModelRun]

    public init(cases: [AnalyticCase], seed: UInt64) {
        self.cases = cases
        var runs: [QueueingModelRun] = []
        var index: [String: Int] = [:]
        for c in cases {
            if let i = index[c.modelKey] {
                if !runs[i].metrics.contains(c.metric) { runs[i].metrics.append(c.metric) }
                continue
            }
            index[c.modelKey] = runs.count
            runs.append(QueueingModelRun(
                key: c.modelKey, label: "\(c.modelName) \(c.model)", model: c.model, metrics: [c.metric],
                seed: StableHash.streamSeed(runSeed: seed, streamName: c.modelKey)))
        }
        self.runs = runs
    }

    /// The verdicts, in case order, given one estimate per run (in `runs` order).
    public func results(estimates: [BatchMeansEstimate]) -> [QueueingCheckResult] {
        precondition(estimates.count == runs.count)
        var byKey: [String: BatchMeansEstimate] = [:]
        for (run, estimate) in zip(runs, estimates) { byKey[run.key] = estimate }
        return cases.map { c in
            let e = byKey[c.modelKey]!
            return QueueingCheckResult(testCase: c, interval: e.intervals[c.metric]!, departures: e.departures, digest: e.digest)
        }
    }
}

/// Runs the analytic cases serially, one simulation per distinct model.
public func checkQueueing(_ cases: [AnalyticCase], seed: UInt64, settings: BatchMeansSettings) -> [QueueingCheckResult] {
    let plan = QueueingCheckPlan(cases: cases, seed: seed)
    return plan.results(estimates: plan.runs.map { $0.estimate(settings: settings) })
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
