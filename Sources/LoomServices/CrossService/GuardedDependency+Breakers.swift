/// The breakers' side of a guarded dependency: instance management, the local breakers' timers
/// and transitions, the shared count's observed state, forcing open and the fallback switch
/// (the remediations of seed §8.2), and the gauges.
extension GuardedDependency {
    /// Sets the number of caller instances (follow the caller's Deployment as it scales): new
    /// instances start with a fresh closed local breaker; removed ones drop their timers.
    public func setInstanceCount(_ count: Int) throws {
        guard count >= 1 else { throw CrossServiceConfigurationError("guarded dependency \(pairName): instances must be at least 1, got \(count)") }
        while instances.count > count {
            if let t = instances.removeLast().timer { context.runtime.cancel(t) }
        }
        while instances.count < count {
            let local = try CircuitBreaker(config: configuration.breaker, now: context.now)
            let breaker = try DistributedCircuitBreaker(
                serviceName: configuration.sharedKeyName, local: local,
                globalThreshold: configuration.globalThreshold, counting: configuration.counting)
            instances.append(Instance(breaker: breaker, timer: nil))
            if let pending = local.pendingTimer { arm(pending, instance: instances.count - 1) }
        }
    }

    /// Reads the shared failure count from the store now (one store command), or nil if the
    /// store cannot answer.
    public func readGlobalFailures() -> Int? {
        let key = instances[0].breaker.storeKey
        let now = context.now
        switch configuration.counting {
        case .resetOnAnySuccess: return try? store.failureCount(forKey: key, now: now)
        case .windowed(let window): return try? store.failureCount(forKey: key, window: window, now: now)
        }
    }

    /// The remediation `enable_circuit_breaker` (§8.2): forces every instance's local breaker
    /// open (FORCED_OPEN: all calls rejected) and closes them again after `duration`
    /// (default `configuration.forcedOpenDuration`).
    public func forceOpen(for duration: TimeAmount? = nil) {
        let now = context.now
        for i in instances.indices {
            if let events = try? instances[i].breaker.local.transition(to: .forcedOpen, now: now) {
                apply(events, instance: i)
            }
        }
        if let end = forcedOpenEnd { context.runtime.cancel(end) }
        let wait = duration ?? configuration.forcedOpenDuration
        context.metrics.note("breaker.forced_open", subject: pairName, detail: "for \(wait)", at: now)
        forcedOpenEnd = context.after(wait, Self.forcedEndKind) { [weak self] in self?.releaseForcedOpen() }
    }

    /// Ends a forced opening: every forced-open instance closes (fresh window).
    public func releaseForcedOpen() {
        if let end = forcedOpenEnd { context.runtime.cancel(end) }
        forcedOpenEnd = nil
        let now = context.now
        for i in instances.indices where instances[i].breaker.local.state == .forcedOpen {
            if let events = try? instances[i].breaker.local.transition(to: .closed, now: now) {
                apply(events, instance: i)
            }
        }
    }

    /// The remediation `fallback_to_backup_service` (§8.2): routes every call to the fallback
    /// endpoint (true), or back to the dependency (false). Returns false when there is no fallback.
    @discardableResult
    public func switchToFallback(_ on: Bool = true) -> Bool {
        guard fallback != nil else { return false }
        if routesToFallback != on {
            routesToFallback = on
            context.metrics.note(on ? "dependency.fallback_on" : "dependency.fallback_off", subject: pairName, at: context.now)
        }
        return true
    }

    /// The state the `breaker.state` gauge shows: forced-open if any instance is; open while the
    /// shared count is at the threshold; otherwise the worst local state (open > half-open >
    /// closed), with disabled / metrics-only only when every instance is in it.
    public var aggregateState: CircuitBreakerState {
        var worst: CircuitBreakerState?
        var rank = -1
        for instance in instances {
            let state = instance.breaker.local.state
            if state == .forcedOpen { return .forcedOpen }
            let r: Int
            switch state {
            case .open: r = 3
            case .halfOpen: r = 2
            case .closed: r = 1
            case .disabled, .metricsOnly, .forcedOpen: r = 0
            }
            if r > rank { rank = r; worst = state }
        }
        if isGloballyOpen { return .open }
        return worst ?? .closed
    }

    /// The conventions' gauge encoding of a breaker state.
    public static func gaugeValue(_ state: CircuitBreakerState) -> Double {
        switch state {
        case .closed: return 0
        case .halfOpen: return 1
        case .open: return 2
        case .forcedOpen: return 3
        case .disabled: return 4
        case .metricsOnly: return 5
        }
    }

    func registerGauges(labels: [(String, String)]) {
        context.metrics.registerGauge(metricKey("breaker.state", labels), unit: "state") { [unowned self] in
            Self.gaugeValue(self.aggregateState)
        }
        context.metrics.registerGauge(metricKey("breaker.open_instances", labels), unit: "instances") { [unowned self] in
            Double(self.instances.reduce(0) { n, i in
                let s = i.breaker.local.state
                return n + (s == .open || s == .forcedOpen ? 1 : 0)
            })
        }
        context.metrics.registerGauge(metricKey("breaker.global_failures", labels), unit: "failures") { [unowned self] in
            Double(self.lastGlobalFailures)
        }
    }

    /// Notes a change of the shared count's verdict (read at a permission check, or cleared by
    /// the as-written `DEL`).
    func observeGlobal(failures: Int) {
        lastGlobalFailures = failures
        let open = failures >= configuration.globalThreshold
        guard open != isGloballyOpen else { return }
        isGloballyOpen = open
        context.metrics.note(open ? "breaker.opened" : "breaker.closed", subject: "\(pairName) (global)",
                             detail: "shared failures \(failures), threshold \(configuration.globalThreshold)", at: context.now)
    }

    /// Publishes a local breaker's transitions and arms or cancels the timers it asks for.
    func apply(_ events: [CircuitBreakerEvent], instance i: Int) {
        for event in events {
            switch event {
            case let .stateTransition(from, to):
                context.metrics.note(to.transitionNoteKind, subject: "\(pairName)#\(i)", detail: "\(from) → \(to)", at: context.now)
            case .armTimer(let timer):
                arm(timer, instance: i)
            case .cancelTimer:
                if let t = instances[i].timer { context.runtime.cancel(t) }
                instances[i].timer = nil
            case .failureRateExceeded, .slowCallRateExceeded, .reset:
                break
            }
        }
    }

    private func arm(_ timer: CircuitBreakerTimer, instance i: Int) {
        if let t = instances[i].timer { context.runtime.cancel(t) }
        instances[i].timer = context.at(timer.due, Self.timerKind, entity: UInt64(i)) { [weak self] in
            guard let self, i < self.instances.count else { return }
            self.instances[i].timer = nil
            let events = self.instances[i].breaker.local.timerFired(timer, now: self.context.now)
            self.apply(events, instance: i)
        }
    }
}
