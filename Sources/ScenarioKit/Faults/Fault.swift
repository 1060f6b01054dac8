/// The kinds of fault a scenario can inject, each with its own parameters (see `FaultEffect`).
public enum FaultKind: String, CaseIterable, Sendable, Hashable {
    case regionOutage, networkPartition, packetLoss, nodeLoss, podLoss, gpuLoss
    case dependencyErrors, dependencyLatency, datastoreOutage, replicationLag
    case modelLoadFailure, cdnOutage, clockSkew

    /// The parameter keys a fault of this kind must have.
    public var requiredParameters: [String] {
        switch self {
        case .regionOutage: return ["region"]
        case .networkPartition: return ["between"]
        case .packetLoss: return ["between", "rate"]
        case .nodeLoss: return ["pool", "count"]
        case .podLoss: return ["service", "count"]
        case .gpuLoss: return ["count"]
        case .dependencyErrors: return ["dependency", "errorRate"]
        case .dependencyLatency: return ["dependency", "latency"]
        case .datastoreOutage: return ["store"]
        case .replicationLag: return ["store", "lag"]
        case .modelLoadFailure: return []
        case .cdnOutage: return ["provider"]
        case .clockSkew: return ["service", "skew"]
        }
    }

    /// The parameter keys a fault of this kind may have.
    public var optionalParameters: [String] {
        switch self {
        case .nodeLoss, .podLoss, .datastoreOutage, .replicationLag, .cdnOutage: return ["region"]
        case .gpuLoss: return ["pool", "region"]
        case .dependencyErrors, .dependencyLatency: return ["caller"]
        case .modelLoadFailure: return ["model", "failureRate", "region"]
        default: return []
        }
    }

    /// A pod loss kills pods at one instant (their controllers replace them); it has no duration.
    public var isInstantaneous: Bool { self == .podLoss }
}

/// The datastores a `datastoreOutage` or `replicationLag` can hit.
public enum DatastoreKind: String, CaseIterable, Sendable, Hashable {
    case redis
    case postgresPrimary = "postgres-primary"
    case postgresReplica = "postgres-replica"
    case kafka
    case objectStorage = "object-storage"
}

/// What a fault does, with its parameters. Names (regions, pools, services, dependencies, models,
/// CDN providers) are checked against the topology by the services' decoders.
public enum FaultEffect: Sendable, Hashable {
    /// Every service and datastore of the region is down.
    case regionOutage(region: String)
    /// The two regions cannot reach each other (both directions).
    case networkPartition(regions: [String])
    /// A share of the packets between the two regions is lost.
    case packetLoss(regions: [String], rate: Fraction)
    /// `count` nodes of the node pool are lost (and come back when the fault ends).
    case nodeLoss(pool: String, count: Int, region: String?)
    /// `count` pods of the service are killed at once; their controller replaces them.
    case podLoss(service: String, count: Int, region: String?)
    /// `count` GPUs (of a pool, or any) fail.
    case gpuLoss(count: Int, pool: String?, region: String?)
    /// Calls to `dependency` (from `caller`, or from everyone) fail with probability `errorRate`.
    case dependencyErrors(dependency: String, caller: String?, errorRate: Fraction)
    /// Calls to `dependency` (from `caller`, or from everyone) take `latency` longer.
    case dependencyLatency(dependency: String, caller: String?, latency: TimeAmount)
    /// The datastore is unavailable.
    case datastoreOutage(store: DatastoreKind, region: String?)
    /// Replication to the datastore's replicas lags by `lag` (what a failover would lose: RPO).
    case replicationLag(store: DatastoreKind, lag: TimeAmount, region: String?)
    /// Loading a model (or any model) fails with probability `failureRate`.
    case modelLoadFailure(model: String?, failureRate: Fraction, region: String?)
    /// The CDN provider serves nothing.
    case cdnOutage(provider: String, region: String?)
    /// The service's clock is off by `skew` (positive: ahead).
    case clockSkew(service: String, skew: TimeAmount)

    public var kind: FaultKind {
        switch self {
        case .regionOutage: return .regionOutage
        case .networkPartition: return .networkPartition
        case .packetLoss: return .packetLoss
        case .nodeLoss: return .nodeLoss
        case .podLoss: return .podLoss
        case .gpuLoss: return .gpuLoss
        case .dependencyErrors: return .dependencyErrors
        case .dependencyLatency: return .dependencyLatency
        case .datastoreOutage: return .datastoreOutage
        case .replicationLag: return .replicationLag
        case .modelLoadFailure: return .modelLoadFailure
        case .cdnOutage: return .cdnOutage
        case .clockSkew: return .clockSkew
        }
    }

