/// A read of the current state's metrics (Resilience4j `CircuitBreaker.Metrics`).
///
/// Rates are Java `float`s computed as upstream does (`failed * 100.0f / total`), so a third is
/// 33.333332, and they are -1 while the window holds fewer calls than the minimum
/// (`CircuitBreakerMetrics.getFailureRate`). Which window a state shows — carried over, fresh, or
/// empty — follows reference §3.5.
public struct CircuitBreakerMetrics: Hashable, Sendable {
    /// Failure rate in percent, or -1 below the minimum number of calls.
    public var failureRate: Float
    /// Slow-call rate in percent, or -1 below the minimum number of calls.
    public var slowCallRate: Float
    /// Calls in the window.
    public var numberOfBufferedCalls: Int
    public var numberOfFailedCalls: Int
    public var numberOfSuccessfulCalls: Int
    public var numberOfSlowCalls: Int
    public var numberOfSlowSuccessfulCalls: Int
    public var numberOfSlowFailedCalls: Int
    /// Calls rejected since the current metrics object was created.
    public var numberOfNotPermittedCalls: Int
    /// Summed duration of the calls in the window (upstream `Snapshot.getTotalDuration`).
    public var totalDuration: TimeAmount
}

/// What evaluating the window after a record found (`CircuitBreakerMetrics.Result`).
enum BreakerThresholdResult: Hashable, Sendable {
    case belowMinimumCalls
    case belowThresholds
    case failureRateExceeded
    case slowCallRateExceeded
    case bothExceeded

    var hasExceededThresholds: Bool {
        switch self {
        case .failureRateExceeded, .slowCallRateExceeded, .bothExceeded: return true
        case .belowMinimumCalls, .belowThresholds: return false
        }
    }
    var hasFailureRateExceeded: Bool { self == .failureRateExceeded || self == .bothExceeded }
    var hasSlowCallRateExceeded: Bool { self == .slowCallRateExceeded || self == .bothExceeded }
}

/// One state's metrics object (`circuitbreaker.internal.CircuitBreakerMetrics`): a sliding window,
/// the minimum number of calls it applies, and the not-permitted counter. States create fresh
/// ones (`forClosed`, `forHalfOpen`, `forForcedOpen`, `forDisabled`, `forMetricsOnly`) or hand
/// theirs on (CLOSED→OPEN, HALF_OPEN→OPEN).
struct BreakerStateMetrics: Hashable, Sendable {
    private var window: BreakerSlidingWindow?
    let minimumNumberOfCalls: Int
    let failureRateThreshold: Float
    let slowCallRateThreshold: Float
    let slowCallDurationThreshold: TimeAmount
    private(set) var numberOfNotPermittedCalls = 0

    private init(window: BreakerSlidingWindow?, minimumNumberOfCalls: Int, config: CircuitBreakerConfig) {
        self.window = window
        self.minimumNumberOfCalls = minimumNumberOfCalls
        self.failureRateThreshold = config.failureRateThreshold
        self.slowCallRateThreshold = config.slowCallRateThreshold
        self.slowCallDurationThreshold = config.slowCallDurationThreshold
    }

    /// `forClosed` / `forMetricsOnly`: the configured window type and size.
    static func closed(_ config: CircuitBreakerConfig, now: Instant) -> BreakerStateMetrics {
        let window: BreakerSlidingWindow = switch config.slidingWindowType {
        case .countBased: .count(size: config.slidingWindowSize)
        case .timeBased: .time(seconds: config.slidingWindowSize, now: now)
        }
        return BreakerStateMetrics(window: window, minimumNumberOfCalls: config.effectiveMinimumNumberOfCalls, config: config)
    }

    /// `forHalfOpen`: always count-based, sized to the permitted probes, so probe results never
    /// age out even under a time-based main window.
    static func halfOpen(_ config: CircuitBreakerConfig) -> BreakerStateMetrics {
        BreakerStateMetrics(
            window: .count(size: config.permittedNumberOfCallsInHalfOpenState),
            minimumNumberOfCalls: config.halfOpenMinimumNumberOfCalls, config: config)
    }

    /// `forForcedOpen` / `forDisabled`: a window of size 0 whose rates read -1. Upstream's size-0
    /// ring would throw if a result were ever recorded into it (possible after FORCED_OPEN→OPEN);
    /// this one ignores the record instead.
    static func empty(_ config: CircuitBreakerConfig) -> BreakerStateMetrics {
        BreakerStateMetrics(window: nil, minimumNumberOfCalls: config.effectiveMinimumNumberOfCalls, config: config)
    }

    /// Records one call (`onSuccess` / `onError`) and evaluates the window it returns
    /// (`checkIfThresholdsExceeded`). Slow means strictly longer than the threshold.
    mutating func record(failed: Bool, duration: TimeAmount, now: Instant) -> BreakerThresholdResult {
        guard window != nil else { return .belowMinimumCalls }
        let call = BreakerCallTotals(failed: failed, slow: duration > slowCallDurationThreshold, duration: duration)
        let totals = window!.record(call, now: now)
        return evaluate(totals)
    }

    mutating func recordNotPermitted() { numberOfNotPermittedCalls += 1 }

    private func evaluate(_ totals: BreakerCallTotals) -> BreakerThresholdResult {
        let failureRate = rate(totals.failedCalls, totals)
        let slowCallRate = rate(totals.slowCalls, totals)
        if failureRate == -1 || slowCallRate == -1 { return .belowMinimumCalls }
        // `>=` on Java floats: 50 % trips a 50 % breaker.
        let failureExceeded = failureRate >= failureRateThreshold
        let slowExceeded = slowCallRate >= slowCallRateThreshold
        switch (failureExceeded, slowExceeded) {
        case (true, true): return .bothExceeded
        case (true, false): return .failureRateExceeded
        case (false, true): return .slowCallRateExceeded
        case (false, false): return .belowThresholds
        }
    }

    /// `count * 100.0f / total` in Float, or -1 below the minimum number of calls.
    private func rate(_ count: Int, _ totals: BreakerCallTotals) -> Float {
        if totals.calls == 0 || totals.calls < minimumNumberOfCalls { return -1 }
        return Float(count) * 100 / Float(totals.calls)
    }

    func snapshot(at now: Instant) -> CircuitBreakerMetrics {
        let t = window?.totals(at: now) ?? .empty
        return CircuitBreakerMetrics(
            failureRate: rate(t.failedCalls, t),
            slowCallRate: rate(t.slowCalls, t),
            numberOfBufferedCalls: t.calls,
            numberOfFailedCalls: t.failedCalls,
            numberOfSuccessfulCalls: t.calls - t.failedCalls,
            numberOfSlowCalls: t.slowCalls,
            numberOfSlowSuccessfulCalls: t.slowCalls - t.slowFailedCalls,
            numberOfSlowFailedCalls: t.slowFailedCalls,
            numberOfNotPermittedCalls: numberOfNotPermittedCalls,
            totalDuration: t.totalDuration)
    }

    /// The current rates, for the *RateExceeded events.
    func rates(at now: Instant) -> (failure: Float, slow: Float) {
        let t = window?.totals(at: now) ?? .empty
        return (rate(t.failedCalls, t), rate(t.slowCalls, t))
    }
}
