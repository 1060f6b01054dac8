import DequeModule

/// Jobs waiting for a device, served most urgent tier first and first-come within a tier
/// (seed §2.2.2: each `GPUPool` has a `JobQueue *PriorityQueue`; the CPU pool likewise).
///
/// A job may wait for a GPU and a CPU worker at once (after its GPU wait budget); whichever
/// frees first takes it. Entries are therefore removed lazily: each carries the job's wait
/// generation, and an entry whose job has stopped waiting here, or started a newer wait, is
/// skipped when it reaches the front.
struct PriorityWaitList {
    private struct Entry {
        let job: VideoJob
        let generation: UInt32
    }
    private var tiers: [Deque<Entry>] = Array(repeating: [], count: JobPriority.allCases.count)
    /// Live waiters per tier.
    private(set) var counts: [Int] = Array(repeating: 0, count: JobPriority.allCases.count)
    /// Which of the job's flags this list reads.
    let isGPU: Bool

    init(isGPU: Bool) { self.isGPU = isGPU }

    var count: Int { counts.reduce(0, +) }

    /// Waiters at least as urgent as `priority` (the jobs a newcomer queues behind).
    func countAhead(of priority: JobPriority) -> Int {
        var n = 0
        for p in JobPriority.allCases where !priority.isMoreUrgent(than: p) { n += counts[p.rawValue] }
        return n
    }

    private func isLive(_ e: Entry) -> Bool {
        isGPU ? (e.job.waitingForGPU && e.job.gpuWaitGeneration == e.generation)
              : (e.job.waitingForCPU && e.job.cpuWaitGeneration == e.generation)
    }

    /// Adds `job` (its flag for this list must already be set and its generation bumped).
    mutating func push(_ job: VideoJob) {
        let generation = isGPU ? job.gpuWaitGeneration : job.cpuWaitGeneration
        tiers[job.priority.rawValue].append(Entry(job: job, generation: generation))
        counts[job.priority.rawValue] += 1
    }

    /// Records that `job` stopped waiting here without being popped (its entry goes stale).
    mutating func cancel(_ job: VideoJob) { counts[job.priority.rawValue] -= 1 }

    /// The most urgent live waiter, removed; stale entries in front of it are discarded.
    mutating func popFirst() -> VideoJob? {
        for t in tiers.indices {
            while let e = tiers[t].first {
                tiers[t].removeFirst()
                if isLive(e) {
                    counts[t] -= 1
                    return e.job
                }
            }
        }
        return nil
    }
}
