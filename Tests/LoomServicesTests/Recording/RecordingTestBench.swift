import XCTest
@testable import LoomServices

/// A recording service on a simulated runtime, with a Poisson arrival driver for tests.
final class RecordingTestBench {
    let runtime: SimulatedRuntime
    let context: PlatformContext
    let service: RecordingService
    private let arrivals: RandomStream

    init(seed: UInt64 = 1, _ adjust: (inout RecordingConfiguration) -> Void = { _ in }) throws {
        runtime = SimulatedRuntime(seed: seed)
        context = PlatformContext(runtime: runtime)
        var configuration = RecordingConfiguration()
        adjust(&configuration)
        service = try RecordingService(configuration: configuration, context: context)
        arrivals = context.stream("test.arrivals")
        service.start()
    }

    var now: Double { runtime.now.seconds }

    func run(until seconds: Double) throws {
        try runtime.run(until: try .seconds(seconds))
    }

    /// Poisson arrivals at `rate` per second over [from, until), each recording `length` seconds.
    func arrive(rate: Double, from: Double, until: Double, length: Double, tier: String = "business",
                resolution: Int = 1080, type: RecordingType? = .screen) throws {
        var t = from + arrivals.exponential(mean: 1 / rate)
        while t < until {
            try runtime.schedule(at: try .seconds(t), EventKind("test.arrival"), entity: 0) { [service] in
                service.startSession(userTier: tier, length: .saturatingSeconds(length), resolution: resolution, type: type)
            }
            t += arrivals.exponential(mean: 1 / rate)
        }
    }

    /// Starts `count` sessions now.
    @discardableResult
    func startSessions(_ count: Int, length: Double, type: RecordingType = .screen) -> [UInt64] {
        (0..<count).map { _ in service.startSession(userTier: "business", length: .saturatingSeconds(length), resolution: 1080, type: type) }
    }

    func begin(_ kind: FaultKind, on target: String, magnitude: Double = 1, at start: Double, for duration: Double? = nil) throws {
        let fault = ActiveFault(kind: kind, target: target, magnitude: magnitude)
        try runtime.schedule(at: try .seconds(start), EventKind("test.fault"), entity: 0) { [context] in context.faults.begin(fault) }
        if let duration {
            try runtime.schedule(at: try .seconds(start + duration), EventKind("test.fault"), entity: 0) { [context] in context.faults.end(fault) }
        }
    }

    var flow: ConservationLedger.Flow? { context.ledger.snapshot.first { $0.service == RecordingService.serviceName } }
    var downstream: ConservationLedger.Flow? { context.ledger.snapshot.first { $0.service == RecordingService.downstreamFlow } }

    func terminal(_ state: TerminalState) -> Int { flow?.terminal[state] ?? 0 }

    func notes(_ kind: String) -> [NotableEvent] { context.metrics.snapshot().events.filter { $0.kind == kind } }
}
