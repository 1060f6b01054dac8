/// An event that can be folded into the trace digest: what kind it is and which entity
/// (customer, pod, job) it concerns.
public protocol TraceableEvent {
    /// `EventKind.rawValue` of the event's kind.
    var traceKind: UInt32 { get }
    /// The entity the event concerns (0 when none).
    var traceEntity: UInt64 { get }
}

/// The discrete-event kernel: virtual time, the future-event list and the trace digest.
///
/// A model pulls events one at a time with `nextEvent()` and handles them itself, as in SimPy's
/// `step()` or a plain C event loop: events are value types stored inline in the heap, so the hot
/// path allocates nothing per event. `SimulatedRuntime` is this kernel with closures as events,
/// for services that want callbacks; performance-critical models (the queueing validation, the
/// kernel benchmark) use a small enum as `Event` instead.
public struct Simulation<Event: TraceableEvent> {
    @usableFromInline var queue = EventQueue<Event>()
    @usableFromInline var clock = Instant.zero
    @usableFromInline var trace = TraceDigest()

    public init() {}

    /// The current virtual time: the time of the event being handled.
    @inlinable public var now: Instant { clock }
    /// The digest of every event taken so far.
    @inlinable public var digest: TraceDigest { trace }
    /// Events still to run.
    @inlinable public var pendingCount: Int { queue.pendingCount }
    /// Events still in the heap, counting cancelled ones not yet discarded (memory use).
    @inlinable public var storedCount: Int { queue.storedCount }

    /// Schedules `event` at `time`, which must not be before `now`.
    @inlinable @discardableResult
    public mutating func schedule(_ event: Event, at time: Instant) throws(KernelError) -> EventHandle {
        guard time >= clock else { throw .scheduledInThePast(requested: time, now: clock) }
        return queue.push(event, at: time)
    }

    /// Schedules `event` after `delay`, which must not be negative.
    @inlinable @discardableResult
    public mutating func schedule(_ event: Event, after delay: TimeAmount) throws(KernelError) -> EventHandle {
        guard delay.nanoseconds >= 0 else { throw .negativeDelay(delay) }
        let time = Instant(nanoseconds: clock.nanoseconds &+ delay.nanoseconds)
        guard time >= clock else { throw .scheduledInThePast(requested: time, now: clock) }  // overflow
        return queue.push(event, at: time)
    }

    /// Cancels a scheduled event; returns false when it already ran or was cancelled.
    @discardableResult
    public mutating func cancel(_ handle: EventHandle) -> Bool { queue.cancel(handle) }

    /// When the next event is due, or nil when none is scheduled.
    @inlinable public mutating func nextEventTime() -> Instant? { queue.nextTime() }

    /// Takes the next event, advances the clock to its time and folds it into the digest.
    @inlinable public mutating func nextEvent() -> Event? {
        guard let scheduled = queue.popMin() else { return nil }
        clock = scheduled.time
        trace.record(time: scheduled.time, kind: scheduled.payload.traceKind, entity: scheduled.payload.traceEntity)
        return scheduled.payload
    }

    /// Takes the next event only if it is due at or before `limit`.
    @inlinable public mutating func nextEvent(notAfter limit: Instant) -> Event? {
        guard let t = queue.nextTime(), t <= limit else { return nil }
        return nextEvent()
    }

    /// Moves the clock forward to `time` without running anything (end of a run window).
    public mutating func advanceClock(to time: Instant) throws(KernelError) {
        guard time >= clock else { throw .invalidRunLimit("cannot move the clock back from \(clock.seconds) s to \(time.seconds) s") }
        if let next = queue.nextTime(), next < time {
            throw .invalidRunLimit("an event is due at \(next.seconds) s, before \(time.seconds) s")
        }
        clock = time
    }

    /// Folds an extra word into the digest (a final "unseed" draw, a summary value).
    public mutating func recordInDigest(_ word: UInt64) { trace.record(word: word) }
}
