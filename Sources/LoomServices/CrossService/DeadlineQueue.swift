import DequeModule

/// Many timeouts of one kind behind a single kernel timer (DESIGN.md §4).
///
/// A caller's timeout on every dependency call, or a saga step's deadline, is almost always
/// cancelled because the answer comes first. One kernel event per timeout would leave a heap
/// entry (a tombstone once cancelled) per call, growing the event heap by the arrival rate ×
/// the timeout. Timeouts of one duration are armed in time order, so they queue here in a deque
/// instead, and one kernel timer waits for the earliest deadline still pending: when it fires it
/// expires what is due, drops what was cancelled, and waits for the next. An out-of-order
/// deadline (a resumed saga, a whole-step deadline reused by a retry) is inserted in place.
/// Deadlines due at the same instant expire in the order they were armed.
final class DeadlineQueue {
    /// One armed deadline; cancel it when the awaited answer arrives.
    final class Ticket {
        let due: Instant
        fileprivate(set) var isDone = false
        fileprivate var onExpiry: (() -> Void)?

        fileprivate init(due: Instant, onExpiry: @escaping () -> Void) {
            self.due = due
            self.onExpiry = onExpiry
        }

        /// The deadline no longer matters; its action will not run.
        func cancel() {
            isDone = true
            onExpiry = nil
        }
    }

    private var entries: Deque<Ticket> = []
    private var timer: EventHandle?
    private var timerDue: Instant?
    private let context: PlatformContext
    private let kind: EventKind

    init(context: PlatformContext, kind: EventKind) {
        self.context = context
        self.kind = kind
    }

    /// Deadlines armed and not yet expired or dropped (cancelled ones count until dropped).
    var count: Int { entries.count }

    /// Runs `onExpiry` at `due` unless the returned ticket is cancelled first.
    func arm(at due: Instant, _ onExpiry: @escaping () -> Void) -> Ticket {
        let ticket = Ticket(due: due, onExpiry: onExpiry)
        if let last = entries.last, last.due > due {
            // Out of order: insert after every deadline due at or before it (stable).
            var low = 0, high = entries.count
            while low < high {
                let mid = (low + high) / 2
                if entries[mid].due <= due { low = mid + 1 } else { high = mid }
            }
            entries.insert(ticket, at: low)
        } else {
            entries.append(ticket)
        }
        if timerDue.map({ due < $0 }) ?? true { schedule(at: due) }
        return ticket
    }

    private func schedule(at due: Instant) {
        if let timer { context.runtime.cancel(timer) }
        timerDue = due
        timer = context.at(due, kind) { [weak self] in self?.fire() }
    }

    private func fire() {
        timer = nil
        timerDue = nil
        let now = context.now
        while let first = entries.first, first.isDone || first.due <= now {
            entries.removeFirst()
            guard !first.isDone, let action = first.onExpiry else { continue }
            first.isDone = true
            first.onExpiry = nil
            action()
        }
        // An action may have armed a later deadline (and the timer for it) meanwhile.
        if let next = entries.first, timerDue.map({ next.due < $0 }) ?? true { schedule(at: next.due) }
    }
}
