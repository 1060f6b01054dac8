/// Encode throughput of one device by output height: frames per second of H.264 at the
/// balanced (medium / NVENC P4) preset, for one rendition at a time, all engines together.
///
/// Encoders scale roughly with pixels per frame, a little better at small sizes where
/// per-frame overhead dominates; a table per device lets a calibration run (real mode's
/// `TranscodeBenchmark`) replace the defaults measurement by measurement.
public struct EncodeThroughput: Sendable, Equatable {
    /// One tabulated rate.
    public struct Point: Sendable, Equatable {
        /// Output height in lines (1080 for 1920×1080).
        public var height: Int
        /// Frames encoded per second at that height.
        public var framesPerSecond: Double
        public init(height: Int, framesPerSecond: Double) {
            self.height = height
            self.framesPerSecond = framesPerSecond
        }
    }

    /// Ascending by height; empty for a device without an encoder (A100, H100: no NVENC).
    public let points: [Point]

    /// Throws a message when heights are not strictly ascending or a rate is not positive.
    public init(_ points: [Point]) throws {
        for (i, p) in points.enumerated() {
            guard p.height > 0, p.framesPerSecond.isFinite, p.framesPerSecond > 0 else {
                throw GPUFleetError("encode rate at \(p.height) lines must be a positive number of frames/s, got \(p.framesPerSecond)")
            }
            if i > 0, points[i - 1].height >= p.height {
                throw GPUFleetError("encode rates must be listed by strictly ascending height, \(points[i - 1].height) then \(p.height)")
            }
        }
        self.points = points
    }

    init(unchecked points: [(Int, Double)]) {
        self.points = points.map { Point(height: $0.0, framesPerSecond: $0.1) }
    }

    /// The device has no encoder: encode work must run elsewhere.
    public static let none = EncodeThroughput(unchecked: [])

    public var canEncode: Bool { !points.isEmpty }

    /// Frames per second at `height`: the rate of the smallest tabulated height at or above it;
    /// above the table, the tallest rate scaled down by the pixel ratio. 0 without an encoder.
    @inlinable public func framesPerSecond(height: Int) -> Double {
        for p in points where p.height >= height { return p.framesPerSecond }
        guard let top = points.last else { return 0 }
        let ratio = Double(top.height) / Double(max(height, 1))
        return top.framesPerSecond * ratio * ratio
    }

    /// A table derived from a 1080p rate by pixel count (sub-linear below 1080p: per-frame
    /// overhead), for the seed's catalog and for CPU encoders.
    public static func scaled(from fps1080: Double) -> EncodeThroughput {
        EncodeThroughput(unchecked: [(360, fps1080 * 6), (480, fps1080 * 4), (720, fps1080 * 2.1),
                                     (1080, fps1080), (1440, fps1080 * 0.56), (2160, fps1080 * 0.25)])
    }
}

/// One GPU model: its engines, its throughput per resolution and job type, and its price
/// (seed §2.2.2 keys GPU pools by type: `nvidia-a100`, `nvidia-rtx-4080`, `nvidia-rtx-3060`).
///
/// The seed ranks the types a100 > rtx-4080 > rtx-3060 (AI work needs the A100, 4K the 4080,
/// the rest the 3060); the defaults keep that ranking. Following the reference note on GPUs
/// (data-centre Ampere/Hopper parts have NVDEC but **no NVENC**), the A100 has no encode
/// throughput, so encode work mapped to it is routed to CPU by the resource manager.
public struct GPUType: Sendable, Equatable {
    /// Pool key, e.g. "rtx-3060".
    public var name: String
    /// Hardware encoder engines (NVENC); 0 for A100.
    public var encoderEngines: Int
    /// Concurrent encode sessions the driver allows (GeForce cards: 8 with 2024 drivers).
    /// Recorded, not enforced: a job's renditions (at most six) share the encoder.
    public var maxEncodeSessions: Int
    /// Device memory, GiB.
    public var memoryGiB: Double
    /// Encode rates by output height.
    public var encode: EncodeThroughput
    /// Media seconds processed per second of device time, by work kind ("enhancement",
    /// "ai_analysis", "transcription"): a speed factor relative to real time.
    public var speedFactors: [String: Double]
    /// Dollars per GPU-hour, billed for every provisioned GPU.
    public var costPerHour: Double

    public init(name: String, encoderEngines: Int, maxEncodeSessions: Int, memoryGiB: Double,
                encode: EncodeThroughput, speedFactors: [String: Double], costPerHour: Double) {
        self.name = name
        self.encoderEngines = encoderEngines
        self.maxEncodeSessions = maxEncodeSessions
        self.memoryGiB = memoryGiB
        self.encode = encode
        self.speedFactors = speedFactors
        self.costPerHour = costPerHour
    }

    /// The speed factor for `kind`, or nil when the device does not do that work.
    @inlinable public func speedFactor(for kind: String) -> Double? { speedFactors[kind] }

    // Defaults. Encode: H.264 at a medium preset, of the order of NVIDIA's NVENC application
    // note (Ampere/Ada, 1080p: roughly 400–800 fps per engine from P4 to P1); the 3060 has one
    // 7th-generation engine, the 4080 two 8th-generation ones. AI speed factors scale with memory
    // bandwidth (360 : 717 : 1,555 GB/s ≈ 1 : 2 : 4.3, inference being bandwidth-bound), anchored
    // on a Whisper-large-class transcription at ≈10× real time on a 3060 (faster-whisper's
    // published RTX 3070 Ti run is ≈12×). Prices: A100 40 GB on-demand cloud (GCP a2-highgpu-1g,
    // ≈$3.67/h); the GeForce cards at GPU-marketplace rates (≈$0.55 and $0.20/h, 2024). All are
    // assumptions to calibrate with `loomsim calibrate` and to override per scenario.

