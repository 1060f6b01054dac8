/// A statistic of a metric over one replication.
public enum Statistic: String, CaseIterable, Sendable, Hashable {
    case p50, p90, p95, p99, p999, mean, min, max, count, sum, rate, ratio
}

/// How a measured value is compared with a threshold, with its scenario key and its symbol.
public enum Comparison: String, CaseIterable, Sendable, Hashable {
    case below, atMost, above, atLeast

    /// `<`, `<=`, `>`, `>=`.
    public var symbol: String {
        switch self {
        case .below: return "<"
        case .atMost: return "<="
        case .above: return ">"
        case .atLeast: return ">="
        }
    }

    public init?(symbol: String) {
        guard let match = Self.allCases.first(where: { $0.symbol == symbol }) else { return nil }
        self = match
    }

    /// True when `measured` satisfies the comparison with `threshold` (never for NaN).
    public func holds(_ measured: Double, _ threshold: Double) -> Bool {
        switch self {
        case .below: return measured < threshold
        case .atMost: return measured <= threshold
        case .above: return measured > threshold
        case .atLeast: return measured >= threshold
        }
    }
}

/// Which value across replications an assertion is checked on: the mean, the bounds of its 95%
/// confidence interval, or the worst/best replication (`max`, `min`).
public enum ReplicationBound: String, CaseIterable, Sendable, Hashable {
    case mean, upper95, lower95, max, min
}

/// What an assertion asks the runner to measure: a statistic of a metric, reduced over
/// replications by a bound. The runner answers in the metric's base unit (seconds, bytes, events
/// per second, a fraction, dollars, a count).
public struct MetricQuery: Sendable, Hashable, CustomStringConvertible {
    public var metric: String
    public var statistic: Statistic
    public var bound: ReplicationBound

    public init(metric: String, statistic: Statistic, bound: ReplicationBound = .mean) {
        self.metric = metric
        self.statistic = statistic
        self.bound = bound
    }

    /// `p99(video.queue_wait) on upper95`.
    public var description: String { "\(statistic.rawValue)(\(metric)) on \(bound.rawValue)" }
}

/// The metric names the special assertions read; the runner must provide them.
public enum WellKnownMetrics {
    /// Requests accepted but never completed nor failed explicitly (`nothingLost`).
    public static let lostRequests = "requests.lost"
    /// Time from a region's failure to service restored elsewhere, seconds (`rto`).
    public static let recoveryTime = "dr.rto"
    /// Data written before a failover and lost by it, as seconds of writes (`rpo`).
    public static let recoveryPoint = "dr.rpo"
    /// The run's total infrastructure cost, dollars (`cost`).
    public static let totalCost = "cost.total"
    /// The replica count of a service over time (`maxReplicas`).
    public static func replicas(of service: String) -> String { "\(service).replicas" }
}

/// One SLO assertion of a scenario: a query, a comparison and a threshold. The special forms
/// (`nothingLost`, `maxReplicas`, `rto`, `rpo`, `cost`) are assertions on well-known metrics.
public struct SLOAssertion: Sendable, Hashable {
    /// Which form the assertion was written in.
    public enum Kind: Sendable, Hashable {
        case metric
        case nothingLost
        case maxReplicas(service: String)
        case recoveryTime
        case recoveryPoint
        case cost
    }

    /// Given in the scenario, or derived: the assertion's expression (`p99(video.queue_wait) < 30s`).
    public var name: String
    public var kind: Kind
    public var query: MetricQuery
    public var comparison: Comparison
    public var threshold: Measure
    public var location: SourceLocation

    public init(name: String? = nil, kind: Kind = .metric, query: MetricQuery, comparison: Comparison,
                threshold: Measure, location: SourceLocation) {
        self.kind = kind
        self.query = query
        self.comparison = comparison
        self.threshold = threshold
        self.location = location
        self.name = ""
        self.name = name ?? derivedName
    }

    /// `< 30s`.
    public var thresholdText: String { "\(comparison.symbol) \(threshold)" }

    /// The assertion in the string form: `p99(video.queue_wait) < 30s on upper95` (the bound is
    /// left out when it is the mean).
    public var expression: String {
        let base = "\(query.statistic.rawValue)(\(query.metric)) \(thresholdText)"
        return query.bound == .mean ? base : "\(base) on \(query.bound.rawValue)"
    }

    /// The name used when none is given: the expression, or the special form (`rto < 5m`).
    public var derivedName: String {
        switch kind {
        case .metric: return expression
        case .nothingLost: return "nothingLost"
        case .maxReplicas(let service): return "maxReplicas(\(service)) \(thresholdText)"
        case .recoveryTime: return "rto \(thresholdText)"
        case .recoveryPoint: return "rpo \(thresholdText)"
        case .cost: return "cost \(thresholdText)"
        }
    }

    /// Checks the assertion against measured values. `lookup` answers a query in the metric's base
    /// unit, or nil when there is no data (which fails the assertion: an SLO on a metric nobody
    /// measured must not pass silently).
    public func evaluate(_ lookup: (MetricQuery) -> Double?) -> SLOResult {
        let measured = lookup(query)
        let passed = measured.map { comparison.holds($0, threshold.value) } ?? false
        let text = measured.map { Measure($0, threshold.dimension).approximateDescription } ?? "no data"
        return SLOResult(name: name, expression: expression, thresholdText: thresholdText,
                         measured: measured, measuredText: text, passed: passed, location: location)
    }
}

/// The outcome of one assertion: what was required, what was measured, and whether it held.
public struct SLOResult: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var expression: String
    /// `< 30s`.
    public var thresholdText: String
    /// In the metric's base unit; nil when there was no data.
    public var measured: Double?
    /// `27.3s`, or `no data`.
    public var measuredText: String
    public var passed: Bool
    public var location: SourceLocation

    public init(name: String, expression: String, thresholdText: String, measured: Double?, measuredText: String,
                passed: Bool, location: SourceLocation) {
        self.name = name
        self.expression = expression
        self.thresholdText = thresholdText
        self.measured = measured
        self.measuredText = measuredText
        self.passed = passed
        self.location = location
    }

    /// `PASS p99(video.queue_wait) < 30s: measured 27.3s`.
    public var description: String {
        "\(passed ? "PASS" : "FAIL") \(name): measured \(measuredText), required \(thresholdText)"
    }
}

extension Measure {
    /// A rounded rendering for measured values: durations as `27.3s`, `250ms`, `1.5us` (four
    /// significant digits), other dimensions as `description`.
    public var approximateDescription: String {
        guard dimension == .duration, value.isFinite else { return description }
        let magnitude = abs(value)
        func round4(_ x: Double) -> String {
            guard x != 0 else { return "0" }
            var scale = 1.0
            while abs(x) * scale < 1000 { scale *= 10 }
            return NumberSyntax.format((x * scale).rounded() / scale)
        }
        if magnitude == 0 { return "0s" }
        if magnitude < 1e-6 { return "\(round4(value * 1e9))ns" }
        if magnitude < 1e-3 { return "\(round4(value * 1e6))us" }
        if magnitude < 1 { return "\(round4(value * 1e3))ms" }
        if magnitude < 60 { return "\(round4(value))s" }
        // Above a minute, whole seconds: a measured 93.941 s reads 1m34s, not 1m33s941ms.
        return DurationSyntax.format(.saturatingSeconds(value.rounded()))
    }
}
