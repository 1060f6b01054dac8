/// A GPU configuration that cannot be modelled.
public struct GPUFleetError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "GPU inventory: \(message)" }
}

/// Every GPU pool of a run, by type and region (seed §2.2.2 `gpuPools map[string]*GPUPool`),
/// shared by the services that schedule GPU work (video processing; AI/ML may share it).
///
/// It applies GPU faults: a `gpuLoss` fault whose target is a type ("rtx-3060", every region's
/// pool of it) or "region/type" takes `magnitude` GPUs of each matching pool out of service
/// until it ends; a `regionOutage` takes a region's GPUs out; random hardware failures follow
/// each pool's rate. It publishes `gpu.utilization{type=...}` (busy over healthy GPU-seconds in
/// the sampling interval, all regions), `gpu.healthy{type=...}` and `gpu.busy{type=...}`, and
/// bills every provisioned GPU-hour to the cost category `gpu.<type>` in `accrueCost(over:)`.
/// Create one per run (its gauges are registered once).
public final class GPUFleet {
    public let pools: [GPUPool]
    let specs: [GPUPoolSpec]
    let context: PlatformContext
    private let costCategories: [String]
    var lostByFault: [(fault: ActiveFault, pool: Int, gpus: [Int])] = []
    var streams: [RandomStream]
    private var started = false
    static let failureKind = EventKind("gpu.failure")
    static let repairKind = EventKind("gpu.repair")

    /// Throws `GPUFleetError` for a negative count or rate, or one type defined twice in a region.
    public init(pools specs: [GPUPoolSpec], context: PlatformContext) throws {
        for (i, s) in specs.enumerated() {
            guard s.count >= 0 else { throw GPUFleetError("pool \(s.region)/\(s.type.name): count must be ≥ 0, got \(s.count)") }
            guard s.failuresPerGPUHour >= 0, s.failuresPerGPUHour.isFinite else {
                throw GPUFleetError("pool \(s.region)/\(s.type.name): failuresPerGPUHour must be ≥ 0, got \(s.failuresPerGPUHour)")
            }
            guard s.type.costPerHour >= 0 else { throw GPUFleetError("type \(s.type.name): costPerHour must be ≥ 0") }
            guard s.repairTime > .zero else { throw GPUFleetError("pool \(s.region)/\(s.type.name): repairTime must be positive") }
            if specs[..<i].contains(where: { $0.region == s.region && $0.type.name == s.type.name }) {
                throw GPUFleetError("pool \(s.region)/\(s.type.name) is defined twice")
            }
        }
        self.specs = specs
        self.context = context
        let clock: () -> Instant = { [unowned context] in context.now }
        pools = specs.map { GPUPool(type: $0.type, region: $0.region, count: $0.count, clock: clock) }
        costCategories = specs.map { "gpu.\($0.type.name)" }
        streams = specs.map { context.stream("gpu.\($0.region).\($0.type.name)") }
        registerGauges()
        observeFaults()
    }

    /// The pool of `type` in `region`.
    public func pool(type: String, region: String) -> GPUPool? {
        pools.first { $0.type.name == type && $0.region == region }
    }

    /// The pools of `region`, in definition order.
    public func pools(in region: String) -> [GPUPool] { pools.filter { $0.region == region } }

    /// Starts the random hardware failures (idempotent: services sharing the fleet may each call it).
    public func start() {
        guard !started else { return }
        started = true
        for i in pools.indices where specs[i].failuresPerGPUHour > 0 && pools[i].provisioned > 0 { scheduleFailure(i) }
    }

    /// Bills every provisioned GPU for the last `interval` to `gpu.<type>` (called by the run's
    /// cost loop: `PlatformSimulation.accrue`; cloud GPUs are billed whether busy, idle or broken).
    public func accrueCost(over interval: TimeAmount) {
        let hours = interval.seconds / 3_600
        for (i, p) in pools.enumerated() {
            context.costs.add(Double(p.provisioned) * p.type.costPerHour * hours, to: costCategories[i])
        }
    }
}
