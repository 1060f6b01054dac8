import XCTest
@testable import SimKernel

final class SimulatedRuntimeTests: XCTestCase {
    let tick = EventKind("test.tick")

    func testScheduleAtAndAfterRunInTimeThenInsertionOrder() throws {
        let rt = SimulatedRuntime(seed: 1)
        var log: [String] = []
        try rt.schedule(at: Instant(nanoseconds: 20), tick, entity: 1) { log.append("at20") }
        try rt.schedule(after: .nanoseconds(10), tick, entity: 2) { log.append("after10") }
        try rt.schedule(at: Instant(nanoseconds: 20), tick, entity: 3) {
            log.append("at20-second")
            try! rt.schedule(after: .zero, self.tick, entity: 4) { log.append("same-instant-child") }
        }
        XCTAssertEqual(rt.runUntilIdle(), 4)
        XCTAssertEqual(log, ["after10", "at20", "at20-second", "same-instant-child"])
        XCTAssertEqual(rt.now, Instant(nanoseconds: 20))
    }

    func testSchedulingInThePastAndNegativeDelaysAreRejected() throws {
        let rt = SimulatedRuntime(seed: 1)
        try rt.schedule(at: Instant(nanoseconds: 100), tick, entity: 0) {}
        rt.runUntilIdle()
        XCTAssertThrowsError(try rt.schedule(at: Instant(nanoseconds: 99), tick, entity: 0) {}) { error in
            XCTAssertEqual(error as? KernelError, .scheduledInThePast(requested: Instant(nanoseconds: 99), now: Instant(nanoseconds: 100)))
            XCTAssertTrue("\(error)".contains("already at"))
        }
        XCTAssertThrowsError(try rt.schedule(after: .nanoseconds(-1), tick, entity: 0) {}) { error in
            XCTAssertEqual(error as? KernelError, .negativeDelay(.nanoseconds(-1)))
        }
        XCTAssertThrowsError(try rt.run(events: -1))
        XCTAssertThrowsError(try rt.run(until: Instant(nanoseconds: 50)))
    }

    func testTimeValuesRejectNaNAndInfinity() {
        XCTAssertThrowsError(try TimeAmount.seconds(.nan))
        XCTAssertThrowsError(try TimeAmount.seconds(.infinity))
        XCTAssertThrowsError(try TimeAmount.seconds(1e12))
        XCTAssertEqual(try TimeAmount.seconds(1.5).nanoseconds, 1_500_000_000)
    }

    func testRunUntilStopsAtLimitAndLeavesTheClockThere() throws {
        let rt = SimulatedRuntime(seed: 1)
        var fired: [Int64] = []
        for t in [10, 20, 30, 40] as [Int64] {
            try rt.schedule(at: Instant(nanoseconds: t), tick, entity: UInt64(t)) { fired.append(t) }
        }
        XCTAssertEqual(try rt.run(until: Instant(nanoseconds: 30)), 3)
        XCTAssertEqual(fired, [10, 20, 30])
        XCTAssertEqual(try rt.run(until: Instant(nanoseconds: 35)), 0)
        XCTAssertEqual(rt.now, Instant(nanoseconds: 35))
        XCTAssertEqual(rt.pendingCount, 1)
    }

    func testRunForNEventsAndStop() throws {
        let rt = SimulatedRuntime(seed: 1)
        var count = 0
        func again() { count += 1; try! rt.schedule(after: .nanoseconds(1), tick, entity: 0, again) }
        try rt.schedule(after: .zero, tick, entity: 0, again)
        XCTAssertEqual(try rt.run(events: 5), 5)
        XCTAssertEqual(count, 5)
        try rt.schedule(after: .nanoseconds(1), tick, entity: 9) { rt.stop() }
        // The stop event is due together with the next `again`, and was scheduled later: both run.
        XCTAssertEqual(rt.runUntilIdle(), 2)
    }

    func testCancelledTimeoutDoesNotFire() throws {
        let rt = SimulatedRuntime(seed: 1)
        var outcome = ""
        let timeout = try rt.schedule(after: .milliseconds(5), tick, entity: 1) { outcome = "timed out" }
        try rt.schedule(after: .milliseconds(3), tick, entity: 1) {
            outcome = "completed"
            rt.cancel(timeout)
        }
        rt.runUntilIdle()
        XCTAssertEqual(outcome, "completed")
        XCTAssertFalse(rt.cancel(timeout))
    }
}
