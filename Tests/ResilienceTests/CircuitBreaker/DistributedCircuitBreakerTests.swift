import Resilience
import XCTest

/// Seed §6.1: the local breaker plus a shared failure count, in both counting variants.
final class DistributedCircuitBreakerTests: XCTestCase {
    typealias F = BreakerFixtures

    private func instance(_ counting: DistributedCircuitBreaker.GlobalFailureCounting, threshold: Int = 5,
                          localWindow: Int = 100) throws -> DistributedCircuitBreaker {
        let local = try CircuitBreaker(config: F.countBased(size: localWindow, minimumCalls: localWindow, threshold: 100), now: .zero)
        return try DistributedCircuitBreaker(serviceName: "video-processing", local: local, globalThreshold: threshold, counting: counting)
    }

    func testStoreDownFallsBackToTheLocalBreaker() throws {
        var store = InMemorySharedFailureStore()
        let local = try CircuitBreaker(config: F.countBased(size: 2, minimumCalls: 2), now: .zero)
        var breaker = try DistributedCircuitBreaker(serviceName: "svc", local: local, globalThreshold: 1, counting: .asWritten)
        _ = breaker.onResult(.failure, duration: .zero, now: .zero, store: &store)
        XCTAssertEqual(breaker.tryAcquirePermission(now: .zero, store: &store).decision, .rejectedGlobally)
        store.isAvailable = false
        let permission = breaker.tryAcquirePermission(now: .zero, store: &store)
        XCTAssertEqual(permission.decision, .permitted, "an unreachable store reads as not open")
        XCTAssertFalse(permission.storeAvailable)
        let report = breaker.onResult(.failure, duration: .zero, now: .zero, store: &store)
        XCTAssertFalse(report.storeAvailable)
        XCTAssertEqual(breaker.local.state, .open, "the local breaker still trips on its own")
        XCTAssertEqual(breaker.tryAcquirePermission(now: .zero, store: &store).decision, .rejectedLocally)
    }

    func testAsWrittenResetOnAnySuccessNeverOpensWhileWindowedDoes() throws {
        // Three instances share one store; the dependency fails every other call.
        for (counting, expectOpen) in [(DistributedCircuitBreaker.GlobalFailureCounting.asWritten, false),
                                       (.windowed(window: .minutes(1)), true)] {
            var store = InMemorySharedFailureStore()
            var instances = try (0..<3).map { _ in try instance(counting) }
            var globallyRejected = 0
            for call in 0..<60 {
                let now = F.t(Double(call) * 0.5)
                let i = call % 3
                let permission = instances[i].tryAcquirePermission(now: now, store: &store)
                if permission.decision == .rejectedGlobally { globallyRejected += 1; continue }
                XCTAssertTrue(permission.isPermitted)
                _ = instances[i].onResult(call % 2 == 0 ? .failure : .success, duration: .zero, now: now, store: &store)
            }
            XCTAssertEqual(globallyRejected > 0, expectOpen, "\(counting): \(globallyRejected) global rejections")
        }
    }

    func testAsWrittenCountExpiresFiveMinutesAfterTheLastFailure() throws {
        var store = InMemorySharedFailureStore()
        var breaker = try instance(.asWritten, threshold: 3)
        for s in [0.0, 100, 200] { _ = breaker.onResult(.failure, duration: .zero, now: F.t(s), store: &store) }
        XCTAssertEqual(breaker.tryAcquirePermission(now: F.t(250), store: &store).decision, .rejectedGlobally)
        // The TTL restarted at 200 s, so the first failure (at 0 s) still counts at 499 s.
        XCTAssertEqual(breaker.tryAcquirePermission(now: F.t(499), store: &store).decision, .rejectedGlobally)
        XCTAssertEqual(breaker.tryAcquirePermission(now: F.t(500), store: &store).decision, .permitted)
    }

    func testWindowedFailuresAgeOutOneByOneAndSurviveSuccesses() throws {
        var store = InMemorySharedFailureStore()
        var breaker = try instance(.windowed(window: .wholeSeconds(60)), threshold: 3)
        for s in [0.0, 10, 20] { _ = breaker.onResult(.failure, duration: .zero, now: F.t(s), store: &store) }
        _ = breaker.onResult(.success, duration: .zero, now: F.t(21), store: &store)
        let permission = breaker.tryAcquirePermission(now: F.t(30), store: &store)
        XCTAssertEqual(permission.decision, .rejectedGlobally)
        XCTAssertEqual(permission.globalFailures, 3)
        XCTAssertEqual(breaker.tryAcquirePermission(now: F.t(60), store: &store).decision, .permitted,
                       "the failure at 0 s leaves the window at 60 s")
    }

    func testGlobalRejectionReturnsTheLocalHalfOpenPermit() throws {
        var store = InMemorySharedFailureStore()
        var config = try F.countBased(size: 2, minimumCalls: 2, wait: 1)
        config.permittedNumberOfCallsInHalfOpenState = 1
        var local = try CircuitBreaker(config: config, now: .zero)
        _ = try local.transition(to: .open, now: .zero)
        var breaker = try DistributedCircuitBreaker(serviceName: "svc", local: local, globalThreshold: 1,
                                                    counting: .windowed(window: .minutes(5)))
        try store.addFailure(forKey: breaker.storeKey, window: .minutes(5), now: .zero)
        let permission = breaker.tryAcquirePermission(now: F.t(2), store: &store)
        XCTAssertEqual(permission.decision, .rejectedGlobally)
        XCTAssertEqual(permission.events, [.stateTransition(from: .open, to: .halfOpen)])
        XCTAssertEqual(breaker.local.remainingHalfOpenPermits, 1, "the probe permit was given back")
    }

    func testInvalidParametersThrow() throws {
        let local = try CircuitBreaker(config: CircuitBreakerConfig(), now: .zero)
        XCTAssertThrowsError(try DistributedCircuitBreaker(serviceName: "s", local: local, globalThreshold: 0, counting: .asWritten))
        XCTAssertThrowsError(try DistributedCircuitBreaker(serviceName: "s", local: local, globalThreshold: 1,
                                                           counting: .windowed(window: .zero)))
        XCTAssertEqual(try DistributedCircuitBreaker(serviceName: "s", local: local, globalThreshold: 1, counting: .asWritten).storeKey,
                       "circuit_breaker:s:failures")
    }
}
