/// A back-off schedule: the wait before the next try as a function of how many tries failed.
///
/// Models Resilience4j's `io.github.resilience4j.core.IntervalFunction` (resilience4j-core):
/// `apply(attempt)` for `attempt >= 1` returns whole **milliseconds**. Both the retry
/// (`RetryImpl.ContextImpl.waitIntervalAfterFailure`) and the circuit breaker's wait in the open
/// state (`CircuitBreakerConfig.waitIntervalFunctionInOpenState`) use it, so the schedule lives
/// here once. Upstream arithmetic is reproduced exactly because the derived conformance cases pin
/// it down:
/// - every duration is cut to whole milliseconds first (`Duration.toMillis()` truncates);
/// - exponential back-off is `LongStream.iterate(initial, x -> (long)(x * multiplier))`, so it
///   truncates at **every** step (100 ms × 1.5: 100, 150, 225, 337, 505 — not 506);
/// - the cap is a final `min` (`ofExponentialBackoff(initial, multiplier, max)`);
/// - randomization is `max(1, v(1 - f) + u·(2fv + 1))` truncated, applied before the cap.
///
/// The policy owns no random generator (DESIGN.md §1): randomized schedules take the uniform draw
/// `u` in [0, 1) as an argument, which the caller takes from a named random stream.
///
/// Values are built through throwing factories, so an `IntervalFunction` that exists is valid.
public struct IntervalFunction: Hashable, Sendable, CustomStringConvertible {
    /// The shape of the schedule, in whole milliseconds.
    public enum Kind: Hashable, Sendable {
        /// `IntervalFunction.of(interval)`: the same wait every time.
        case fixed(milliseconds: Int64)
        /// `IntervalFunction.ofRandomized(interval, factor)`.
        case randomized(milliseconds: Int64, randomizationFactor: Double)
        /// `IntervalFunction.ofExponentialBackoff(initial, multiplier[, max])`.
        case exponential(initialMilliseconds: Int64, multiplier: Double, maxMilliseconds: Int64?)
        /// `IntervalFunction.ofExponentialRandomBackoff(initial, multiplier, factor[, max])`.
        case exponentialRandom(
            initialMilliseconds: Int64, multiplier: Double, randomizationFactor: Double, maxMilliseconds: Int64?)
    }

    public let kind: Kind

    init(unchecked kind: Kind) { self.kind = kind }

    /// Upstream defaults (`IntervalFunction.DEFAULT_*`).
    public static let defaultInitialInterval = TimeAmount.milliseconds(500)
    public static let defaultMultiplier = 1.5
    public static let defaultRandomizationFactor = 0.5

    /// `IntervalFunction.ofDefaults()`: 500 ms every time.
    public static let `default` = IntervalFunction(unchecked: .fixed(milliseconds: 500))

    /// The same wait after every failure; `interval` must be at least 1 ms (`checkInterval`).
    public static func fixed(_ interval: TimeAmount) throws -> IntervalFunction {
        IntervalFunction(unchecked: .fixed(milliseconds: try checkedMillis(interval, "interval")))
    }

    /// A wait drawn uniformly around `interval`, ± `randomizationFactor` of it.
    public static func randomized(
        _ interval: TimeAmount, randomizationFactor: Double = defaultRandomizationFactor
    ) throws -> IntervalFunction {
        let ms = try checkedMillis(interval, "interval")
        try checkRandomizationFactor(randomizationFactor)
        return IntervalFunction(unchecked: .randomized(milliseconds: ms, randomizationFactor: randomizationFactor))
    }

    /// Exponential back-off `initial, initial·m, …` truncated to whole ms at each step, capped at
    /// `maxInterval` when given.
    public static func exponentialBackoff(
        initial: TimeAmount, multiplier: Double = defaultMultiplier, maxInterval: TimeAmount? = nil
    ) throws -> IntervalFunction {
        let ms = try checkedMillis(initial, "initial interval")
        try checkMultiplier(multiplier)
        let cap = try maxInterval.map { try checkedMillis($0, "maximum interval") }
        return IntervalFunction(unchecked: .exponential(initialMilliseconds: ms, multiplier: multiplier, maxMilliseconds: cap))
    }

