import Foundation
@testable import Reporting

/// A realistic synthetic run for tests and for looking at the report: six services over one
/// simulated hour sampled every 10 s, a regional failover at 30 min with failback at 45 min,
/// a flapping circuit breaker, GPU preemptions, NaN gaps, notable events beyond the listed
/// limit. Pure arithmetic and a fixed LCG: the same arguments give the same report.
enum Synthetic {
    struct LCG {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    static let services = ["recording", "video-processing", "ai-ml", "streaming", "analytics", "user-management"]

    static func report(replications: Int = 1, samples: Int = 360, interval: Double = 10,
                       extraSeries: Int = 0, complete: Bool = true, name: String = "regional-failover-peak") -> RunReport {
        let reps = (0..<replications).map { i in
            replication(index: i, samples: samples, interval: interval, extraSeries: extraSeries,
                        complete: complete || i < replications - 1)
        }
        let replicated = replications > 1
        let slos = [
            SLOResult(name: "upload p99 under 2 s", metric: "recording.request_latency.p99", threshold: "<= 2 s",
                      value: 1.42, unit: "s", passed: true, mean: replicated ? 1.40 : nil,
                      ciLow: replicated ? 1.31 : nil, ciHigh: replicated ? 1.49 : nil),
            SLOResult(name: "transcode p95 under 90 s", metric: "video-processing.transcode_time.p95", threshold: "<= 90 s",
                      value: 112.5, unit: "s", passed: false, mean: replicated ? 108.0 : nil,
                      ciLow: replicated ? 99.7 : nil, ciHigh: replicated ? 116.3 : nil),
            SLOResult(name: "stream start success ≥ 99.9 %", metric: "streaming.start_success", threshold: ">= 0.999",
                      value: 0.99937, unit: "ratio", passed: true),
            SLOResult(name: "no dead letters for critical jobs", metric: "dead_letters{priority=critical}", threshold: "== 0",
                      value: 0, unit: "", passed: true),
            SLOResult(name: "failover under 2 min", metric: "failover.duration", threshold: "< 120 s",
                      value: 61.2, unit: "s", passed: true),
        ]
        return RunReport(
            scenario: name,
            description: "Peak-hour load on all seven services with us-east-1 lost at 30 min and restored at 45 min; GPU pool shared by transcoding and AI inference.",
            seed: 42, digest: "9f3c2a71d04be815",
            resolvedScenario: "name: \(name)\nseed: 42\nduration: 1h\nsampling: 10s\nregions: [us-east-1, eu-west-1, ap-south-1]\nfaults:\n  - at: 30m\n    region_outage: us-east-1\n    until: 45m\nslos:\n  - p99(recording.request_latency) <= 2s  # <&> escaped\n",
            rerunCommand: "loomsim run Scenarios/\(name).yaml --seed 42 --replications \(replications)",
            replications: reps,
            plannedReplications: complete ? replications : replications + 2,
            slos: slos,
            provenance: [
                ProvenanceNote(component: "Autoscaler (HPA)", mode: .real, detail: "Resilience.HorizontalPodAutoscaler, upstream semantics"),
                ProvenanceNote(component: "Circuit breakers", mode: .real, detail: "Resilience4j state machine"),
                ProvenanceNote(component: "Transcoding service times", mode: .calibrated, detail: "lognormal fitted to libx264 on c6i.4xlarge"),
                ProvenanceNote(component: "Network and CDN", mode: .modelled, detail: "fixed RTT + exponential jitter"),
            ],
            parameters: [RunParameter("video-processing.max_replicas", "40"), RunParameter("gpu.pool.T4", "16")],
            interruption: complete ? nil : "SIGINT received",
            wallClock: [WallClockTiming(label: "total", seconds: 12.5), WallClockTiming(label: "started", text: "2025-01-01T00:00:00Z")])
    }

