/// System health and the degradation level (seed §1.3.2 `getDegradationLevel`).
extension RecordingService {
    /// Reads CPU and memory (mean utilization of the serving pods against their requests) and the
    /// mean database latency since the last reading, and sets the level new sessions are admitted at.
    func evaluateHealth() {
        let interval = configuration.healthInterval.seconds
        var cpu = 0.0
        var memory = 0.0
        for state in serving {
            let pod = state.pod
            let busy = pod.busySeconds - state.busyAtLastHealth
            state.busyAtLastHealth = pod.busySeconds
            cpu += (pod.baselineCores + busy / interval) / configuration.pod.cpuRequestCores
            memory += pod.memoryBytes / configuration.pod.memoryRequestBytes
        }
        let n = Double(max(1, serving.count))
        let db = postgres.takeWindowStatistics()
        let sample = SystemHealthSample(cpuPercent: 100 * cpu / n, memoryPercent: 100 * memory / n,
                                        databaseLatency: db.meanLatency ?? .zero)
        lastHealth = sample
        guard configuration.degradationEnabled else { return }
        var level = configuration.degradation.level(for: sample)
        if let trigger = configuration.errorRateTrigger, db.operations > 0 {
            level = max(level, trigger.level(for: db.failureRatio))
        }
        if level != degradationLevel {
            let detail = "\(degradationLevel) → \(level) (cpu \(Int(sample.cpuPercent)) %, memory \(Int(sample.memoryPercent)) %, "
                + "db \(Int(sample.databaseLatency.seconds * 1_000)) ms)"
            context.metrics.note("degradation.level", subject: Self.serviceName, detail: detail, at: context.now)
            degradationLevel = level
        }
    }
}
