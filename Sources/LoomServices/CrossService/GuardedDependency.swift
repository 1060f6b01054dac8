/// Calls from a service's instances to one dependency endpoint, each guarded by the seed's
/// distributed circuit breaker (§6.1).
///
/// The caller runs `instances` replicas; each holds a `DistributedCircuitBreaker` (the real
/// policy from Resilience) whose local Resilience4j breaker is its own, while the failure count is
/// shared by all of them through a `ModelledSharedFailureStore` (the modelled Redis). A call:
/// 1. asks the instance's breaker: local breaker first, then the shared count (seed `Call`); a
///    store that cannot answer leaves the local breaker to decide alone (fails open);
/// 2. if permitted, submits the request to the dependency's `QueueingResource` (its capacity,
///    latency and any fault injected on its name) and arms the caller's timeout;
/// 3. reports the outcome and duration to the breaker (local window and shared count), arms the
///    timers the local breaker asks for, and records latency and outcome counters.
///
/// Emits the gauge `breaker.state{from=<caller>,to=<dependency>}` (the worst state across
/// instances, or open while the shared count is at the threshold; encoding 0 closed, 1 half-open,
/// 2 open, 3 forced-open, 4 disabled, 5 metrics-only), `breaker.open_instances{...}`,
/// `breaker.global_failures{...}`, counters `breaker.calls{from,to,outcome}`,
/// `breaker.store_unavailable{from,to}` (store commands refused) and `breaker.fail_open{from,to}`
/// (calls let through while the store could not answer), the latency `<caller>.calls.<dependency>`, and the
/// notable events `breaker.opened` / `breaker.half_opened` / `breaker.closed` per instance
/// (subject `<caller>-><dependency>#<i>`) and for the shared count (subject `... (global)`).
///
/// Ledger: every call is a unit of service `<caller>-><dependency>` (by count), completed,
/// failed(reason) or dropped(`breaker-local` / `breaker-global` / `breaker-forced-open`).
///
/// A service that registers its own `breaker.state` gauge for the same pair must not also
/// use a `GuardedDependency` for it (a gauge key is registered once).
public final class GuardedDependency {
    /// Who refused a call.
    public enum Rejection: String, Sendable {
        /// The instance's local breaker is open (or half-open without permits).
        case local
        /// The shared failure count is at the global threshold.
        case global
        /// The breakers were forced open (the §8.2 remediation `enable_circuit_breaker`).
        case forcedOpen = "forced-open"
    }

    /// How one call ended.
    public enum CallResult: Equatable, Sendable {
        case succeeded(duration: TimeAmount)
        /// Made and failed: `error` (an error reply), `timeout` (the caller gave up),
        /// `queue-full`, `wait-timeout` or `unavailable` (refused by the endpoint).
        case failed(reason: String, duration: TimeAmount)
        /// Not made; the local breaker may admit calls again after `retryAfter`.
        case rejected(Rejection, retryAfter: Instant?)
        /// Sent to the fallback endpoint (§8.2 `fallback_to_backup_service`) and served there.
        case servedByFallback(duration: TimeAmount)
        /// Sent to the fallback endpoint and failed there.
        case fallbackFailed(reason: String, duration: TimeAmount)

        public var isSuccess: Bool {
            switch self {
            case .succeeded, .servedByFallback: return true
            default: return false
            }
        }
    }

    /// One caller replica: its distributed breaker and the timer its local breaker asked for.
    struct Instance {
        var breaker: DistributedCircuitBreaker
        var timer: EventHandle?
    }

    /// A call in flight: whichever of the reply and the caller's timeout comes first decides it.
    final class PendingCall {
        let instance: Int
        let started: Instant
        var timeout: DeadlineQueue.Ticket?
        var done = false
        init(instance: Int, started: Instant) {
            self.instance = instance
            self.started = started
        }
    }

    public let configuration: GuardedDependencyConfiguration
    /// The dependency's endpoint (capacity, latency, faults on its name).
    public let endpoint: QueueingResource
    /// Where calls go while `routesToFallback` (a degraded or backup implementation), if any.
    public let fallback: QueueingResource?
    /// True after the remediation switched calls to the fallback endpoint.
    public internal(set) var routesToFallback = false
    /// Called when a made call ends, with its duration and whether it failed (feeds a
    /// `ServiceMetricsWindow` for the degradation detector).
    public var onCallFinished: ((TimeAmount, Bool) -> Void)?

