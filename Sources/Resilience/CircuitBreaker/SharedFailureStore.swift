import DequeModule

/// The shared store behind the seed's distributed circuit breaker (§6.1: a Redis cluster).
///
/// The breaker speaks to it in the seed's commands — `GET`, `INCR` + `EXPIRE`, `DEL` on
/// `circuit_breaker:<service>:failures` — plus the two a windowed count needs (a sorted set of
/// failure times: `ZADD` + `ZREMRANGEBYSCORE`, then `ZCOUNT`). Any method may throw to say the
/// store is unreachable; the breaker then falls back to its local breaker, as the seed does.
/// Methods take `now` because the store expires keys by time and holds no clock; they are
/// `mutating` so a modelled Redis can count operations or inject outages. The simulator backs
/// this with its Redis model; `InMemorySharedFailureStore` is the reference implementation.
public protocol SharedFailureStore {
    /// `GET key` as an integer; 0 when the key is missing or expired.
    mutating func failureCount(forKey key: String, now: Instant) throws -> Int
    /// `INCR key` then `EXPIRE key expiry` (the TTL restarts on every failure, as in the seed).
    mutating func incrementFailureCount(forKey key: String, expiry: TimeAmount, now: Instant) throws
    /// `DEL key`.
    mutating func deleteFailureCount(forKey key: String, now: Instant) throws
    /// Adds a failure at `now` and forgets failures older than `window`.
    mutating func addFailure(forKey key: String, window: TimeAmount, now: Instant) throws
    /// Failures in `(now - window, now]`.
    mutating func failureCount(forKey key: String, window: TimeAmount, now: Instant) throws -> Int
}

/// The store could not be reached (a Redis outage, a network partition).
public struct SharedFailureStoreUnavailable: Error, Hashable, Sendable, CustomStringConvertible {
    public init() {}
    public var description: String { "the shared failure store is unavailable" }
}

/// An in-memory `SharedFailureStore` with Redis semantics and a switch for outages.
///
/// Keys expire lazily when read (Redis also expires on access). While `isAvailable` is false every
/// call throws `SharedFailureStoreUnavailable` and changes nothing. Share one store between
/// several breakers (instances of a service) by passing the same variable `inout` to each.
public struct InMemorySharedFailureStore: SharedFailureStore, Sendable {
    public var isAvailable = true
    private var counters: [String: (count: Int, expiresAt: Instant)] = [:]
    private var failureTimes: [String: Deque<Instant>] = [:]
    /// Commands served, for reports and tests.
    public private(set) var operationCount = 0

    public init() {}

    private mutating func serve() throws {
        guard isAvailable else { throw SharedFailureStoreUnavailable() }
        operationCount += 1
    }

    public mutating func failureCount(forKey key: String, now: Instant) throws -> Int {
        try serve()
        guard let entry = counters[key] else { return 0 }
        if entry.expiresAt <= now {
            counters[key] = nil
            return 0
        }
        return entry.count
    }

    public mutating func incrementFailureCount(forKey key: String, expiry: TimeAmount, now: Instant) throws {
        try serve()
        var count = 0
        if let entry = counters[key], entry.expiresAt > now { count = entry.count }
        counters[key] = (count + 1, R4JTime.adding(expiry, to: now))
    }

    public mutating func deleteFailureCount(forKey key: String, now: Instant) throws {
        try serve()
        counters[key] = nil
    }

    public mutating func addFailure(forKey key: String, window: TimeAmount, now: Instant) throws {
        try serve()
        var times = failureTimes[key] ?? []
        failureTimes[key] = nil  // keep the deque uniquely referenced while it is edited
        times.append(now)
        Self.trim(&times, window: window, now: now)
        failureTimes[key] = times
    }

    public mutating func failureCount(forKey key: String, window: TimeAmount, now: Instant) throws -> Int {
        try serve()
        guard var times = failureTimes[key] else { return 0 }
        failureTimes[key] = nil
        Self.trim(&times, window: window, now: now)
        let count = times.count
        if !times.isEmpty { failureTimes[key] = times }
        return count
    }

    /// Drops failures at or before `now - window`; times arrive in order, so from the front.
    private static func trim(_ times: inout Deque<Instant>, window: TimeAmount, now: Instant) {
        let horizon = now - window
        while let first = times.first, first <= horizon { times.removeFirst() }
    }
}