    /// Exponential back-off randomized at each step (before the cap), as upstream.
    public static func exponentialRandomBackoff(
        initial: TimeAmount, multiplier: Double = defaultMultiplier,
        randomizationFactor: Double = defaultRandomizationFactor, maxInterval: TimeAmount? = nil
    ) throws -> IntervalFunction {
        let ms = try checkedMillis(initial, "initial interval")
        try checkMultiplier(multiplier)
        try checkRandomizationFactor(randomizationFactor)
        let cap = try maxInterval.map { try checkedMillis($0, "maximum interval") }
        return IntervalFunction(unchecked: .exponentialRandom(
            initialMilliseconds: ms, multiplier: multiplier, randomizationFactor: randomizationFactor,
            maxMilliseconds: cap))
    }

    /// Whether `interval(afterAttempt:uniformDraw:)` uses its draw (so a caller may skip drawing).
    public var isRandomized: Bool {
        switch kind {
        case .fixed, .exponential: return false
        case .randomized, .exponentialRandom: return true
        }
    }

    /// The wait in whole milliseconds after the `attempt`-th failure (`apply(attempt)`).
    /// Attempts below 1 are treated as 1 (upstream throws; a simulator must not crash).
    /// `uniformDraw` is clamped into [0, 1); non-randomized schedules ignore it.
    public func milliseconds(afterAttempt attempt: Int, uniformDraw: Double) -> Int64 {
        let n = max(1, attempt)
        switch kind {
        case .fixed(let ms):
            return ms
        case let .randomized(ms, factor):
            return Self.randomize(ms, factor, uniformDraw)
        case let .exponential(initial, multiplier, cap):
            let v = Self.exponential(initial, multiplier, n, cap: cap)
            return cap.map { min(v, $0) } ?? v
        case let .exponentialRandom(initial, multiplier, factor, cap):
            let v = Self.randomize(Self.exponential(initial, multiplier, n, cap: nil), factor, uniformDraw)
            return cap.map { min(v, $0) } ?? v
        }
    }

    /// The wait after the `attempt`-th failure as a `TimeAmount` (saturating for absurd values).
    public func interval(afterAttempt attempt: Int, uniformDraw: Double) -> TimeAmount {
        R4JTime.amount(milliseconds: milliseconds(afterAttempt: attempt, uniformDraw: uniformDraw))
    }

    public var description: String {
        switch kind {
        case .fixed(let ms): return "fixed \(ms) ms"
        case let .randomized(ms, f): return "randomized \(ms) ms ±\(f)"
        case let .exponential(i, m, cap): return "exponential \(i) ms ×\(m)" + (cap.map { " ≤ \($0) ms" } ?? "")
        case let .exponentialRandom(i, m, f, cap):
            return "exponential \(i) ms ×\(m) ±\(f)" + (cap.map { " ≤ \($0) ms" } ?? "")
        }
    }

    // MARK: Upstream arithmetic

    /// `LongStream.iterate(initial, x -> (long)(x * multiplier)).skip(attempt - 1)`: truncating at
    /// every step; Java's double-to-long cast saturates, so does this. When a cap is known and the
    /// sequence is non-decreasing, iteration stops once it passes the cap (the `min` hides the rest).
    static func exponential(_ initial: Int64, _ multiplier: Double, _ attempt: Int, cap: Int64?) -> Int64 {
        var x = initial
        var step = 1
        while step < attempt {
            let next = javaLong(Double(x) * multiplier)
            if next == x { break }  // a fixed point (multiplier 1, or x too small to grow)
            x = next
            if let cap, multiplier >= 1, x >= cap { break }
            step += 1
        }
        return x
    }

