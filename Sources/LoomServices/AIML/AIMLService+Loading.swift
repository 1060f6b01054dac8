/// Model loading (seed §3.2.1 `load_model` with `ensure_cache_space`, §3.2.2
/// `allocate_model_memory` with `optimize_memory_usage` and sharding), unloading, predictive
/// warming and the GPU faults.
extension AIMLService {
    /// Starts loading `m` on `w`; returns why it could not start, or nil when the load is under
    /// way (the model is then warming and placed on its GPUs).
    func beginLoad(_ w: InferenceWorker, model m: Int, predictive: Bool) -> InferenceAttemptFailure? {
        let spec = configuration.models[m]
        let now = context.now
        switch w.cache.beginLoad(m, sizeMB: spec.sizeMB, now: now, isPinned: { w.backlog[$0] > 0 }) {
        case let .admitted(evicted):
            for e in evicted { unload(e, from: w, evicted: true) }
        case let .rejected(_, _, evicted):
            for e in evicted { unload(e, from: w, evicted: true) }
            context.metrics.add(metrics.loadFailures[.largerThanCache]!)
            return .largerThanCache
        }
        if !w.memory.fitsUnsharded(spec.gpuMemoryGB) { optimizeMemory(on: w, for: m, needGB: spec.gpuMemoryGB) }
        let allocation: GPUMemoryAllocation
        switch w.memory.allocate(spec.gpuMemoryGB) {
        case let .success(a):
            allocation = a
        case let .failure(f):
            w.cache.failLoad(m)
            let reason: InferenceAttemptFailure = switch f {
            case .insufficientMemory: .insufficientMemory
            case .divisionByZero: .divisionByZero
            case .noHealthyGPU: .noCapacity
            }
            context.metrics.add(metrics.loadFailures[reason]!)
            return reason
        }
        w.place(m, allocation)
        addReplica(m, w.index)
        w.loadGeneration[m] &+= 1
        let generation = w.loadGeneration[m]
        context.metrics.add(metrics.loads)
        if predictive { context.metrics.add(metrics.predictiveLoads) }
        if allocation.isSharded { context.metrics.add(metrics.shardedLoads) }
        var failure: InferenceAttemptFailure?
        if w.memory.overcommits(allocation) {
            failure = .outOfMemory
            noteOnce("oom", kind: "ai.gpu.out_of_memory", subject: configuration.pools[w.pool].name,
                     detail: "worker \(w.index) loading \(spec.name): GPU memory over-committed")
        } else {
            // A fault without a model (target "*", the scenario's default) hits every model.
            let p = max(context.faults.magnitude(of: .modelLoadFailure, on: spec.name),
                        context.faults.magnitude(of: .modelLoadFailure, on: "*"))
            if p > 0 && faultStream.uniform() < p { failure = .loadFailure }
        }
        var seconds = configuration.loadBaseSeconds + spec.sizeMB / Double(allocation.shardCount) / configuration.loadThroughputMBps
        if let jitter = loadJitter { seconds *= loadStream.sample(jitter) }
        context.after(.saturatingSeconds(seconds), Self.loadKind, entity: UInt64(w.index) << 16 | UInt64(m)) { [unowned self] in
            self.loadFinished(m, on: w, generation: generation, startedAt: now, failure: failure)
        }
        return nil
    }

    private func loadFinished(_ m: Int, on w: InferenceWorker, generation: UInt64, startedAt: Instant, failure: InferenceAttemptFailure?) {
        // The placement was torn down meanwhile (GPU lost): nothing to finish.
        guard w.loadGeneration[m] == generation, w.placements[m] != nil else { return }
        let loadTime = context.now - startedAt
        context.metrics.record(metrics.loadTime, loadTime)
        if let failure {
            context.metrics.add(metrics.loadFailures[failure]!)
            w.cache.failLoad(m)
            unload(m, from: w, evicted: false)
            failWaiting(model: m, on: w, failure)
            return
        }
        w.cache.completeLoad(m, loadTimeSeconds: loadTime.seconds)
        dispatch(w, models: [m])
    }

    /// Frees `m`'s placement on `w` (the cache state is the caller's business).
    func unload(_ m: Int, from w: InferenceWorker, evicted: Bool) {
        guard w.placements[m] != nil else { return }
        w.unplace(m)
        removeReplica(m, w.index)
        if evicted { context.metrics.add(metrics.evictions) }
    }

    /// Fails every attempt waiting for `m` on `w` (its load failed or its GPU was lost).
    func failWaiting(model m: Int, on w: InferenceWorker, _ failure: InferenceAttemptFailure) {
        var failed: [InferenceAttempt] = []
        for p in 0..<JobPriority.allCases.count {
            while let a = w.waiting[m][p].popFirst() {
                guard a.phase != .finished else { continue }
                leaveQueue(a, on: w)
                failed.append(a)
            }
        }
        for a in failed { attemptFailed(a, failure) }
    }

    /// The seed's `optimize_memory_usage` (body not given): unloads idle hot models, lowest usage
    /// score first, from the one GPU where that can make room for `needGB`; nothing is unloaded
    /// when no GPU can be freed enough (sharding is tried instead).
    private func optimizeMemory(on w: InferenceWorker, for m: Int, needGB: Double) {
        let idle = w.cache.evictionOrder(now: context.now).filter { $0 != m && w.backlog[$0] == 0 && w.placements[$0] != nil }
        var target: Int?
        var targetPotential = 0.0
        for d in w.memory.healthy.indices where w.memory.healthy[d] {
            var potential = w.memory.freeGB(d)
            for c in idle where w.placements[c]!.devices.contains(d) { potential += w.placements[c]!.accountedPerDeviceGB }
            if potential >= needGB && (target == nil || potential > targetPotential) {
                target = d
                targetPotential = potential
            }
        }
        guard let d = target else { return }
        for c in idle where w.placements[c]?.devices.contains(d) == true {
            if w.memory.freeGB(d) >= needGB { break }
            w.cache.evict(c)
            unload(c, from: w, evicted: true)
        }
    }

