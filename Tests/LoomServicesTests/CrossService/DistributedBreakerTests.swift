import XCTest
@testable import LoomServices

/// The distributed circuit breaker of seed §6.1 over the modelled Redis.
final class DistributedBreakerTests: XCTestCase {
    struct Fixture {
        let bench: CrossServiceBench
        let redis: RedisCluster
        let endpoint: QueueingResource
        let dependency: GuardedDependency
    }

    func fixture(instances: Int, globalThreshold: Int, counting: DistributedCircuitBreaker.GlobalFailureCounting,
                 localWindow: Int = 100) throws -> Fixture {
        let bench = CrossServiceBench()
        let ctx = bench.context
        let redis = try RedisCluster(configuration: RedisCluster.Configuration(), context: ctx)
        let endpoint = QueueingResource(name: "recording->video-processing", capacity: 100, queueLimit: 0,
                                        serviceTime: try .constant(0.05), context: ctx)
        var breaker = CircuitBreakerConfig()
        breaker.slidingWindowSize = localWindow
        breaker.minimumNumberOfCalls = localWindow
        let config = GuardedDependencyConfiguration(
            caller: "recording", dependency: "video-processing", instances: instances, breaker: breaker,
            globalThreshold: globalThreshold, counting: counting, callTimeout: .wholeSeconds(30))
        let dependency = try GuardedDependency(configuration: config, endpoint: endpoint,
                                               store: .redis(redis, context: ctx), context: ctx)
        return Fixture(bench: bench, redis: redis, endpoint: endpoint, dependency: dependency)
    }

    /// Calls every 100 ms, round-robin over the instances; returns the results in call order.
    func callRoundRobin(_ f: Fixture, calls: Int, startingAt start: Double = 0) -> () -> [GuardedDependency.CallResult] {
        var results = [GuardedDependency.CallResult?](repeating: nil, count: calls)
        for k in 0..<calls {
            f.bench.at(start + 0.1 * Double(k)) {
                f.dependency.call(instance: k % f.dependency.instanceCount, entity: UInt64(k)) { results[k] = $0 }
            }
        }
        return { results.map { $0! } }
    }

    func testSharedCountOpensEveryInstanceBeforeAnyLocalBreakerTrips() throws {
        let f = try fixture(instances: 4, globalThreshold: 20, counting: .windowed(window: .minutes(1)))
        f.bench.context.faults.begin(ActiveFault(kind: .dependencyErrors, target: f.endpoint.name, magnitude: 1))
        let results = callRoundRobin(f, calls: 40)
        try f.bench.run(until: 10)
        let r = results()
        XCTAssertEqual(r.filter(\.isFailure).count, 20, "20 failures reach the shared threshold")
        XCTAssertTrue(r[20...].allSatisfy(\.isRejectedGlobally), "then every instance rejects: \(r[20...])")
        for i in 0..<4 {
            XCTAssertEqual(f.dependency.localState(ofInstance: i), .closed, "each local breaker saw only 5 of its 100-call window")
        }
        XCTAssertTrue(f.dependency.isGloballyOpen)
        XCTAssertEqual(f.dependency.aggregateState, .open)
        f.bench.context.metrics.sample(at: f.bench.runtime.now)
        let gauge = f.bench.context.metrics.snapshot().series(named: "breaker.state{from=recording,to=video-processing}")
        XCTAssertEqual(gauge?.values.last, 2, "the gauge shows the shared count's verdict: open")
        let opened = f.bench.events("breaker.opened")
        XCTAssertEqual(opened.map(\.subject), ["recording->video-processing (global)"])
        XCTAssertEqual(opened.first?.at ?? 0, 2.0, accuracy: 1e-9, "the 21st call, at 2.0 s, reads 20 failures")
        // The window forgets: a minute after the failures the shared count is below the threshold.
        f.bench.context.faults.end(ActiveFault(kind: .dependencyErrors, target: f.endpoint.name, magnitude: 1))
        var late: GuardedDependency.CallResult?
        f.bench.at(70) { f.dependency.call(instance: 3, entity: 99) { late = $0 } }
        try f.bench.run(until: 71)
        XCTAssertEqual(late, .succeeded(duration: .milliseconds(50)))
        XCTAssertEqual(f.bench.events("breaker.closed").map(\.subject), ["recording->video-processing (global)"])
        let flow = try XCTUnwrap(f.bench.flow("recording->video-processing"))
        XCTAssertEqual(flow.entered, 41)
        XCTAssertEqual(flow.terminal, [.completed: 1, .failed(reason: "error"): 20, .dropped(reason: "breaker-global"): 20])
        XCTAssertTrue(f.bench.context.ledger.holds)
    }

