import Foundation
import LoomServices
import ScenarioKit
import XCTest
@testable import ScenarioRunner

/// The seed-table's scenario pairs differ in exactly the mechanism each §10.1 row is about, the
/// new baseline keys are validated, and the mechanisms show in short runs.
final class SeedTableScenarioTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scenarios/seed-table")

    func load(_ file: String) throws -> Scenario {
        try ScenarioLoader(sectionChecks: PlatformAssembly.sectionChecks).load(path: Self.folder.appendingPathComponent(file).path)
    }

    func spec(_ file: String) throws -> PlatformSpec {
        let sink = DiagnosticSink()
        let spec = PlatformSpec.decode(root: NodeReader(try load(file).document, sink: sink))
        XCTAssertFalse(sink.hasErrors, "\(sink.diagnostics)")
        return spec
    }

    func pair(_ row: String) throws -> (without: PlatformSpec, with: PlatformSpec) {
        (try spec("\(row)-without.yaml"), try spec("\(row)-with.yaml"))
    }

    func testEveryRowHasAPairWithTheSameLoadSeedAndReplications() throws {
        for row in SeedTableSuite.rows {
            let a = try load(row.withoutFile), b = try load(row.withFile)
            XCTAssertEqual(a.seed, b.seed, row.id)
            XCTAssertEqual(a.replications, b.replications, row.id)
            XCTAssertEqual(a.duration, b.duration, row.id)
            XCTAssertEqual(a.workloads.map(\.name), b.workloads.map(\.name), row.id)
            XCTAssertNotEqual(a.name, b.name, row.id)
        }
    }

    func testEachPairDiffersInTheRowsMechanism() throws {
        let recording = try pair("recording")
        XCTAssertEqual(recording.without.recording?.autoscalingEnabled, false)
        XCTAssertEqual(recording.with.recording?.autoscalingEnabled, true)
        XCTAssertEqual(recording.without.recording?.initialReplicas, recording.with.recording?.initialReplicas)

        let video = try pair("video-processing")
        XCTAssertEqual(video.without.video?.preemption, .disabled)
        XCTAssertEqual(video.without.video?.cpuFallbackJobTypes, [])
        XCTAssertEqual(video.with.video?.preemption, .intended)
        XCTAssertEqual(video.with.video?.cpuFallbackJobTypes, ["transcode"])
        XCTAssertEqual(video.without.video?.gpuPools.map(\.count), video.with.video?.gpuPools.map(\.count))

        let ai = try pair("ai-ml")
        XCTAssertEqual(ai.without.ai?.modelCaching, false)
        XCTAssertEqual(ai.without.ai?.warming.enabled, false)
        XCTAssertEqual(ai.with.ai?.modelCaching, true)
        XCTAssertEqual(ai.with.ai?.warming.enabled, true)

        let streaming = try pair("streaming")
        XCTAssertEqual(streaming.without.streaming?.edges.map(\.id), ["us-east-1-edge-1"])
        XCTAssertEqual(streaming.without.streaming?.cdns.map(\.name), ["cloudfront"])
        XCTAssertEqual(streaming.with.streaming?.edges.count, 12)
        XCTAssertEqual(streaming.with.streaming?.edges.map(\.id), EdgeServerConfiguration.defaultEdges.map(\.id))
        XCTAssertEqual(streaming.with.streaming?.cdns.map(\.name), ["cloudfront", "cloudflare"])
        XCTAssertEqual(Set((streaming.without.streaming?.edges ?? []).map(\.capacity) + (streaming.with.streaming?.edges ?? []).map(\.capacity)), [500])

        let analytics = try pair("analytics")
        XCTAssertEqual(analytics.without.analytics?.ingestionPath, .direct)
        XCTAssertEqual(EventPriority.allCases.map { analytics.without.analytics!.batchSize($0) }, [1, 1, 1, 1])
        XCTAssertEqual(analytics.with.analytics?.ingestionPath, .kafka)
        XCTAssertEqual(EventPriority.allCases.map { analytics.with.analytics!.batchSize($0) }, EventPriority.allCases.map(\.defaultBatchSize))

        let users = try pair("user-management")
        XCTAssertEqual(users.without.users?.cacheMode, .disabled)
        XCTAssertEqual(users.with.users?.cacheMode, .distributed)
    }

    func diagnostics(_ services: String) -> [String] {
        let yaml = "name: t\nduration: 1m\ntopology:\n  services:\n" + services
        let loader = ScenarioLoader(provider: InMemorySources(["t.yaml": yaml]), sectionChecks: PlatformAssembly.sectionChecks)
        let sink = DiagnosticSink()
        _ = loader.load(path: "t.yaml", sink: sink)
        return sink.diagnostics.filter(\.isError).map(\.description)
    }

    func testTheBaselineKeysAreValidated() {
        XCTAssertEqual(diagnostics("    streaming: {edgeRegions: [us-east-1], edgesPerRegion: 2, cdns: []}\n"), [])
        XCTAssertTrue(diagnostics("    streaming: {cdns: [akamai]}\n").first?.contains("streaming.cdns") == true)
        let twice = diagnostics("    streaming: {edgeRegions: [eu-west-1, eu-west-1]}\n")
        XCTAssertTrue(twice.contains { $0.contains("listed twice") }, "\(twice)")
        XCTAssertTrue(diagnostics("    streaming: {edgesPerRegion: 0}\n").first?.contains("edgesPerRegion") == true)
        XCTAssertTrue(diagnostics("    ai-ml: {modelCache: false}\n").first?.contains("warming needs the model cache") == true)
        XCTAssertEqual(diagnostics("    ai-ml: {modelCache: false, warming: false}\n"), [])
        XCTAssertTrue(diagnostics("    video-processing: {cpuFallback: maybe}\n").first?.contains("cpuFallback") == true)
        XCTAssertTrue(diagnostics("    analytics: {batching: 3}\n").first?.contains("batching") == true)
    }

    /// A shortened replication of `file` (the mechanisms show within a minute or two).
    func run(_ file: String, duration: TimeAmount) throws -> ReplicationRun.Outcome {
        var scenario = try load(file)
        scenario.duration = duration
        scenario.warmUp = .zero
        return try ReplicationRun(scenario: scenario, index: 0).run(factory: PlatformAssembly.factory)
    }

    func counter(_ o: ReplicationRun.Outcome, _ name: String) -> Double {
        MetricLookup(snapshot: o.result.snapshot, conservation: o.result.conservation, violations: o.result.violations,
                     runEnd: o.result.endTime).value(name, .count) ?? -1
    }

    func testJWTBaselineNeverHitsACacheAndTheSolutionDoes() throws {
        let without = try run("user-management-without.yaml", duration: .wholeSeconds(20))
        let with = try run("user-management-with.yaml", duration: .wholeSeconds(20))
        XCTAssertEqual(counter(without, "user-management.jwt.lookups{path=local-cache}"), 0)
        XCTAssertEqual(counter(without, "user-management.jwt.lookups{path=redis}"), 0)
        XCTAssertGreaterThan(counter(without, "user-management.jwt.lookups{path=full}"), 5_000)
        let hits = counter(with, "user-management.jwt.lookups{path=local-cache}") + counter(with, "user-management.jwt.lookups{path=redis}")
        XCTAssertGreaterThan(hits / counter(with, "user-management.jwt.lookups"), 0.3)
        let row = try XCTUnwrap(SeedTableSuite.rows.first { $0.id == "user-management" })
        XCTAssertLessThan(try XCTUnwrap(row.measure(with)), try XCTUnwrap(row.measure(without)))
    }

    func testModelCacheBaselineColdStartsMoreOften() throws {
        let without = try run("ai-ml-without.yaml", duration: .minutes(3))
        let with = try run("ai-ml-with.yaml", duration: .minutes(3))
        let row = try XCTUnwrap(SeedTableSuite.rows.first { $0.id == "ai-ml" })
        let cold = try XCTUnwrap(row.measure(without)), warm = try XCTUnwrap(row.measure(with))
        XCTAssertGreaterThan(cold, 0.05)
        XCTAssertLessThan(warm, cold / 2)
        XCTAssertGreaterThan(counter(with, "ai.model_cache.predictive_loads"), 0)
        XCTAssertEqual(counter(without, "ai.model_cache.predictive_loads"), 0)
        for o in [without, with] { XCTAssertTrue(o.result.conservation.allSatisfy(\.isBalanced)) }
    }
}
