import Foundation
import LoomServices
import ScenarioKit
import XCTest
@testable import ScenarioRunner

/// The scenario files of issue 5 item 5 run through the real platform: saga-compensation.yaml
/// (the recording saga, `policies.saga`) and ai-model-cold-starts*.yaml (warming on and off).
final class SagaAndColdStartScenarioTests: XCTestCase {
    /// Holds the platform a factory built, to look inside it after the run.
    final class PlatformBox: @unchecked Sendable { var platform: LoomPlatform? }

    static let scenarios = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scenarios")

    func text(_ name: String) throws -> String {
        let url = Self.scenarios.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("Scenarios/ is not next to the tests") }
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// Loads `file` from Scenarios/, or `yaml` in memory over it (`extends: <file>`).
    func load(_ file: String, overlay yaml: String? = nil) throws -> Scenario {
        var sources = [file: try text(file)]
        if file == "ai-model-cold-starts-no-warming.yaml" { sources["ai-model-cold-starts.yaml"] = try text("ai-model-cold-starts.yaml") }
        if let yaml { sources["overlay.yaml"] = "extends: \(file)\n" + yaml }
        let loader = ScenarioLoader(provider: InMemorySources(sources), sectionChecks: PlatformAssembly.sectionChecks)
        return try loader.load(path: yaml == nil ? file : "overlay.yaml")
    }

    func run(_ scenario: Scenario, box: PlatformBox = PlatformBox()) throws -> ScenarioRun {
        let outcome = try ReplicationRun(scenario: scenario, index: 0).run(factory: { s, simulation in
            let platform = try PlatformAssembly.factory(s, simulation)
            box.platform = platform as? LoomPlatform
            return platform
        })
        return ScenarioRun(scenario: scenario, outcomes: [outcome], plannedReplications: 1)
    }

    func counter(_ run: ScenarioRun, _ key: String) -> Double {
        run.outcomes[0].result.snapshot.counter(named: key)?.total ?? .nan
    }

    func failures(_ run: ScenarioRun) -> String {
        run.sloVerdicts.filter { !$0.result.passed }.map(\.result.description).joined(separator: "\n")
    }

    // MARK: Saga

    func testProcessingFailuresMakeSagasCompensateAndEverySagaEndsOnce() throws {
        let box = PlatformBox()
        let run = try run(try load("saga-compensation.yaml"), box: box)
        XCTAssertTrue(run.passed, failures(run))
        let saga = try XCTUnwrap(box.platform?.recordingSaga)
        let flow = try XCTUnwrap(run.outcomes[0].result.conservation.first { $0.service == "saga" })
        XCTAssertTrue(flow.isBalanced)
        // Every saga that failed was undone at the enqueue step, the one the fault hits.
        let compensated = flow.terminal[.failed(reason: "compensated:enqueue-processing")] ?? 0
        XCTAssertEqual(flow.finished, (flow.terminal[.completed] ?? 0) + compensated, "\(flow.terminal)")
        XCTAssertGreaterThan(compensated, 100)
        XCTAssertEqual(flow.entered, flow.count("completed") + compensated + flow.inFlight)
        XCTAssertEqual(saga.coordinator.startedCount, flow.entered)
        // Each compensated saga deleted the recording it had stored.
        XCTAssertEqual(counter(run, "saga.compensations{step=store-recording}"), Double(compensated))
        XCTAssertEqual(saga.orphanedEffects, 0)
        XCTAssertLessThanOrEqual(saga.participants.stored.count, flow.count("completed") + flow.inFlight)
        XCTAssertGreaterThanOrEqual(saga.participants.stored.count, flow.count("completed"))
        // The recordings went through the saga, not the old direct hand-off.
        XCTAssertEqual(box.platform?.recording?.statistics.handedToVideoProcessing, 0)
    }