    func addReplica(_ m: Int, _ w: Int) {
        guard replicaPosition[w][m] < 0 else { return }
        replicaPosition[w][m] = replicas[m].count
        replicas[m].append(w)
    }

    func removeReplica(_ m: Int, _ w: Int) {
        let i = replicaPosition[w][m]
        guard i >= 0 else { return }
        let last = replicas[m].removeLast()
        if last != w {
            replicas[m][i] = last
            replicaPosition[last][m] = i
        }
        replicaPosition[w][m] = -1
    }

    /// One round of predictive warming: the predicted models are loaded wherever they are cold.
    func warmPredictedModels() {
        let warming = configuration.warming
        let hour = warming.startHourOfDay + context.now.seconds / 3_600
        for name in warming.predictor.models(atHourOfDay: hour, horizonMinutes: warming.horizonMinutes) {
            guard let m = modelIndex[name] else { continue }
            for wi in eligibleWorkers[m] {
                let w = workers[wi]
                guard w.hasHealthyGPU && w.placements[m] == nil && w.cache.state(of: m) == .cold else { continue }
                _ = beginLoad(w, model: m, predictive: true)
            }
        }
    }

    // MARK: Faults

    func observeFaults() {
        let region = configuration.region
        context.faults.observe(.gpuLoss, onStart: { [unowned self] fault in
            // A named pool, or every pool when the fault names none; a region confines it.
            guard fault.applies(toRegion: region) else { return }
            let pools = self.configuration.pools.indices.filter {
                fault.target == ActiveFault.everyPool || self.configuration.pools[$0].name == fault.target
            }
            guard !pools.isEmpty else { return }
            var lost: [(worker: Int, device: Int)] = []
            for p in pools {
                var healthy = self.healthyGPUs(pool: p)
                let count = min(max(1, Int(fault.magnitude)), healthy.count)
                for _ in 0..<count { lost.append(healthy.remove(at: Int(self.faultStream.integer(below: UInt(healthy.count))))) }
            }
            self.lostGPUs[fault, default: []] += lost
            self.context.metrics.note("gpu.lost", subject: fault.target, detail: "\(lost.count) GPU(s)", at: self.context.now)
            self.loseGPUs(lost)
        }, onEnd: { [unowned self] fault in
            guard let lost = self.lostGPUs.removeValue(forKey: fault) else { return }
            self.context.metrics.note("gpu.restored", subject: fault.target, detail: "\(lost.count) GPU(s)", at: self.context.now)
            self.restoreGPUs(lost)
        })
        context.faults.observe(.regionOutage, onStart: { [unowned self] fault in
            guard fault.target == region else { return }
            let lost = self.healthyGPUs(pool: nil)
            self.lostGPUs[fault, default: []] += lost
            self.loseGPUs(lost)
        }, onEnd: { [unowned self] fault in
            guard fault.target == region, let lost = self.lostGPUs.removeValue(forKey: fault) else { return }
            self.restoreGPUs(lost)
        })
    }

    /// Healthy GPUs of one pool (or of all), in worker and device order.
    private func healthyGPUs(pool: Int?) -> [(worker: Int, device: Int)] {
        var result: [(worker: Int, device: Int)] = []
        for w in workers where pool == nil || w.pool == pool {
            for d in w.memory.healthy.indices where w.memory.healthy[d] { result.append((w.index, d)) }
        }
        return result
    }

    /// GPUs fail: attempts running on them fail, models placed on them are gone (cold), and
    /// attempts waiting for those models fail; the other GPUs of a sharded model go idle.
    private func loseGPUs(_ lost: [(worker: Int, device: Int)]) {
        var failed: [InferenceAttempt] = []
        var touched: [(InferenceWorker, [Int])] = []
        for (wi, d) in lost {
            let w = workers[wi]
            w.memory.loseDevice(d)
            if let a = w.running[d] {
                let devices = w.placements[a.model]?.devices ?? [d]
                for dev in devices where w.running[dev] === a { w.running[dev] = nil }
                w.backlog[a.model] -= 1
                w.totalBacklog -= 1
                if a.phase == .running {
                    a.phase = .finished
                    failed.append(a)
                }
                touched.append((w, devices))
            }
            for m in w.modelsOnDevice[d] {
                w.cache.evict(m)
                let others = w.placements[m]?.devices ?? []
                unload(m, from: w, evicted: false)
                touched.append((w, others))
                for p in 0..<JobPriority.allCases.count {
                    while let a = w.waiting[m][p].popFirst() {
                        guard a.phase != .finished else { continue }
                        leaveQueue(a, on: w)
                        failed.append(a)
                    }
                }
            }
        }
        for a in failed { attemptFailed(a, .gpuLost) }
        for (w, devices) in touched {
            dispatch(w, models: devices.filter { w.memory.healthy[$0] }.flatMap { w.modelsOnDevice[$0] })
        }
    }

    private func restoreGPUs(_ lost: [(worker: Int, device: Int)]) {
        for (wi, d) in lost { workers[wi].memory.restoreDevice(d) }
    }
}
