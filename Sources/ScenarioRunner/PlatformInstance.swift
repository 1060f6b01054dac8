import LoomServices
import ScenarioKit

/// A platform built for one replication: it accepts the scenario's arrivals.
///
/// The runner owns time, workloads, faults and measurement; the platform owns the services. A
/// factory builds one per replication from the scenario's `topology` and `policies`.
public protocol PlatformInstance: AnyObject {
    /// Hands one arrival of `workload` (with its mix attributes) to the service it targets.
    func dispatch(_ workload: Workload, arrivalID: UInt64, attributes: [(name: String, value: MixValue)])
    /// Lines saying which parts ran for real and which were modelled (for the report).
    var provenance: [(component: String, real: Bool, detail: String)] { get }
}

/// Builds a platform into a simulation for a scenario; throws `PlatformError` for a topology
/// that cannot be built.
public typealias PlatformFactory = @Sendable (Scenario, PlatformSimulation) throws -> any PlatformInstance

/// Turns a scenario fault into the platform's fault vocabulary.
enum FaultMapping {
    static func activeFaults(for effect: FaultEffect) -> [ActiveFault] {
        switch effect {
        case .regionOutage(let region):
            return [ActiveFault(kind: .regionOutage, target: region)]
        case .networkPartition(let regions):
            return pairs(regions).map { ActiveFault(kind: .networkPartition, target: $0.0, peer: $0.1) }
        case .packetLoss(let regions, let rate):
            return pairs(regions).map { ActiveFault(kind: .packetLoss, target: $0.0, peer: $0.1, magnitude: rate.value) }
        case .nodeLoss(let pool, let count, let region):
            return [ActiveFault(kind: .nodeLoss, target: pool, magnitude: Double(count), region: region)]
        case .podLoss(let service, let count, let region):
            return [ActiveFault(kind: .podLoss, target: service, magnitude: Double(count), region: region)]
        case .gpuLoss(let count, let pool, let region):
            return [ActiveFault(kind: .gpuLoss, target: pool ?? ActiveFault.everyPool, magnitude: Double(count), region: region)]
        case .dependencyErrors(let dependency, let caller, let rate):
            return [ActiveFault(kind: .dependencyErrors, target: dependencyTarget(dependency, caller), magnitude: rate.value)]
        case .dependencyLatency(let dependency, let caller, let latency):
            return [ActiveFault(kind: .dependencyLatency, target: dependencyTarget(dependency, caller), magnitude: latency.seconds)]
        case .datastoreOutage(let store, let region):
            // The platform routes the store kind to its modelled parts (DatastoreFaultRoutes).
            return [ActiveFault(kind: .datastoreOutage, target: DatastoreFaultRoutes.scenarioTarget(store: store, region: region))]
        case .replicationLag(let store, let lag, let region):
            // With a region, also the lag of everything that region replicates to the others
            // (the disaster-recovery controller's `replication:<region>` links).
            let outgoing = region.map { [ActiveFault(kind: .replicationLag, target: "replication:\($0)", magnitude: lag.seconds)] } ?? []
            return [ActiveFault(kind: .replicationLag, target: DatastoreFaultRoutes.scenarioTarget(store: store, region: region),
                                magnitude: lag.seconds)] + outgoing
        case .modelLoadFailure(let model, let rate, _):
            return [ActiveFault(kind: .modelLoadFailure, target: model ?? "*", magnitude: rate.value)]
        case .cdnOutage(let provider, _):
            return [ActiveFault(kind: .cdnOutage, target: provider)]
        case .clockSkew(let service, let skew):
            return [ActiveFault(kind: .clockSkew, target: service, magnitude: skew.seconds)]
        }
    }

    /// `caller->dependency` when the caller is named (the endpoint a service calls), else the
    /// dependency itself (every caller sees it).
    static func dependencyTarget(_ dependency: String, _ caller: String?) -> String {
        caller.map { "\($0)->\(dependency)" } ?? dependency
    }

    static func pairs(_ regions: [String]) -> [(String, String)] {
        var out: [(String, String)] = []
        for i in regions.indices { for j in regions.indices where j > i { out.append((regions[i], regions[j])) } }
        return out
    }
}
