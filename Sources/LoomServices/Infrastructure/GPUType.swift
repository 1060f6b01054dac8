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
