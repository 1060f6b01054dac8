/// Where a model's memory went (seed §3.2.2 `GPUAllocation`): its GPUs, the memory per shard,
/// and what the manager added to each GPU's usage (nothing, for the seed's sharded allocations).
public struct GPUMemoryAllocation: Sendable, Equatable {
    /// GPU indices within the worker, one per shard.
    public var devices: [Int]
    /// Memory of each shard, GB (`memory_gb`).
    public var memoryPerShardGB: Double
    /// Memory the manager counted on each of `devices`, GB.
    public var accountedPerDeviceGB: Double
    public var shardCount: Int { devices.count }
    public var isSharded: Bool { devices.count > 1 }
}

/// Why a model's memory could not be allocated (seed §3.2.2 errors, and the as-written crash).
public enum GPUAllocationFailure: String, Error, Sendable, Equatable {
    /// `InsufficientMemoryError`: more than the shard limit would be needed, or too few GPUs
    /// have room for the shards.
    case insufficientMemory = "insufficient-memory"
    /// As written only: `available_memory <= 0` divides by zero.
    case divisionByZero = "division-by-zero"
    /// Every GPU of the worker is lost.
    case noHealthyGPU = "no-healthy-gpu"
}

/// The GPU memory manager of one worker (seed §3.2.2 `GPUMemoryManager`) as a value.
///
/// It keeps two books per GPU: `accountedGB`, the manager's `current_usage` (what its decisions
/// see), and `residentGB`, the memory really occupied. They agree under intended accounting;
/// under the seed's accounting sharded allocations are missing from the first, which is how
/// the seed over-commits memory that a later load then finds taken (CUDA out-of-memory).
/// The seed keeps one `current_usage` against one `max_gpu_memory_gb` and picks a device with
/// `select_optimal_device()`; here each GPU has its own budget (`memoryPerGPUGB × headroom`),
/// and the optimal device is the healthy one with the most unaccounted budget (ties: lowest index).
public struct GPUMemoryManager: Sendable {
    public let memoryPerGPUGB: Double
    public let headroomFraction: Double
    public let maxShards: Int
    public let accounting: GPUMemoryAccounting
    public private(set) var accountedGB: [Double]
    public private(set) var residentGB: [Double]
    public private(set) var healthy: [Bool]

    public init(gpus: Int, memoryPerGPUGB: Double, headroomFraction: Double, maxShards: Int, accounting: GPUMemoryAccounting) {
        self.memoryPerGPUGB = memoryPerGPUGB
        self.headroomFraction = headroomFraction
        self.maxShards = maxShards
        self.accounting = accounting
        accountedGB = Array(repeating: 0, count: gpus)
        residentGB = Array(repeating: 0, count: gpus)
        healthy = Array(repeating: true, count: gpus)
    }

    /// What the manager may allocate on one GPU (`max_gpu_memory_gb * 0.9`).
    public var budgetGB: Double { memoryPerGPUGB * headroomFraction }
    public var healthyCount: Int { healthy.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// Budget left on `device` as the manager sees it.
    public func freeGB(_ device: Int) -> Double { budgetGB - accountedGB[device] }

    /// The seed's `select_optimal_device()`: the healthy GPU with the most free budget.
    public func optimalDevice() -> Int? {
        var best: Int?
        for d in healthy.indices where healthy[d] {
            if best == nil || freeGB(d) > freeGB(best!) { best = d }
        }
        return best
    }

    /// Healthy GPUs by free budget, most first (ties by index).
    func devicesByFreeBudget() -> [Int] {
        healthy.indices.filter { healthy[$0] }.sorted { freeGB($0) != freeGB($1) ? freeGB($0) > freeGB($1) : $0 < $1 }
    }

    /// Whether `estimatedGB` fits unsharded (the first check of `allocate_model_memory`).
    public func fitsUnsharded(_ estimatedGB: Double) -> Bool {
        guard let d = optimalDevice() else { return false }
        return accountedGB[d] + estimatedGB <= budgetGB
    }

    /// `allocate_model_memory` after `optimize_memory_usage` has run: unsharded on the optimal
    /// GPU if it fits, else `allocate_with_sharding`. Both books are updated; the caller checks
    /// `overcommits(_:)` against physical memory before copying weights.
    public mutating func allocate(_ estimatedGB: Double) -> Result<GPUMemoryAllocation, GPUAllocationFailure> {
        guard let best = optimalDevice() else { return .failure(.noHealthyGPU) }
        if accountedGB[best] + estimatedGB <= budgetGB {
            let a = GPUMemoryAllocation(devices: [best], memoryPerShardGB: estimatedGB, accountedPerDeviceGB: estimatedGB)
            apply(a, sign: 1)
            return .success(a)
        }
        let available = freeGB(best)
        switch accounting {
        case .asWritten:
            guard available > 0 else { return .failure(.divisionByZero) }
            let shards = Int((estimatedGB / available).rounded(.up))
            guard shards <= maxShards else { return .failure(.insufficientMemory) }
            let devices = Array(devicesByFreeBudget().prefix(shards))
            guard devices.count == shards else { return .failure(.insufficientMemory) }
            // Never added to current_usage: the shards occupy memory the manager does not see.
            let a = GPUMemoryAllocation(devices: devices, memoryPerShardGB: estimatedGB / Double(shards), accountedPerDeviceGB: 0)
            apply(a, sign: 1)
            return .success(a)
        case .intended:
            guard available > 0 else { return .failure(.insufficientMemory) }
            let first = max(1, Int((estimatedGB / available).rounded(.up)))
            guard first <= maxShards else { return .failure(.insufficientMemory) }
            let ranked = devicesByFreeBudget()
            for shards in first...maxShards where shards <= ranked.count {
                let perShard = estimatedGB / Double(shards)
                let devices = Array(ranked.prefix(shards))
                if devices.allSatisfy({ freeGB($0) >= perShard }) {
                    let a = GPUMemoryAllocation(devices: devices, memoryPerShardGB: perShard, accountedPerDeviceGB: perShard)
                    apply(a, sign: 1)
                    return .success(a)
                }
            }
            return .failure(.insufficientMemory)
        }
    }

    /// Whether the allocation pushed any of its GPUs past physical memory (the load will fail
    /// with CUDA out-of-memory when it copies the weights).
    public func overcommits(_ allocation: GPUMemoryAllocation) -> Bool {
        allocation.devices.contains { residentGB[$0] > memoryPerGPUGB + 1e-9 }
    }

    /// Frees an allocation from both books.
    public mutating func release(_ allocation: GPUMemoryAllocation) { apply(allocation, sign: -1) }

    private mutating func apply(_ a: GPUMemoryAllocation, sign: Double) {
        for d in a.devices {
            accountedGB[d] = max(0, accountedGB[d] + sign * a.accountedPerDeviceGB)
            residentGB[d] = max(0, residentGB[d] + sign * a.memoryPerShardGB)
        }
    }

    /// A GPU failed: whatever it held is gone (the caller unloads the models placed there).
    public mutating func loseDevice(_ device: Int) {
        healthy[device] = false
    }

    /// A lost GPU is back, empty.
    public mutating func restoreDevice(_ device: Int) {
        healthy[device] = true
        accountedGB[device] = 0
        residentGB[device] = 0
    }
}
