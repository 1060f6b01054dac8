import Resilience
import XCTest

/// CLOSED-state behaviour: thresholds, minimum calls, count and time windows, slow calls.
final class CircuitBreakerClosedStateTests: XCTestCase {
    typealias F = BreakerFixtures

    func testOpensWhenFailureRateReachesThreshold() throws {
        var breaker = try CircuitBreaker(config: F.countBased(size: 4, minimumCalls: 4), now: .zero)
        breaker.record(.success, times: 2, at: .zero)
        breaker.record(.failure, times: 1, at: .zero)
        XCTAssertEqual(breaker.state, .closed)
        let events = breaker.onResult(.failure, duration: .zero, now: .zero)  // 2 of 4 = 50 % >= 50 %
        XCTAssertEqual(breaker.state, .open)
        XCTAssertEqual(events.first, .failureRateExceeded(50))
        XCTAssertTrue(events.contains(.stateTransition(from: .closed, to: .open)))
        XCTAssertEqual(breaker.attempts, 1)
        // The closed window carries over into OPEN.
        let m = breaker.metrics(at: .zero)
        XCTAssertEqual(m.failureRate, 50)
        XCTAssertEqual(m.numberOfBufferedCalls, 4)
    }

    func testRatesAreMinusOneBelowMinimumCalls() throws {
        var breaker = try CircuitBreaker(config: F.countBased(size: 10, minimumCalls: 5), now: .zero)
        breaker.record(.failure, times: 4, at: .zero)
        XCTAssertEqual(breaker.state, .closed)
        XCTAssertEqual(breaker.metrics(at: .zero).failureRate, -1)
        XCTAssertEqual(breaker.metrics(at: .zero).slowCallRate, -1)
        breaker.record(.failure, times: 1, at: .zero)
        XCTAssertEqual(breaker.state, .open)
    }

    func testCountWindowClampsMinimumCallsToItsSize() throws {
        var config = try F.countBased(size: 2, minimumCalls: 100)
        config.failureRateThreshold = 50
        XCTAssertEqual(config.effectiveMinimumNumberOfCalls, 2)
        var breaker = try CircuitBreaker(config: config, now: .zero)
        breaker.record(.failure, times: 2, at: .zero)
        XCTAssertEqual(breaker.state, .open)
    }

    func testCountWindowSlidesAndRatesAreJavaFloats() throws {
        var breaker = try CircuitBreaker(config: F.countBased(size: 3, minimumCalls: 3, threshold: 100), now: .zero)
        breaker.record(.failure, times: 1, at: .zero)
        breaker.record(.success, times: 2, at: .zero)
        XCTAssertEqual(breaker.metrics(at: .zero).failureRate, Float(100) / 3)
        XCTAssertEqual(breaker.metrics(at: .zero).failureRate.description, "33.333332")
        breaker.record(.success, times: 1, at: .zero)  // the failure slides out
        XCTAssertEqual(breaker.metrics(at: .zero).numberOfFailedCalls, 0)
        XCTAssertEqual(breaker.metrics(at: .zero).numberOfBufferedCalls, 3)
    }

    func testSlowCallsOpenTheBreaker() throws {
        var config = try F.countBased(size: 4, minimumCalls: 4, threshold: 100)
        config.slowCallDurationThreshold = .wholeSeconds(1)
        config.slowCallRateThreshold = 50
        var breaker = try CircuitBreaker(config: config, now: .zero)
        breaker.record(.success, times: 2, at: .zero, duration: .milliseconds(100))
        // Exactly the threshold is not slow: slow means strictly longer.
        breaker.record(.success, times: 1, at: .zero, duration: .wholeSeconds(1))
        XCTAssertEqual(breaker.metrics(at: .zero).numberOfSlowCalls, 0)
        let events = breaker.onResult(.failure, duration: F.d(1.5), now: .zero)
        XCTAssertEqual(breaker.state, .closed, "1 slow of 4 = 25 % < 50 %")
        XCTAssertTrue(events.isEmpty)
        XCTAssertEqual(breaker.metrics(at: .zero).numberOfSlowFailedCalls, 1)
        let trip = breaker.onResult(.success, duration: F.d(2), now: .zero)  // window: s, s(1s), f-slow, s-slow
        XCTAssertEqual(breaker.state, .open)
        XCTAssertEqual(trip.first, .slowCallRateExceeded(50))
        let m = breaker.metrics(at: .zero)
        XCTAssertEqual(m.numberOfSlowCalls, 2)
        XCTAssertEqual(m.numberOfSlowSuccessfulCalls, 1)
        XCTAssertEqual(m.numberOfSlowFailedCalls, 1)
    }

