import LoomServices

/// One job's passage through a run (real or simulated), in seconds from the run's start.
public struct JobTiming: Sendable, Equatable {
    public var key: String
    public var submittedAt: Double
    public var finishedAt: Double?
    public var state: TerminalState?
    public var mediaSeconds: Double

    public init(key: String, submittedAt: Double, finishedAt: Double?, state: TerminalState?, mediaSeconds: Double) {
        self.key = key
        self.submittedAt = submittedAt
        self.finishedAt = finishedAt
        self.state = state
        self.mediaSeconds = mediaSeconds
    }

    public var latency: Double? { finishedAt.map { $0 - submittedAt } }
}

/// Throughput and latency of a run, the figures the calibration twin compares.
public struct RunFigures: Sendable, Equatable, CustomStringConvertible {
    public var jobs: Int
    public var completed: Int
    /// From the first submission to the last completion, seconds.
    public var makespanSeconds: Double
    /// Completed jobs per second over the makespan.
    public var throughputJobsPerSecond: Double
    /// Media seconds of completed jobs per second of makespan.
    public var mediaSecondsPerSecond: Double
    /// Median submission-to-completion time of completed jobs, seconds.
    public var medianLatencySeconds: Double
    public var meanLatencySeconds: Double

    public init(_ timings: [JobTiming]) {
        let done = timings.filter { $0.state == .completed && $0.finishedAt != nil }
        jobs = timings.count
        completed = done.count
        let first = timings.map(\.submittedAt).min() ?? 0
        let last = done.compactMap(\.finishedAt).max() ?? first
        makespanSeconds = max(0, last - first)
        throughputJobsPerSecond = makespanSeconds > 0 ? Double(done.count) / makespanSeconds : 0
        mediaSecondsPerSecond = makespanSeconds > 0 ? done.reduce(0) { $0 + $1.mediaSeconds } / makespanSeconds : 0
        let latencies = done.compactMap(\.latency).sorted()
        medianLatencySeconds = Self.median(latencies)
        meanLatencySeconds = latencies.isEmpty ? 0 : latencies.reduce(0, +) / Double(latencies.count)
    }

    static func median(_ sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    public var description: String {
        String(format: "%d/%d completed, makespan %.2f s, throughput %.3f jobs/s (%.2f media-s/s), median latency %.3f s",
               completed, jobs, makespanSeconds, throughputJobsPerSecond, mediaSecondsPerSecond, medianLatencySeconds)
    }
}
