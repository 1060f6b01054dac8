/// The request path: the fallback chain (seed §3.3), routing, the cache lookup (§3.2.1
/// `get_model`), per-worker queues and GPU dispatch, timeouts and results.
extension AIMLService {
    /// Tries the next model of the request's chain, or answers with the degraded result.
    func tryNextModel(_ request: InferenceRequest) {
        while request.position < request.chain.count {
            let m = request.chain[request.position]
            request.position += 1
            request.attempts += 1
            var permitted = true
            if breakers[m] != nil {
                let permission = breakers[m]!.tryAcquirePermission(now: context.now)
                handleBreakerEvents(permission.events, model: m)
                permitted = permission.isPermitted
            }
            guard permitted else {
                context.metrics.add(metrics.attemptFailures[.breakerOpen]!)
                continue
            }
            startAttempt(request, model: m)
            return
        }
        finishDegraded(request)
    }

    private func startAttempt(_ request: InferenceRequest, model m: Int) {
        let now = context.now
        guard let (first, fallbackReplica) = route(m) else {
            let attempt = InferenceAttempt(request: request, model: m, worker: -1, now: now, sequence: takeSequence())
            attempt.holdsBreakerPermission = breakers[m] != nil
            attempt.phase = .finished
            attemptFailed(attempt, .noCapacity)
            return
        }
        var w = workers[first]
        var failure: InferenceAttemptFailure?
        lookupCount += 1
        context.metrics.add(metrics.lookups)
        switch w.cache.lookUp(m, now: now) {
        case .hot:
            hitCount += 1
            context.metrics.add(metrics.hits)
        case .warming:
            context.metrics.add(metrics.warmWaits)
        case .cold, .cooling:
            context.metrics.add(metrics.coldStarts)
            context.metrics.add(metrics.coldStartsByModel[m])
            failure = beginLoad(w, model: m, predictive: false)
            // The model cannot be placed on that worker; an existing replica still serves it.
            if failure != nil, let other = fallbackReplica {
                w = workers[other]
                _ = w.cache.lookUp(m, now: now)
                failure = nil
                context.metrics.add(metrics.coldRerouted)
            } else if failure == nil {
                context.metrics.add(metrics.coldStartWaits)
            }
        }
        let attempt = InferenceAttempt(request: request, model: m, worker: w.index, now: now, sequence: takeSequence())
        attempt.holdsBreakerPermission = breakers[m] != nil
        if let failure {
            attempt.phase = .finished
            attemptFailed(attempt, failure)
            return
        }
        attempt.timeout = context.after(request.attemptTimeout, Self.timeoutKind, entity: attempt.sequence) { [unowned self] in
            self.timeOut(attempt)
        }
        enqueue(attempt, on: w)
    }

    func takeSequence() -> UInt64 {
        defer { nextSequence += 1 }
        return nextSequence
    }

    /// The worker for an attempt on `m`, and the best existing replica to fall back on if a cold
    /// load there cannot be placed; nil when no eligible worker has a healthy GPU.
    private func route(_ m: Int) -> (worker: Int, fallbackReplica: Int?)? {
        let holders = replicas[m]
        var best: Int?
        if holders.count <= 2 {
            for w in holders where best == nil || workers[w].outstanding(for: m) < workers[best!].outstanding(for: m) { best = w }
        } else {
            let a = holders[Int(routerStream.integer(below: UInt(holders.count)))]
            let b = holders[Int(routerStream.integer(below: UInt(holders.count)))]
            let la = workers[a].outstanding(for: m), lb = workers[b].outstanding(for: m)
            best = lb < la || (lb == la && b < a) ? b : a
        }
        if let best, workers[best].outstanding(for: m) < configuration.hotReplicaQueueLimit { return (best, nil) }
        if let cold = coldCandidate(for: m) { return (cold, best) }
        return best.map { ($0, nil) }
    }

