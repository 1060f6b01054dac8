import XCTest
@testable import LoomServices

/// A user-management service on a simulated runtime, with a Poisson validation driver.
final class UserManagementTestBench {
    let runtime: SimulatedRuntime
    let context: PlatformContext
    let service: UserManagementService
    private let arrivals: RandomStream

    init(seed: UInt64 = 1, _ adjust: (inout UserManagementConfiguration) -> Void = { _ in }) throws {
        runtime = SimulatedRuntime(seed: seed)
        context = PlatformContext(runtime: runtime)
        var configuration = UserManagementConfiguration()
        adjust(&configuration)
        service = try UserManagementService(configuration: configuration, context: context)
        arrivals = context.stream("test.arrivals")
        service.start()
    }

    func run(until seconds: Double) throws { try runtime.run(until: try .seconds(seconds)) }

    /// Poisson validations of Zipf-drawn users at `rate` per second over [from, until), one
    /// self-rescheduling event at a time.
    func validate(rate: Double, from: Double, until: Double) throws {
        let end = try Instant.seconds(until)
        func next(after t: Instant) {
            let at = t + .saturatingSeconds(arrivals.exponential(mean: 1 / rate))
            guard at < end else { return }
            _ = try? runtime.schedule(at: at, EventKind("test.validation"), entity: 0) { [service] in
                service.validateTokenOfRandomUser()
                next(after: at)
            }
        }
        next(after: try .seconds(from))
    }

    var flow: ConservationLedger.Flow? { context.ledger.snapshot.first { $0.service == UserManagementService.serviceName } }
}
