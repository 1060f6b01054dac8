/// The video processing service's metric handles, registered once (no string building on the
/// hot path). Keys follow the project's conventions:
///
/// - gauges `video-processing.load` (arrivals/s over the sampling interval),
///   `video-processing.queue_depth{priority=...}`, `video-processing.in_flight`,
///   `video-processing.deferred`, `video-processing.awaiting_gpu{type=...}`,
///   `video-processing.awaiting_cpu`, `video-processing.cpu_workers_busy`;
///   `gpu.utilization{type=...}` comes from the `GPUFleet`;
/// - latencies `video-processing.queue_wait{priority=...}` (submission or re-queue to a worker),
///   `video-processing.end_to_end{priority=...}` (submission to completion),
///   `video-processing.device_wait` (waiting for a GPU or CPU worker);
/// - counters `video-processing.completed`, `video-processing.media_seconds` (throughput),
///   `gpu.preemptions{type=...}`, `gpu.cpu_fallbacks{type=...}`,
///   `video-processing.restarts{from=<stage>}`, `video-processing.interruptions{reason=...}`,
///   `video-processing.strategy{strategy=...}`, `drops{service=video-processing,reason=backpressure}`,
///   `dead_letters{service=video-processing,reason=max-attempts}`, and more below.
final class VideoProcessingMetrics {
    let queueWait: [MetricsRecorder.Latency]
    let endToEnd: [MetricsRecorder.Latency]
    let deviceWait: MetricsRecorder.Latency
    let completed: MetricsRecorder.Counter
    let failed: MetricsRecorder.Counter
    let mediaSeconds: MetricsRecorder.Counter
    let rejections: MetricsRecorder.Counter
    let droppedBackpressure: MetricsRecorder.Counter
    let deadLettered: MetricsRecorder.Counter
    let processingFailures: MetricsRecorder.Counter
    let scaleUpRequests: MetricsRecorder.Counter
    let gpuInterruptions: MetricsRecorder.Counter
    let podInterruptions: MetricsRecorder.Counter
    let lostDeviceSeconds: MetricsRecorder.Counter
    let cancelled: MetricsRecorder.Counter
    /// By `strategyIndex`: optimal, balanced, fast, deferred.
    let strategies: [MetricsRecorder.Counter]
    private let restarts: [MetricsRecorder.Counter]
    private let preemptions: [MetricsRecorder.Counter]
    private var fallbacks: [String: MetricsRecorder.Counter] = [:]
    private unowned let context: PlatformContext

    init(service s: VideoProcessingService, context: PlatformContext) {
        self.context = context
        let m = context.metrics
        let name = VideoProcessingService.service
        let tiers = JobPriority.allCases
        queueWait = tiers.map { m.registerLatency(metricKey("\(name).queue_wait", [("priority", $0.description)])) }
        endToEnd = tiers.map { m.registerLatency(metricKey("\(name).end_to_end", [("priority", $0.description)])) }
        deviceWait = m.registerLatency("\(name).device_wait")
        completed = m.registerCounter("\(name).completed", unit: "jobs")
        failed = m.registerCounter("\(name).failed", unit: "jobs")
        mediaSeconds = m.registerCounter("\(name).media_seconds", unit: "media-s")
        rejections = m.registerCounter("\(name).rejections", unit: "jobs")
        droppedBackpressure = m.registerCounter(metricKey("drops", [("service", name), ("reason", "backpressure")]), unit: "jobs")
        deadLettered = m.registerCounter(metricKey("dead_letters", [("service", name), ("reason", "max-attempts")]), unit: "jobs")
        processingFailures = m.registerCounter("\(name).processing_failures", unit: "attempts")
        scaleUpRequests = m.registerCounter("\(name).scale_up_requests", unit: "requests")
        gpuInterruptions = m.registerCounter(metricKey("\(name).interruptions", [("reason", "gpu-lost")]), unit: "jobs")
        podInterruptions = m.registerCounter(metricKey("\(name).interruptions", [("reason", "pod-lost")]), unit: "jobs")
        lostDeviceSeconds = m.registerCounter("\(name).lost_device_seconds", unit: "s")
        cancelled = m.registerCounter("\(name).cancelled", unit: "jobs")
        strategies = ["optimal", "balanced", "fast", "deferred"].map {
            m.registerCounter(metricKey("\(name).strategy", [("strategy", $0)]), unit: "jobs")
        }
        restarts = VideoStage.allCases.map { m.registerCounter(metricKey("\(name).restarts", [("from", $0.description)]), unit: "jobs") }
        preemptions = s.gpus.pools.map { m.registerCounter(metricKey("gpu.preemptions", [("type", $0.type.name)]), unit: "jobs") }
        var types = s.gpus.pools.map(\.type.name)
        for t in [s.configuration.mapping.aiType, s.configuration.mapping.uhdType, s.configuration.mapping.standardType] where !types.contains(t) {
            types.append(t)
        }
        for t in types { fallbacks[t] = m.registerCounter(metricKey("gpu.cpu_fallbacks", [("type", t)]), unit: "jobs") }

        var lastArrivals = 0
        var lastRead = context.now
        m.registerGauge("\(name).load", unit: "jobs/s") { [unowned s, unowned context] in
            let dt = (context.now - lastRead).seconds
            let rate = dt > 0 ? Double(s.arrivals - lastArrivals) / dt : 0
            lastArrivals = s.arrivals
            lastRead = context.now
            return rate
        }
        for tier in tiers {
            m.registerGauge(metricKey("\(name).queue_depth", [("priority", tier.description)]), unit: "jobs") { [unowned s] in
                Double(s.queue.count(in: tier))
            }
        }
        m.registerGauge("\(name).in_flight", unit: "jobs") { [unowned s] in Double(s.inFlight) }
        m.registerGauge("\(name).deferred", unit: "jobs") { [unowned s] in Double(s.deferredCount) }
        for (p, pool) in s.gpus.pools.enumerated() {
            m.registerGauge(metricKey("\(name).awaiting_gpu", [("type", pool.type.name)]), unit: "jobs") { [unowned s] in
                Double(s.gpus.waiting[p].count)
            }
        }
        m.registerGauge("\(name).awaiting_cpu", unit: "jobs") { [unowned s] in Double(s.cpuWaiting.count) }
        m.registerGauge("\(name).cpu_workers_busy", unit: "jobs") { [unowned s] in Double(s.cpu.busySlots) }
    }

    func preemptionCounter(pool: Int) -> MetricsRecorder.Counter { preemptions[pool] }
    func restartCounter(from stage: VideoStage) -> MetricsRecorder.Counter { restarts[stage.rawValue] }
    /// The fallback counter of `type` (registered at start for every type the mapping names).
    func fallbackCounter(type: String) -> MetricsRecorder.Counter {
        if let c = fallbacks[type] { return c }
        let c = context.metrics.registerCounter(metricKey("gpu.cpu_fallbacks", [("type", type)]), unit: "jobs")
        fallbacks[type] = c
        return c
    }
}
