/// How one attempt of a retried call ended, as the retry should treat it.
///
/// Upstream decides with predicates (`retryOnException`, `ignoreExceptions`, `retryOnResult`);
/// here the caller applies its own and reports the verdict.
public enum RetryOutcome: String, Hashable, Sendable, CaseIterable {
    /// A result the retry accepts (`retryOnResult` false, or none configured).
    case success
    /// An exception the retry retries (matches `retryExceptions` / the exception predicate).
    case failure
    /// An exception the retry does not retry: rethrown at once, no wait.
    case nonRetryable
    /// A result matching `retryOnResult`: retried like a failure; when attempts run out, the
    /// result is returned (or `maxRetriesExceeded` with `failAfterMaxAttempts`).
    case retryResult
}

/// How a retried call finished.
public enum RetryResult: String, Hashable, Sendable, CaseIterable {
    /// An attempt succeeded (possibly after retries).
    case success
    /// Retryable exceptions used up every attempt; the last exception is rethrown.
    case failure
    /// A non-retryable exception ended the call at once.
    case nonRetryableFailure
    /// Retry-on-result used up every attempt; the last result is returned.
    case exhaustedResult
    /// Retry-on-result used up every attempt with `failAfterMaxAttempts`: `MaxRetriesExceededException`.
    case maxRetriesExceeded
}

/// What to do after an attempt.
public enum RetryDecision: Hashable, Sendable {
    /// Wait `after`, then make attempt number `attempt` (from 2).
    case retry(after: TimeAmount, attempt: Int)
    /// The call is over.
    case finish(RetryResult)
}

/// The retry state of one call: Resilience4j's `RetryImpl.ContextImpl` (`onResult`, `onError`,
/// `onComplete`, `throwOrSleepAfterException`, `waitIntervalAfterFailure`) as a value.
///
/// After each attempt the caller reports its outcome and gets a decision: wait and try again, or
/// finish with a result. The caller does the waiting (schedules the next attempt), so the context
/// never sleeps. Semantics (reference §6): `maxAttempts` counts every attempt including the first;
/// after the n-th retryable failure it gives up if `n >= maxAttempts`, else waits `interval(n)` —
/// at most `maxAttempts - 1` waits, the first being `interval(1)`. A non-retryable exception ends
/// the call without a wait and without counting toward `maxAttempts`.
public struct RetryContext: Sendable {
    public let config: RetryConfig
    /// Attempts made so far (every reported outcome).
    public private(set) var attemptsMade = 0
    /// Retryable outcomes so far (upstream `numOfAttempts`), which `maxAttempts` limits.
    public private(set) var retryableOutcomes = 0
    /// The waits asked for so far, in order.
    public private(set) var waits: [TimeAmount] = []
    /// The result once the call is over.
    public private(set) var result: RetryResult?

    public init(config: RetryConfig) { self.config = config }

    /// Sum of the waits so far.
    public var totalWait: TimeAmount { waits.reduce(.zero, +) }

    public var isFinished: Bool { result != nil }

    /// Reports the outcome of the attempt just made. `uniformDraw` is a uniform number in [0, 1)
    /// from the caller's named random stream; only randomized interval functions use it (see
    /// `config.intervalFunction.isRandomized`). Once the call is over, further reports change
    /// nothing and repeat the result.
    public mutating func record(_ outcome: RetryOutcome, uniformDraw: Double) -> RetryDecision {
        if let result { return .finish(result) }
        attemptsMade += 1
        switch outcome {
        case .success:
            return finish(.success)
        case .nonRetryable:
            return finish(.nonRetryableFailure)
        case .failure:
            retryableOutcomes += 1
            if retryableOutcomes >= config.maxAttempts { return finish(.failure) }
            return wait(uniformDraw)
        case .retryResult:
            retryableOutcomes += 1
            if retryableOutcomes >= config.maxAttempts {
                return finish(config.failAfterMaxAttempts ? .maxRetriesExceeded : .exhaustedResult)
            }
            return wait(uniformDraw)
        }
    }

    private mutating func finish(_ r: RetryResult) -> RetryDecision {
        result = r
        return .finish(r)
    }

    private mutating func wait(_ draw: Double) -> RetryDecision {
        let interval = config.intervalFunction.interval(afterAttempt: retryableOutcomes, uniformDraw: draw)
        waits.append(interval)
        return .retry(after: interval, attempt: attemptsMade + 1)
    }
}
