/// The GPUs of one type in one region (seed §2.2.2 `GPUPool`): each GPU runs one job at a time
/// (`AvailableGPUs--`), may be lost (hardware fault, `gpuLoss` fault, region outage) and comes
/// back when repaired or when the fault ends.
///
/// The pool tracks busy and healthy GPU-seconds so that utilization is an average over each
/// sampling interval, not an instantaneous reading that a sampling instant could alias.
public final class GPUPool {
    public let type: GPUType
    public let region: String
    /// GPUs provisioned (and billed), healthy or not.
    public let provisioned: Int
    /// Called once per loss with every busy GPU lost and the owner it was running for, after the
    /// pool's state is consistent (so an owner that reallocates sees none of the lost GPUs).
    public var onLost: (_ lost: [(gpu: Int, owner: UInt64)]) -> Void = { _ in }
    /// Called when GPUs come back into service (so waiting work can start).
    public var onRestored: () -> Void = {}

    private var owner: [UInt64]        // 0: idle
    private var healthy: [Bool]
    private var idleStack: [Int32] = []
    public private(set) var busyCount = 0
    public private(set) var lostCount = 0
    private var lastChange = Instant.zero
    private(set) var busySeconds = 0.0
    private(set) var healthySeconds = 0.0
    private let clock: () -> Instant

    init(type: GPUType, region: String, count: Int, clock: @escaping () -> Instant) {
        self.type = type
        self.region = region
        self.provisioned = count
        self.clock = clock
        owner = Array(repeating: 0, count: count)
        healthy = Array(repeating: true, count: count)
        idleStack = (0..<count).reversed().map { Int32($0) }
        lastChange = clock()
    }

    public var healthyCount: Int { provisioned - lostCount }
    public var idleCount: Int { idleStack.count }
    /// Busy GPUs over healthy ones right now (1 when none is healthy).
    public var utilization: Double { healthyCount == 0 ? 1 : Double(busyCount) / Double(healthyCount) }
    /// The owner a GPU runs for (0 when idle).
    public func owner(of gpu: Int) -> UInt64 { owner[gpu] }

    private func integrate() {
        let now = clock()
        let dt = (now - lastChange).seconds
        if dt > 0 {
            busySeconds += dt * Double(busyCount)
            healthySeconds += dt * Double(healthyCount)
            lastChange = now
        }
    }

    /// Busy and healthy GPU-seconds up to now.
    func integrals() -> (busy: Double, healthy: Double) {
        integrate()
        return (busySeconds, healthySeconds)
    }

    /// Takes an idle healthy GPU for `owner` (nonzero); nil when none is idle.
    public func allocate(owner id: UInt64) -> Int? {
        precondition(id != 0, "GPU owners are nonzero")
        guard let g = idleStack.popLast() else { return nil }
        integrate()
        owner[Int(g)] = id
        busyCount += 1
        return Int(g)
    }

    /// Gives a GPU back; a GPU lost meanwhile stays out of service.
    public func release(_ gpu: Int) {
        guard owner[gpu] != 0 else { return }
        integrate()
        owner[gpu] = 0
        busyCount -= 1
        if healthy[gpu] { idleStack.append(Int32(gpu)) }
    }

    /// Takes `count` healthy GPUs out of service, chosen by `stream` among all healthy ones
    /// (busy or idle: a fault does not care what runs); returns their indices. Owners of busy
    /// ones are told through one `onLost` call after the pool's state is consistent.
    func lose(_ count: Int, stream: RandomStream) -> [Int] {
        integrate()
        var candidates = healthy.indices.filter { healthy[$0] }
        var lost: [Int] = []
        while lost.count < count, !candidates.isEmpty {
            let i = Int(stream.integer(below: UInt(candidates.count)))
            lost.append(candidates.remove(at: i))
        }
        var victims: [(gpu: Int, owner: UInt64)] = []
        for g in lost {
            healthy[g] = false
            lostCount += 1
            if owner[g] != 0 {
                victims.append((g, owner[g]))
                owner[g] = 0
                busyCount -= 1
            }
        }
        let lostSet = Set(lost.map(Int32.init))
        idleStack.removeAll { lostSet.contains($0) }
        if !victims.isEmpty { onLost(victims) }
        return lost
    }

    /// Puts lost GPUs back into service.
    func restore(_ gpus: [Int]) {
        integrate()
        var any = false
        for g in gpus where !healthy[g] {
            healthy[g] = true
            lostCount -= 1
            idleStack.append(Int32(g))
            any = true
        }
        if any { onRestored() }
    }
}

/// One pool to provision: how many GPUs of a type in a region, and how often they fail.
public struct GPUPoolSpec: Sendable {
    public var region: String
    public var type: GPUType
    /// GPUs provisioned (seed §2.2.2 `TotalGPUs`).
    public var count: Int
    /// Random hardware failures per GPU-hour (Xid/ECC faults that take a GPU out); 0: none.
    public var failuresPerGPUHour: Double
    /// How long a failed GPU stays out of service before it is replaced.
    public var repairTime: TimeAmount

    public init(region: String, type: GPUType, count: Int, failuresPerGPUHour: Double = 0,
                repairTime: TimeAmount = .minutes(30)) {
        self.region = region
        self.type = type
        self.count = count
        self.failuresPerGPUHour = failuresPerGPUHour
        self.repairTime = repairTime
    }
}
