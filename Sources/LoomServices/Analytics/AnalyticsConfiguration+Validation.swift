/// A configuration the analytics service cannot run: the message names the field, the value
/// found and what is expected.
public struct AnalyticsConfigurationError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// The seed's event classes (§5.2.1 `EventPriority` comments) as a default priority per event
/// type, so a workload can send a type and let the catalog pick its priority.
public struct AnalyticsEventCatalog: Sendable, Equatable {
    /// Priority by event type (looked up, never iterated).
    public var priorities: [String: EventPriority]
    /// Priority of a type the catalog does not list.
    public var defaultPriority: EventPriority

    /// CRITICAL "user actions, errors"; HIGH "video events, engagement" (the §5.3 `video_view`
    /// and `video_complete`); NORMAL "page views, clicks"; LOW "background events".
    public init(priorities: [String: EventPriority] = [
        "user_action": .critical, "error": .critical,
        "video_view": .high, "video_complete": .high, "engagement": .high,
        "page_view": .normal, "click": .normal,
        "background": .low, "heartbeat": .low,
    ], defaultPriority: EventPriority = .normal) {
        self.priorities = priorities
        self.defaultPriority = defaultPriority
    }

    public func priority(of eventType: String) -> EventPriority { priorities[eventType] ?? defaultPriority }
}

extension AnalyticsConfiguration {
    /// Throws `AnalyticsConfigurationError` for the first field that cannot work.
    public func validate() throws {
        func fail(_ m: String) -> AnalyticsConfigurationError { AnalyticsConfigurationError(message: "analytics: \(m)") }
        func nonNegative(_ v: Double, _ what: String) throws {
            guard v.isFinite, v >= 0 else { throw fail("\(what) must be a finite number ≥ 0, got \(v)") }
        }
        if region.isEmpty { throw fail("region must not be empty") }
        if replicas < 0 { throw fail("replicas must be ≥ 0, got \(replicas)") }
        try nonNegative(cpuSecondsPerEvent, "cpuSecondsPerEvent (core-seconds per event)")
        try nonNegative(baselineCores, "baselineCores (cores)")
        try nonNegative(baselineMemoryBytes, "baselineMemoryBytes (bytes)")
        try nonNegative(bytesPerHeldEvent, "bytesPerHeldEvent (bytes)")
        if terminationGracePeriod < .zero { throw fail("terminationGracePeriod must be ≥ 0, got \(terminationGracePeriod)") }
        if scrapeInterval <= .zero { throw fail("scrapeInterval must be positive, got \(scrapeInterval)") }
        if metricsDelay < .zero { throw fail("metricsDelay must be ≥ 0, got \(metricsDelay)") }
        if let hpa = autoscaler {
            if hpa.maxReplicas < 1 { throw fail("autoscaler.maxReplicas must be ≥ 1, got \(hpa.maxReplicas)") }
            if hpa.effectiveMinReplicas > hpa.maxReplicas {
                throw fail("autoscaler.minReplicas (\(hpa.effectiveMinReplicas)) must not exceed maxReplicas (\(hpa.maxReplicas))")
            }
        }
        if ingestionPath == .kafka {
            do { try kafka.validate() } catch { throw fail("\(error)") }
        }
        if criticalRetryDelay <= .zero { throw fail("criticalRetryDelay must be positive (seed: 10 ms), got \(criticalRetryDelay)") }
        if maxCriticalRetries < 0 { throw fail("maxCriticalRetries must be ≥ 0, got \(maxCriticalRetries)") }
        if asWrittenRecursionLimit < 1 { throw fail("asWrittenRecursionLimit must be ≥ 1, got \(asWrittenRecursionLimit)") }
        do { _ = try EventIngestionQueues(configuration: queueConfiguration) } catch { throw fail("\(error)") }
        for p in EventPriority.allCases {
            do { _ = try EventBatchProcessor(batchSize: batchSize(p), flushInterval: flushInterval(p), now: .zero) } catch {
                throw fail("\(p) priority: \(error)")
            }
        }
        if storage.name.isEmpty { throw fail("storage.name must not be empty") }
        if storage.concurrentWrites < 1 { throw fail("storage.concurrentWrites must be ≥ 1, got \(storage.concurrentWrites)") }
        if storage.queueLimit < 0 { throw fail("storage.queueLimit must be ≥ 0, got \(storage.queueLimit)") }
        if storage.maxWait <= .zero { throw fail("storage.maxWait must be positive, got \(storage.maxWait)") }
        try nonNegative(storage.perEventWriteSeconds, "storage.perEventWriteSeconds (seconds per event)")
        if storage.unavailableFailureDelay < .zero {
            throw fail("storage.unavailableFailureDelay must be ≥ 0, got \(storage.unavailableFailureDelay)")
        }
        if windowBucket <= .zero { throw fail("windowBucket must be positive, got \(windowBucket)") }
        var names: Set<String> = []
        for w in windows {
            if w.name.isEmpty { throw fail("a window needs a name") }
            if !names.insert(w.name).inserted { throw fail("window \(w.name) is defined twice") }
            if w.duration <= .zero || w.duration.nanoseconds % windowBucket.nanoseconds != 0 {
                throw fail("window \(w.name): duration \(w.duration) must be a positive multiple of windowBucket (\(windowBucket))")
            }
        }
    }
}
