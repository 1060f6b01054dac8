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

    /// The counts, shared by a ledger and its id spaces.
    private final class Store {
        var flows: [String: Flow] = [:]
        var order: [String] = []
        var open: [String: Set<UInt64>] = [:]
        var violations: [String] = []
        var observer: (any LedgerObserver)?
    }
    private let store: Store
    /// Suffix of the key under which this ledger keeps its tracked ids (empty for the root).
    private let idSpace: String
    /// Sees tracked units enter and leave (the `--trace` export), in every id space; nil, the
    /// default, costs a nil check.
    public var observer: (any LedgerObserver)? {
        get { store.observer }
        set { store.observer = newValue }
    }

    public var violations: [String] { store.violations }

    public init() {
        store = Store()
        idSpace = ""
    }

    private init(sharing parent: ConservationLedger, idSpace: String) {
        store = parent.store
        self.idSpace = parent.idSpace + idSpace
    }

    /// A view of this ledger with its own space of tracked-unit ids, counting into the same
    /// flows. Why: a second copy of a service (the same service in a backup region) numbers its
    /// units from 0 as well; its ids must not collide with the first copy's, while the flow
    /// (`video-processing`) still counts the units of every copy.
    public func idSpace(_ name: String) -> ConservationLedger {
        ConservationLedger(sharing: self, idSpace: "@" + name)
    }

    private func touch(_ service: String) {
        if store.flows[service] == nil {
            store.flows[service] = Flow(service: service)
            store.order.append(service)
        }
    }

    /// Where `service`'s tracked ids of this id space are kept.
    @inline(__always) private func openKey(_ service: String) -> String { idSpace.isEmpty ? service : service + idSpace }

    /// A tracked unit `id` enters `service`.
    public func admit(_ service: String, id: UInt64, at time: Instant) {
        touch(service)
        if store.open[openKey(service), default: []].insert(id).inserted {
            store.flows[service]!.entered += 1
            store.flows[service]!.inFlight += 1
            if let observer = store.observer { observer.admitted(service, id: id, at: time) }
        } else {
            store.violations.append("\(time.seconds)s: \(service): unit \(id) entered twice")
        }
    }

    /// Tracked unit `id` leaves `service` in `state`.
    public func finish(_ service: String, id: UInt64, _ state: TerminalState, at time: Instant) {
        touch(service)
        guard store.open[openKey(service)]?.remove(id) != nil else {
            store.violations.append("\(time.seconds)s: \(service): unit \(id) finished as \(state) but was not in flight")
            return
        }
        store.flows[service]!.inFlight -= 1
        store.flows[service]!.terminal[state, default: 0] += 1
        if let observer = store.observer { observer.finished(service, id: id, state, at: time) }
    }

    /// Whether tracked unit `id` is in flight in `service`.
    public func isInFlight(_ service: String, id: UInt64) -> Bool { store.open[openKey(service)]?.contains(id) ?? false }

    /// `count` untracked units enter `service`.
    public func admit(_ service: String, count: Int) {
        precondition(count >= 0)
        touch(service)
        store.flows[service]!.entered += count
        store.flows[service]!.inFlight += count
    }

    /// `count` untracked units of `service` end in `state`.
    public func finish(_ service: String, count: Int, _ state: TerminalState, at time: Instant) {
        precondition(count >= 0)
        touch(service)
        if count > store.flows[service]!.inFlight {
            store.violations.append("\(time.seconds)s: \(service): \(count) units finished as \(state) but only \(store.flows[service]!.inFlight) in flight")
        }
        store.flows[service]!.inFlight -= count
        store.flows[service]!.terminal[state, default: 0] += count
    }

    /// Every service's counts, in the order services first appeared.
    public var snapshot: [Flow] { store.order.map { store.flows[$0]! } }

    /// True when no unit was lost, duplicated or finished twice.
    public var holds: Bool { store.violations.isEmpty && snapshot.allSatisfy(\.isBalanced) }
}
