import XCTest
@testable import SimKernel

final class EventQueueTests: XCTestCase {
    func testSimultaneousEventsRunInInsertionOrder() {
        var queue = EventQueue<Int>()
        let t = Instant(nanoseconds: 5)
        for i in 0..<100 { queue.push(i, at: t) }
        queue.push(-1, at: Instant(nanoseconds: 4))
        var order: [Int] = []
        while let e = queue.popMin() { order.append(e.payload) }
        XCTAssertEqual(order, [-1] + Array(0..<100))
    }

    func testEventsLeaveInTimeOrder() {
        var queue = EventQueue<Int64>()
        let times: [Int64] = [50, 10, 40, 10, 30, 20, 0, 99]
        for t in times { queue.push(t, at: Instant(nanoseconds: t)) }
        var out: [Int64] = []
        while let e = queue.popMin() { out.append(e.time.nanoseconds) }
        XCTAssertEqual(out, times.sorted())
    }

    func testCancelledEventNeverRunsAndCountsStayRight() {
        var queue = EventQueue<String>()
        let a = queue.push("a", at: Instant(nanoseconds: 1))
        let b = queue.push("b", at: Instant(nanoseconds: 2))
        queue.push("c", at: Instant(nanoseconds: 3))
        XCTAssertTrue(queue.cancel(b))
        XCTAssertFalse(queue.cancel(b), "a second cancel reports that nothing was cancelled")
        XCTAssertEqual(queue.pendingCount, 2)
        XCTAssertEqual(queue.popMin()?.payload, "a")
        XCTAssertFalse(queue.cancel(a), "an event that already ran cannot be cancelled")
        XCTAssertEqual(queue.pendingCount, 1)
        XCTAssertEqual(queue.popMin()?.payload, "c")
        XCTAssertNil(queue.popMin())
        XCTAssertTrue(queue.isEmpty)
    }

    func testNextTimeSkipsCancelledHead() {
        var queue = EventQueue<Int>()
        let first = queue.push(1, at: Instant(nanoseconds: 1))
        queue.push(2, at: Instant(nanoseconds: 7))
        queue.cancel(first)
        XCTAssertEqual(queue.nextTime(), Instant(nanoseconds: 7))
    }
}
