import Reporting
import ScenarioKit

/// The suite that reproduces the seed's own §10.1 "Scalability Solutions" table: for each row,
/// a scenario pair in `Scenarios/seed-table/` (`<id>-without.yaml`, the baseline the seed's
/// solution replaces, and `<id>-with.yaml`, the solution) and the metric that row's claim is
/// about, read from each replication's measurements.
public enum SeedTableSuite {
    /// One row: what the seed says and how the claim is measured.
    public struct Row: Sendable {
        public var id: String
        public var service: String
        public var challenge: String
        public var solution: String
        public var claim: SeedTableClaim
        public var metric: String
        public var definition: String
        public var unit: String
        /// The MetricLookup query (a metric name, or `a/b` with `.ratio`) and its statistic.
        public var query: String
        public var statistic: Statistic
        /// Multiplies the looked-up value (per second → per hour, segments/s → streams).
        public var scale: Double
        public var withoutConfiguration: String
        public var withConfiguration: String
        public var note: String

        public var withoutFile: String { "\(id)-without.yaml" }
        public var withFile: String { "\(id)-with.yaml" }

        /// The row's metric in one replication (nil when it has no data there).
        public func measure(_ outcome: ReplicationRun.Outcome) -> Double? {
            let r = outcome.result
            let lookup = MetricLookup(snapshot: r.snapshot, conservation: r.conservation, violations: r.violations, runEnd: r.endTime)
            return lookup.value(query, statistic).map { $0 * scale }
        }
    }

    /// The six rows of seed §10.1, in the seed's order.
    public static let rows: [Row] = [
        Row(id: "recording", service: "Recording Service", challenge: "WebSocket connections",
            solution: "Horizontal scaling + session affinity", claim: SeedTableClaim(.ratio, 10, text: "10x concurrent sessions"),
            metric: "peak concurrent sessions", definition: "the largest sampled number of live sessions on pods (recording.active_sessions, max after the warm-up)",
            unit: "", query: "recording.active_sessions", statistic: .max, scale: 1,
            withoutConfiguration: "10 fixed pods × 150 sessions, no HPA",
            withConfiguration: "the seed's §1.2.1 HPA verbatim: 10–100 pods, 100 sessions/pod target",
            note: "offered load (ramp to 80 sessions/s of 5 min) exceeds both capacities, so the ratio is bounded by maxReplicas/minReplicas = 100/10 of the pasted HPA: the seed's 10x is its own HPA range, not an emergent property. Session affinity holds in both variants (no switch for it exists)."),
        Row(id: "video-processing", service: "Video Processing", challenge: "GPU resource contention",
            solution: "Intelligent GPU scheduling + fallbacks", claim: SeedTableClaim(.ratio, 5, text: "5x processing throughput"),
            metric: "completed jobs per hour", definition: "video-processing.completed per measured hour after the warm-up, offered 1.5 uploads/s",
            unit: "jobs/h", query: "video-processing.completed", statistic: .rate, scale: 3_600,
            withoutConfiguration: "2 A100 + 6 RTX-4080 + 24 RTX-3060, no preemption, no CPU fallback (priority order kept)",
            withConfiguration: "same GPUs, intended preemption, CPU fallback after a 60 s GPU wait to 4–100 HPA-scaled 8-core worker pods",
            note: "preemption reorders work but adds no capacity; the gain comes from the CPU workers, so the ratio is 1 + (CPU worker throughput / GPU throughput) and grows with the CPU HPA's maxReplicas and shrinks with the GPU fleet."),
        Row(id: "ai-ml", service: "AI/ML Service", challenge: "Model loading time",
            solution: "Model caching + warming", claim: SeedTableClaim(.reduction, 0.8, text: "80% reduction in cold starts"),
            metric: "cold-start share of model lookups", definition: "ai.model_cache.cold_starts / ai.model_cache.lookups",
            unit: "ratio", query: "ai.model_cache.cold_starts/ai.model_cache.lookups", statistic: .ratio, scale: 1,
            withoutConfiguration: "no model cache (a worker unloads a model once nothing waits for it), no warming",
            withConfiguration: "the seed's 8 GB per-worker model cache and predictive warming",
            note: "requests queued behind a load share it even without a cache, so the baseline is below 100 % cold; counts cover the whole run (no warm-up), so the solution's first loads count too. 7 models fit the 8 GB cache: with more models than cache the gain shrinks."),
        Row(id: "streaming", service: "Streaming Service", challenge: "Concurrent streams",
            solution: "Multi-CDN + edge optimization", claim: SeedTableClaim(.ratio, 100, text: "100x concurrent streams"),
            metric: "concurrent streams served", definition: "segments served per second × the 4 s segment length, after the warm-up",
            unit: "", query: "streaming.segments.served", statistic: .rate, scale: 4,
            withoutConfiguration: "one edge (us-east-1) of 500 streams in front of the origin, CloudFront only",
            withConfiguration: "12 edges (3 in each of 4 regions) of 500 streams, CloudFront and Cloudflare",
            note: "capacity is edges × streams per edge, so the ratio is at most the edge count configured (12 here, the default layout): the seed's 100x needs 100 edges per former serving point; a second CDN adds no stream capacity, only failover."),
        Row(id: "analytics", service: "Analytics Service", challenge: "Event ingestion",
            solution: "Multi-tier queuing + batching", claim: SeedTableClaim(.atLeast, 1_000_000, text: "1M+ events/hour"),
            metric: "events stored per hour", definition: "analytics.stored (all priorities) per measured hour, offered 2,500 events/s (9M/h)",
            unit: "events/h", query: "analytics.stored", statistic: .rate, scale: 3_600,
            withoutConfiguration: "direct ingestion into 2 pods, one store write per event, per-priority queues kept",
            withConfiguration: "Kafka with the lag-driven HPA (2–20 pods), the seed's batch sizes 10/50/200/1,000",
            note: "the claim is an absolute rate, judged on the solution alone. The baseline is bound by one sequential store write (≈20 ms) per priority queue per pod: 2 pods × 4 queues × ≈50/s ≈ 1.44M/h, itself above 1M/h; the solution stores all 9M/h offered, so the ratio is a lower bound set by the offered load."),
        Row(id: "user-management", service: "User Management", challenge: "JWT validation",
            solution: "Distributed caching", claim: SeedTableClaim(.reduction, 0.9, text: "90% reduction in validation time"),
            metric: "mean validation time", definition: "mean of user-management.jwt_validation after the warm-up, 500 validations/s, 100,000 Zipf users",
            unit: "s", query: "user-management.jwt_validation", statistic: .mean, scale: 1,
            withoutConfiguration: "cacheMode disabled: RS256 verification and 2 PostgreSQL reads per request",
            withConfiguration: "cacheMode distributed: in-process LRU (60 s), then Redis (15 min), then the full validation",
            note: "the reduction depends on the hit ratio, i.e. on the user population's skew and token lifetime (1 h)."),
    ]
}
