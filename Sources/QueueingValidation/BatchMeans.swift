import SimKernel

/// How long a steady-state estimate runs and how precise it must be.
public struct BatchMeansSettings: Sendable {
    /// Departures per batch at the start; batches double (pairwise merge) as the run grows.
    public var initialBatchSize: Int
    /// Batches the interval is formed from: between `batchCount` and `2·batchCount`.
    public var batchCount: Int
    /// Departures discarded before the first batch (initial transient from an empty system).
    public var warmUpDepartures: Int
    /// Stop once every metric's half-width is at most this fraction of its estimate.
    public var targetRelativeHalfWidth: Double
    /// Confidence level of the intervals.
    public var level: Double
    /// Stop here even if the target precision is not reached (the interval is then wider).
    public var maxDepartures: Int

    public init(
        initialBatchSize: Int = 10_000, batchCount: Int = 32, warmUpDepartures: Int = 20_000,
        targetRelativeHalfWidth: Double = 0.01, level: Double = 0.99, maxDepartures: Int = 40_000_000
    ) {
        self.initialBatchSize = initialBatchSize
        self.batchCount = batchCount
        self.warmUpDepartures = warmUpDepartures
        self.targetRelativeHalfWidth = targetRelativeHalfWidth
        self.level = level
        self.maxDepartures = maxDepartures
    }
}

/// Steady-state estimates of a queue's metrics with confidence intervals, by the method of batch
/// means with batch doubling (one long run, warm-up deleted, batches merged pairwise whenever
/// their number reaches twice `batchCount`, so that batches grow long enough to be nearly
/// independent however strongly the output is autocorrelated — at ρ = 0.9 it is very strongly).
public struct BatchMeansEstimate: Sendable {
    public var intervals: [QueueMetric: ConfidenceInterval]
    /// Departures observed after the warm-up.
    public var departures: Int
    public var events: UInt64
    public var digest: TraceDigest
    /// False when `maxDepartures` stopped the run before the target precision.
    public var reachedTargetPrecision: Bool

    /// Runs `model` with `seed` until every metric in `metrics` reaches the target precision.
    public init(model: QueueModel, metrics: [QueueMetric], seed: UInt64, settings: BatchMeansSettings) {
        precondition(!metrics.isEmpty && settings.batchCount >= 2)
        var batches: [QueueTally] = []
        var current = QueueTally()
        var unitsInCurrent = 0
        var unitsPerBatch = 1
        var seen = 0
        var counted = 0
        var intervals: [QueueMetric: ConfidenceInterval] = [:]
        var precise = false
        let warmUpUnits = (settings.warmUpDepartures + settings.initialBatchSize - 1) / settings.initialBatchSize

        func formIntervals() -> Bool {
            var all = true
            for metric in metrics {
                let observations = batches.compactMap { $0.value(of: metric) }
                let ci = ConfidenceInterval(observations: observations, level: settings.level)
                intervals[metric] = ci
                // A metric that is exactly zero everywhere (no blocking without a capacity) is precise.
                let exact = ci.halfWidth == 0
                if !exact && !(ci.relativeHalfWidth <= settings.targetRelativeHalfWidth) { all = false }
            }
            return all
        }

        let run = QueueSimulator(model: model, seed: seed).run(
            batchSize: settings.initialBatchSize, departureLimit: settings.maxDepartures + settings.warmUpDepartures
        ) { unit in
            seen += 1
            if seen <= warmUpUnits { return true }
            counted += unit.departures
            current.absorb(unit)
            unitsInCurrent += 1
            guard unitsInCurrent == unitsPerBatch else { return true }
            batches.append(current)
            current = QueueTally()
            unitsInCurrent = 0
            if batches.count == 2 * settings.batchCount {
                batches = stride(from: 0, to: batches.count, by: 2).map { i in
                    var merged = batches[i]
                    merged.absorb(batches[i + 1])
                    return merged
                }
                unitsPerBatch *= 2
            }
            if batches.count >= settings.batchCount, formIntervals() {
                precise = true
                return false
            }
            return true
        }
        if !precise { _ = formIntervals() }
        self.intervals = intervals
        self.departures = counted
        self.events = run.events
        self.digest = run.digest
        self.reachedTargetPrecision = precise
    }
}
