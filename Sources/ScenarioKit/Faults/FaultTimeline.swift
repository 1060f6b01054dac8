/// A scenario's faults as a sorted list of activation and deactivation events, ready for the
/// runner to schedule.
///
/// Order: by instant; at the same instant ends before starts (a fault ending at 10m and another
/// starting at 10m do not overlap); then by the faults' order in the file. Ends at or after the
/// horizon (the run's duration) are left out, as are starts at or after it.
///
/// Overlapping faults are allowed, also on the same target, and each is its own instance with its
/// own start and end. The runner combines the instances active at a moment: a target is down
/// while at least one outage/partition on it is active (so overlapping outages behave as their
/// union); error rates combine as independent failures, 1 − Π(1 − pᵢ); added latencies, lost
/// nodes, lost GPUs and clock skews add up. `active(at:)` and `active(on:at:)` return the instances.
public struct FaultTimeline: Sendable, Hashable {
    /// One change of a fault's state.
    public struct Event: Sendable, Hashable {
        /// Whether a fault begins or stops acting.
        public enum Transition: String, Sendable, Hashable {
            case start, end
        }

        public var at: Instant
        public var transition: Transition
        /// The index of the fault in `FaultTimeline.faults` (its order in the file).
        public var faultIndex: Int
        public var fault: Fault

        public init(at: Instant, transition: Transition, faultIndex: Int, fault: Fault) {
            self.at = at
            self.transition = transition
            self.faultIndex = faultIndex
            self.fault = fault
        }
    }

    /// The faults in the order they were written.
    public var faults: [Fault]
    /// Start and end events, sorted.
    public var events: [Event]

    /// The timeline of `faults`, leaving out events at or after `horizon` when given.
    public init(faults: [Fault], horizon: TimeAmount? = nil) {
        self.faults = faults
        var events: [Event] = []
        let limit = horizon.map { Instant(nanoseconds: $0.nanoseconds) } ?? .distantFuture
        for (index, fault) in faults.enumerated() where fault.start < limit {
            events.append(Event(at: fault.start, transition: .start, faultIndex: index, fault: fault))
            if let end = fault.end, end < limit {
                events.append(Event(at: end, transition: .end, faultIndex: index, fault: fault))
            }
        }
        self.events = events.sorted { a, b in
            if a.at != b.at { return a.at < b.at }
            if a.transition != b.transition { return a.transition == .end }
            return a.faultIndex < b.faultIndex
        }
    }

    /// An empty timeline.
    public static let empty = FaultTimeline(faults: [])

    /// The faults active at `instant`, in file order.
    public func active(at instant: Instant) -> [Fault] {
        faults.filter { $0.isActive(at: instant) }
    }

    /// The faults active at `instant` on `target` (a `FaultEffect.target` key), in file order.
    public func active(on target: String, at instant: Instant) -> [Fault] {
        faults.filter { $0.effect.target == target && $0.isActive(at: instant) }
    }

    /// The combined error probability of independent failures with the given rates: 1 − Π(1 − pᵢ).
    public static func combinedFailureRate(_ rates: [Fraction]) -> Fraction {
        Fraction(1 - rates.reduce(1) { $0 * (1 - $1.value) })
    }
}
