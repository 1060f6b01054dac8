// MARK: - Queries

extension PostgresCluster {
    /// A write of `statements` statements on the primary (in one transaction when `transactional`).
    /// `client` is the calling pod's id (session pool mode pins connections per pod; 0 = unknown).
    public func write(entity: UInt64 = 0, statements: Int = 1, transactional: Bool = false, client: UInt64 = 0,
                      completion: @escaping (Result) -> Void) {
        if configuration.poolMode == .statement && transactional && statements > 1 {
            completion(Result(failure: .transactionUnsupported, backend: .primary, latency: .zero, stale: false))
            return
        }
        var seconds = 0.0
        for _ in 0..<max(1, statements) { seconds += max(0, stream.sample(configuration.writeTime)) }
        submit(to: 0, entity: entity, client: client, seconds: seconds, freshAfter: nil, completion: completion)
    }

    /// A read of `queries` queries on a replica picked by `replicaSelection`, or the primary when
    /// none can take it. `freshAfter` is the caller's last write: a replica lagging behind it
    /// answers stale.
    public func read(entity: UInt64 = 0, client: UInt64 = 0, queries: Int = 1, freshAfter: Instant? = nil,
                     completion: @escaping (Result) -> Void) {
        var seconds = 0.0
        for _ in 0..<max(1, queries) { seconds += max(0, stream.sample(configuration.readTime)) }
        if let i = selectReplica() {
            context.metrics.add(readsOnReplicas)
            submit(to: i + 1, entity: entity, client: client, seconds: seconds, freshAfter: freshAfter, completion: completion)
        } else {
            context.metrics.add(readsOnPrimary)
            if !replicas.isEmpty {
                primaryFallbacks += 1
                context.metrics.add(fallbackCounter)
            }
            submit(to: 0, entity: entity, client: client, seconds: seconds, freshAfter: nil, completion: completion)
        }
    }

    /// Seed `selectReplica`: round-robin from the next index; nil means "fall back to the primary".
    private func selectReplica() -> Int? {
        let n = replicas.count
        for _ in 0..<n {
            let i = nextReplica
            nextReplica = (nextReplica + 1) % n
            let r = replicas[i]
            let saturated = r.busy >= r.capacity
            switch configuration.replicaSelection {
            case .asWritten:
                if !saturated { return i }
            case .intended:
                if !saturated && !r.isUnavailable && currentLag(i) <= configuration.maxReplicaLag.seconds { return i }
            }
        }
        return nil
    }

    /// Replica `i`'s lag now, redrawn every `lagResampleInterval` (drawn lazily: no events),
    /// plus any injected `replicationLag`.
    public func currentLag(_ i: Int) -> Double {
        let now = context.now
        if now >= lagValidUntil[i] {
            lag[i] = max(0, stream.sample(configuration.replicationLag))
            lagValidUntil[i] = now + configuration.lagResampleInterval
        }
        return lag[i] + injectedLag(i)
    }

    /// Seconds a `replicationLag` fault adds to replica `i` (the stronger of one on the whole
    /// cluster and one on the replica); no draw, so a fault shifts no random stream.
    func injectedLag(_ i: Int) -> Double {
        max(context.faults.magnitude(of: .replicationLag, on: name),
            context.faults.magnitude(of: .replicationLag, on: replicas[i].name))
    }

    private func submit(to backend: Int, entity: UInt64, client: UInt64, seconds: Double, freshAfter: Instant?,
                        completion: @escaping (Result) -> Void) {
        let which: Backend = backend == 0 ? .primary : .replica(backend - 1)
        let resource = backend == 0 ? primary : replicas[backend - 1]
        if configuration.poolMode == .session && client != 0 && !pin(client, on: backend) && !resource.isUnavailable {
            // Every server connection is pinned to other pods' idle client connections.
            let wait = configuration.queryWaitTimeout
            context.after(wait, Self.refusedKind, entity: entity) { [unowned self] in
                self.finish(Result(failure: .waitTimeout, backend: which, latency: wait, stale: false), completion)
            }
            return
        }
        resource.submit(entity: entity, serviceSeconds: seconds) { [unowned self] outcome in
            var result: Result
            switch outcome {
            case let .served(wait, service):
                result = Result(failure: nil, backend: which, latency: wait + service, stale: false)
                if backend > 0, let freshAfter, self.context.now - freshAfter < .saturatingSeconds(self.currentLag(backend - 1)) {
                    result.stale = true
                    self.context.metrics.add(self.staleCounter)
                }
            case let .failed(wait, service):
                result = Result(failure: .queryError, backend: which, latency: wait + service, stale: false)
            case .rejected(.queueFull):
                result = Result(failure: .poolFull, backend: which, latency: .zero, stale: false)
            case .rejected(.waitTimeout):
                result = Result(failure: .waitTimeout, backend: which, latency: self.configuration.queryWaitTimeout, stale: false)
            case .rejected(.unavailable):
                result = Result(failure: .unavailable, backend: which, latency: .zero, stale: false)
            }
            self.finish(result, completion)
        }
    }

    private func finish(_ result: Result, _ completion: (Result) -> Void) {
        windowOperations += 1
        windowLatency += result.latency.seconds
        if !result.isSuccess { windowFailures += 1 }
        completion(result)
    }
}
