import Resilience
import XCTest

/// Seed §1.3.1's deferred retry queue, as written and as intended.
final class DeferredRetryQueueTests: XCTestCase {
    private func t(_ s: Double) -> Instant { Instant(nanoseconds: Int64((s * 1e9).rounded())) }

    func testFirstRetryIsFiveSecondsLaterAndDueTasksComeOutInOrder() throws {
        var queue = try DeferredRetryQueue(configuration: .intended)
        guard case .queued(let a) = queue.add(kind: "notify_video_processing", sessionID: "s1", now: t(0)) else { return XCTFail() }
        _ = queue.add(kind: "notify_video_processing", sessionID: "s2", now: t(0))
        _ = queue.add(kind: "notify_video_processing", sessionID: "s0", now: t(-1))
        XCTAssertEqual(a.nextRetry, t(5))
        XCTAssertEqual(a.attempts, 0)
        XCTAssertEqual(queue.nextRetryDue, t(4))
        XCTAssertEqual(queue.takeDue(now: t(4.9)).map(\.sessionID), ["s0"])
        XCTAssertEqual(queue.takeDue(now: t(5)).map(\.sessionID), ["s1", "s2"], "ties run in queuing order")
        XCTAssertEqual(queue.inFlightCount, 3)
        XCTAssertEqual(queue.pendingCount, 0)
        XCTAssertNil(queue.nextRetryDue)
    }

    func testIntendedBacksOffAndDeadLettersAfterMaxRetries() throws {
        var config = DeferredRetryQueue.Configuration.intended
        config.backoff = try .exponentialBackoff(initial: .wholeSeconds(5), multiplier: 2)
        config.maxRetries = 3
        var queue = try DeferredRetryQueue(configuration: config)
        _ = queue.add(kind: "k", sessionID: "s", now: t(0))
        var now = t(5)
        var waits: [TimeAmount] = []
        var last: DeferredRetryQueue.Event?
        while let task = queue.takeDue(now: now).first {
            last = queue.complete(task, outcome: .failed, now: now, uniformDraw: 0.5)
            if case .rescheduled(let next)? = last {
                waits.append(next.nextRetry - now)
                now = next.nextRetry
            }
        }
        XCTAssertEqual(waits, [.wholeSeconds(5), .wholeSeconds(10)])
        guard case .deadLettered(let task, .retriesExhausted)? = last else { return XCTFail("\(String(describing: last))") }
        XCTAssertEqual(task.attempts, 3)
        XCTAssertEqual(queue.deadLetteredCount, 1)
        XCTAssertEqual(queue.pendingCount + queue.inFlightCount, 0)
    }

    func testAsWrittenRetriesEveryFiveSecondsForeverAndDuplicates() throws {
        var queue = try DeferredRetryQueue(configuration: .asWritten)
        _ = queue.add(kind: "k", sessionID: "s", now: t(0))
        XCTAssertEqual(queue.add(kind: "k", sessionID: "s", now: t(0)).isQueued, true, "no coalescing as written")
        var now = t(5)
        for _ in 0..<100 {
            let due = queue.takeDue(now: now)
            XCTAssertEqual(due.count, 2, "both copies retry in lock-step")
            for task in due {
                guard case .rescheduled(let next)? = queue.complete(task, outcome: .failed, now: now, uniformDraw: 0) else { return XCTFail() }
                XCTAssertEqual(next.attempts, 0)
                XCTAssertEqual(next.nextRetry, now + .wholeSeconds(5))
            }
            now = now + .wholeSeconds(5)
        }
        XCTAssertEqual(queue.deadLetteredCount, 0)
    }

    func testIntendedCoalescesAndBoundsTheQueue() throws {
        var config = DeferredRetryQueue.Configuration.intended
        config.capacity = 2
        var queue = try DeferredRetryQueue(configuration: config)
        XCTAssertTrue(queue.add(kind: "k", sessionID: "a", now: t(0)).isQueued)
        guard case .coalesced = queue.add(kind: "k", sessionID: "a", now: t(1)) else { return XCTFail() }
        XCTAssertTrue(queue.add(kind: "k", sessionID: "b", now: t(1)).isQueued)
        guard case .deadLettered(_, .queueFull) = queue.add(kind: "k", sessionID: "c", now: t(1)) else { return XCTFail() }
        let due = queue.takeDue(now: t(10))
        guard case .coalesced = queue.add(kind: "k", sessionID: "a", now: t(10)) else { return XCTFail("in flight counts") }
        for task in due { XCTAssertEqual(queue.complete(task, outcome: .succeeded, now: t(10), uniformDraw: 0), .completed(task)) }
        XCTAssertTrue(queue.add(kind: "k", sessionID: "a", now: t(11)).isQueued)
        XCTAssertEqual(queue.completedCount, 2)
        XCTAssertNil(queue.complete(due[0], outcome: .succeeded, now: t(11), uniformDraw: 0), "not in flight any more")
    }

    func testBreakerRejectionDefersWithoutSpendingAnAttempt() throws {
        var queue = try DeferredRetryQueue(configuration: .intended)
        _ = queue.add(kind: "k", sessionID: "s", now: t(0))
        let task = try XCTUnwrap(queue.takeDue(now: t(5)).first)
        guard case .rescheduled(let next)? = queue.complete(task, outcome: .notPermitted(notBefore: t(60)), now: t(5), uniformDraw: 0.5)
        else { return XCTFail() }
        XCTAssertEqual(next.attempts, 0)
        XCTAssertEqual(next.nextRetry, t(60) + .nanoseconds(1), "strictly after the breaker's retryAfter")
    }

    func testIntendedExpiresOldTasks() throws {
        var config = DeferredRetryQueue.Configuration.intended
        config.maxAge = .minutes(1)
        config.maxRetries = 1_000
        var queue = try DeferredRetryQueue(configuration: config)
        _ = queue.add(kind: "k", sessionID: "s", now: t(0))
        var now = t(5)
        var last: DeferredRetryQueue.Event?
        while let task = queue.takeDue(now: now).first {
            last = queue.complete(task, outcome: .notPermitted(notBefore: nil), now: now, uniformDraw: 0.5)
            if case .rescheduled(let next)? = last { now = next.nextRetry }
        }
        guard case .deadLettered(_, .expired)? = last else { return XCTFail("\(String(describing: last))") }
    }

    func testInvalidConfigurationThrows() {
        var config = DeferredRetryQueue.Configuration.intended
        config.maxRetries = 0
        XCTAssertThrowsError(try DeferredRetryQueue(configuration: config))
        config = .intended
        config.capacity = 0
        XCTAssertThrowsError(try DeferredRetryQueue(configuration: config))
        config = .intended
        config.firstRetryDelay = .nanoseconds(-1)
        XCTAssertThrowsError(try DeferredRetryQueue(configuration: config))
    }
}

private extension DeferredRetryQueue.Event {
    var isQueued: Bool {
        if case .queued = self { return true }
        return false
    }
}
