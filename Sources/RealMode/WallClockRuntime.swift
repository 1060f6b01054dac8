import Dispatch
import Foundation
import SimKernel

/// The real-mode runtime: the kernel's event list advanced by the wall clock.
///
/// The loop waits until the next event is due (or until another thread posts work), then runs
/// it; `now` is the monotonic time since the runtime was created. Work done on other threads (a
/// libav transcode) hands its completion back with `post(_:)`, which is safe from any thread; the
/// callback then runs on the loop like every other event. This is SimPy's
/// `RealtimeEnvironment` and swift-nio's `SelectableEventLoop` in one: the same `Runtime`
/// contract as `SimulatedRuntime`, so services do not know which one they run on.
public final class WallClockRuntime: Runtime, @unchecked Sendable {
    // Loop state: touched only on the loop thread.
    private var simulation = Simulation<ScheduledAction>()
    private var stopRequested = false
    private let origin: UInt64
    public let streams: RandomStreams
    public let backends: RuntimeBackends

    // Cross-thread inbox, guarded by `condition`.
    private let condition = NSCondition()
    private var inbox: [Posted] = []
    private var outstandingWork = 0
    // Completions of background work, kept on the loop until their result arrives.
    private var completions: [UInt64: (any Sendable) -> Void] = [:]
    private var nextTicket: UInt64 = 0

    private enum Posted {
        case action(kind: EventKind, entity: UInt64, run: @Sendable () -> Void)
        case result(ticket: UInt64, kind: EventKind, entity: UInt64, value: any Sendable)
    }

    public init(seed: UInt64, backends: RuntimeBackends? = nil) {
        self.origin = DispatchTime.now().uptimeNanoseconds
        self.streams = RandomStreams(runSeed: seed)
        self.backends = backends ?? RuntimeBackends(stateStore: InMemoryStateStore())
    }

    /// Time since the runtime was created, from the monotonic clock.
    public var now: Instant { Instant(nanoseconds: Int64(DispatchTime.now().uptimeNanoseconds - origin)) }
    public var digest: TraceDigest { simulation.digest }

    @discardableResult
    public func schedule(at time: Instant, _ kind: EventKind, entity: UInt64, _ action: @escaping () -> Void) throws(KernelError) -> EventHandle {
        let current = now
        guard time >= current else { throw .scheduledInThePast(requested: time, now: current) }
        return try simulation.schedule(ScheduledAction(kind: kind, entity: entity, run: action), at: time)
    }

    @discardableResult
    public func schedule(after delay: TimeAmount, _ kind: EventKind, entity: UInt64, _ action: @escaping () -> Void) throws(KernelError) -> EventHandle {
        guard delay.nanoseconds >= 0 else { throw .negativeDelay(delay) }
        return try simulation.schedule(ScheduledAction(kind: kind, entity: entity, run: action), at: now + delay)
    }

    @discardableResult
    public func cancel(_ handle: EventHandle) -> Bool { simulation.cancel(handle) }

    public func randomStream(named name: String) -> RandomStream { streams.stream(named: name) }

    /// Runs `work` on `queue` (a worker thread) and then `completion` with its result back on
    /// the loop, as an event of `kind`. `runUntilIdle` waits for outstanding work. Only `work`
    /// crosses threads, so `completion` may touch loop-owned state freely.
    public func perform<Result: Sendable>(
        _ kind: EventKind, entity: UInt64, on queue: DispatchQueue,
        work: @escaping @Sendable () -> Result, then completion: @escaping (Result) -> Void
    ) {
        let ticket = nextTicket
        nextTicket += 1
        completions[ticket] = { value in completion(value as! Result) }
        condition.lock()
        outstandingWork += 1
        condition.unlock()
        queue.async {
            let value = work()
            self.enqueue(.result(ticket: ticket, kind: kind, entity: entity, value: value), completingWork: true)
        }
    }

    /// Hands a callback to the loop from any thread; it runs as soon as the loop is free.
    public func post(_ kind: EventKind, entity: UInt64, _ action: @escaping @Sendable () -> Void) {
        enqueue(.action(kind: kind, entity: entity, run: action), completingWork: false)
    }

    private func enqueue(_ posted: Posted, completingWork: Bool) {
        condition.lock()
        inbox.append(posted)
        if completingWork { outstandingWork -= 1 }
        condition.signal()
        condition.unlock()
    }

    /// Asks the loop to return after the current callback.
    public func stop() { stopRequested = true }

    /// Runs events as they fall due until `limit` has passed on the wall clock.
    @discardableResult
    public func run(until limit: Instant) -> Int { loop(limit: limit, untilIdle: false) }

    /// Runs until nothing is scheduled, nothing is posted and no external work is outstanding.
    @discardableResult
    public func runUntilIdle() -> Int { loop(limit: .distantFuture, untilIdle: true) }

    private func loop(limit: Instant, untilIdle: Bool) -> Int {
        stopRequested = false
        var executed = 0
        while !stopRequested {
            drainInbox()
            let current = now
            if let due = simulation.nextEventTime(), due <= current, due <= limit {
                if let action = simulation.nextEvent() {
                    action.run()
                    executed += 1
                }
                continue
            }
            if current >= limit { break }
            let wake = min(simulation.nextEventTime() ?? .distantFuture, limit)
            condition.lock()
            if inbox.isEmpty {
                if untilIdle && wake == .distantFuture && outstandingWork == 0 {
                    condition.unlock()
                    break
                }
                if wake == .distantFuture {
                    condition.wait()
                } else {
                    let seconds = max(0, (wake - now).seconds)
                    _ = condition.wait(until: Date(timeIntervalSinceNow: seconds))
                }
            }
            condition.unlock()
        }
        return executed
    }

    /// Moves posted callbacks into the event list at the current time, in the order posted.
    private func drainInbox() {
        condition.lock()
        let posted = inbox
        inbox.removeAll(keepingCapacity: true)
        condition.unlock()
        guard !posted.isEmpty else { return }
        let at = max(now, simulation.now)
        for item in posted {
            let action: ScheduledAction
            switch item {
            case let .action(kind, entity, run):
                action = ScheduledAction(kind: kind, entity: entity, run: run)
            case let .result(ticket, kind, entity, value):
                let completion = completions.removeValue(forKey: ticket)!
                action = ScheduledAction(kind: kind, entity: entity) { completion(value) }
            }
            // `at` is not before the kernel's clock, so this cannot fail.
            try! simulation.schedule(action, at: at)
        }
    }
}