    func testDuringARedisOutageEachLocalBreakerDecidesAlone() throws {
        let f = try fixture(instances: 2, globalThreshold: 5, counting: .windowed(window: .minutes(1)), localWindow: 10)
        let faults = f.bench.context.faults
        faults.begin(ActiveFault(kind: .dependencyErrors, target: f.endpoint.name, magnitude: 1))
        faults.begin(ActiveFault(kind: .datastoreOutage, target: f.redis.name))
        let results = callRoundRobin(f, calls: 40)
        try f.bench.run(until: 10)
        let r = results()
        XCTAssertEqual(r.filter(\.isFailure).count, 20, "the shared threshold of 5 is not seen: each instance fails its own 10 calls")
        XCTAssertEqual(r.filter(\.isRejectedGlobally).count, 0)
        XCTAssertTrue(r[20...].allSatisfy(\.isRejectedLocally), "then each local breaker is open on its own")
        XCTAssertEqual(f.dependency.localState(ofInstance: 0), .open)
        XCTAssertEqual(f.dependency.localState(ofInstance: 1), .open)
        XCTAssertFalse(f.dependency.isGloballyOpen)
        let unavailable = f.bench.context.metrics.snapshot().counter(named: "breaker.store_unavailable{from=recording,to=video-processing}")
        XCTAssertEqual(unavailable?.total, 40, "20 reads and 20 lost updates")
        XCTAssertNil(f.dependency.readGlobalFailures(), "the store cannot answer during the outage")
        faults.end(ActiveFault(kind: .datastoreOutage, target: f.redis.name))
        XCTAssertEqual(f.dependency.readGlobalFailures(), 0, "the updates made during the outage were lost")
        XCTAssertEqual(f.bench.flow("recording->video-processing")?.terminal,
                       [.failed(reason: "error"): 20, .dropped(reason: "breaker-local"): 20])
    }

    /// The seed's `DEL` on success (DESIGN.md §8): one late success anywhere clears the shared
    /// count and every instance resumes calling a dependency that is still failing; the windowed
    /// count keeps the breaker open for its window.
    func testAsWrittenClosesGloballyOnOneSuccessWhereWindowedDoesNot() throws {
        func run(_ counting: DistributedCircuitBreaker.GlobalFailureCounting) throws -> (GuardedDependency.CallResult?, [Double]) {
            let f = try fixture(instances: 2, globalThreshold: 5, counting: counting)
            let faults = f.bench.context.faults
            let errors = ActiveFault(kind: .dependencyErrors, target: f.endpoint.name, magnitude: 1)
            var slow: GuardedDependency.CallResult?
            f.bench.at(0) { f.dependency.call(instance: 0, entity: 1000, serviceSeconds: 10) { slow = $0 } }
            f.bench.at(0.5) { faults.begin(errors) }
            for k in 0..<5 {
                f.bench.at(1 + 0.1 * Double(k)) {
                    f.dependency.call(instance: k % 2, entity: UInt64(k), serviceSeconds: 0.01) { _ in }
                }
            }
            var during: GuardedDependency.CallResult?
            f.bench.at(2) { f.dependency.call(instance: 1, entity: 50) { during = $0 } }
            var after: GuardedDependency.CallResult?
            f.bench.at(11) { f.dependency.call(instance: 1, entity: 51, serviceSeconds: 0.01) { after = $0 } }
            try f.bench.run(until: 12)
            XCTAssertEqual(slow, .succeeded(duration: .wholeSeconds(10)), "the slow call was admitted before the fault")
            XCTAssertTrue(during?.isRejectedGlobally ?? false, "open after 5 failures: \(String(describing: during))")
            return (after, f.bench.events("breaker.closed").filter { $0.subject.hasSuffix("(global)") }.map(\.at))
        }
        let (asWritten, asWrittenClosed) = try run(.asWritten)
        XCTAssertTrue(asWritten?.isFailure ?? false, "as written: the count was deleted at 10 s, the call goes to the failing dependency")
        XCTAssertEqual(asWrittenClosed, [10])
        let (windowed, windowedClosed) = try run(.windowed(window: .minutes(1)))
        XCTAssertTrue(windowed?.isRejectedGlobally ?? false, "windowed: the success leaves the failures counted")
        XCTAssertEqual(windowedClosed, [])
    }

