import DequeModule

/// The GPU side of seed §2.2.2 `GPUResourceManager` for one region: which pool a job needs,
/// which running job a newcomer may preempt (intended, as-written or disabled), the jobs
/// waiting per pool, and the estimated wait (`estimateWaitTime`).
///
/// It decides; the service acts (allocates, interrupts, starts work), so the decisions can be
/// tested on their own and stay identical in real mode.
final class GPUResourceManager {
    let pools: [GPUPool]
    let rates: [DeviceRates]
    private let indexByType: [String: Int]
    private let variant: PreemptionVariant
    private let minimumGap: Int
    private(set) var waiting: [PriorityWaitList]
    /// Running jobs per pool and tier, in allocation order. Removal is lazy (an entry whose job's
    /// allocation sequence changed is stale), so start and stop are O(1) with thousands running.
    private var running: [[Deque<RunningEntry>]]
    private var runningCounts: [Int]
    private struct RunningEntry {
        let job: VideoJob
        let sequence: UInt64
        var isLive: Bool { job.allocationSequence == sequence }
    }
    /// Exponentially weighted mean device time of a job on each pool, seconds.
    private var meanHold: [Double]
    private var nextSequence: UInt64 = 0

    init(pools: [GPUPool], presetFactors: [String: Double], variant: PreemptionVariant, minimumGap: Int,
         initialHold: TimeAmount) {
        self.pools = pools
        rates = pools.map { DeviceRates(encode: $0.type.encode, presetFactors: presetFactors, speedFactors: $0.type.speedFactors) }
        var index: [String: Int] = [:]
        for (i, p) in pools.enumerated() where index[p.type.name] == nil { index[p.type.name] = i }
        indexByType = index
        self.variant = variant
        self.minimumGap = minimumGap
        waiting = pools.map { _ in PriorityWaitList(isGPU: true) }
        running = pools.map { _ in Array(repeating: [], count: JobPriority.allCases.count) }
        runningCounts = pools.map { _ in 0 }
        meanHold = pools.map { _ in initialHold.seconds }
    }

    /// The pool of `type` in this region, if provisioned.
    func poolIndex(type: String) -> Int? { indexByType[type] }

    /// The pool that can run `job`'s remaining work: its mapped type, if that type is
    /// provisioned here and can do the work (an A100 cannot encode: no NVENC).
    func usablePool(for job: VideoJob) -> Int? {
        guard let i = indexByType[job.gpuType], let plan = job.plan, plan.canRun(on: rates[i]) else { return nil }
        return i
    }

    // MARK: Running jobs

    func markRunning(_ job: VideoJob, pool: Int) {
        nextSequence += 1
        job.allocationSequence = nextSequence
        running[pool][job.priority.rawValue].append(RunningEntry(job: job, sequence: nextSequence))
        runningCounts[pool] += 1
    }

    func markStopped(_ job: VideoJob, pool: Int) {
        guard job.allocationSequence != 0 else { return }
        job.allocationSequence = 0
        runningCounts[pool] -= 1
        let t = job.priority.rawValue
        // Trim stale entries at the ends; compact when stale ones in the middle pile up.
        while let e = running[pool][t].last, !e.isLive { running[pool][t].removeLast() }
        while let e = running[pool][t].first, !e.isLive { running[pool][t].removeFirst() }
        let stored = running[pool].reduce(0) { $0 + $1.count }
        if stored > 2 * runningCounts[pool] + 64 {
            for i in running[pool].indices { running[pool][i] = Deque(running[pool][i].filter(\.isLive)) }
        }
    }

    func runningCount(pool: Int) -> Int { runningCounts[pool] }

    /// The oldest / newest live running job of a tier.
    private func oldest(pool: Int, tier: Int) -> VideoJob? { running[pool][tier].first { $0.isLive }?.job }
    private func newest(pool: Int, tier: Int) -> VideoJob? { running[pool][tier].last { $0.isLive }?.job }

    // MARK: Preemption (seed `tryPreemption`)

    /// The running job `newcomer` may take the GPU from, or nil.
    func victim(for newcomer: VideoJob, pool: Int) -> VideoJob? {
        let found = findVictim(for: newcomer, pool: pool)
        if let job = found, case let .gpu(p, g) = job.device {
            precondition(p == pool && pools[pool].owner(of: g) == job.id, "running job \(job.id) does not hold its GPU")
        }
        return found
    }

    private func findVictim(for newcomer: VideoJob, pool: Int) -> VideoJob? {
        switch variant {
        case .disabled:
            return nil
        case .intended:
            // The least urgent running job, if the newcomer is more urgent by the gap; among
            // equals the most recently allocated (it has the least work at stake).
            for p in JobPriority.allCases.reversed() {
                guard p.rawValue - newcomer.priority.rawValue >= minimumGap else { return nil }
                if let job = newest(pool: pool, tier: p.rawValue) { return job }
            }
            return nil
        case .asWritten:
            // `if newJob.Priority <= HighPriority { return nil }`
            guard newcomer.priority != .high else { return nil }
            // `for _, runningJob := range runningJobs { if runningJob.Priority < newJob.Priority`:
            // the first job in allocation order that is MORE urgent than the newcomer.
            var best: VideoJob?
            for p in JobPriority.allCases where p.rawValue < newcomer.priority.rawValue {
                if let job = oldest(pool: pool, tier: p.rawValue), best.map({ job.allocationSequence < $0.allocationSequence }) ?? true {
                    best = job
                }
            }
            return best
        }
    }

    // MARK: Waiting

    func startWaiting(_ job: VideoJob, pool: Int) {
        job.waitingForGPU = true
        job.gpuWaitGeneration &+= 1
        waiting[pool].push(job)
    }

    func stopWaiting(_ job: VideoJob, pool: Int) {
        guard job.waitingForGPU else { return }
        job.waitingForGPU = false
        waiting[pool].cancel(job)
    }

    /// The most urgent job waiting for `pool`, taken off its list.
    func nextWaiting(pool: Int) -> VideoJob? {
        guard let job = waiting[pool].popFirst() else { return nil }
        job.waitingForGPU = false
        return job
    }

    var waitingTotal: Int { waiting.reduce(0) { $0 + $1.count } }

    // MARK: Estimated wait (seed `estimateWaitTime`)

    /// Expected time until a GPU of `pool` frees for a job of `priority`: the jobs queued at
    /// least as urgently ahead of it, plus itself, each needing one of the pool's healthy GPUs
    /// for a mean hold time (c parallel servers: one finishes every hold/c on average).
    func estimatedWait(pool: Int, priority: JobPriority) -> TimeAmount {
        let healthy = pools[pool].healthyCount
        guard healthy > 0 else { return .hours(24) }
        let ahead = Double(waiting[pool].countAhead(of: priority) + 1)
        return .saturatingSeconds(meanHold[pool] * ahead / Double(healthy))
    }

    /// Folds a finished job's device time into the pool's mean (weight 0.05 per job).
    func recordHold(pool: Int, seconds: Double) {
        meanHold[pool] += 0.05 * (seconds - meanHold[pool])
    }

    /// Busy over healthy GPUs of every pool here, percent (seed §2.4.1 `load.GPU`).
    func loadPercent() -> Double {
        let healthy = pools.reduce(0) { $0 + $1.healthyCount }
        guard healthy > 0 else { return pools.isEmpty ? 0 : 100 }
        return 100 * Double(pools.reduce(0) { $0 + $1.busyCount }) / Double(healthy)
    }
}