    /// An eligible worker with a healthy GPU that does not hold `m`: the least busy of the next
    /// few (an idle one ends the search), the search resuming after the last one chosen.
    private func coldCandidate(for m: Int) -> Int? {
        let eligible = eligibleWorkers[m]
        guard replicas[m].count < eligible.count else { return nil }
        var chosen: (slot: Int, backlog: Int)?
        var examined = 0
        for step in 0..<eligible.count {
            let slot = (coldCursor[m] + step) % eligible.count
            let w = workers[eligible[slot]]
            guard w.placements[m] == nil && w.hasHealthyGPU else { continue }
            if chosen == nil || w.totalBacklog < chosen!.backlog { chosen = (slot, w.totalBacklog) }
            examined += 1
            if w.totalBacklog == 0 || examined == 8 { break }
        }
        guard let c = chosen else { return nil }
        coldCursor[m] = (c.slot + 1) % eligible.count
        return eligible[c.slot]
    }

    private func enqueue(_ attempt: InferenceAttempt, on w: InferenceWorker) {
        let m = attempt.model
        attempt.enqueuedAt = context.now
        w.waiting[m][attempt.request.priority.rawValue].append(attempt)
        w.backlog[m] += 1
        w.totalBacklog += 1
        queuedByPriority[attempt.request.priority.rawValue] += 1
        if w.cache.state(of: m) == .hot { dispatch(w, models: [m]) }
    }

    /// A waiting attempt leaves its queue (it stays in the deque, marked finished, and is
    /// skipped when it reaches the head).
    func leaveQueue(_ attempt: InferenceAttempt, on w: InferenceWorker) {
        attempt.phase = .finished
        w.backlog[attempt.model] -= 1
        w.totalBacklog -= 1
        queuedByPriority[attempt.request.priority.rawValue] -= 1
    }

    /// Starts waiting attempts of `models` whose model is hot and whose GPUs are idle, most
    /// urgent first (priority, then arrival at the queue).
    func dispatch(_ w: InferenceWorker, models: [Int]) {
        while true {
            var chosen: (model: Int, priority: Int, head: InferenceAttempt)?
            for m in models where w.cache.state(of: m) == .hot && w.devicesIdle(for: m) {
                for p in 0..<JobPriority.allCases.count {
                    while let head = w.waiting[m][p].first, head.phase == .finished { w.waiting[m][p].removeFirst() }
                    guard let head = w.waiting[m][p].first else { continue }
                    if let c = chosen, c.priority < p || (c.priority == p && (c.head.enqueuedAt, c.head.sequence) <= (head.enqueuedAt, head.sequence)) {
                        break
                    }
                    chosen = (m, p, head)
                    break
                }
            }
            guard let c = chosen else { return }
            w.waiting[c.model][c.priority].removeFirst()
            run(c.head, on: w)
        }
    }

    private func run(_ attempt: InferenceAttempt, on w: InferenceWorker) {
        let m = attempt.model
        let placement = w.placements[m]!
        attempt.phase = .running
        queuedByPriority[attempt.request.priority.rawValue] -= 1
        for d in placement.devices { w.running[d] = attempt }
        context.metrics.record(metrics.queueWait, context.now - attempt.enqueuedAt)
        let spec = configuration.models[m]
        let k = Double(placement.shardCount)
        var seconds = (spec.fixedSeconds + spec.secondsPerMediaSecond * attempt.request.mediaSeconds) / configuration.pools[w.pool].speedFactor
        seconds *= 1 / k + configuration.shardCommunicationOverhead * (k - 1)
        if let jitter = inferenceJitter { seconds *= inferenceStream.sample(jitter) }
        context.after(.saturatingSeconds(seconds), Self.inferenceKind, entity: attempt.sequence) { [unowned self] in
            self.inferenceFinished(attempt, on: w, devices: placement.devices)
        }
    }

    private func inferenceFinished(_ attempt: InferenceAttempt, on w: InferenceWorker, devices: [Int]) {
        var occupied = false
        for d in devices where w.running[d] === attempt {
            w.running[d] = nil
            occupied = true
        }
        // A GPU loss already released the attempt and its GPUs.
        guard occupied else { return }
        w.backlog[attempt.model] -= 1
        w.totalBacklog -= 1
        if attempt.phase == .running {
            attempt.phase = .finished
            if let t = attempt.timeout { context.runtime.cancel(t) }
            reportToBreaker(attempt, .success)
            finishServed(attempt)
        }
        // Without the model cache the model leaves the worker once nothing waits for it there.
        if !configuration.modelCaching, w.backlog[attempt.model] == 0, w.cache.state(of: attempt.model) == .hot {
            w.cache.evict(attempt.model)
            unload(attempt.model, from: w, evicted: false)
        }
        dispatch(w, models: devices.flatMap { w.modelsOnDevice[$0] }.uniqued())
    }

