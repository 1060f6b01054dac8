import XCTest
@testable import LoomServices

/// A simulated analytics service for one test, with a 10 s metrics sampler.
struct AnalyticsHarness {
    let runtime: SimulatedRuntime
    let context: PlatformContext
    let service: AnalyticsService

    /// Direct ingestion, one warm pod, no autoscaler, unless `configure` says otherwise.
    init(seed: UInt64 = 1, sample: Bool = true, _ configure: (inout AnalyticsConfiguration) throws -> Void = { _ in }) throws {
        var c = AnalyticsConfiguration()
        c.ingestionPath = .direct
        c.replicas = 1
        c.autoscaler = nil
        try configure(&c)
        runtime = SimulatedRuntime(seed: seed)
        context = PlatformContext(runtime: runtime)
        service = try AnalyticsService(configuration: c, context: context)
        service.start()
        if sample {
            let metrics = context.metrics, rt = runtime
            context.every(.wholeSeconds(10), EventKind("test.sample"), startingAfter: .wholeSeconds(10)) { metrics.sample(at: rt.now) }
        }
    }

    func run(until seconds: Double) throws {
        try runtime.run(until: try .seconds(seconds))
    }

    /// Calls `body` every `period` seconds from `start` until `end` (exclusive).
    func every(_ period: Double, from start: Double = 0, until end: Double, _ body: @escaping () -> Void) {
        let endTime = Instant.zero + .saturatingSeconds(end)
        let rt = runtime
        context.every(.saturatingSeconds(period), EventKind("test.load"), startingAfter: .saturatingSeconds(start)) {
            if rt.now < endTime { body() }
        }
    }

    /// Begins `fault` at `start` seconds and ends it at `end`.
    func fault(_ fault: ActiveFault, from start: Double, to end: Double? = nil) {
        let faults = context.faults
        context.after(.saturatingSeconds(start), EventKind("test.fault")) { faults.begin(fault) }
        if let end { context.after(.saturatingSeconds(end), EventKind("test.fault")) { faults.end(fault) } }
    }

    var flow: ConservationLedger.Flow? { context.ledger.snapshot.first { $0.service == "analytics" } }

    /// The analytics flow balances, nothing was finished twice, and its in-flight count is what
    /// the pods and the topic hold.
    func assertConserved(file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(context.ledger.holds, "violations: \(context.ledger.violations.prefix(5))", file: file, line: line)
        guard let flow else { return XCTFail("no analytics flow", file: file, line: line) }
        XCTAssertEqual(flow.entered, service.arrivals, "every ingested event entered the ledger", file: file, line: line)
        XCTAssertEqual(flow.inFlight, service.eventsInFlight, "in flight = what Kafka and the pods hold", file: file, line: line)
        XCTAssertEqual(flow.count("completed"), service.storedCount, file: file, line: line)
    }
}

/// A seeded generator for test workloads (SplitMix64; tests never use `.random`).
struct AnalyticsTestRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        return StableHash.mix(state)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

extension MetricsSnapshot {
    /// A comparable rendering where NaN equals NaN (gauges registered late start with NaN).
    var analyticsBitExact: [String] {
        var lines = times.map { "t \($0.nanoseconds)" }
        for s in series { lines.append("\(s.key) \(s.values.map { String($0.bitPattern, radix: 16) }.joined(separator: ","))") }
        for c in counters { lines.append("\(c.key) \(c.total.bitPattern)") }
        for l in latencies { lines.append("\(l.key) \(l.count) \(l.p50.bitPattern) \(l.p99.bitPattern) \(l.max.bitPattern)") }
        for e in events { lines.append("\(e.time.nanoseconds) \(e.kind) \(e.subject) \(e.detail)") }
        return lines
    }
}