    var instances: [Instance] = []
    var store: ModelledSharedFailureStore
    let context: PlatformContext
    /// The shared count as last read, and whether it was at the threshold.
    public internal(set) var lastGlobalFailures = 0
    public internal(set) var isGloballyOpen = false
    var forcedOpenEnd: EventHandle?
    /// The callers' timeouts (one duration, armed in time order) behind one kernel timer.
    let timeouts: DeadlineQueue
    let pairName: String
    /// The ledger service of the calls: `<caller>-><dependency>`.
    public var ledgerService: String { pairName }
    let counters: Counters
    let latency: MetricsRecorder.Latency

    struct Counters {
        var success, failure, rejectedLocal, rejectedGlobal, rejectedForced, fallback, storeUnavailable, failOpen: MetricsRecorder.Counter
    }

    static let timeoutKind = EventKind("xs.dependency.timeout")
    static let timerKind = EventKind("xs.breaker.timer")
    static let forcedEndKind = EventKind("xs.breaker.forced-end")

    /// A guarded dependency over `endpoint`, sharing failures through `store`. Throws
    /// `CrossServiceConfigurationError` for an invalid configuration.
    public init(configuration: GuardedDependencyConfiguration, endpoint: QueueingResource,
                store: ModelledSharedFailureStore, fallback: QueueingResource? = nil, context: PlatformContext) throws {
        try configuration.validate()
        self.configuration = configuration
        self.endpoint = endpoint
        self.fallback = fallback
        self.store = store
        self.context = context
        pairName = "\(configuration.caller)->\(configuration.dependency)"
        let labels = [("from", configuration.caller), ("to", configuration.dependency)]
        func counter(_ outcome: String) -> MetricsRecorder.Counter {
            context.metrics.registerCounter(metricKey("breaker.calls", labels + [("outcome", outcome)]), unit: "calls")
        }
        counters = Counters(
            success: counter("success"), failure: counter("failure"), rejectedLocal: counter("rejected_local"),
            rejectedGlobal: counter("rejected_global"), rejectedForced: counter("rejected_forced"),
            fallback: counter("fallback"),
            storeUnavailable: context.metrics.registerCounter(metricKey("breaker.store_unavailable", labels), unit: "commands"),
            failOpen: context.metrics.registerCounter(metricKey("breaker.fail_open", labels), unit: "calls"))
        latency = context.metrics.registerLatency("\(configuration.caller).calls.\(configuration.dependency)")
        timeouts = DeadlineQueue(context: context, kind: Self.timeoutKind)
        try setInstanceCount(configuration.instances)
        registerGauges(labels: labels)
    }

    /// Caller instances now.
    public var instanceCount: Int { instances.count }

    /// The instance that serves `entity`: a stable hash, so an entity always uses the same replica.
    public func instance(for entity: UInt64) -> Int {
        Int(StableHash.mix(entity) % UInt64(instances.count))
    }

    /// The local breaker state of instance `i`.
    public func localState(ofInstance i: Int) -> CircuitBreakerState { instances[i].breaker.local.state }