    public static let a100 = GPUType(
        name: "a100", encoderEngines: 0, maxEncodeSessions: 0, memoryGiB: 40, encode: .none,
        speedFactors: ["enhancement": 86, "ai_analysis": 65, "transcription": 43], costPerHour: 3.67)
    public static let rtx4080 = GPUType(
        name: "rtx-4080", encoderEngines: 2, maxEncodeSessions: 8, memoryGiB: 16, encode: .scaled(from: 1_000),
        speedFactors: ["enhancement": 40, "ai_analysis": 30, "transcription": 20], costPerHour: 0.55)
    public static let rtx3060 = GPUType(
        name: "rtx-3060", encoderEngines: 1, maxEncodeSessions: 8, memoryGiB: 12, encode: .scaled(from: 450),
        speedFactors: ["enhancement": 20, "ai_analysis": 15, "transcription": 10], costPerHour: 0.20)
    /// The seed's three types, most capable first.
    public static let seedCatalog: [GPUType] = [a100, rtx4080, rtx3060]
}

/// A GPU configuration that cannot be modelled.
public struct GPUFleetError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "GPU inventory: \(message)" }
}

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
    private let specs: [GPUPoolSpec]
    private let context: PlatformContext
    private let costCategories: [String]
    private var lostByFault: [(fault: ActiveFault, pool: Int, gpus: [Int])] = []
    private var streams: [RandomStream]
    private var started = false
    private static let failureKind = EventKind("gpu.failure")
    private static let repairKind = EventKind("gpu.repair")

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

    private func scheduleFailure(_ i: Int) {
        let mean = 3_600 / (specs[i].failuresPerGPUHour * Double(pools[i].provisioned))
        context.after(.saturatingSeconds(streams[i].exponential(mean: mean)), Self.failureKind, entity: UInt64(i)) { [unowned self] in
            let lost = self.pools[i].lose(1, stream: self.streams[i])
            if !lost.isEmpty {
                self.context.metrics.note("gpu.failed", subject: "\(self.pools[i].region)/\(self.pools[i].type.name)",
                                          detail: "gpu \(lost[0])", at: self.context.now)
                self.context.after(self.specs[i].repairTime, Self.repairKind, entity: UInt64(i)) { [unowned self] in
                    self.pools[i].restore(lost)
                }
            }
            self.scheduleFailure(i)
        }
    }

    private func matches(_ target: String, _ pool: GPUPool) -> Bool {
        target == pool.type.name || target == "\(pool.region)/\(pool.type.name)"
    }

    private func observeFaults() {
        context.faults.observe(.gpuLoss, onStart: { [unowned self] fault in
            for (i, p) in self.pools.enumerated() where self.matches(fault.target, p) {
                let lost = p.lose(max(0, Int(fault.magnitude.rounded())), stream: self.streams[i])
                self.lostByFault.append((fault, i, lost))
                self.context.metrics.note("gpu.lost", subject: "\(p.region)/\(p.type.name)", detail: "\(lost.count) GPUs", at: self.context.now)
            }
        }, onEnd: { [unowned self] fault in self.restore(after: fault) })
        context.faults.observe(.regionOutage, onStart: { [unowned self] fault in
            for (i, p) in self.pools.enumerated() where p.region == fault.target {
                let lost = p.lose(p.healthyCount, stream: self.streams[i])
                self.lostByFault.append((fault, i, lost))
            }
        }, onEnd: { [unowned self] fault in self.restore(after: fault) })
    }

    private func restore(after fault: ActiveFault) {
        // Equal faults may overlap; each end restores what one start took (the first match).
        var seenPools: Set<Int> = []
        var keep: [(fault: ActiveFault, pool: Int, gpus: [Int])] = []
        var restoring: [(Int, [Int])] = []
        for entry in lostByFault {
            if entry.fault == fault, seenPools.insert(entry.pool).inserted {
                restoring.append((entry.pool, entry.gpus))
            } else {
                keep.append(entry)
            }
        }
        lostByFault = keep
        for (i, gpus) in restoring { pools[i].restore(gpus) }
    }

    private func registerGauges() {
        var types: [String] = []
        for p in pools where !types.contains(p.type.name) { types.append(p.type.name) }
        for name in types {
            let members = pools.filter { $0.type.name == name }
            var last = (busy: 0.0, healthy: 0.0)
            context.metrics.registerGauge(metricKey("gpu.utilization", [("type", name)]), unit: "ratio") {
                var now = (busy: 0.0, healthy: 0.0)
                for p in members {
                    let i = p.integrals()
                    now.busy += i.busy
                    now.healthy += i.healthy
                }
                let d = (busy: now.busy - last.busy, healthy: now.healthy - last.healthy)
                last = now
                if d.healthy > 0 { return d.busy / d.healthy }
                let healthy = members.reduce(0) { $0 + $1.healthyCount }
                return healthy == 0 ? .nan : Double(members.reduce(0) { $0 + $1.busyCount }) / Double(healthy)
            }
            context.metrics.registerGauge(metricKey("gpu.healthy", [("type", name)]), unit: "GPUs") {
                Double(members.reduce(0) { $0 + $1.healthyCount })
            }
            context.metrics.registerGauge(metricKey("gpu.busy", [("type", name)]), unit: "GPUs") {
                Double(members.reduce(0) { $0 + $1.busyCount })
            }
        }
    }
}
