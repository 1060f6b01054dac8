import Foundation
import LoomServices
import ScenarioKit
import XCTest
@testable import ScenarioRunner

/// `loomsim plan` in process: the plan: and cost: sections with precise errors, the planner against
/// a brute-force sweep of the same candidate box (the feasibility boundary established
/// independently), output identical whatever the thread count, and load scaling.
final class PlanTests: XCTestCase {
    static let base = """
        name: plan-gpu
        seed: 5
        duration: 8m
        warmUp: 1m
        replications: 1
        load:
          workloads:
            - name: uploads
              target: video-processing
              rate: 0.65/s
              mix:
                tier: {categorical: {free: 60%, business: 30%, enterprise: 10%}}
                duration: {lognormal: {mean: 3m, cv: 1.0}}
                resolution: {empirical: {values: [1080, 2160], weights: [2, 1]}}
        topology:
          services:
            video-processing:
              gpus: {a100: 1, rtx-4080: 2, rtx-3060: 8}
              gpuWaitBudget: 10m
              cpuWorkers: {replicas: 1}
        slos:
          - nothingLost: true
          - "p95(video-processing.queue_wait{priority=normal}) < 60s"
        plan:
          variables:
            - {key: topology.services.video-processing.gpus.rtx-3060, values: [1, 2, 3, 4, 6, 8]}
            - {key: topology.services.video-processing.gpus.rtx-4080, range: {min: 1, max: 3}}
          loads: [1]
        """
    static let file = "scenarios/plan-gpu.yaml"

    func evaluator(_ yaml: String = PlanTests.base, jobs: Int) throws -> PlanEvaluator {
        let s = try ScenarioLoader.load(yaml: yaml)
        let sink = DiagnosticSink()
        let d = try XCTUnwrap(PlanDefinition.parse(section: XCTUnwrap(s.sections.plan), sink: sink))
        let cost = try XCTUnwrap(CostModel.parse(section: s.sections.cost, sink: sink))
        return PlanEvaluator(file: Self.file, definition: d, cost: cost, replications: 1, jobs: jobs, sampleInterval: .wholeSeconds(10),
                             sectionChecks: PlatformAssembly.sectionChecks, factory: PlatformAssembly.factory,
                             provider: InMemorySources([Self.file: yaml]))
    }

    func testThePlanIsFeasibleAndNoDearerThanTheBruteForceSweepsMonotoneMinimum() throws {
        let e = try evaluator(jobs: 2)
        let box = (0..<6).flatMap { a in (0..<3).map { [a, $0] } }
        let all = try e.evaluate(box, load: 1)
        let feasible = Set(all.filter(\.feasible).map(\.point))
        XCTAssertFalse(feasible.isEmpty)
        XCTAssertLessThan(feasible.count, box.count, "the boundary must lie inside the box")
        // The video model is not monotone in GPUs everywhere (few GPUs push the adaptive strategy
        // to CPU sooner), so the guarantee is on the up-set the search can trust: every feasible
        // configuration whose whole upper cone is feasible. The plan must be feasible and at most
        // as dear as the cheapest of those.
        let upSet = all.filter { e in e.feasible && box.allSatisfy { q in !(q[0] >= e.point[0] && q[1] >= e.point[1]) || feasible.contains(q) } }
        let cheapest = try XCTUnwrap(upSet.min { $0.dollarsPerHour < $1.dollarsPerHour })
        let plan = try Planner.plan(scenario: "plan-gpu", evaluator: e)
        let r = try XCTUnwrap(plan.recommended)
        XCTAssertTrue(feasible.contains(r.point))
        XCTAssertLessThanOrEqual(r.dollarsPerHour, cheapest.dollarsPerHour + 1e-9, "\(r.values) vs \(cheapest.values)")
        XCTAssertEqual(r, all.first { $0.point == r.point }, "the cached evaluation is the brute force's")
        XCTAssertLessThan(plan.curve[0].evaluated, box.count, "monotonicity saved no runs")
        // The cost is the bill: pods plus GPUs at the built-in prices (a100 $3.67, rtx-4080 $0.55, rtx-3060 $0.20).
        let gpus = 3.67 + 0.55 * Double(r.values[1])! + 0.20 * Double(r.values[0])!
        XCTAssertEqual(r.bill.filter { $0.name.hasPrefix("gpu.") }.reduce(0) { $0 + $1.dollarsPerHour }, gpus, accuracy: 1e-9)
        XCTAssertEqual(r.dollarsPerRun, r.dollarsPerHour * 8 / 60, accuracy: 1e-9)
        let wait = try XCTUnwrap(r.slos.first { $0.name.contains("queue_wait") })
        XCTAssertTrue(wait.passed)
        XCTAssertEqual(wait.margin!, 60 - wait.value!, accuracy: 1e-9)
    }

