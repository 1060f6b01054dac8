import LoomServices

/// One stage call of a job on a runtime's clock (seconds from the run's start).
public struct StagePhase: Sendable, Equatable {
    public var start: Double
    public var end: Double?
    public var seconds: Double? { end.map { $0 - start } }
}

/// When one job's stage calls started and ended, as its backend saw them: what the calibration
/// comparison lines up between a real run and its simulated twin, job by job, to see which
/// stage (or the wait for a worker slot) the work model gets wrong.
public struct JobPhases: Sendable, Equatable {
    public var validation: [StagePhase] = []
    /// Device stays (transcoding and optimization).
    public var device: [StagePhase] = []
    public var upload: [StagePhase] = []

    /// Seconds from the end of the first validation to the start of the first device stay
    /// (the wait for a worker slot).
    public var queueSeconds: Double? {
        guard let validated = validation.first?.end, let start = device.first?.start else { return nil }
        return start - validated
    }

    /// Seconds from the end of the last device stay to the start of the first upload.
    public var toUploadSeconds: Double? {
        guard let done = device.last?.end, let start = upload.first?.start else { return nil }
        return start - done
    }

    /// Total seconds of the calls of each kind.
    public var validationSeconds: Double { validation.compactMap(\.seconds).reduce(0, +) }
    public var deviceSeconds: Double { device.compactMap(\.seconds).reduce(0, +) }
    public var uploadSeconds: Double { upload.compactMap(\.seconds).reduce(0, +) }
}

extension Array where Element == StagePhase {
    mutating func endLast(_ at: Double) {
        if let i = indices.last(where: { self[$0].end == nil }) { self[i].end = at }
    }
}

extension RecordingVideoWorkBackend {
    /// `phases` by the jobs' media references (real mode's input keys).
    public var phasesByKey: [String: JobPhases] {
        var out: [String: JobPhases] = [:]
        for (id, p) in phases { if let key = decisions[id]?.mediaReference { out[key] = p } }
        return out
    }
}
