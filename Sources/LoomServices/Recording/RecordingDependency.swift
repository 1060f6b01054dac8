/// One downstream dependency of the recording service behind its own circuit breaker (seed §1.3.1
/// `RecordingServiceCircuitBreaker{videoProcessingCB, notificationCB, analyticsCB}`).
///
/// The call goes to an endpoint modelled as a `QueueingResource` named `recording-><dependency>`
/// (its concurrency, latency, and any fault a scenario injects on that name). The breaker is the
/// real Resilience4j state machine: this wrapper asks it for permission, reports each call's
/// outcome and duration, arms the timers it asks for, publishes its state as the gauge
/// `breaker.state{from=recording,to=<dependency>}` and notes its transitions.
///
/// With `RecordingConfiguration.distributedBreaker` set, the calls go through a
/// `GuardedDependency` over the service's Redis instead (seed §6.1): one local breaker per
/// recording pod plus the shared failure count; it publishes the same `breaker.state` gauge.
final class RecordingDependency {
    /// How one call went.
    enum CallResult: Equatable {
        case succeeded
        /// The call was made and failed (`error`, `timeout`, `queue-full`, `unavailable`, `refused`).
        case failed(reason: String)
        /// The breaker refused the call; it may admit one again after `retryAfter`.
        case notPermitted(retryAfter: Instant?)
    }

    let configuration: RecordingDependencyConfiguration
    let endpoint: QueueingResource
    private(set) var breaker: CircuitBreaker
    private var timer: EventHandle?
    private let context: PlatformContext
    private let subject: String
    private static let timerKind = EventKind("recording.breaker-timer")

    /// The distributed breaker guarding the calls instead of `breaker` (seed §6.1), if configured.
    let guarded: GuardedDependency?
    /// Local breakers the distributed breaker should have now (the serving pods), read at each call.
    var instancesNow: (() -> Int)?
    /// Called when a made call ends, with its duration and whether it failed (the degradation
    /// detector's window, seed §8.2).
    var onCallFinished: ((TimeAmount, Bool) -> Void)? {
        didSet { guarded?.onCallFinished = onCallFinished }
    }

    init(configuration: RecordingDependencyConfiguration, breaker config: CircuitBreakerConfig,
         distributed: RecordingDistributedBreaker? = nil, store: ModelledSharedFailureStore? = nil,
         context: PlatformContext) throws {
        self.configuration = configuration
        self.context = context
        subject = configuration.endpointName
        endpoint = QueueingResource(name: configuration.endpointName, capacity: configuration.concurrency, queueLimit: 0,
                                    serviceTime: configuration.latency, context: context)
        breaker = try CircuitBreaker(config: config, now: context.now)
        if let distributed, let store {
            // The guarded dependency registers `breaker.state{from=recording,to=<name>}` itself.
            guarded = try GuardedDependency(configuration: distributed.guarded(configuration, breaker: config, instances: 1),
                                            endpoint: endpoint, store: store, context: context)
            return
        }
        guarded = nil
        context.metrics.registerGauge(metricKey("breaker.state", [("from", RecordingService.serviceName), ("to", configuration.name)]),
                                      unit: "state") { [unowned self] in Self.gaugeValue(self.breaker.state) }
        if let pending = breaker.pendingTimer { arm(pending) }
    }

    var name: String { configuration.name }
    var state: CircuitBreakerState { guarded?.aggregateState ?? breaker.state }

    /// Calls the dependency through the breaker, from the pod that serves `session`. `accept`
    /// runs on a successful reply and may refuse it (the video-processing hand-off hook); a
    /// refusal counts as a failed call (for the distributed breaker it is a failure of the
    /// hand-off only: the dependency answered, so its breaker counts a success).
    func call(entity: UInt64, session: UInt64 = 0, accept: (() -> Bool)? = nil, completion: @escaping (CallResult) -> Void) {
        if let guarded {
            callGuarded(guarded, entity: entity, session: session, accept: accept, completion: completion)
            return
        }
        let permission = breaker.tryAcquirePermission(now: context.now)
        handle(permission.events)
        guard permission.isPermitted else {
            completion(.notPermitted(retryAfter: breaker.retryAfter))
            return
        }
        endpoint.submit(entity: entity) { [unowned self] outcome in
            var reason: String?
            var duration = TimeAmount.zero
            switch outcome {
            case let .served(wait, service):
                duration = wait + service
                if duration > self.configuration.callTimeout { reason = "timeout" }
            case let .failed(wait, service):
                duration = wait + service
                reason = "error"
            case .rejected(let why):
                reason = why.rawValue
            }
            if reason == nil, let accept, !accept() { reason = "refused" }
            self.handle(self.breaker.onResult(reason == nil ? .success : .failure, duration: duration, now: self.context.now))
            self.onCallFinished?(duration, reason != nil)
            completion(reason.map { .failed(reason: $0) } ?? .succeeded)
        }
    }

    private func callGuarded(_ guarded: GuardedDependency, entity: UInt64, session: UInt64, accept: (() -> Bool)?,
                             completion: @escaping (CallResult) -> Void) {
        if let instancesNow {
            let wanted = max(1, instancesNow())
            if wanted != guarded.instanceCount { try? guarded.setInstanceCount(wanted) }
        }
        guarded.call(instance: guarded.instance(for: session), entity: entity) { result in
            switch result {
            case .succeeded, .servedByFallback:
                if let accept, !accept() { completion(.failed(reason: "refused")) } else { completion(.succeeded) }
            case .failed(let reason, _), .fallbackFailed(let reason, _):
                completion(.failed(reason: reason))
            case .rejected(_, let retryAfter):
                completion(.notPermitted(retryAfter: retryAfter))
            }
        }
    }

    private func handle(_ events: [CircuitBreakerEvent]) {
        for event in events {
            switch event {
            case let .stateTransition(from, to):
                context.metrics.note(to.transitionNoteKind, subject: subject, detail: "\(from) → \(to)", at: context.now)
            case .armTimer(let t):
                arm(t)
            case .cancelTimer:
                if let timer { context.runtime.cancel(timer) }
                timer = nil
            case .failureRateExceeded, .slowCallRateExceeded, .reset:
                break
            }
        }
    }

    private func arm(_ t: CircuitBreakerTimer) {
        if let timer { context.runtime.cancel(timer) }
        timer = context.at(t.due, Self.timerKind) { [weak self] in
            guard let self else { return }
            self.timer = nil
            self.handle(self.breaker.timerFired(t, now: self.context.now))
        }
    }

    /// The gauge encoding of the conventions: 0 closed, 1 half-open, 2 open, 3 forced-open,
    /// 4 disabled, 5 metrics-only.
    static func gaugeValue(_ state: CircuitBreakerState) -> Double {
        switch state {
        case .closed: return 0
        case .halfOpen: return 1
        case .open: return 2
        case .forcedOpen: return 3
        case .disabled: return 4
        case .metricsOnly: return 5
        }
    }
}
