extension PlatformContext {
    /// A one-way PUT to `store` (a snapshot backup to object storage: recording's session
    /// snapshots, seed §1.4.1, and user management's; the writer does not wait for it, so it never
    /// queues): refused while the store is down
    /// (`datastoreOutage` on its name), failed at an injected `dependencyErrors` rate, otherwise
    /// durable after a latency drawn from `latency` plus any injected `dependencyLatency`, which
    /// is recorded in `recorder`. Returns that latency, or nil when the PUT failed.
    ///
    /// Draws from `stream`: one uniform only while an error rate is injected, then one latency
    /// sample (so a run without error faults draws exactly one number per PUT).
    func oneWayPut(to store: QueueingResource, latency: Distribution, stream: RandomStream,
                   recordingInto recorder: MetricsRecorder.Latency) -> TimeAmount? {
        let name = store.name
        guard !store.isUnavailable else { return nil }
        let errorRate = faults.magnitude(of: .dependencyErrors, on: name)
        if errorRate > 0 && stream.uniform() < errorRate { return nil }
        let seconds = max(0, stream.sample(latency)) + faults.magnitude(of: .dependencyLatency, on: name)
        let latency = TimeAmount.saturatingSeconds(seconds)
        metrics.record(recorder, latency)
        return latency
    }
}
