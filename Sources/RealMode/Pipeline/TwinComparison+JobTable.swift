import Foundation

extension TwinComparisonResult {
    /// One line per job, real against simulated: the wait for a worker slot and the seconds of
    /// validation, device work (transcoding and optimization) and upload, then the latency —
    /// where a gap between the twin and the real run comes from (`loomsim calibrate --jobs`).
    public var jobLines: [String] {
        var out = ["job                  latency r/s      admit r/s        validate r/s     queue r/s        device r/s       "
                   + "to-upload r/s    upload r/s"]
        let simulated = Dictionary(simulatedJobs.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        func pair(_ r: Double?, _ s: Double?) -> String {
            String(format: "%6.3f/%-6.3f   ", r ?? .nan, s ?? .nan)
        }
        var sums = [Double](repeating: 0, count: 14)
        for job in realJobs {
            let rp = realPhases[job.key], sp = simulatedPhases[job.key]
            let sj = simulated[job.key]
            let values = [job.latency, sj?.latency,
                          rp?.validation.first.map { $0.start - job.submittedAt }, sp?.validation.first.map { $0.start - (sj?.submittedAt ?? 0) },
                          rp?.validationSeconds, sp?.validationSeconds, rp?.queueSeconds, sp?.queueSeconds,
                          rp?.deviceSeconds, sp?.deviceSeconds, rp?.toUploadSeconds, sp?.toUploadSeconds,
                          rp?.uploadSeconds, sp?.uploadSeconds]
            for (i, v) in values.enumerated() { sums[i] += v ?? 0 }
            let name = job.key.count > 20 ? String(job.key.suffix(20)) : job.key.padding(toLength: 20, withPad: " ", startingAt: 0)
            out.append(name + " " + stride(from: 0, to: 14, by: 2).map { pair(values[$0], values[$0 + 1]) }.joined())
        }
        let n = Double(max(1, realJobs.count))
        out.append("mean                 " + stride(from: 0, to: 14, by: 2).map { pair(sums[$0] / n, sums[$0 + 1] / n) }.joined())
        return out
    }
}
