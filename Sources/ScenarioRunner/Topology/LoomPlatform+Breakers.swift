import LoomServices
import ScenarioKit

/// The cross-service mechanisms of a scenario run (seed §6.1, §8), started once the services
/// exist. A `datastoreOutage` on `redis` reaches the services' Redis clusters — and with them the
/// distributed breaker's shared failure counts, which live in `recording.redis` — through
/// `routeDatastoreFaults` (LoomPlatform+Datastores.swift).
extension LoomPlatform {
    /// Starts the cross-service mechanisms the scenario asks for (after the services exist).
    func startCrossServiceMechanisms() throws {
        routeDatastoreFaults()
        if let policy = spec.health { health = try startHealthMonitoring(policy) }
        if let policy = spec.remediation { remediation = try startRemediation(policy) }
    }
}