    func testTimeWindowExpiresCallsAtEpochSecondBoundaries() throws {
        var config = CircuitBreakerConfig()
        config.slidingWindowType = .timeBased
        config.slidingWindowSize = 10
        config.minimumNumberOfCalls = 2
        config.failureRateThreshold = 60
        var breaker = try CircuitBreaker(config: config, now: .zero)
        _ = breaker.onResult(.failure, duration: .zero, now: F.t(0.9))
        _ = breaker.onResult(.success, duration: .zero, now: F.t(5))
        XCTAssertEqual(breaker.metrics(at: F.t(9.999)).numberOfBufferedCalls, 2)
        // The call of second 0 is gone from second 10 on, although it was made at 0.9 s.
        XCTAssertEqual(breaker.metrics(at: F.t(10)).numberOfBufferedCalls, 1)
        XCTAssertEqual(breaker.metrics(at: F.t(10)).failureRate, -1)
        // Time passing alone never changes the state.
        XCTAssertEqual(breaker.state, .closed)
        XCTAssertEqual(breaker.metrics(at: F.t(100)).numberOfBufferedCalls, 0)
        _ = breaker.onResult(.failure, duration: .zero, now: F.t(100))
        _ = breaker.onResult(.failure, duration: .zero, now: F.t(100.5))
        XCTAssertEqual(breaker.state, .open)
    }

    func testTimeWindowDoesNotClampMinimumCalls() throws {
        var config = CircuitBreakerConfig()
        config.slidingWindowType = .timeBased
        config.slidingWindowSize = 2
        config.minimumNumberOfCalls = 3
        var breaker = try CircuitBreaker(config: config, now: .zero)
        breaker.record(.failure, times: 2, at: .zero)
        XCTAssertEqual(breaker.state, .closed)
        breaker.record(.failure, times: 1, at: .zero)
        XCTAssertEqual(breaker.state, .open)
    }

    func testIgnoredOutcomeRecordsNothing() throws {
        var breaker = try CircuitBreaker(config: F.countBased(size: 2, minimumCalls: 2), now: .zero)
        breaker.record(.ignored, times: 5, at: .zero)
        XCTAssertEqual(breaker.metrics(at: .zero).numberOfBufferedCalls, 0)
    }

    func testBadConfigurationThrowsPreciseErrors() {
        func attempt(_ change: (inout CircuitBreakerConfig) -> Void) -> Error? {
            var config = CircuitBreakerConfig()
            change(&config)
            do { _ = try CircuitBreaker(config: config, now: .zero) } catch { return error }
            return nil
        }
        XCTAssertEqual(attempt { $0.failureRateThreshold = 0 } as? CircuitBreakerConfigError, .failureRateThresholdOutOfRange(0))
        XCTAssertEqual(attempt { $0.failureRateThreshold = .nan }.map { "\($0)" }?.contains("failureRateThreshold"), true)
        XCTAssertEqual(attempt { $0.slowCallRateThreshold = 100.5 } as? CircuitBreakerConfigError, .slowCallRateThresholdOutOfRange(100.5))
        XCTAssertEqual(attempt { $0.slidingWindowSize = 0 } as? CircuitBreakerConfigError, .slidingWindowSizeBelowOne(0))
        XCTAssertEqual(attempt { $0.minimumNumberOfCalls = 0 } as? CircuitBreakerConfigError, .minimumNumberOfCallsBelowOne(0))
        XCTAssertEqual(attempt { $0.permittedNumberOfCallsInHalfOpenState = 0 } as? CircuitBreakerConfigError,
                       .permittedNumberOfCallsInHalfOpenStateBelowOne(0))
        XCTAssertEqual(attempt { $0.slowCallDurationThreshold = .zero } as? CircuitBreakerConfigError,
                       .slowCallDurationThresholdTooShort(.zero))
        XCTAssertEqual(attempt { $0.transitionToStateAfterWaitDuration = .halfOpen } as? CircuitBreakerConfigError,
                       .transitionToStateAfterWaitDurationInvalid(.halfOpen))
        XCTAssertNotNil(attempt { $0.waitIntervalFunctionInOpenState = try! .randomized(.wholeSeconds(1)) })
        var config = CircuitBreakerConfig()
        XCTAssertThrowsError(try config.setWaitDurationInOpenState(.microseconds(999)))
        XCTAssertNil(attempt { _ in })
    }
}
