import Resilience
import XCTest

private func event(_ id: Int) -> AnalyticsEvent {
    AnalyticsEvent(eventID: "e\(id)", eventType: "click", userID: "u", timestamp: .zero, priority: .high)
}

private func seconds(_ s: Int64) -> Instant { Instant.zero + .wholeSeconds(s) }

final class EventBatchProcessorTests: XCTestCase {
    func testSeedBatchSizesAndIntervals() {
        let p = EventPriority.allCases.map { EventBatchProcessor(priority: $0, now: .zero) }
        XCTAssertEqual(p.map(\.batchSize), [10, 50, 200, 1_000])
        XCTAssertEqual(p.map(\.flushInterval), [.wholeSeconds(1), .wholeSeconds(5), .wholeSeconds(15), .minutes(1)])
    }

    func testFlushesWhenTheBatchIsFull() throws {
        var p = try EventBatchProcessor(batchSize: 3, flushInterval: .wholeSeconds(10), now: .zero)
        XCTAssertEqual(p.add(event(1), now: seconds(1)), .armFlushTimer(at: seconds(10)))
        XCTAssertEqual(p.add(event(2), now: seconds(2)), .none)
        XCTAssertEqual(p.add(event(3), now: seconds(3)), .flushNow([event(1), event(2), event(3)]))
        XCTAssertEqual(p.lastFlush, seconds(3))
        XCTAssertNil(p.flushTimer)
        XCTAssertEqual(p.flushTimerFired(now: seconds(10)), .none, "the old timer is stale")
        XCTAssertTrue(p.isBalanced)
    }

    func testTimerFlushesAPartialBatchOneIntervalAfterTheLastFlush() throws {
        var p = try EventBatchProcessor(batchSize: 100, flushInterval: .wholeSeconds(5), now: .zero)
        XCTAssertEqual(p.add(event(1), now: seconds(1)), .armFlushTimer(at: seconds(5)))
        XCTAssertEqual(p.add(event(2), now: seconds(4)), .none)
        XCTAssertEqual(p.flushTimerFired(now: seconds(4)), .none, "early firing does nothing")
        XCTAssertEqual(p.flushTimerFired(now: seconds(5)), .flushNow([event(1), event(2)]))
        XCTAssertEqual(p.add(event(3), now: seconds(6)), .armFlushTimer(at: seconds(10)))
    }

    func testAnEventAfterAnIdleSpellIsFlushedAlone() throws {
        // As in the seed: `last_flush` only moves on a flush, so after a quiet interval the
        // next event finds `time() - last_flush >= flush_interval`.
        var p = try EventBatchProcessor(batchSize: 100, flushInterval: .wholeSeconds(5), now: .zero)
        XCTAssertEqual(p.add(event(1), now: seconds(7)), .flushNow([event(1)]))
    }

    func testAFailedFlushKeepsTheBatchAndRetriesAfterAnInterval() throws {
        var p = try EventBatchProcessor(batchSize: 2, flushInterval: .wholeSeconds(5), now: .zero)
        _ = p.add(event(1), now: seconds(1))
        guard case let .flushNow(batch) = p.add(event(2), now: seconds(2)) else { return XCTFail("expected a flush") }
        XCTAssertEqual(p.flushFailed(batch, now: seconds(3)), .armFlushTimer(at: seconds(8)))
        XCTAssertEqual(p.pendingBatch, [event(1), event(2)])
        XCTAssertEqual(p.lastFlush, .zero, "a failed flush does not count as a flush")
        XCTAssertTrue(p.isBalanced)
        XCTAssertEqual(p.add(event(3), now: seconds(6)), .flushNow([event(1), event(2), event(3)]))
        XCTAssertEqual(p.addedCount, 3)
        XCTAssertEqual(p.flushedCount, 3)
        XCTAssertTrue(p.isBalanced)
    }

    func testInvalidConfigurationThrows() {
        XCTAssertThrowsError(try EventBatchProcessor(batchSize: 0, flushInterval: .wholeSeconds(1), now: .zero)) {
            XCTAssertEqual($0 as? EventBatchProcessorError, .nonPositiveBatchSize(0))
        }
        XCTAssertThrowsError(try EventBatchProcessor(batchSize: 1, flushInterval: .zero, now: .zero)) {
            XCTAssertEqual($0 as? EventBatchProcessorError, .nonPositiveFlushInterval(.zero))
        }
    }
}
