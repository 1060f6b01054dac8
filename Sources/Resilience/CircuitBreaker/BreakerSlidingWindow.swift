/// Totals over a set of recorded calls (upstream `AbstractAggregation`): calls, failures, slow
/// calls, slow failures and their summed duration.
struct BreakerCallTotals: Hashable, Sendable {
    var calls = 0
    var failedCalls = 0
    var slowCalls = 0
    var slowFailedCalls = 0
    var totalDuration = TimeAmount.zero

    static let empty = BreakerCallTotals()

    /// One call: SUCCESS, ERROR, SLOW_SUCCESS or SLOW_ERROR (`Metrics.Outcome`).
    init(failed: Bool, slow: Bool, duration: TimeAmount) {
        calls = 1
        failedCalls = failed ? 1 : 0
        slowCalls = slow ? 1 : 0
        slowFailedCalls = failed && slow ? 1 : 0
        totalDuration = duration
    }

    init() {}

    static func += (a: inout BreakerCallTotals, b: BreakerCallTotals) {
        a.calls += b.calls
        a.failedCalls += b.failedCalls
        a.slowCalls += b.slowCalls
        a.slowFailedCalls += b.slowFailedCalls
        a.totalDuration = a.totalDuration + b.totalDuration
    }

    static func -= (a: inout BreakerCallTotals, b: BreakerCallTotals) {
        a.calls -= b.calls
        a.failedCalls -= b.failedCalls
        a.slowCalls -= b.slowCalls
        a.slowFailedCalls -= b.slowFailedCalls
        a.totalDuration = a.totalDuration - b.totalDuration
    }
}

/// The last N calls (`FixedSizeSlidingWindowMetrics`): a ring of single-call measurements and a
/// running total; once full, each record evicts the oldest call.
struct BreakerCountWindow: Hashable, Sendable {
    private var ring: [BreakerCallTotals]
    private var head = 0
    private(set) var totals = BreakerCallTotals.empty

    init(size: Int) { ring = Array(repeating: .empty, count: max(0, size)) }

    /// Records one call and returns the totals afterwards. A window of size 0 (the one FORCED_OPEN
    /// and DISABLED install) records nothing; upstream would divide by zero, see `CircuitBreaker`.
    mutating func record(_ call: BreakerCallTotals) -> BreakerCallTotals {
        guard !ring.isEmpty else { return totals }
        head = (head + 1) % ring.count
        totals -= ring[head]
        ring[head] = call
        totals += call
        return totals
    }
}

/// The calls of the last N epoch seconds (`SlidingTimeWindowMetrics`, the SYNCHRONIZED strategy).
///
/// A ring of N per-second buckets aligned to absolute seconds of the clock (here: whole seconds
/// of `Instant`, i.e. since the run started — the conformance cases put `at = 0` on an epoch-second
/// boundary, so the alignment is the same). Recording first advances the ring to the current
/// second, resetting `min(elapsed, N)` buckets: a call made during second `s` counts while the
/// current second lies in `[s, s + N - 1]` and is gone from second `s + N` on.
struct BreakerTimeWindow: Hashable, Sendable {
    private var buckets: [BreakerCallTotals]
    private var headSecond: Int64
    private(set) var totals = BreakerCallTotals.empty

    init(seconds: Int, now: Instant) {
        buckets = Array(repeating: .empty, count: max(1, seconds))
        headSecond = Self.epochSecond(of: now)
    }

    /// `floor(now / 1 s)`, also for instants before the run's start.
    static func epochSecond(of instant: Instant) -> Int64 {
        let ns = instant.nanoseconds
        let q = ns / 1_000_000_000
        return (ns % 1_000_000_000 < 0) ? q - 1 : q
    }

    private func index(of second: Int64) -> Int {
        let n = Int64(buckets.count)
        return Int(((second % n) + n) % n)
    }

    /// The buckets that advancing from `headSecond` to `second` would reset.
    private func evictedSeconds(upTo second: Int64) -> ClosedRange<Int64>? {
        guard second > headSecond else { return nil }
        let steps = min(second &- headSecond, Int64(buckets.count))
        return (headSecond + 1)...(headSecond + steps)
    }

    mutating func record(_ call: BreakerCallTotals, now: Instant) -> BreakerCallTotals {
        let second = Self.epochSecond(of: now)
        advance(to: second)
        // A clock that went backwards records into the current head bucket, as upstream's ring does.
        buckets[index(of: headSecond)] += call
        totals += call
        return totals
    }

    private mutating func advance(to second: Int64) {
        guard let evicted = evictedSeconds(upTo: second) else { return }
        for s in evicted {
            let i = index(of: s)
            totals -= buckets[i]
            buckets[i] = .empty
        }
        headSecond = second
    }

    /// The totals the window would show at `now` (upstream `getSnapshot()` moves the window first;
    /// this computes the same without mutating, so reading metrics stays a read).
    func totals(at now: Instant) -> BreakerCallTotals {
        var result = totals
        if let evicted = evictedSeconds(upTo: Self.epochSecond(of: now)) {
            for s in evicted { result -= buckets[index(of: s)] }
        }
        return result
    }
}

/// The window a metrics object keeps: count-based or time-based.
///
/// A struct of two optionals rather than an enum with payloads: mutating an optional stored
/// property happens in place, while re-binding an enum payload would copy the ring on every call.
struct BreakerSlidingWindow: Hashable, Sendable {
    private var countWindow: BreakerCountWindow?
    private var timeWindow: BreakerTimeWindow?

    static func count(size: Int) -> BreakerSlidingWindow {
        BreakerSlidingWindow(countWindow: BreakerCountWindow(size: size), timeWindow: nil)
    }

    static func time(seconds: Int, now: Instant) -> BreakerSlidingWindow {
        BreakerSlidingWindow(countWindow: nil, timeWindow: BreakerTimeWindow(seconds: seconds, now: now))
    }

    mutating func record(_ call: BreakerCallTotals, now: Instant) -> BreakerCallTotals {
        if timeWindow != nil { return timeWindow!.record(call, now: now) }
        return countWindow!.record(call)
    }

    func totals(at now: Instant) -> BreakerCallTotals {
        if let timeWindow { return timeWindow.totals(at: now) }
        return countWindow!.totals
    }
}