    /// Calls the dependency from instance `instance` (taken modulo the instance count) for
    /// `entity`; `serviceSeconds` overrides the endpoint's service-time draw. `completion` runs
    /// exactly once: at once for a rejection, else at the reply or the caller's timeout.
    public func call(instance: Int, entity: UInt64, serviceSeconds: Double? = nil,
                     completion: @escaping (CallResult) -> Void) {
        context.ledger.admit(ledgerService, count: 1)
        if routesToFallback, let fallback {
            callFallback(fallback, entity: entity, serviceSeconds: serviceSeconds, completion: completion)
            return
        }
        let i = abs(instance) % instances.count
        let now = context.now
        let permission = instances[i].breaker.tryAcquirePermission(now: now, store: &store)
        apply(permission.events, instance: i)
        if !permission.storeAvailable {
            context.metrics.add(counters.storeUnavailable)
            // The seed's fail-open: the shared count could not be read, the local breaker decided.
            if permission.isPermitted { context.metrics.add(counters.failOpen) }
        }
        if let failures = permission.globalFailures { observeGlobal(failures: failures) }
        guard permission.isPermitted else {
            let local = instances[i].breaker.local
            let rejection: Rejection
            switch permission.decision {
            case .rejectedGlobally: rejection = .global
            default: rejection = local.state == .forcedOpen ? .forcedOpen : .local
            }
            switch rejection {
            case .global: context.metrics.add(counters.rejectedGlobal)
            case .local: context.metrics.add(counters.rejectedLocal)
            case .forcedOpen: context.metrics.add(counters.rejectedForced)
            }
            let result = CallResult.rejected(rejection, retryAfter: local.retryAfter)
            account(result)
            completion(result)
            return
        }
        let pending = PendingCall(instance: i, started: now)
        let timeout = configuration.callTimeout
        pending.timeout = timeouts.arm(at: now + timeout) { [unowned self] in
            guard !pending.done else { return }
            pending.done = true
            self.finish(pending, failure: "timeout", duration: timeout, completion: completion)
        }
        endpoint.submit(entity: entity, serviceSeconds: serviceSeconds) { [unowned self] outcome in
            guard !pending.done else { return }  // the caller already gave up
            pending.done = true
            pending.timeout?.cancel()
            let duration = self.context.now - pending.started
            switch outcome {
            case .served: self.finish(pending, failure: nil, duration: duration, completion: completion)
            case .failed: self.finish(pending, failure: "error", duration: duration, completion: completion)
            case .rejected(let why): self.finish(pending, failure: why.rawValue, duration: duration, completion: completion)
            }
        }
    }

    private func finish(_ pending: PendingCall, failure: String?, duration: TimeAmount,
                        completion: (CallResult) -> Void) {
        let i = pending.instance
        let now = context.now
        if i < instances.count {
            let result = instances[i].breaker.onResult(failure == nil ? .success : .failure, duration: duration,
                                                        now: now, store: &store)
            apply(result.events, instance: i)
            if !result.storeAvailable {
                context.metrics.add(counters.storeUnavailable)
            } else if failure == nil, case .resetOnAnySuccess = configuration.counting {
                observeGlobal(failures: 0)  // the seed's DEL: one success anywhere clears the count
            }
        }
        context.metrics.record(latency, duration)
        context.metrics.add(failure == nil ? counters.success : counters.failure)
        onCallFinished?(duration, failure != nil)
        let result = failure.map { CallResult.failed(reason: $0, duration: duration) } ?? .succeeded(duration: duration)
        account(result)
        completion(result)
    }

    /// Every call ends once in the ledger (service `<caller>-><dependency>`): completed when
    /// served (by the dependency or its fallback), failed with the reason, or dropped when a
    /// breaker refused it.
    private func account(_ result: CallResult) {
        let state: TerminalState
        switch result {
        case .succeeded, .servedByFallback: state = .completed
        case .failed(let reason, _): state = .failed(reason: reason)
        case .fallbackFailed(let reason, _): state = .failed(reason: "fallback-\(reason)")
        case .rejected(let rejection, _): state = .dropped(reason: "breaker-\(rejection.rawValue)")
        }
        context.ledger.finish(ledgerService, count: 1, state, at: context.now)
    }

    private func callFallback(_ fallback: QueueingResource, entity: UInt64, serviceSeconds: Double?,
                              completion: @escaping (CallResult) -> Void) {
        context.metrics.add(counters.fallback)
        fallback.submit(entity: entity, serviceSeconds: serviceSeconds) { [unowned self] outcome in
            let result: CallResult
            switch outcome {
            case let .served(wait, service):
                self.onCallFinished?(wait + service, false)
                result = .servedByFallback(duration: wait + service)
            case let .failed(wait, service):
                self.onCallFinished?(wait + service, true)
                result = .fallbackFailed(reason: "error", duration: wait + service)
            case .rejected(let why):
                self.onCallFinished?(.zero, true)
                result = .fallbackFailed(reason: why.rawValue, duration: .zero)
            }
            self.account(result)
            completion(result)
        }
    }
}