    func testForcedOpenRejectsEverywhereAndClosesAfterItsDuration() throws {
        let f = try fixture(instances: 3, globalThreshold: 100, counting: .windowed(window: .minutes(1)))
        f.dependency.forceOpen(for: .wholeSeconds(30))
        var first: GuardedDependency.CallResult?
        var later: GuardedDependency.CallResult?
        f.bench.at(1) { f.dependency.call(instance: 2, entity: 1) { first = $0 } }
        f.bench.at(31) { f.dependency.call(instance: 2, entity: 2) { later = $0 } }
        try f.bench.run(until: 32)
        XCTAssertEqual(first, .rejected(.forcedOpen, retryAfter: nil))
        XCTAssertEqual(later, .succeeded(duration: .milliseconds(50)))
        XCTAssertEqual(f.bench.events("breaker.forced_open").count, 1)
    }

    func testFallbackRemediationRoutesCallsToTheBackupEndpoint() throws {
        let bench = CrossServiceBench()
        let ctx = bench.context
        let primary = QueueingResource(name: "ai-ml->transcribe", capacity: 4, serviceTime: try .constant(2), context: ctx)
        let backup = QueueingResource(name: "ai-ml->transcribe-cpu", capacity: 4, serviceTime: try .constant(8), context: ctx)
        let dependency = try GuardedDependency(
            configuration: GuardedDependencyConfiguration(caller: "ai-ml", dependency: "transcribe"),
            endpoint: primary, store: .alwaysAvailable(), fallback: backup, context: ctx)
        let handler = RemediationActions.fallback(dependency)
        let degradation = try XCTUnwrap(PerformanceDegradationDetector()
            .detectDegradations(service: "ai-ml", current: [.errorRate: 0.5], baseline: [.errorRate: 0.01]).first)
        let request = RemediationRequest(service: "ai-ml", action: .fallbackToBackupService, degradation: degradation, at: .zero)
        XCTAssertTrue(handler(request))
        XCTAssertFalse(handler(request), "already on the fallback: the next candidate should be tried")
        var result: GuardedDependency.CallResult?
        dependency.call(instance: 0, entity: 1) { result = $0 }
        bench.runtime.runUntilIdle()
        XCTAssertEqual(result, .servedByFallback(duration: .wholeSeconds(8)))
        XCTAssertEqual(bench.events("dependency.fallback_on").map(\.subject), ["ai-ml->transcribe"])
        XCTAssertEqual(bench.flow("ai-ml->transcribe")?.terminal, [.completed: 1])
    }

    func testCallerTimeoutCountsAsAFailureWhileTheDependencyKeepsWorking() throws {
        let f = try fixture(instances: 1, globalThreshold: 100, counting: .windowed(window: .minutes(1)))
        var result: GuardedDependency.CallResult?
        f.bench.at(0) { f.dependency.call(instance: 0, entity: 1, serviceSeconds: 45) { result = $0 } }
        try f.bench.run(until: 31)
        XCTAssertEqual(result, .failed(reason: "timeout", duration: .wholeSeconds(30)))
        XCTAssertEqual(f.endpoint.busy, 1, "the dependency still works on the abandoned call")
        XCTAssertEqual(f.dependency.readGlobalFailures(), 1)
        try f.bench.run(until: 50)
        XCTAssertEqual(f.endpoint.busy, 0)
        XCTAssertEqual(f.bench.flow("recording->video-processing")?.terminal, [.failed(reason: "timeout"): 1],
                       "the late reply does not finish the call twice")
        XCTAssertTrue(f.bench.context.ledger.holds)
    }
}