    func testWithoutTheFaultEverySagaCompletes() throws {
        let run = try run(try load("saga-compensation.yaml", overlay: "name: saga-no-fault\nwarmUp: 0s\nfaults: ~\nslos: [{nothingLost: true}]\n"))
        XCTAssertTrue(run.passed, failures(run))
        let flow = try XCTUnwrap(run.outcomes[0].result.conservation.first { $0.service == "saga" })
        XCTAssertGreaterThan(flow.count("completed"), 800)
        XCTAssertEqual(flow.count("failed"), 0)
        XCTAssertEqual(counter(run, "saga.compensations{step=store-recording}"), 0)
        XCTAssertEqual(counter(run, "saga.finished{status=completed}"), Double(flow.count("completed")))
    }

    func testSameSeedSameDigestAndAnotherSeedAnother() throws {
        let scenario = try load("saga-compensation.yaml", overlay: "name: saga-short\nduration: 18m\n")
        let a = try run(scenario).outcomes[0].result.digest
        let b = try run(scenario).outcomes[0].result.digest
        XCTAssertEqual(a, b)
        let other = try run(try load("saga-compensation.yaml", overlay: "name: saga-short\nduration: 18m\nseed: 12\n"))
        XCTAssertNotEqual(other.outcomes[0].result.digest, a)
    }

    func testSagaPolicyErrorsNameTheKey() throws {
        let yaml = """
            name: bad-saga
            duration: 1m
            policies:
              saga:
                persistence: onDisk
                steps:
                  publish: {timeout: 5s}
                  notify: {retries: -1}
            """
        let sink = DiagnosticSink()
        _ = ScenarioLoader(provider: InMemorySources(["bad.yaml": yaml]), sectionChecks: PlatformAssembly.sectionChecks)
            .load(path: "bad.yaml", sink: sink)
        let errors = sink.diagnostics.filter(\.isError).map(\.description)
        XCTAssertEqual(errors.count, 3, errors.joined(separator: "\n"))
        XCTAssertTrue(errors.contains { $0.hasPrefix("bad.yaml:5:18: error: policies.saga.persistence") }, errors.joined(separator: "\n"))
        XCTAssertTrue(errors.contains { $0.contains("policies.saga.steps.publish") && $0.contains("unknown saga step") })
        XCTAssertTrue(errors.contains { $0.contains("policies.saga.steps.notify.retries") })
    }

    func testEnablingTheSagaRunsItsParticipantServices() throws {
        let sink = DiagnosticSink()
        let root = try ScenarioLoader(provider: InMemorySources(["s.yaml": "name: s\nduration: 1m\npolicies:\n  saga: {enabled: true}\n"]))
            .load(path: "s.yaml").document
        let spec = PlatformSpec.decode(root: NodeReader(root, sink: sink))
        XCTAssertEqual(spec.services, ["recording", "video-processing", "ai-ml", "analytics"])
        XCTAssertEqual(spec.saga?.enabled, true)
    }

    // MARK: AI cold starts

    func testPredictiveWarmingCutsColdStarts() throws {
        let warm = try run(try load("ai-model-cold-starts.yaml"))
        let cold = try run(try load("ai-model-cold-starts-no-warming.yaml"))
        XCTAssertTrue(warm.passed, failures(warm))
        XCTAssertTrue(cold.passed, failures(cold))
        XCTAssertGreaterThan(counter(warm, "ai.model_cache.predictive_loads"), 0)
        XCTAssertEqual(counter(cold, "ai.model_cache.predictive_loads"), 0)
        let waits = (counter(warm, "ai.model_cache.cold_start_waits"), counter(cold, "ai.model_cache.cold_start_waits"))
        XCTAssertLessThan(waits.0, waits.1 * 0.8, "warming saves at least a fifth of the cold-start waits: \(waits)")
        let whisper = "ai.model_cache.cold_starts{model=whisper-large-v2}"
        XCTAssertLessThan(counter(warm, whisper), counter(cold, whisper) / 2)
        // The same requests arrive in both (the workload streams do not depend on the policy).
        XCTAssertEqual(counter(warm, "ai.requests"), counter(cold, "ai.requests"))
        XCTAssertGreaterThan(counter(warm, "ai.fallbacks"), 0, "the broken bert-large falls back")
    }
}