    private func timeOut(_ attempt: InferenceAttempt) {
        switch attempt.phase {
        case .finished: return
        case .waiting: leaveQueue(attempt, on: workers[attempt.worker])
        case .running: attempt.phase = .finished  // the GPU finishes the work; its result is discarded
        }
        attempt.timeout = nil
        attemptFailed(attempt, .timeout)
    }

    /// An attempt failed (`ModelUnavailableError` / `ModelTimeoutError`): the breaker hears of it
    /// and the request moves down its chain. The attempt must already be out of any queue.
    func attemptFailed(_ attempt: InferenceAttempt, _ reason: InferenceAttemptFailure) {
        if let t = attempt.timeout { context.runtime.cancel(t) }
        attempt.timeout = nil
        context.metrics.add(metrics.attemptFailures[reason]!)
        reportToBreaker(attempt, .failure)
        tryNextModel(attempt.request)
    }

    private func reportToBreaker(_ attempt: InferenceAttempt, _ outcome: CircuitBreakerOutcome) {
        guard attempt.holdsBreakerPermission, breakers[attempt.model] != nil else { return }
        attempt.holdsBreakerPermission = false
        let events = breakers[attempt.model]!.onResult(outcome, duration: context.now - attempt.startedAt, now: context.now)
        handleBreakerEvents(events, model: attempt.model)
    }

    func handleBreakerEvents(_ events: [CircuitBreakerEvent], model m: Int) {
        for event in events {
            switch event {
            case let .stateTransition(from, to):
                let kind = to == .open ? "breaker.opened" : to == .closed ? "breaker.closed" : "breaker.transition"
                context.metrics.note(kind, subject: "ai-ml->\(configuration.models[m].name)", detail: "\(from) → \(to)", at: context.now)
            case let .armTimer(timer):
                context.at(timer.due, Self.breakerKind, entity: UInt64(m)) { [unowned self] in
                    let more = self.breakers[m]!.timerFired(timer, now: self.context.now)
                    self.handleBreakerEvents(more, model: m)
                }
            default:
                break
            }
        }
    }

    private func finishServed(_ attempt: InferenceAttempt) {
        let request = attempt.request
        let latency = context.now - request.submittedAt
        context.metrics.record(metrics.latency, latency)
        context.metrics.record(metrics.latencyByKind[request.kind.index], latency)
        context.metrics.add(metrics.completed)
        if attempt.model != request.chain[0] { context.metrics.add(metrics.fallbacks) }
        context.ledger.finish(Self.serviceName, id: request.id, .completed, at: context.now)
        request.completion?(AIInferenceResult(
            requestID: request.id, kind: request.kind, requestedModel: configuration.models[request.chain[0]].name,
            servedBy: configuration.models[attempt.model].name, degraded: false, degradedContent: nil,
            attempts: request.attempts, latency: latency))
    }

    /// The seed's `create_degraded_result`: every model failed.
    private func finishDegraded(_ request: InferenceRequest) {
        let latency = context.now - request.submittedAt
        context.metrics.record(metrics.latency, latency)
        context.metrics.record(metrics.latencyByKind[request.kind.index], latency)
        context.metrics.add(metrics.degraded)
        context.ledger.finish(Self.serviceName, id: request.id, .failed(reason: "degraded"), at: context.now)
        let content: String
        switch request.kind {
        case .transcription: content = "[Transcription temporarily unavailable]"
        case .sentimentAnalysis: content = #"{"sentiment": "neutral", "confidence": 0.0}"#
        case .summarization, .textAnalysis: content = "Service temporarily unavailable"
        }
        request.completion?(AIInferenceResult(
            requestID: request.id, kind: request.kind, requestedModel: configuration.models[request.chain[0]].name,
            servedBy: nil, degraded: true, degradedContent: content, attempts: request.attempts, latency: latency))
    }
}

fileprivate extension Array where Element == Int {
    /// The elements without repeats, first occurrence kept (order is deterministic).
    func uniqued() -> [Int] {
        var seen: [Int] = []
        for x in self where !seen.contains(x) { seen.append(x) }
        return seen
    }
}
