/// How a unit of work (a session, request, job, event) left the system.
public enum TerminalState: Hashable, Sendable, Comparable, CustomStringConvertible {
    case completed
    case failed(reason: String)
    case deadLettered(reason: String)
    case dropped(reason: String)

    /// "completed", "failed", "dead_lettered" or "dropped".
    public var category: String {
        switch self {
        case .completed: return "completed"
        case .failed: return "failed"
        case .deadLettered: return "dead_lettered"
        case .dropped: return "dropped"
        }
    }

    public var reason: String? {
        switch self {
        case .completed: return nil
        case .failed(let r), .deadLettered(let r), .dropped(let r): return r
        }
    }

    public var description: String { reason.map { "\(category)(\($0))" } ?? category }
}

/// The conservation check of every run: each unit of work that enters a service ends in exactly
/// one terminal state, or is still in flight when the run ends (issue: "nothing lost").
///
/// Individually tracked units (jobs, sessions) are admitted and finished by id, so finishing a
/// unit twice, or one that never entered, is caught as a violation with the id and the instant.
/// Units modelled in aggregate (a second's worth of segment requests at an edge) are admitted and
/// finished by count. `balance` then holds for every service by construction of the counts, and
/// `violations` lists every breach of the one-terminal-state rule.
public final class ConservationLedger {
    /// One service's flow counts.
    public struct Flow: Sendable, Equatable {
        public var service: String
        public var entered: Int = 0
        /// Terminal counts by state, sorted by state.
        public var terminal: [TerminalState: Int] = [:]
        public var inFlight: Int = 0

        public var finished: Int { terminal.values.reduce(0, +) }
        /// entered == finished + in flight.
        public var isBalanced: Bool { entered == finished + inFlight && inFlight >= 0 }
        public func count(_ category: String) -> Int {
            terminal.filter { $0.key.category == category }.values.reduce(0, +)
        }
    }

    private var flows: [String: Flow] = [:]
    private var order: [String] = []
    private var open: [String: Set<UInt64>] = [:]
    public private(set) var violations: [String] = []
    /// Sees tracked units enter and leave (the `--trace` export); nil, the default, costs a nil check.
    public var observer: (any LedgerObserver)?

    public init() {}

    private func touch(_ service: String) {
        if flows[service] == nil {
            flows[service] = Flow(service: service)
            order.append(service)
        }
    }

    /// A tracked unit `id` enters `service`.
    public func admit(_ service: String, id: UInt64, at time: Instant) {
        touch(service)
        if open[service, default: []].insert(id).inserted {
            flows[service]!.entered += 1
            flows[service]!.inFlight += 1
            if let observer { observer.admitted(service, id: id, at: time) }
        } else {
            violations.append("\(time.seconds)s: \(service): unit \(id) entered twice")
        }
    }

    /// Tracked unit `id` leaves `service` in `state`.
    public func finish(_ service: String, id: UInt64, _ state: TerminalState, at time: Instant) {
        touch(service)
        guard open[service]?.remove(id) != nil else {
            violations.append("\(time.seconds)s: \(service): unit \(id) finished as \(state) but was not in flight")
            return
        }
        flows[service]!.inFlight -= 1
        flows[service]!.terminal[state, default: 0] += 1
        if let observer { observer.finished(service, id: id, state, at: time) }
    }

    /// Whether tracked unit `id` is in flight in `service`.
    public func isInFlight(_ service: String, id: UInt64) -> Bool { open[service]?.contains(id) ?? false }

    /// `count` untracked units enter `service`.
    public func admit(_ service: String, count: Int) {
        precondition(count >= 0)
        touch(service)
        flows[service]!.entered += count
        flows[service]!.inFlight += count
    }

    /// `count` untracked units of `service` end in `state`.
    public func finish(_ service: String, count: Int, _ state: TerminalState, at time: Instant) {
        precondition(count >= 0)
        touch(service)
        if count > flows[service]!.inFlight {
            violations.append("\(time.seconds)s: \(service): \(count) units finished as \(state) but only \(flows[service]!.inFlight) in flight")
        }
        flows[service]!.inFlight -= count
        flows[service]!.terminal[state, default: 0] += count
    }

    /// Every service's counts, in the order services first appeared.
    public var snapshot: [Flow] { order.map { flows[$0]! } }

    /// True when no unit was lost, duplicated or finished twice.
    public var holds: Bool { violations.isEmpty && snapshot.allSatisfy(\.isBalanced) }
}
