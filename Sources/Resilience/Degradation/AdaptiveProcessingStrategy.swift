/// How a video-processing job is encoded under the current load (seed §2.4.1
/// `ProcessingStrategy`).
public enum ProcessingStrategy: String, CaseIterable, Sendable, Codable {
    case optimal
    case balanced
    case fast
    /// Not processed now: the caller puts the job back for later (seed `deferProcessing`).
    case deferred
}

/// System utilisation the strategy is chosen from (seed §2.4.1 `SystemLoad`), each 0–100.
public struct SystemLoad: Equatable, Sendable {
    public var cpuPercent: Double
    public var memoryPercent: Double
    public var gpuPercent: Double

    public init(cpuPercent: Double, memoryPercent: Double, gpuPercent: Double) {
        self.cpuPercent = cpuPercent
        self.memoryPercent = memoryPercent
        self.gpuPercent = gpuPercent
    }
}

/// The order of the load checks in `determineProcessingStrategy` (seed §2.4.1; DESIGN.md §8).
public enum StrategyCheckOrder: String, CaseIterable, Sendable, Codable {
    /// The intent ("under extreme load, defer non-critical jobs"): the extreme-load check runs
    /// before the high-load one, so low- and batch-priority jobs are deferred above 95 %.
    /// Batch jobs are deferred too: they are less urgent than low ones, and deferring the
    /// low job while encoding the bulk one would invert the priorities.
    case intended
    /// The seed as written (§2.4.1): `CPU > 80 || Memory > 85 || GPU > 90` returns
    /// `StrategyFast` first, and any load above 95 % is also above 80 %, so
    /// `StrategyDeferred` is unreachable: nothing is ever deferred.
    case asWritten
}

/// Encoder settings of a strategy (seed §2.4.1 `ProcessingSettings`).
public struct ProcessingSettings: Equatable, Sendable {
    public var videoCodec: String
    public var audioCodec: String
    public var preset: String
    public var crf: Int
    /// Highest output resolution in lines; `nil` keeps the source's.
    public var maxResolutionLines: Int?
    public var skipAI: Bool
    public var threads: Int
}

/// A configuration the adaptive processor cannot honour.
public enum AdaptiveProcessingError: Error, Equatable, CustomStringConvertible {
    case extremeBelowHigh(metric: String)

    public var description: String {
        switch self {
        case let .extremeBelowHigh(metric):
            return "adaptive processing: the extreme-load \(metric) limit must not be below the high-load one"
        }
    }
}

/// The video-processing service's load-adaptive strategy (seed §2.4.1 `AdaptiveProcessor`):
/// high-priority jobs always get optimal quality; otherwise the load picks fast, balanced or
/// (intended variant) deferred processing.
public struct AdaptiveProcessingPolicy: Equatable, Sendable {
    /// High load: any of these strictly exceeded selects fast processing (seed 80/85/90).
    public var highCPUPercent: Double
    public var highMemoryPercent: Double
    public var highGPUPercent: Double
    /// Extreme load: CPU or memory strictly above these defers low-priority jobs (seed 95/95).
    public var extremeCPUPercent: Double
    public var extremeMemoryPercent: Double
    public var checkOrder: StrategyCheckOrder

    /// Throws `AdaptiveProcessingError` when an extreme-load limit is below its high-load one.
    public init(
        highCPUPercent: Double = 80, highMemoryPercent: Double = 85, highGPUPercent: Double = 90,
        extremeCPUPercent: Double = 95, extremeMemoryPercent: Double = 95,
        checkOrder: StrategyCheckOrder = .intended
    ) throws {
        guard extremeCPUPercent >= highCPUPercent else { throw AdaptiveProcessingError.extremeBelowHigh(metric: "CPU") }
        guard extremeMemoryPercent >= highMemoryPercent else {
            throw AdaptiveProcessingError.extremeBelowHigh(metric: "memory")
        }
        self.highCPUPercent = highCPUPercent
        self.highMemoryPercent = highMemoryPercent
        self.highGPUPercent = highGPUPercent
        self.extremeCPUPercent = extremeCPUPercent
        self.extremeMemoryPercent = extremeMemoryPercent
        self.checkOrder = checkOrder
    }

    /// The strategy for a job of `priority` under `load` (seed `determineProcessingStrategy`).
    public func strategy(for priority: JobPriority, load: SystemLoad) -> ProcessingStrategy {
        if priority == .high { return .optimal }
        let high = load.cpuPercent > highCPUPercent || load.memoryPercent > highMemoryPercent
            || load.gpuPercent > highGPUPercent
        let extreme = load.cpuPercent > extremeCPUPercent || load.memoryPercent > extremeMemoryPercent
        switch checkOrder {
        case .intended:
            if extreme && !priority.isMoreUrgent(than: .low) { return .deferred }
            if high { return .fast }
        case .asWritten:
            if high { return .fast }
            // Kept to mirror the seed; unreachable because `extreme` implies `high`.
            if extreme && priority == .low { return .deferred }
        }
        return .balanced
    }

    /// The encoder settings of `strategy` on a machine with `cpuCount` cores; `nil` for
    /// `.deferred`, which encodes nothing.
    ///
    /// Fast and balanced are the seed's `processWithFastSettings` / `processWithBalancedQuality`
    /// (fast uses half the cores, at least one: the seed's `NumCPU()/2` is 0 on one core).
    /// The seed does not show optimal settings; loomsim uses a slow preset, CRF 18 and the
    /// source resolution.
    public static func settings(for strategy: ProcessingStrategy, cpuCount: Int) -> ProcessingSettings? {
        let cores = max(1, cpuCount)
        switch strategy {
        case .optimal:
            return ProcessingSettings(
                videoCodec: "h264", audioCodec: "aac", preset: "slow", crf: 18,
                maxResolutionLines: nil, skipAI: false, threads: cores)
        case .balanced:
            return ProcessingSettings(
                videoCodec: "h264", audioCodec: "aac", preset: "medium", crf: 23,
                maxResolutionLines: 1080, skipAI: false, threads: cores)
        case .fast:
            return ProcessingSettings(
                videoCodec: "h264_nvenc", audioCodec: "aac", preset: "ultrafast", crf: 28,
                maxResolutionLines: 720, skipAI: true, threads: max(1, cores / 2))
        case .deferred:
            return nil
        }
    }
}