    /// What the fault acts on, as a stable text key: faults with the same target overlap in the
    /// sense of `FaultTimeline` (`region:us-east-1`, `link:eu-west-1|us-east-1`, `service:recording`).
    public var target: String {
        func scoped(_ base: String, _ region: String?) -> String { region.map { "\(base)@\($0)" } ?? base }
        switch self {
        case .regionOutage(let region): return "region:\(region)"
        case .networkPartition(let regions), .packetLoss(let regions, _): return "link:\(regions.sorted().joined(separator: "|"))"
        case .nodeLoss(let pool, _, let region): return scoped("pool:\(pool)", region)
        case .podLoss(let service, _, let region): return scoped("service:\(service)", region)
        case .gpuLoss(_, let pool, let region): return scoped("gpus:\(pool ?? "*")", region)
        case .dependencyErrors(let dependency, let caller, _), .dependencyLatency(let dependency, let caller, _):
            return "dependency:\(caller ?? "*")->\(dependency)"
        case .datastoreOutage(let store, let region), .replicationLag(let store, _, let region):
            return scoped("store:\(store.rawValue)", region)
        case .modelLoadFailure(let model, _, let region): return scoped("model:\(model ?? "*")", region)
        case .cdnOutage(let provider, let region): return scoped("cdn:\(provider)", region)
        case .clockSkew(let service, _): return "clock:\(service)"
        }
    }

    /// The parameters in canonical order and syntax, for the resolved scenario.
    public var parameters: [(key: String, value: String)] {
        var out: [(String, String)] = []
        func add(_ key: String, _ value: String?) { if let value { out.append((key, value)) } }
        switch self {
        case .regionOutage(let region): add("region", region)
        case .networkPartition(let regions): add("between", "[\(regions.joined(separator: ", "))]")
        case .packetLoss(let regions, let rate): add("between", "[\(regions.joined(separator: ", "))]"); add("rate", rate.description)
        case .nodeLoss(let pool, let count, let region): add("pool", pool); add("count", "\(count)"); add("region", region)
        case .podLoss(let service, let count, let region): add("service", service); add("count", "\(count)"); add("region", region)
        case .gpuLoss(let count, let pool, let region): add("count", "\(count)"); add("pool", pool); add("region", region)
        case .dependencyErrors(let dependency, let caller, let rate):
            add("dependency", dependency); add("caller", caller); add("errorRate", rate.description)
        case .dependencyLatency(let dependency, let caller, let latency):
            add("dependency", dependency); add("caller", caller); add("latency", DurationSyntax.format(latency))
        case .datastoreOutage(let store, let region): add("store", store.rawValue); add("region", region)
        case .replicationLag(let store, let lag, let region):
            add("store", store.rawValue); add("lag", DurationSyntax.format(lag)); add("region", region)
        case .modelLoadFailure(let model, let rate, let region): add("model", model); add("failureRate", rate.description); add("region", region)
        case .cdnOutage(let provider, let region): add("provider", provider); add("region", region)
        case .clockSkew(let service, let skew): add("service", service); add("skew", DurationSyntax.format(skew))
        }
        return out
    }
}

/// One injected fault: what it does, when it starts and (unless it lasts to the end of the run,
/// or is instantaneous) when it ends.
public struct Fault: Sendable, Hashable {
    /// Given in the scenario, or `<kind>-<index>` (`regionOutage-0`).
    public var name: String
    public var effect: FaultEffect
    public var start: Instant
    /// Nil when the fault lasts until the end of the run, or is instantaneous (`podLoss`).
    public var end: Instant?
    public var location: SourceLocation

    public init(name: String, effect: FaultEffect, start: Instant, end: Instant?, location: SourceLocation) {
        self.name = name
        self.effect = effect
        self.start = start
        self.end = end
        self.location = location
    }

    public var kind: FaultKind { effect.kind }

    /// True while the fault acts: from `start` (inclusive) to `end` (exclusive); an instantaneous
    /// fault is active at its start only.
    public func isActive(at instant: Instant) -> Bool {
        if kind.isInstantaneous { return instant == start }
        return instant >= start && end.map { instant < $0 } ?? true
    }
}
