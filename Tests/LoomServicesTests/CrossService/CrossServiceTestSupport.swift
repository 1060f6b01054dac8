import XCTest
@testable import LoomServices

/// A fresh simulated platform for the cross-service tests.
struct CrossServiceBench {
    let runtime: SimulatedRuntime
    let context: PlatformContext

    init(seed: UInt64 = 1) {
        runtime = SimulatedRuntime(seed: seed)
        context = PlatformContext(runtime: runtime)
    }

    /// Runs `action` at `seconds` of simulated time.
    func at(_ seconds: Double, _ action: @escaping () -> Void) {
        context.at(.zero + .saturatingSeconds(seconds), EventKind("test.action"), action)
    }

    func run(until seconds: Double) throws {
        try runtime.run(until: .zero + .saturatingSeconds(seconds))
    }

    var now: Double { runtime.now.seconds }

    /// Notable events of `kind`, as (seconds, subject, detail).
    func events(_ kind: String) -> [(at: Double, subject: String, detail: String)] {
        context.metrics.snapshot().events.filter { $0.kind == kind }.map { ($0.time.seconds, $0.subject, $0.detail) }
    }

    /// The ledger flow of `service`.
    func flow(_ service: String) -> ConservationLedger.Flow? {
        context.ledger.snapshot.first { $0.service == service }
    }
}

extension MetricsSnapshot {
    /// A rendering where NaN equals NaN, for comparing two runs bit for bit.
    var crossServiceRendering: [String] {
        var lines = times.map { "t \($0.nanoseconds)" }
        for s in series { lines.append("\(s.key) \(s.values.map { String($0.bitPattern, radix: 16) }.joined(separator: ","))") }
        for c in counters { lines.append("\(c.key) \(c.total.bitPattern)") }
        for l in latencies { lines.append("\(l.key) \(l.count) \(l.p50.bitPattern) \(l.p99.bitPattern) \(l.max.bitPattern)") }
        for e in events { lines.append("\(e.time.nanoseconds) \(e.kind) \(e.subject) \(e.detail)") }
        return lines
    }
}

extension GuardedDependency.CallResult {
    var isRejectedGlobally: Bool { if case .rejected(.global, _) = self { return true } else { return false } }
    var isRejectedLocally: Bool { if case .rejected(.local, _) = self { return true } else { return false } }
    var isFailure: Bool { if case .failed = self { return true } else { return false } }
}
