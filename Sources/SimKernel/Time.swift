/// A point in a run's time: whole nanoseconds since the run started.
///
/// Integer time keeps event order exact: floating-point clocks need epsilons (FoundationDB's
/// `TIME_EPS`, madsim's +50 ns) to stay ordered, integers do not (DESIGN.md §3). The same type
/// serves the simulated clock and the wall-clock runtime, which counts from its own start.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the start of the run.
    public var nanoseconds: Int64

    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// The start of every run.
    public static let zero = Instant(nanoseconds: 0)
    /// Later than any event a run can schedule; used as "no deadline".
    public static let distantFuture = Instant(nanoseconds: .max)

    /// Whole and fractional seconds since the start of the run, for reports and model arithmetic.
    @inlinable public var seconds: Double { Double(nanoseconds) / 1e9 }

    /// The instant `seconds` after the start of the run; throws for NaN, infinite or negative values.
    public static func seconds(_ seconds: Double) throws -> Instant {
        Instant(nanoseconds: try TimeAmount.seconds(seconds).nanoseconds)
    }

    @inlinable public static func < (a: Instant, b: Instant) -> Bool { a.nanoseconds < b.nanoseconds }
    @inlinable public static func + (a: Instant, d: TimeAmount) -> Instant {
        Instant(nanoseconds: a.nanoseconds &+ d.nanoseconds)
    }
    @inlinable public static func - (a: Instant, d: TimeAmount) -> Instant {
        Instant(nanoseconds: a.nanoseconds &- d.nanoseconds)
    }
    @inlinable public static func - (a: Instant, b: Instant) -> TimeAmount {
        TimeAmount(nanoseconds: a.nanoseconds &- b.nanoseconds)
    }

    public var description: String { TimeAmount(nanoseconds: nanoseconds).description }
}

/// A length of time in whole nanoseconds (NIO's `TimeAmount`; TigerBeetle's ticks).
///
/// Conversions from floating-point seconds round to the nearest nanosecond and reject NaN,
/// infinities and values beyond ±292 years, so bad input fails at the boundary instead of
/// corrupting the event order.
public struct TimeAmount: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static let zero = TimeAmount(nanoseconds: 0)

    @inlinable public static func nanoseconds(_ n: Int64) -> TimeAmount { TimeAmount(nanoseconds: n) }
    @inlinable public static func microseconds(_ n: Int64) -> TimeAmount { TimeAmount(nanoseconds: n * 1_000) }
    @inlinable public static func milliseconds(_ n: Int64) -> TimeAmount { TimeAmount(nanoseconds: n * 1_000_000) }
    @inlinable public static func wholeSeconds(_ n: Int64) -> TimeAmount { TimeAmount(nanoseconds: n * 1_000_000_000) }
    @inlinable public static func minutes(_ n: Int64) -> TimeAmount { .wholeSeconds(n * 60) }
    @inlinable public static func hours(_ n: Int64) -> TimeAmount { .wholeSeconds(n * 3_600) }

    /// The amount nearest to `seconds`; throws `TimeError` for NaN, infinite or out-of-range values.
    /// Negative amounts are allowed here (they are differences); scheduling rejects them.
    public static func seconds(_ seconds: Double) throws -> TimeAmount {
        guard seconds.isFinite else { throw TimeError.notFinite(seconds) }
        let ns = (seconds * 1e9).rounded()
        guard ns > -9.2e18, ns < 9.2e18 else { throw TimeError.outOfRange(seconds) }
        return TimeAmount(nanoseconds: Int64(ns))
    }

    /// The amount nearest to `seconds` for values already known to be finite and in range
    /// (results of distributions and model arithmetic); values out of range saturate.
    @inlinable public static func saturatingSeconds(_ seconds: Double) -> TimeAmount {
        let ns = seconds * 1e9
        // The common case (a delay shorter than 52 days) rounds half up without calling libm's
        // round(), which baseline x86-64 cannot inline; it is a hot path of every model.
        if ns >= 0 && ns < 4.5e15 { return TimeAmount(nanoseconds: Int64(ns + 0.5)) }
        if ns >= 9.2e18 { return TimeAmount(nanoseconds: .max / 2) }
        if ns <= -9.2e18 { return TimeAmount(nanoseconds: .min / 2) }
        if ns.isNaN { return .zero }
        return TimeAmount(nanoseconds: Int64(ns.rounded()))
    }

    @inlinable public var seconds: Double { Double(nanoseconds) / 1e9 }

    @inlinable public static func < (a: TimeAmount, b: TimeAmount) -> Bool { a.nanoseconds < b.nanoseconds }
    @inlinable public static func + (a: TimeAmount, b: TimeAmount) -> TimeAmount {
        TimeAmount(nanoseconds: a.nanoseconds &+ b.nanoseconds)
    }
    @inlinable public static func - (a: TimeAmount, b: TimeAmount) -> TimeAmount {
        TimeAmount(nanoseconds: a.nanoseconds &- b.nanoseconds)
    }
    @inlinable public static func * (a: TimeAmount, k: Int64) -> TimeAmount {
        TimeAmount(nanoseconds: a.nanoseconds &* k)
    }

    public var description: String {
        let s = seconds
        if nanoseconds % 1_000_000_000 == 0 { return "\(nanoseconds / 1_000_000_000)s" }
        if abs(s) >= 1 { return "\(s)s" }
        if nanoseconds % 1_000_000 == 0 { return "\(nanoseconds / 1_000_000)ms" }
        return "\(nanoseconds)ns"
    }
}

/// A time value that cannot be represented as an `Instant` or `TimeAmount`.
public enum TimeError: Error, Equatable, CustomStringConvertible {
    case notFinite(Double)
    case outOfRange(Double)

    public var description: String {
        switch self {
        case .notFinite(let v): return "time value \(v) is not a finite number of seconds"
        case .outOfRange(let v): return "time value \(v) s is outside ±292 years"
        }
    }
}
