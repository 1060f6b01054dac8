/// How a caller service guards its calls to one dependency with the seed's distributed circuit
/// breaker (§6.1): a local Resilience4j breaker per caller instance plus a failure count that all
/// instances share through a store (Redis).
///
/// The seed gives the mechanism but no numbers except the shared count's 5-minute expiry; the
/// other defaults are Resilience4j's (the local breaker) or stated below with their reason.
public struct GuardedDependencyConfiguration: Sendable {
    /// The calling service (the `from` label of `breaker.state`), e.g. `recording`.
    public var caller: String
    /// The dependency called (the `to` label), e.g. `video-processing`.
    public var dependency: String
    /// The seed's `DistributedCircuitBreaker.serviceName`, which names the shared key
    /// `circuit_breaker:<name>:failures`. Default: the dependency, so every caller of it shares
    /// one count, as the seed's per-service key implies. Give a per-caller name to keep callers apart.
    public var sharedKeyName: String
    /// Caller instances (replicas), each with its own local breaker; count ≥ 1. Default 3.
    public var instances: Int
    /// The local breaker (the seed's `localBreaker`). Default: Resilience4j's defaults
    /// (50 % failures over the last 100 calls, at least 100 calls, 60 s open).
    public var breaker: CircuitBreakerConfig
    /// Shared failures at which every instance rejects (the seed's `globalThreshold`, no value
    /// given). The count is absolute, not a rate: set it above what a healthy dependency fails in
    /// one window at peak load. Default 100.
    public var globalThreshold: Int
    /// How the shared count is kept (DESIGN.md §8): `.windowed(window:)` is the intent, failures
    /// of the last window, successes leave them alone (default, a 1-minute window);
    /// `.asWritten` is the seed's `INCR`+`EXPIRE 5m` and `DEL` on any success anywhere.
    public var counting: DistributedCircuitBreaker.GlobalFailureCounting
    /// The caller gives up on a call after this long and counts it as a failure (`timeout`);
    /// the dependency keeps working on it until it finishes. Default 10 s.
    public var callTimeout: TimeAmount
    /// How long the remediation "enable circuit breaker" (§8.2) forces the breakers open before
    /// they are closed again. Default 60 s, Resilience4j's default open wait.
    public var forcedOpenDuration: TimeAmount

    public init(caller: String, dependency: String, sharedKeyName: String? = nil, instances: Int = 3,
                breaker: CircuitBreakerConfig = CircuitBreakerConfig(), globalThreshold: Int = 100,
                counting: DistributedCircuitBreaker.GlobalFailureCounting = .windowed(window: .minutes(1)),
                callTimeout: TimeAmount = .wholeSeconds(10), forcedOpenDuration: TimeAmount = .minutes(1)) {
        self.caller = caller
        self.dependency = dependency
        self.sharedKeyName = sharedKeyName ?? dependency
        self.instances = instances
        self.breaker = breaker
        self.globalThreshold = globalThreshold
        self.counting = counting
        self.callTimeout = callTimeout
        self.forcedOpenDuration = forcedOpenDuration
    }

    /// Throws `CrossServiceConfigurationError` naming the field at fault.
    public func validate() throws {
        let at = "guarded dependency \(caller)->\(dependency)"
        guard !caller.isEmpty, !dependency.isEmpty else {
            throw CrossServiceConfigurationError("guarded dependency: caller and dependency must be named, got '\(caller)' -> '\(dependency)'")
        }
        guard !sharedKeyName.isEmpty else { throw CrossServiceConfigurationError("\(at): sharedKeyName must not be empty") }
        guard instances >= 1 else { throw CrossServiceConfigurationError("\(at): instances must be at least 1, got \(instances)") }
        guard globalThreshold >= 1 else {
            throw CrossServiceConfigurationError("\(at): globalThreshold must be at least 1 failure, got \(globalThreshold)")
        }
        switch counting {
        case .resetOnAnySuccess(let d), .windowed(let d):
            guard d > .zero else { throw CrossServiceConfigurationError("\(at): the shared count's expiry or window must be positive, got \(d)") }
        }
        guard callTimeout > .zero else { throw CrossServiceConfigurationError("\(at): callTimeout must be positive, got \(callTimeout)") }
        guard forcedOpenDuration > .zero else {
            throw CrossServiceConfigurationError("\(at): forcedOpenDuration must be positive, got \(forcedOpenDuration)")
        }
        do { try breaker.validate() } catch { throw CrossServiceConfigurationError("\(at): breaker: \(error)") }
    }
}

/// A cross-service mechanism configured so that it cannot work; the message names the field.
public struct CrossServiceConfigurationError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
