/// The recording service's calls to video processing, notification and analytics (§1.3.1)
/// guarded by the seed's distributed circuit breaker (§6.1) instead of one breaker per
/// dependency: every recording pod keeps its own local breaker (`RecordingConfiguration.breaker`)
/// and all pods share one failure count per dependency in the service's Redis
/// (`circuit_breaker:<dependency>:failures`).
///
/// When Redis cannot answer (a `datastoreOutage` on it, its primary awaiting Sentinel's
/// promotion, an error reply), the breaker fails open as the seed's `isGloballyOpen` does ("If
/// Redis is unavailable, rely on local breaker"): calls keep flowing on the local breakers' say,
/// and the lost count updates are counted in `breaker.store_unavailable{from,to}`.
///
/// The seed gives no threshold; the defaults are `GuardedDependencyConfiguration`'s.
public struct RecordingDistributedBreaker: Sendable, Equatable {
    /// Shared failures at which every pod rejects calls to the dependency (seed `globalThreshold`).
    /// An absolute count: set it above what a healthy dependency fails in one window. Default 100.
    public var globalThreshold: Int
    /// How Redis keeps the count (DESIGN.md §8): failures in the last window (default, 1 minute),
    /// or the seed as written (`INCR`+`EXPIRE 5m`, `DEL` on any success anywhere).
    public var counting: DistributedCircuitBreaker.GlobalFailureCounting
    /// Local breakers: nil (default) gives every serving recording pod its own, following the
    /// Deployment as it scales; a number fixes the count.
    public var instances: Int?
    /// How long the §8.2 remediation `enable_circuit_breaker` forces the breakers open. Default 60 s.
    public var forcedOpenDuration: TimeAmount

    public init(globalThreshold: Int = 100,
                counting: DistributedCircuitBreaker.GlobalFailureCounting = .windowed(window: .minutes(1)),
                instances: Int? = nil, forcedOpenDuration: TimeAmount = .minutes(1)) {
        self.globalThreshold = globalThreshold
        self.counting = counting
        self.instances = instances
        self.forcedOpenDuration = forcedOpenDuration
    }

    /// The guarded-dependency configuration for one of the recording service's dependencies.
    func guarded(_ dependency: RecordingDependencyConfiguration, breaker: CircuitBreakerConfig,
                 instances initial: Int) -> GuardedDependencyConfiguration {
        GuardedDependencyConfiguration(
            caller: RecordingService.serviceName, dependency: dependency.name, instances: instances ?? initial,
            breaker: breaker, globalThreshold: globalThreshold, counting: counting,
            callTimeout: dependency.callTimeout, forcedOpenDuration: forcedOpenDuration)
    }

    func validate() throws {
        guard globalThreshold >= 1 else {
            throw RecordingConfigurationError("recording: distributedBreaker: globalThreshold must be at least 1, got \(globalThreshold)")
        }
        switch counting {
        case .resetOnAnySuccess(let d), .windowed(let d):
            guard d > .zero else { throw RecordingConfigurationError("recording: distributedBreaker: the shared count's window must be positive, got \(d)") }
        }
        if let instances, instances < 1 {
            throw RecordingConfigurationError("recording: distributedBreaker: instances must be at least 1, got \(instances)")
        }
        guard forcedOpenDuration > .zero else {
            throw RecordingConfigurationError("recording: distributedBreaker: forcedOpenDuration must be positive, got \(forcedOpenDuration)")
        }
    }
}
