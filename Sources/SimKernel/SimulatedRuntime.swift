/// The simulated runtime: the kernel with callbacks as events, and virtual time that jumps from
/// one event to the next.
///
/// Like swift-nio's `EmbeddedEventLoop` and SimPy's `Environment`, it runs nothing on its own:
/// the owner drives it with `run(until:)`, `runUntilIdle()` or `run(events:)`. Everything due at
/// the same instant runs in the order it was scheduled.
public final class SimulatedRuntime: Runtime {
    private var simulation = Simulation<ScheduledAction>()
    private var stopRequested = false
    public let streams: RandomStreams
    public let backends: RuntimeBackends
    /// Sees every callback before it runs (the `--trace` export); nil, the default, costs a nil check.
    public var observer: (any RuntimeObserver)?

    /// A runtime whose random streams derive from `seed`.
    public init(seed: UInt64, backends: RuntimeBackends? = nil) {
        self.streams = RandomStreams(runSeed: seed)
        self.backends = backends ?? RuntimeBackends(stateStore: InMemoryStateStore())
    }

    public var now: Instant { simulation.now }
    public var digest: TraceDigest { simulation.digest }
    /// Callbacks still scheduled.
    public var pendingCount: Int { simulation.pendingCount }

    @discardableResult
    public func schedule(at time: Instant, _ kind: EventKind, entity: UInt64, _ action: @escaping () -> Void) throws(KernelError) -> EventHandle {
        if let observer { observer.scheduled(kind) }
        return try simulation.schedule(ScheduledAction(kind: kind, entity: entity, run: action), at: time)
    }

    @discardableResult
    public func schedule(after delay: TimeAmount, _ kind: EventKind, entity: UInt64, _ action: @escaping () -> Void) throws(KernelError) -> EventHandle {
        if let observer { observer.scheduled(kind) }
        return try simulation.schedule(ScheduledAction(kind: kind, entity: entity, run: action), after: delay)
    }

    @discardableResult
    public func cancel(_ handle: EventHandle) -> Bool { simulation.cancel(handle) }

    public func randomStream(named name: String) -> RandomStream { streams.stream(named: name) }

    /// Asks the current `run` to return after the callback that is running now.
    public func stop() { stopRequested = true }

    /// Runs every callback due at or before `limit`, then leaves the clock at `limit`.
    /// Returns the number of callbacks run.
    @discardableResult
    public func run(until limit: Instant) throws(KernelError) -> Int {
        guard limit >= now else {
            throw .invalidRunLimit("cannot run until \(limit.seconds) s: the clock is already at \(now.seconds) s")
        }
        stopRequested = false
        var executed = 0
        while !stopRequested, let action = simulation.nextEvent(notAfter: limit) {
            if let observer { observer.willRun(kind: action.traceKind, entity: action.traceEntity, at: simulation.now) }
            action.run()
            executed += 1
        }
        if !stopRequested { try simulation.advanceClock(to: limit) }
        return executed
    }

    /// Runs until no callback is scheduled (or `stop()` is called).
    @discardableResult
    public func runUntilIdle() -> Int {
        stopRequested = false
        var executed = 0
        while !stopRequested, let action = simulation.nextEvent() {
            if let observer { observer.willRun(kind: action.traceKind, entity: action.traceEntity, at: simulation.now) }
            action.run()
            executed += 1
        }
        return executed
    }

    /// Runs at most `count` callbacks.
    @discardableResult
    public func run(events count: Int) throws(KernelError) -> Int {
        guard count >= 0 else { throw .invalidRunLimit("the number of events must be ≥ 0, got \(count)") }
        stopRequested = false
        var executed = 0
        while executed < count, !stopRequested, let action = simulation.nextEvent() {
            if let observer { observer.willRun(kind: action.traceKind, entity: action.traceEntity, at: simulation.now) }
            action.run()
            executed += 1
        }
        return executed
    }
}
