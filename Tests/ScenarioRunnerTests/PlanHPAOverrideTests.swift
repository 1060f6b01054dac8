import Foundation
import LoomServices
import ScenarioKit
import XCTest
@testable import ScenarioRunner

/// A plan variable on the CPU workers' HPA ceiling
/// (`topology.services.video-processing.cpuWorkers.hpa.spec.maxReplicas`) reaches the worker
/// Deployment: the override is merged into the pasted manifest, and the run scales to it.
final class PlanHPAOverrideTests: XCTestCase {
    static let yaml = """
        name: plan-hpa
        seed: 11
        duration: 10m
        warmUp: 1m
        replications: 1
        load:
          workloads:
            - name: uploads
              target: video-processing
              rate: 0.25/s
              mix:
                duration: {lognormal: {mean: 3m, cv: 1.0}}
                resolution: {empirical: {values: [720, 1080, 2160], weights: [4, 5, 1]}}
        topology:
          services:
            video-processing:
              gpus: {a100: 1, rtx-4080: 1, rtx-3060: 2}
              gpuWaitBudget: 60s
              cpuWorkers:
                replicas: 2
                hpa:
                  apiVersion: autoscaling/v2
                  kind: HorizontalPodAutoscaler
                  metadata: {name: video-processing-cpu-workers}
                  spec:
                    scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: video-processing}
                    minReplicas: 2
                    maxReplicas: 8
                    metrics:
                    - type: External
                      external:
                        metric: {name: video_processing_backlog}
                        target: {type: AverageValue, averageValue: "5"}
        slos:
          - nothingLost: true
        plan:
          variables:
            - {key: topology.services.video-processing.cpuWorkers.hpa.spec.maxReplicas, values: [2, 3, 8]}
          loads: [1]
        """
    static let file = "scenarios/plan-hpa.yaml"

    func testTheHPACeilingVariableChangesTheWorkerDeployment() throws {
        let s = try ScenarioLoader.load(yaml: Self.yaml)
        let sink = DiagnosticSink()
        let d = try XCTUnwrap(PlanDefinition.parse(section: XCTUnwrap(s.sections.plan), sink: sink))
        let e = PlanEvaluator(file: Self.file, definition: d, cost: CostModel(), replications: 1, jobs: 1,
                              sampleInterval: .wholeSeconds(10), sectionChecks: PlatformAssembly.sectionChecks,
                              factory: PlatformAssembly.factory, provider: InMemorySources([Self.file: Self.yaml]))
        var peaks: [Double] = [], digests: Set<String> = []
        for (i, ceiling) in [2, 3, 8].enumerated() {
            let scenario = try e.scenario(for: [i], load: 1)
            let spec = PlatformSpec.decode(root: NodeReader(scenario.document, sink: DiagnosticSink()))
            XCTAssertTrue(try XCTUnwrap(spec.video?.cpuWorkers.hpaManifestYAML).contains("maxReplicas: \(ceiling)"))
            let outcome = try ReplicationRun(scenario: scenario, index: 0).run(factory: PlatformAssembly.factory)
            let replicas = try XCTUnwrap(outcome.result.snapshot.series(named: "video-processing.replicas{region=us-east-1}")?.values)
            peaks.append(try XCTUnwrap(replicas.filter { !$0.isNaN }.max()))
            digests.insert(outcome.result.digest.hex)
        }
        // Two GPUs of the 1080p type leave a backlog: the HPA scales to whatever ceiling it has.
        XCTAssertEqual(peaks, [2, 3, 8])
        XCTAssertEqual(digests.count, 3, "each ceiling gives another run")
    }
}
