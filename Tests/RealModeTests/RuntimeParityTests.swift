import Dispatch
import Foundation
import RealMode
import SimKernel
import XCTest

/// A small service model written only against the `Runtime` contract: requests arrive every
/// 3 ms; each takes a service time drawn from a named stream (1–8 ms) and has a 5 ms timeout;
/// whichever fires first decides, and cancels the other. Each request's decision depends only
/// on its own two timers, scheduled from one reading of `now`, so both runtimes must reach the
/// same decision for every request. (The interleaving of *different* requests' decisions may
/// differ by wall-clock jitter when they fall within microseconds of each other, so decisions
/// are compared in request order.)
final class TimeoutModel {
    static let arrival = EventKind("parity.arrival")
    static let completion = EventKind("parity.completion")
    static let timeout = EventKind("parity.timeout")

    let runtime: any Runtime
    let requests: Int
    private(set) var decisionLog: [(request: Int, decision: String)] = []

    /// Decisions in request order.
    var decisions: [String] { decisionLog.sorted { $0.request < $1.request }.map { "\($0.request):\($0.decision)" } }

    init(runtime: any Runtime, requests: Int) {
        self.runtime = runtime
        self.requests = requests
    }

    func start() throws {
        try runtime.schedule(after: .milliseconds(1), Self.arrival, entity: 0) { self.arrive(0) }
    }

    private func arrive(_ id: Int) {
        let service = runtime.randomStream(named: "service")
        let serviceTime = TimeAmount.saturatingSeconds(0.001 + 0.007 * service.uniform())
        // One reading of `now` for both timers, so their order is fixed by the draw alone.
        let now = runtime.now
        var completionHandle: EventHandle?
        let timeoutHandle = try! runtime.schedule(at: now + .milliseconds(5), Self.timeout, entity: UInt64(id)) {
            self.decisionLog.append((id, "timeout"))
            if let c = completionHandle { self.runtime.cancel(c) }
        }
        completionHandle = try! runtime.schedule(at: now + serviceTime, Self.completion, entity: UInt64(id)) {
            self.decisionLog.append((id, "completed"))
            self.runtime.cancel(timeoutHandle)
        }
        if id + 1 < requests {
            try! runtime.schedule(after: .milliseconds(3), Self.arrival, entity: UInt64(id + 1)) { self.arrive(id + 1) }
        }
    }
}

final class RuntimeParityTests: XCTestCase {
    func testTheSameModelMakesTheSameDecisionsOnBothRuntimes() throws {
        let simulated = SimulatedRuntime(seed: 2026)
        let simModel = TimeoutModel(runtime: simulated, requests: 40)
        try simModel.start()
        simulated.runUntilIdle()

        let wallClock = WallClockRuntime(seed: 2026)
        let realModel = TimeoutModel(runtime: wallClock, requests: 40)
        try realModel.start()
        wallClock.runUntilIdle()

        XCTAssertEqual(simModel.decisions.count, 40)
        XCTAssertTrue(simModel.decisions.contains { $0.hasSuffix("timeout") })
        XCTAssertTrue(simModel.decisions.contains { $0.hasSuffix("completed") })
        XCTAssertEqual(simModel.decisions, realModel.decisions)
        // The wall clock really waited: 40 arrivals 3 ms apart take at least 117 ms.
        XCTAssertGreaterThanOrEqual(wallClock.now, Instant(nanoseconds: 117_000_000))
    }

    func testBackgroundWorkCompletesOnTheLoopAndRunUntilIdleWaitsForIt() {
        let rt = WallClockRuntime(seed: 1)
        let done = EventKind("work.done")
        let workers = DispatchQueue(label: "workers", attributes: .concurrent)
        var completed: [Int] = []
        var ranOnLoop = true
        for i in 0..<8 {
            // Later items finish sooner on the worker threads; completions run when they arrive.
            rt.perform(done, entity: UInt64(i), on: workers, work: { () -> Int in
                usleep(UInt32(2_000 * (8 - i)))
                return i * i
            }, then: { square in
                if !Thread.isMainThread { ranOnLoop = false }
                completed.append(square)
            })
        }
        rt.runUntilIdle()  // must wait for all eight, then return
        XCTAssertEqual(completed.sorted(), (0..<8).map { $0 * $0 })
        XCTAssertTrue(ranOnLoop, "completions must run on the loop's thread")
        XCTAssertEqual(rt.digest.eventCount, 8)
    }

    func testPostFromAnotherThreadWakesTheLoop() {
        let rt = WallClockRuntime(seed: 1)
        let flag = Flag()
        try! rt.schedule(after: .milliseconds(200), EventKind("deadline"), entity: 0) { rt.stop() }
        Thread.detachNewThread {
            usleep(10_000)
            rt.post(EventKind("poke"), entity: 1) { flag.set() }
        }
        rt.run(until: rt.now + .wholeSeconds(5))
        XCTAssertTrue(flag.isSet)
    }

    func testRunUntilReturnsAtTheLimitWithTimersStillPending() throws {
        let rt = WallClockRuntime(seed: 1)
        var fired = false
        try rt.schedule(after: .wholeSeconds(60), EventKind("late"), entity: 0) { fired = true }
        rt.run(until: rt.now + .milliseconds(20))
        XCTAssertFalse(fired)
        XCTAssertThrowsError(try rt.schedule(at: .zero, EventKind("past"), entity: 0) {})
    }
}

/// A flag set on one thread and read on another.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}
