/// How a call is retried: how many attempts in all, how long to wait between them, and whether an
/// exhausted retry-on-result fails.
///
/// Mirrors Resilience4j's `io.github.resilience4j.retry.RetryConfig` (defaults: 3 attempts,
/// 500 ms constant wait, `failAfterMaxAttempts` false). Exception and result predicates
/// (`retryExceptions`, `ignoreExceptions`, `retryOnResult`) classify Java values; here the caller
/// classifies each attempt as a `RetryOutcome`. `init(maxAttempts:waitDuration:multiplier:…)` reproduces the Spring/props
/// mapping of `CommonRetryConfigurationProperties.configureRetryIntervalFunction`, which is what
/// scenario files and the conformance cases are written in.
public struct RetryConfig: Hashable, Sendable {
    /// All attempts including the first (`maxAttempts`, at least 1).
    public let maxAttempts: Int
    /// The wait after the n-th failed attempt, n from 1 (`intervalBiFunction` of an `IntervalFunction`).
    public let intervalFunction: IntervalFunction
    /// When retry-on-result runs out of attempts: `true` fails with `maxRetriesExceeded`
    /// (`MaxRetriesExceededException`), `false` returns the last result.
    public let failAfterMaxAttempts: Bool

    /// Upstream defaults: 3 attempts, 500 ms between them.
    public static let `default` = RetryConfig(uncheckedMaxAttempts: 3, intervalFunction: .default, failAfterMaxAttempts: false)

    public init(maxAttempts: Int = 3, intervalFunction: IntervalFunction = .default, failAfterMaxAttempts: Bool = false) throws {
        guard maxAttempts >= 1 else { throw RetryConfigError.maxAttemptsBelowOne(maxAttempts) }
        self.init(uncheckedMaxAttempts: maxAttempts, intervalFunction: intervalFunction, failAfterMaxAttempts: failAfterMaxAttempts)
    }

    private init(uncheckedMaxAttempts: Int, intervalFunction: IntervalFunction, failAfterMaxAttempts: Bool) {
        self.maxAttempts = uncheckedMaxAttempts
        self.intervalFunction = intervalFunction
        self.failAfterMaxAttempts = failAfterMaxAttempts
    }

    /// A constant wait (`RetryConfig.Builder.waitDuration(d)`), which — unlike `IntervalFunction.of`
    /// — accepts 0 ms. Negative waits are refused.
    public static func constantWait(_ wait: TimeAmount) throws -> IntervalFunction {
        guard wait.nanoseconds >= 0 else { throw RetryConfigError.negativeWaitDuration(wait) }
        return IntervalFunction(unchecked: .fixed(milliseconds: R4JTime.wholeMilliseconds(wait)))
    }

    /// The Spring/props form (`resilience4j.retry.instances.*`), as the conformance cases write it:
    /// - no `multiplier`: a constant `waitDuration` (randomized when `randomizationFactor > 0`);
    ///   `maxWaitDuration` is **ignored** without a multiplier, as upstream;
    /// - with `multiplier`: exponential back-off from `waitDuration`, capped by `maxWaitDuration`
    ///   if given, and randomized (before the cap) when `randomizationFactor > 0`.
    public init(
        maxAttempts: Int = 3, waitDuration: TimeAmount,
        multiplier: Double? = nil, maxWaitDuration: TimeAmount? = nil, randomizationFactor: Double = 0,
        failAfterMaxAttempts: Bool = false
    ) throws {
        guard waitDuration.nanoseconds >= 0 else { throw RetryConfigError.negativeWaitDuration(waitDuration) }
        if let maxWaitDuration, maxWaitDuration.nanoseconds < 0 {
            throw RetryConfigError.negativeWaitDuration(maxWaitDuration)
        }
        let randomized = randomizationFactor != 0
        if randomized && !(randomizationFactor > 0 && randomizationFactor < 1) {
            // The props setter accepts [0, 1) only (`setRandomizedWaitFactor`).
            throw RetryConfigError.intervalFunction(.randomizationFactorOutOfRange(randomizationFactor))
        }
        let function: IntervalFunction
        do {
            switch (multiplier, randomized) {
            case (nil, false):
                function = try Self.constantWait(waitDuration)
            case (nil, true):
                function = try .randomized(waitDuration, randomizationFactor: randomizationFactor)
            case (let m?, false):
                function = try .exponentialBackoff(initial: waitDuration, multiplier: m, maxInterval: maxWaitDuration)
            case (let m?, true):
                function = try .exponentialRandomBackoff(
                    initial: waitDuration, multiplier: m, randomizationFactor: randomizationFactor,
                    maxInterval: maxWaitDuration)
            }
        } catch let error as IntervalFunctionError {
            throw RetryConfigError.intervalFunction(error)
        }
        try self.init(maxAttempts: maxAttempts, intervalFunction: function, failAfterMaxAttempts: failAfterMaxAttempts)
    }
}

/// A retry configuration upstream refuses (`IllegalArgumentException`).
public enum RetryConfigError: Error, Equatable, CustomStringConvertible {
    case maxAttemptsBelowOne(Int)
    case negativeWaitDuration(TimeAmount)
    case intervalFunction(IntervalFunctionError)

    public var description: String {
        switch self {
        case .maxAttemptsBelowOne(let n): return "maxAttempts is \(n); it must be at least 1"
        case .negativeWaitDuration(let d): return "a retry wait of \(d) is negative"
        case .intervalFunction(let e): return e.description
        }
    }
}