    func testPlanOutputIsIdenticalWithOneAndTwoJobs() throws {
        let one = try Planner.plan(scenario: "plan-gpu", evaluator: evaluator(jobs: 1))
        let two = try Planner.plan(scenario: "plan-gpu", evaluator: evaluator(jobs: 2))
        XCTAssertEqual(PlanReport.markdown(one), PlanReport.markdown(two))
        XCTAssertEqual(PlanReport.json(one), PlanReport.json(two))
        XCTAssertTrue(PlanReport.markdown(one).contains("## Capacity curve"))
    }

    func testAnInfeasibleBoxHasNoRecommendationAfterOneRun() throws {
        let yaml = Self.base.replacingOccurrences(of: "slos:\n", with: "slos:\n  - \"p95(video-processing.end_to_end{priority=normal}) < 1s\"\n")
        let plan = try Planner.plan(scenario: "plan-gpu", evaluator: evaluator(yaml, jobs: 2))
        XCTAssertNil(plan.recommended)
        XCTAssertEqual(plan.curve.map(\.evaluated), [1])
        XCTAssertTrue(PlanReport.markdown(plan).contains("No feasible configuration"))
    }

    func testLoadMultiplierScalesEveryPoissonWorkload() throws {
        let s = try ScenarioLoader.load(yaml: Self.base)
        let doubled = try PlanEvaluator.scaled(s, by: 2)
        XCTAssertEqual(doubled.workloads[0].expectedArrivals(horizon: s.duration), 2 * s.workloads[0].expectedArrivals(horizon: s.duration),
                       accuracy: 1e-6)
    }

    func testBadPlanAndCostSectionsAreReportedAtTheirLines() throws {
        let yaml = Self.base.replacingOccurrences(of: "values: [1, 2, 3, 4, 6, 8]", with: "values: [1, 3, 2]")
            .replacingOccurrences(of: "loads: [1]", with: "loads: [1, -2]\n  on: upper99") + """

            cost:
              podHour: {streaming: $1}
              gpuHour: {a100: 3.67}
            """
        let s = try ScenarioLoader.load(yaml: yaml, file: "bad.yaml")
        let sink = DiagnosticSink()
        XCTAssertNil(PlanDefinition.parse(section: try XCTUnwrap(s.sections.plan), sink: sink))
        XCTAssertNil(CostModel.parse(section: s.sections.cost, sink: sink))
        let text = sink.diagnostics.map(\.description).joined(separator: "\n")
        XCTAssertTrue(text.contains("bad.yaml:26:") && text.contains("does not follow"), text)     // 2 after 3
        XCTAssertTrue(text.contains("bad.yaml:28:") && text.contains("plan.loads"), text)         // -2
        XCTAssertTrue(text.contains("bad.yaml:29:") && text.contains("plan.on"), text)            // upper99
        XCTAssertTrue(text.contains("bad.yaml:31:") && text.contains("has no pods billed"), text)  // streaming
        XCTAssertTrue(text.contains("bad.yaml:32:") && text.contains("cost.gpuHour.a100"), text)  // no $
    }
}
