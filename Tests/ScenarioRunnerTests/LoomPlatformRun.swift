import LoomServices
import ScenarioKit
import XCTest
@testable import ScenarioRunner

/// Runs replication 0 of a scenario on the real `LoomPlatform` and hands back the platform the
/// factory built, so a test can look inside it after the run.
enum LoomPlatformRun {
    /// The platform a factory built (the factory is `@Sendable`; runs are single-threaded).
    private final class Built: @unchecked Sendable { var platform: LoomPlatform? }

    static func replicate(_ scenario: Scenario) throws -> (outcome: ReplicationRun.Outcome, platform: LoomPlatform) {
        let built = Built()
        let outcome = try ReplicationRun(scenario: scenario, index: 0).run { scenario, simulation in
            let platform = try PlatformAssembly.factory(scenario, simulation)
            built.platform = platform as? LoomPlatform
            return platform
        }
        return (outcome, try XCTUnwrap(built.platform))
    }
}
