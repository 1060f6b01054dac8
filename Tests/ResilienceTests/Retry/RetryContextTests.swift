import Resilience
import XCTest

/// `RetryContext` against upstream `SupplierRetryTest` behaviour.
final class RetryContextTests: XCTestCase {
    private func run(_ config: RetryConfig, _ outcomes: [RetryOutcome], draw: Double = 0) -> RetryContext {
        var context = RetryContext(config: config)
        for outcome in outcomes {
            if case .finish = context.record(outcome, uniformDraw: draw) { break }
        }
        return context
    }

    func testDefaultsMakeThreeAttemptsWithTwoWaits() {
        let context = run(.default, [.failure, .failure, .failure, .success])
        XCTAssertEqual(context.attemptsMade, 3)
        XCTAssertEqual(context.result, .failure)
        XCTAssertEqual(context.waits, [.milliseconds(500), .milliseconds(500)])
        XCTAssertEqual(context.totalWait, .wholeSeconds(1))
    }

    func testDecisionsNameTheNextAttempt() throws {
        var context = RetryContext(config: try RetryConfig(maxAttempts: 3, waitDuration: .milliseconds(100), multiplier: 2))
        XCTAssertEqual(context.record(.failure, uniformDraw: 0), .retry(after: .milliseconds(100), attempt: 2))
        XCTAssertEqual(context.record(.retryResult, uniformDraw: 0), .retry(after: .milliseconds(200), attempt: 3))
        XCTAssertEqual(context.record(.success, uniformDraw: 0), .finish(.success))
        XCTAssertEqual(context.record(.failure, uniformDraw: 0), .finish(.success), "a finished call stays finished")
        XCTAssertEqual(context.attemptsMade, 3)
    }

    func testRetryOnResultReturnsTheLastResultOrFailsAfterMaxAttempts() throws {
        let returning = run(try RetryConfig(maxAttempts: 2), [.failure, .retryResult])
        XCTAssertEqual(returning.result, .exhaustedResult)
        XCTAssertEqual(returning.waits.count, 1)
        let failing = run(try RetryConfig(maxAttempts: 2, failAfterMaxAttempts: true), [.retryResult, .retryResult])
        XCTAssertEqual(failing.result, .maxRetriesExceeded)
        // Exhausted exceptions always rethrow, whatever failAfterMaxAttempts says.
        XCTAssertEqual(run(try RetryConfig(maxAttempts: 2, failAfterMaxAttempts: true), [.retryResult, .failure]).result, .failure)
    }

    func testNonRetryableFailsAtOnceWithoutWaiting() throws {
        let context = run(try RetryConfig(maxAttempts: 5), [.failure, .nonRetryable, .success])
        XCTAssertEqual(context.result, .nonRetryableFailure)
        XCTAssertEqual(context.attemptsMade, 2)
        XCTAssertEqual(context.waits.count, 1)
    }

    func testSingleAttemptNeverWaits() throws {
        let context = run(try RetryConfig(maxAttempts: 1), [.failure])
        XCTAssertEqual(context.result, .failure)
        XCTAssertEqual(context.waits, [])
    }

    func testPropertiesMappingIgnoresMaxWaitWithoutMultiplier() throws {
        let config = try RetryConfig(maxAttempts: 3, waitDuration: .wholeSeconds(2), maxWaitDuration: .wholeSeconds(1))
        XCTAssertEqual(run(config, [.failure, .failure, .failure]).waits, [.wholeSeconds(2), .wholeSeconds(2)])
        let capped = try RetryConfig(maxAttempts: 4, waitDuration: .wholeSeconds(1), multiplier: 3, maxWaitDuration: .wholeSeconds(5))
        XCTAssertEqual(run(capped, [.failure, .failure, .failure, .failure]).waits, [.wholeSeconds(1), .wholeSeconds(3), .wholeSeconds(5)])
    }

    func testRandomizedWaitsUseTheCallersDraw() throws {
        let config = try RetryConfig(maxAttempts: 3, waitDuration: .wholeSeconds(1), randomizationFactor: 0.5)
        XCTAssertTrue(config.intervalFunction.isRandomized)
        XCTAssertEqual(run(config, [.failure, .failure, .failure], draw: 0).waits, [.milliseconds(500), .milliseconds(500)])
        let high = run(config, [.failure, .failure, .failure], draw: 0.999).waits
        for wait in high { XCTAssertTrue((TimeAmount.milliseconds(1499)...TimeAmount.milliseconds(1500)).contains(wait), "\(wait)") }
    }

    func testInvalidConfigurationsThrow() {
        XCTAssertThrowsError(try RetryConfig(maxAttempts: 0))
        XCTAssertThrowsError(try RetryConfig(waitDuration: .nanoseconds(-1)))
        XCTAssertThrowsError(try RetryConfig(waitDuration: .zero, multiplier: 2), "exponential back-off needs ≥ 1 ms")
        XCTAssertThrowsError(try RetryConfig(waitDuration: .wholeSeconds(1), randomizationFactor: 1))
        XCTAssertNoThrow(try RetryConfig(waitDuration: .zero))
    }
}
