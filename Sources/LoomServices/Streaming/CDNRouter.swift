/// The seed's "CDN Manager: Multi-CDN Routing" (§4.1): edge misses go through the first CDN in
/// order of preference that the health checker (the real `ServiceHealthMonitor`, seed §8.1)
/// does not hold unhealthy; when the primary fails its checks, traffic fails over to the
/// secondary, and back when it recovers. Until the checks notice an outage, requests sent to
/// the failed CDN fail.
///
/// Each CDN's cache is modelled by what edges have pulled through it: a rendition pulled through
/// a CDN by one edge is a CDN hit for any other edge that pulls it later (CDN caches are large
/// enough to keep an hour's working set). A CDN that takes over after a failover is cold, so
/// the origin sees a surge until it has been filled.
struct CDNRouter {
    let configurations: [CDNConfiguration]
    private(set) var monitor: ServiceHealthMonitor
    /// The CDN carrying misses now, or nil when none is healthy.
    private(set) var active: Int?
    /// Per CDN: rendition key → the first edge that pulled it through that CDN.
    private var pulledBy: [[UInt64: Int]]

    init(configurations: [CDNConfiguration], health: StreamingHealthCheckConfiguration, now: Instant) throws {
        self.configurations = configurations
        monitor = try ServiceHealthMonitor(
            checkInterval: .saturatingSeconds(health.intervalSeconds),
            services: configurations.map {
                ServiceHealthConfiguration(name: $0.name, healthyThreshold: health.healthyThreshold,
                                           unhealthyThreshold: health.unhealthyThreshold,
                                           timeout: .saturatingSeconds(health.timeoutSeconds))
            },
            variant: health.variant)
        // A warm platform: every CDN has passed its checks at time zero.
        for c in configurations {
            for _ in 0..<health.healthyThreshold {
                _ = try monitor.record(.healthy, service: c.name, responseTime: .zero, now: now)
            }
        }
        pulledBy = Array(repeating: [:], count: configurations.count)
        active = configurations.isEmpty ? nil : 0
    }

    /// Applies one round of probe results (`failed[i]`: CDN i failed its probe); returns the
    /// alerts raised and whether the active CDN changed.
    mutating func applyProbes(failed: [Bool], now: Instant) -> (alerts: [HealthAlert], changed: Bool) {
        var alerts: [HealthAlert] = []
        for (i, c) in configurations.enumerated() {
            let result: HealthProbeResult = failed[i] ? .unhealthy(reason: "CDN outage") : .healthy
            // The names are this router's own, so the monitor knows every one of them.
            if let update = try? monitor.record(result, service: c.name, responseTime: .zero, now: now), let alert = update.alert {
                alerts.append(alert)
            }
        }
        let previous = active
        active = configurations.indices.first { monitor.status(of: configurations[$0].name) != .unhealthy }
        return (alerts, previous != active)
    }

    /// Registers a pull of rendition `key` by edge `edge` through the active CDN: true when the
    /// CDN already holds it from another edge (a CDN hit), false when it goes to the origin.
    mutating func registerPull(_ key: UInt64, edge: Int) -> Bool {
        guard let c = active else { return false }
        if let first = pulledBy[c][key] { return first != edge }
        pulledBy[c][key] = edge
        return false
    }
}
