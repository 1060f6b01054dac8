import Foundation
import XCTest
@testable import ScenarioKit

/// The full example in Scenarios/README.md loads, so the documentation cannot drift from the code.
final class ReadmeExampleTests: XCTestCase {
    func testTheFullExampleLoads() throws {
        let readme = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Scenarios/README.md")
        guard let text = try? String(contentsOf: readme, encoding: .utf8) else {
            throw XCTSkip("Scenarios/README.md is not next to the tests")
        }
        let blocks = text.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        XCTAssertGreaterThanOrEqual(blocks.count, 2)
        let files = ["base/platform.yaml": blocks[0], "peak-hour-failover.yaml": blocks[1], "traces/replays.csv": "0\n1.5,2\n"]
        let scenario = try ScenarioLoader(provider: InMemorySources(files)).load(path: "peak-hour-failover.yaml")
        XCTAssertEqual(scenario.name, "peak-hour-failover")
        XCTAssertEqual(scenario.slos.map(\.name), ["nothingLost", "p99(video.queue_wait) < 30s on upper95",
                                                   "p50(recording.latency) < 250ms", "rto < 5m", "cost < $500"])
        XCTAssertEqual(scenario.workloads[0].mix.attributes.map(\.name), ["tier", "length", "resolution"])
        XCTAssertEqual(scenario.faults.events.count, 4)
    }
}
