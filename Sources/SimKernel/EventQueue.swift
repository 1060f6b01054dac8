import HeapModule

/// An event waiting in the future-event list: when it is due, its insertion sequence number
/// (the tie-break) and what it carries.
public struct ScheduledEvent<Payload>: Comparable {
    public var time: Instant
    /// Insertion order, unique per queue: events due at the same instant run in the order they
    /// were scheduled (NIO's `insertOrder`, SimPy's `eid`).
    public var sequence: UInt64
    public var payload: Payload

    @inlinable public init(time: Instant, sequence: UInt64, payload: Payload) {
        self.time = time
        self.sequence = sequence
        self.payload = payload
    }

    @inlinable public static func < (a: Self, b: Self) -> Bool {
        a.time.nanoseconds < b.time.nanoseconds
            || (a.time.nanoseconds == b.time.nanoseconds && a.sequence < b.sequence)
    }
    @inlinable public static func == (a: Self, b: Self) -> Bool {
        a.time == b.time && a.sequence == b.sequence
    }
}

/// A handle to a scheduled event, used to cancel it (a timer, a timeout).
public struct EventHandle: Hashable, Sendable {
    /// When the event is due.
    public let time: Instant
    /// The event's unique insertion sequence number.
    public let sequence: UInt64
    @inlinable public init(time: Instant, sequence: UInt64) {
        self.time = time
        self.sequence = sequence
    }
}

/// The future-event list: a heap over contiguous storage ordered by `(time, sequence)`.
///
/// swift-collections' `Heap` leaves ties in unspecified order, so every event carries a unique
/// insertion sequence number and the heap orders by the pair: the order of simultaneous events
/// is therefore the order they were scheduled, on every run (DESIGN.md §3). Cancellation is
/// lazy, as in SimPy: a cancelled event stays in the heap and is skipped when it surfaces, which
/// keeps `schedule` and `cancel` O(log n) / O(1) with no per-event bookkeeping.
public struct EventQueue<Payload> {
    @usableFromInline var heap = Heap<ScheduledEvent<Payload>>()
    @usableFromInline var nextSequence: UInt64 = 0
    @usableFromInline var cancelled = Set<UInt64>()
    /// The key of the last event taken out. Events leave in ascending `(time, sequence)` order and
    /// none is ever added below it, so an event at or below this key has already left the queue.
    @usableFromInline var lastRemoved: (time: Int64, sequence: UInt64)? = nil

    public init() {}

    /// Events in the heap, including cancelled ones not yet skipped.
    @inlinable public var storedCount: Int { heap.count }
    /// Events that will still run.
    @inlinable public var pendingCount: Int { heap.count - cancelled.count }
    @inlinable public var isEmpty: Bool { pendingCount == 0 }

    /// Adds an event; the caller has checked that `time` is not in the past.
    @inlinable @discardableResult
    public mutating func push(_ payload: Payload, at time: Instant) -> EventHandle {
        let sequence = nextSequence
        nextSequence &+= 1
        heap.insert(ScheduledEvent(time: time, sequence: sequence, payload: payload))
        return EventHandle(time: time, sequence: sequence)
    }

    /// Marks an event as cancelled; returns false when it already ran or was cancelled.
    @discardableResult
    public mutating func cancel(_ handle: EventHandle) -> Bool {
        guard handle.sequence < nextSequence else { return false }
        if let last = lastRemoved,
            handle.time.nanoseconds < last.time
                || (handle.time.nanoseconds == last.time && handle.sequence <= last.sequence)
        {
            return false
        }
        return cancelled.insert(handle.sequence).inserted
    }

    /// The earliest live event's time, skipping cancelled ones.
    @inlinable public mutating func nextTime() -> Instant? {
        dropCancelledAtTop()
        return heap.min?.time
    }

    /// Removes and returns the earliest live event.
    @inlinable public mutating func popMin() -> ScheduledEvent<Payload>? {
        while let event = heap.popMin() {
            lastRemoved = (event.time.nanoseconds, event.sequence)
            if !cancelled.isEmpty, cancelled.remove(event.sequence) != nil { continue }
            return event
        }
        return nil
    }

    @inlinable mutating func dropCancelledAtTop() {
        guard !cancelled.isEmpty else { return }
        while let top = heap.min, cancelled.contains(top.sequence) {
            cancelled.remove(top.sequence)
            lastRemoved = (top.time.nanoseconds, top.sequence)
            _ = heap.popMin()
        }
    }
}