    /// `randomize(current, factor)` of the current upstream (`IntervalFunctionCompanion`):
    /// uniform in `[v(1-f), v(1+f) + 1)`, at least 1, truncated to a long.
    static func randomize(_ value: Int64, _ factor: Double, _ draw: Double) -> Int64 {
        let u = draw.isNaN ? 0 : min(max(draw, 0), 1.0.nextDown)
        let v = Double(value)
        let delta = factor * v
        return javaLong(max(1, (v - delta) + u * (2 * delta + 1)))
    }

    /// Java's `(long) d`: truncation toward zero, saturating, NaN to 0.
    static func javaLong(_ d: Double) -> Int64 {
        if d.isNaN { return 0 }
        if d >= 9.223372036854775807e18 { return .max }
        if d <= -9.223372036854775808e18 { return .min }
        return Int64(d.rounded(.towardZero))
    }

    private static func checkedMillis(_ amount: TimeAmount, _ what: String) throws -> Int64 {
        let ms = R4JTime.wholeMilliseconds(amount)
        guard ms >= 1 else { throw IntervalFunctionError.intervalBelowOneMillisecond(what: what, amount) }
        return ms
    }

    private static func checkMultiplier(_ m: Double) throws {
        // Spring props reject multiplier <= 0 (`setExponentialBackoffMultiplier`); NaN/inf would
        // make every wait 0 or saturate, so they are rejected too.
        guard m.isFinite, m > 0 else { throw IntervalFunctionError.multiplierNotPositive(m) }
    }

    private static func checkRandomizationFactor(_ f: Double) throws {
        // `checkRandomizationFactor`: 0 <= f <= 1.
        guard f >= 0, f <= 1 else { throw IntervalFunctionError.randomizationFactorOutOfRange(f) }
    }
}

/// A back-off schedule that cannot be built (upstream: `IllegalArgumentException`).
public enum IntervalFunctionError: Error, Equatable, CustomStringConvertible {
    case intervalBelowOneMillisecond(what: String, TimeAmount)
    case multiplierNotPositive(Double)
    case randomizationFactorOutOfRange(Double)

    public var description: String {
        switch self {
        case let .intervalBelowOneMillisecond(what, amount):
            return "the \(what) is \(amount); it must be at least 1 ms (IntervalFunction.checkInterval)"
        case .multiplierNotPositive(let m):
            return "the back-off multiplier is \(m); it must be a finite number greater than 0"
        case .randomizationFactorOutOfRange(let f):
            return "the randomization factor is \(f); it must lie in [0, 1]"
        }
    }
}

/// Millisecond arithmetic shared by the breaker and retry files, kept in one namespace so it
/// cannot collide with helpers other policies add to the kernel's time types.
enum R4JTime {
    /// Whole milliseconds, truncated toward zero like Java's `Duration.toMillis()` for positive values.
    static func wholeMilliseconds(_ amount: TimeAmount) -> Int64 { amount.nanoseconds / 1_000_000 }

    /// `ms` milliseconds, saturating at ±(Int64.max / 2) ns instead of overflowing.
    static func amount(milliseconds ms: Int64) -> TimeAmount {
        let (ns, overflow) = ms.multipliedReportingOverflow(by: 1_000_000)
        if overflow || ns > Int64.max / 2 || ns < Int64.min / 2 {
            return TimeAmount(nanoseconds: ms < 0 ? Int64.min / 2 : Int64.max / 2)
        }
        return TimeAmount(nanoseconds: ns)
    }

    /// `instant + amount`, saturating at `Instant.distantFuture` instead of wrapping around.
    static func adding(_ amount: TimeAmount, to instant: Instant) -> Instant {
        let (sum, overflow) = instant.nanoseconds.addingReportingOverflow(amount.nanoseconds)
        if overflow { return amount.nanoseconds > 0 ? .distantFuture : Instant(nanoseconds: .min) }
        return Instant(nanoseconds: sum)
    }
}
