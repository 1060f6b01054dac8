/// The seed's distributed circuit breaker (§6.1): a local breaker per instance plus a failure
/// count shared by every instance of a service through a store (Redis).
///
/// `Call` in the seed: reject if the local breaker is open; reject if the shared count has reached
/// `globalThreshold` (a store error reads as "not open": the local breaker alone decides);
/// otherwise call, then record the result locally and in the store. How the shared count is kept
/// is selectable (DESIGN.md §8):
/// - `.resetOnAnySuccess` — as written: a failure does `INCR` + `EXPIRE 5m` (the TTL restarts
///   on every failure, so failures never age out one by one), and **any single success, on any
///   instance, `DEL`s the count**. With a dependency failing half the time the count keeps being
///   wiped and the global breaker never opens; with a steady trickle of failures and no success it
///   never closes until five quiet minutes have passed.
/// - `.windowed` — the intent: the count is the failures of the last `window` across instances;
///   successes do not erase them, and each failure ages out on its own.
///
/// The local breaker is the Resilience4j `CircuitBreaker` (the seed's `localBreaker`); it is asked
/// with `tryAcquirePermission`, and a permission the global check then overrides is released, so a
/// half-open probe is not lost. The seed updates the store in a goroutine; here the update is
/// applied when the result is reported — a modelled store may add latency itself. The seed's unused
/// `localThreshold` and `syncInterval` fields are not modelled.
public struct DistributedCircuitBreaker: Sendable {
    /// How instances share failures.
    public enum GlobalFailureCounting: Hashable, Sendable {
        /// Seed as written: INCR + EXPIRE `expiry` on failure, DEL on any success.
        case resetOnAnySuccess(expiry: TimeAmount)
        /// Intent: failures within the last `window`; successes leave them alone.
        case windowed(window: TimeAmount)

        /// The seed's literal parameters: a 5-minute expiry, reset on any success.
        public static let asWritten = GlobalFailureCounting.resetOnAnySuccess(expiry: .minutes(5))
    }

    /// Who decided a call's fate.
    public enum Decision: Hashable, Sendable {
        case permitted
        case rejectedLocally
        case rejectedGlobally
    }

    /// The answer to `tryAcquirePermission`.
    public struct Permission: Hashable, Sendable {
        public var decision: Decision
        public var isPermitted: Bool { decision == .permitted }
        /// The shared count read, or nil when the store was not asked or could not answer.
        public var globalFailures: Int?
        /// False when the store threw (the local breaker decided alone).
        public var storeAvailable: Bool
        /// What the local breaker did (e.g. OPEN→HALF_OPEN with a timer to arm).
        public var events: [CircuitBreakerEvent]
    }

    public let serviceName: String
    public let globalThreshold: Int
    public let counting: GlobalFailureCounting
    /// This instance's own breaker; timers it asks for go to `local.timerFired`.
    public var local: CircuitBreaker

    /// The seed's key, `circuit_breaker:<service>:failures`.
    public var storeKey: String { "circuit_breaker:\(serviceName):failures" }

    /// Throws `DistributedCircuitBreakerError` for a threshold below 1 or a non-positive expiry or window.
    public init(serviceName: String, local: CircuitBreaker, globalThreshold: Int, counting: GlobalFailureCounting) throws {
        guard globalThreshold >= 1 else { throw DistributedCircuitBreakerError.globalThresholdBelowOne(globalThreshold) }
        switch counting {
        case .resetOnAnySuccess(let d), .windowed(let d):
            guard d.nanoseconds > 0 else { throw DistributedCircuitBreakerError.durationNotPositive(d) }
        }
        self.serviceName = serviceName
        self.local = local
        self.globalThreshold = globalThreshold
        self.counting = counting
    }

    /// Asks to make a call: the local breaker first, then the shared count.
    public mutating func tryAcquirePermission(now: Instant, store: inout some SharedFailureStore) -> Permission {
        let localPermission = local.tryAcquirePermission(now: now)
        guard localPermission.isPermitted else {
            return Permission(decision: .rejectedLocally, globalFailures: nil, storeAvailable: true, events: localPermission.events)
        }
        let failures: Int
        do {
            switch counting {
            case .resetOnAnySuccess:
                failures = try store.failureCount(forKey: storeKey, now: now)
            case .windowed(let window):
                failures = try store.failureCount(forKey: storeKey, window: window, now: now)
            }
        } catch {
            // Seed: "If Redis is unavailable, rely on local breaker".
            return Permission(decision: .permitted, globalFailures: nil, storeAvailable: false, events: localPermission.events)
        }
        guard failures < globalThreshold else {
            local.releasePermission()
            return Permission(decision: .rejectedGlobally, globalFailures: failures, storeAvailable: true, events: localPermission.events)
        }
        return Permission(decision: .permitted, globalFailures: failures, storeAvailable: true, events: localPermission.events)
    }

    /// Reports how a permitted call ended: to the local breaker, then to the shared count. Returns
    /// the local breaker's events and whether the store took the update (the seed ignores errors).
    public mutating func onResult(
        _ outcome: CircuitBreakerOutcome, duration: TimeAmount, now: Instant, store: inout some SharedFailureStore
    ) -> (events: [CircuitBreakerEvent], storeAvailable: Bool) {
        let events = local.onResult(outcome, duration: duration, now: now)
        do {
            switch (outcome, counting) {
            case (.ignored, _):
                break
            case (.failure, .resetOnAnySuccess(let expiry)):
                try store.incrementFailureCount(forKey: storeKey, expiry: expiry, now: now)
            case (.success, .resetOnAnySuccess):
                try store.deleteFailureCount(forKey: storeKey, now: now)
            case (.failure, .windowed(let window)):
                try store.addFailure(forKey: storeKey, window: window, now: now)
            case (.success, .windowed):
                break
            }
        } catch {
            return (events, false)
        }
        return (events, true)
    }
}

/// A distributed breaker that cannot work as configured.
public enum DistributedCircuitBreakerError: Error, Equatable, CustomStringConvertible {
    case globalThresholdBelowOne(Int)
    case durationNotPositive(TimeAmount)

    public var description: String {
        switch self {
        case .globalThresholdBelowOne(let n): return "the global failure threshold is \(n); it must be at least 1"
        case .durationNotPositive(let d): return "the shared failure expiry or window is \(d); it must be positive"
        }
    }
}