    static func replication(index: Int, samples n: Int, interval: Double, extraSeries: Int, complete: Bool) -> ReplicationResult {
        var rng = LCG(state: 0x5eed &+ UInt64(index))
        let count = complete ? n : n * 2 / 3
        let times = (0..<count).map { Instant(nanoseconds: Int64($0) * Int64(interval * 1e9)) }
        let t = times.map(\.seconds)
        var series: [TimeSeries] = []
        func add(_ key: String, _ unit: String, _ f: (Double, Int) -> Double) {
            series.append(TimeSeries(key: key, unit: unit, values: t.enumerated().map { f($1, $0) }))
        }
        let outage = 1800.0...2700.0
        for (k, svc) in services.enumerated() {
            let base = [120.0, 40, 25, 900, 2500, 60][k]
            var loads: [Double] = []
            for s in t {
                let ramp = 1 + 0.6 * sin(s / 3600 * .pi)
                let spike = s > 1200 && s < 1500 ? 1.5 : 1
                loads.append(base * ramp * spike * (0.92 + 0.16 * rng.next()))
            }
            series.append(TimeSeries(key: "\(svc).load", unit: "req/s", values: loads))
            let perReplica = base / 3
            var replicas: [Double] = []
            var current = 3.0
            for (i, l) in loads.enumerated() {
                // HPA-like: scale up at once past 90 % of capacity, down only below 60 %, every 30 s.
                let desired = max(2, min(40, (l / perReplica / 0.8).rounded(.up)))
                if i % 3 == 0 && (desired > current || l < 0.6 * current * perReplica) { current = desired }
                replicas.append(current)
            }
            series.append(TimeSeries(key: "\(svc).replicas", unit: "pods", values: replicas))
            series.append(TimeSeries(key: "\(svc).ready_replicas", unit: "pods",
                                     values: replicas.indices.map { i in svc == "ai-ml" && i > 100 && i < 110 ? .nan : replicas[max(0, i - 2)] }))
            add(metricKey("\(svc).request_latency") + ".p50", "s") { s, i in 0.04 * Double(k + 1) * (1 + 0.3 * sin(Double(i) / 9)) }
            add(metricKey("\(svc).request_latency") + ".p99", "s") { s, i in
                if svc == "recording" && i > 150 && i < 158 { return .nan }
                return 0.25 * Double(k + 1) * (1 + (outage.contains(s) ? 0.8 : 0.2) * rng.next())
            }
        }
        for svc in ["video-processing", "analytics"] {
            for (p, scale) in [("critical", 2.0), ("high", 10.0), ("normal", 40.0), ("low", 120.0)] {
                add(metricKey("\(svc).queue_depth", [("priority", p)]), "jobs") { s, _ in
                    max(0, scale * (0.3 + (s > 1200 && s < 1700 ? 1.4 : 0.2) * rng.next()) * (outage.contains(s) ? 1.8 : 1))
                }
            }
        }
        for (p, f) in [("high", 1.0), ("normal", 1.6)] {
            add(metricKey("video-processing.transcode_time", [("priority", p)]) + ".p50", "s") { s, _ in
                f * (30 + 6 * rng.next()) * (outage.contains(s) ? 1.4 : 1)
            }
            add(metricKey("video-processing.transcode_time", [("priority", p)]) + ".p99", "s") { s, _ in
                f * (60 + 20 * rng.next()) * (outage.contains(s) ? 1.5 : 1)
            }
        }
        add(metricKey("breaker.state", [("from", "video-processing"), ("to", "gpu-pool")]), "") { s, i in
            s > 600 && s < 900 ? [2.0, 1.0, 0.0, 2.0, 2.0, 1.0, 0.0][i % 7] : 0
        }
        add(metricKey("breaker.state", [("from", "recording"), ("to", "storage-us-east-1")]), "") { s, _ in
            outage.contains(s) ? (s < 2600 ? 2 : 1) : 0
        }
        add(metricKey("breaker.state", [("from", "streaming"), ("to", "cdn-origin")]), "") { s, _ in s > 3000 && s < 3060 ? 3 : 0 }
        for (gpu, base) in [("T4", 0.78), ("A100", 0.55)] {
            add(metricKey("gpu.utilization", [("type", gpu)]), "ratio") { s, _ in min(1, base + 0.2 * sin(s / 500) + 0.05 * rng.next()) }
            add(metricKey("gpu.preemptions", [("type", gpu)]) + ".rate", "preemptions/s") { s, _ in
                s > 1200 && s < 1600 ? 0.4 * rng.next() : 0.02 * rng.next()
            }
            add(metricKey("gpu.cpu_fallbacks", [("type", gpu)]) + ".rate", "jobs/s") { s, _ in outage.contains(s) ? 0.3 : 0.05 }
        }
        add("ai.model_cache.hit_rate", "ratio") { s, _ in min(1, 0.6 + 0.3 * (1 - exp(-s / 600)) - (outage.contains(s) ? 0.15 : 0)) }
        for r in ["us-east-1", "eu-west-1"] {
            add(metricKey("streaming.edge.requests", [("region", r)]) + ".rate", "req/s") { s, _ in
                (r == "us-east-1" && outage.contains(s) ? 100 : 5200) * (0.9 + 0.2 * rng.next())
            }
            add(metricKey("streaming.cdn.requests", [("region", r)]) + ".rate", "req/s") { s, _ in 1800 * (0.9 + 0.2 * rng.next()) }
        }
        let shares = t.map { s -> [Double] in
            let east: Double
            if s < 1800 { east = 0.5 } else if s < 1860 { east = 0.5 * (1 - (s - 1800) / 60) } else if s < 2700 { east = 0 }
            else { east = min(0.5, 0.5 * (s - 2700) / 300) }
            return [east, (1 - east) * 0.6, (1 - east) * 0.4]
        }
        for (j, r) in ["us-east-1", "eu-west-1", "ap-south-1"].enumerated() {
            series.append(TimeSeries(key: metricKey("region.traffic_share", [("region", r)]), unit: "ratio", values: shares.map { $0[j] }))
        }
        var cost = 0.0
        add("cost.total", "$") { _, _ in cost += 1.9 + 0.4 * rng.next(); return cost }
        add("unused.series", "x") { _, _ in .nan }
        for e in 0..<extraSeries {
            add(metricKey("extra.gauge", [("id", String(e))]), "units") { s, _ in Double(e) + sin(s / Double(100 + e)) }
        }

        var events: [NotableEvent] = []
        for i in 0..<130 {
            let time = Instant(nanoseconds: Int64(600 + i * 2) * 1_000_000_000)
            events.append(NotableEvent(time: time, kind: i % 2 == 0 ? "breaker.opened" : "breaker.half_open",
                                       subject: "video-processing→gpu-pool", detail: "failure rate 62 % > 50 %"))
        }
        events += [
            NotableEvent(time: Instant(nanoseconds: 1_800_000_000_000), kind: "failover.started", subject: "us-east-1", detail: "3 health checks failed <region down>"),
            NotableEvent(time: Instant(nanoseconds: 1_860_000_000_000), kind: "failover.completed", subject: "us-east-1", detail: "traffic on eu-west-1 & ap-south-1"),
            NotableEvent(time: Instant(nanoseconds: 2_700_000_000_000), kind: "failback.started", subject: "us-east-1", detail: "healthy for 5 min"),
            NotableEvent(time: Instant(nanoseconds: 3_000_000_000_000), kind: "failback.completed", subject: "us-east-1", detail: ""),
        ]
        events.sort { $0.time < $1.time }
        // Counters and latency summaries through the public recorder (their memberwise
        // initializers are internal to SimKernel).
        let recorder = MetricsRecorder()
        func addCounter(_ key: String, _ unit: String, _ total: Double) {
            let c = recorder.registerCounter(key, unit: unit)
            if total > 0 { recorder.add(c, total) }
        }
        addCounter("recording.uploads", "uploads", 431_902)
        addCounter(metricKey("drops", [("reason", "queue_full"), ("service", "video-processing")]), "jobs", 1_204)
        addCounter(metricKey("drops", [("reason", "rate_limited"), ("service", "streaming")]), "jobs", 8_830)
        addCounter(metricKey("drops", [("reason", "region_down"), ("service", "recording")]), "jobs", 377)
        addCounter(metricKey("drops", [("reason", "never"), ("service", "analytics")]), "jobs", 0)
        addCounter(metricKey("dead_letters", [("reason", "max_retries"), ("service", "analytics")]), "events", 212)
        addCounter(metricKey("dead_letters", [("reason", "poison_message"), ("service", "video-processing")]), "events", 9)
        for (k, svc) in services.enumerated() {
            let l = recorder.registerLatency("\(svc).request_latency")
            for i in 0..<(200 * (k + 1)) {
                let ms = Int64(20 * (k + 1)) + Int64(i % 97) * Int64(k + 1) + (i % 50 == 0 ? 900 : 0)
                recorder.record(l, .milliseconds(ms))
            }
        }
        _ = recorder.registerLatency("empty.latency")
        recorder.sample(at: Instant(nanoseconds: 1))
        let recorded = recorder.snapshot()
        let counters = recorded.counters
        let latencies = recorded.latencies
        let metrics = MetricsSnapshot(times: times, series: series, counters: counters, latencies: latencies, events: events,
                                      droppedEventCounts: ["breaker.half_open": 12, "pod.restarted": 3],
                                      warmUpEnd: Instant(nanoseconds: 300_000_000_000))
        let ledger = ConservationLedger()
        let end = times.last ?? .zero
        for (k, svc) in services.enumerated() {
            let entered = 100_000 * (k + 1)
            ledger.admit(svc, count: entered)
            ledger.finish(svc, count: entered - 1_000 - k, .completed, at: end)
            ledger.finish(svc, count: 600, .failed(reason: "timeout"), at: end)
            ledger.finish(svc, count: 200, .deadLettered(reason: "max_retries"), at: end)
            ledger.finish(svc, count: 200, .dropped(reason: "queue_full"), at: end)
        }
        let flows = ledger.snapshot
        return ReplicationResult(index: index, seed: 42 &+ UInt64(index) &* 7919, digest: String(format: "%016llx", 0x9f3c2a71d04be815 &+ UInt64(index)),
                                 metrics: metrics, conservation: flows, complete: complete)
    }
}
