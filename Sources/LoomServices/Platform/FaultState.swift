/// The kinds of fault a scenario can inject (issue: region outage, partitions, node/pod/GPU loss,
/// dependency errors and latency, datastore outages, model-load failures, CDN outage, clock skew).
public enum FaultKind: String, Sendable, CaseIterable, Hashable {
    case regionOutage
    case networkPartition
    /// A fraction of packets between two regions is lost (magnitude: the rate).
    case packetLoss
    case nodeLoss
    case podLoss
    case gpuLoss
    case dependencyErrors
    case dependencyLatency
    case datastoreOutage
    /// Replication to a datastore's replicas lags (magnitude: seconds).
    case replicationLag
    case modelLoadFailure
    case cdnOutage
    case clockSkew
}

/// One active fault: what, where, and how strong (an error rate, added seconds of latency, a
/// count of pods or GPUs, seconds of skew), as the scenario's fault timeline defines it.
public struct ActiveFault: Sendable, Hashable {
    public var kind: FaultKind
    /// A region, service, dependency ("recording->video-processing"), datastore, GPU pool or CDN.
    public var target: String
    /// The other side of a network partition.
    public var peer: String?
    public var magnitude: Double
    /// The region a node, pod or GPU loss is confined to (nil: the target in every region). A
    /// multi-region run has a copy of each service per region under the same name.
    public var region: String?

    public init(kind: FaultKind, target: String, peer: String? = nil, magnitude: Double = 1, region: String? = nil) {
        self.kind = kind
        self.target = target
        self.peer = peer
        self.magnitude = magnitude
        self.region = region
    }

    /// Whether the fault reaches a component in `region`.
    public func applies(toRegion region: String) -> Bool { self.region == nil || self.region == region }

    /// The target of a GPU loss that names no pool: every pool (of its region).
    public static let everyPool = "*"
}

/// The faults active right now, queried by models on their hot path and announced to listeners
/// when they start and end (a pod-loss fault kills pods once; a datastore outage is a state).
///
/// Several faults of one kind on one target may overlap: queries see the strongest
/// (`magnitude(of:on:)` takes the maximum), and the target recovers when the last one ends.
public final class FaultState {
    private var active: [ActiveFault] = []
    private var listeners: [(kind: FaultKind, onStart: (ActiveFault) -> Void, onEnd: (ActiveFault) -> Void)] = []

    public init() {}

    /// Calls `onStart` / `onEnd` whenever a fault of `kind` begins or ends.
    public func observe(_ kind: FaultKind, onStart: @escaping (ActiveFault) -> Void, onEnd: @escaping (ActiveFault) -> Void = { _ in }) {
        listeners.append((kind, onStart, onEnd))
    }

    public func begin(_ fault: ActiveFault) {
        active.append(fault)
        for l in listeners where l.kind == fault.kind { l.onStart(fault) }
    }

    public func end(_ fault: ActiveFault) {
        guard let i = active.firstIndex(of: fault) else { return }
        active.remove(at: i)
        for l in listeners where l.kind == fault.kind { l.onEnd(fault) }
    }

    /// Whether a fault of `kind` is active on `target`.
    public func isActive(_ kind: FaultKind, on target: String) -> Bool {
        active.contains { $0.kind == kind && $0.target == target }
    }

    /// The strongest active fault of `kind` on `target`, or 0.
    public func magnitude(of kind: FaultKind, on target: String) -> Double {
        active.lazy.filter { $0.kind == kind && $0.target == target }.map(\.magnitude).max() ?? 0
    }

    /// Whether traffic between two regions is cut (a partition in either direction, or either
    /// region down).
    public func isPartitioned(_ a: String, _ b: String) -> Bool {
        if a == b { return isActive(.regionOutage, on: a) }
        return isActive(.regionOutage, on: a) || isActive(.regionOutage, on: b)
            || active.contains { $0.kind == .networkPartition && (($0.target == a && $0.peer == b) || ($0.target == b && $0.peer == a)) }
    }

    public var all: [ActiveFault] { active }
}
