import Foundation
import LoomServices
import ScenarioKit
import XCTest
@testable import ScenarioRunner

/// The planner's guard against a non-monotone model: inversions among the runs are found and
/// reported, and the recommendation is checked against its immediate neighbours.
final class PlanVerificationTests: XCTestCase {
    func testInversionsAreThePairsWhereLessCapacityPassesAndMoreFails() {
        func run(_ p: [Int], _ load: Double, _ ok: Bool) -> Planner.Run {
            Planner.Run(point: p, values: p.map(String.init), load: load, feasible: ok)
        }
        let history = [
            run([2, 2], 1, true), run([1, 2], 1, false), run([2, 1], 1, true),
            run([3, 2], 1, false),          // above [2, 2] and [2, 1], both feasible: two inversions
            run([3, 3], 1, true),
            run([1, 1], 2, true), run([1, 1], 1, false), run([2, 2], 2, false),  // one at load 2
        ]
        let (list, count) = Planner.inversions(history, loads: [1, 2])
        XCTAssertEqual(count, 3)
        XCTAssertEqual(list.map { "\($0.load) \($0.feasible) < \($0.infeasible)" },
                       ["1.0 [\"2\", \"2\"] < [\"3\", \"2\"]", "1.0 [\"2\", \"1\"] < [\"3\", \"2\"]", "2.0 [\"1\", \"1\"] < [\"2\", \"2\"]"])
        // Incomparable pairs ([1, 2] fails, [2, 1] passes) are no inversion.
        XCTAssertEqual(Planner.inversions([run([1, 2], 1, false), run([2, 1], 1, true)], loads: [1]).1, 0)
    }

    func testTheRecommendationsNeighboursAreRunAndNoneIsCheaperAndFeasible() throws {
        let s = try ScenarioLoader.load(yaml: PlanTests.base)
        let sink = DiagnosticSink()
        let d = try XCTUnwrap(PlanDefinition.parse(section: XCTUnwrap(s.sections.plan), sink: sink))
        let e = PlanEvaluator(file: PlanTests.file, definition: d, cost: CostModel(), replications: 1, jobs: 2,
                              sampleInterval: .wholeSeconds(10), sectionChecks: PlatformAssembly.sectionChecks,
                              factory: PlatformAssembly.factory, provider: InMemorySources([PlanTests.file: PlanTests.base]))
        let plan = try Planner.plan(scenario: "plan-gpu", evaluator: e)
        let best = try XCTUnwrap(plan.recommended)
        let v = try XCTUnwrap(plan.verification)
        let sizes = e.definition.variables.map(\.candidates.count)
        // The neighbours of the final recommendation: every in-range step of one candidate.
        for axis in sizes.indices {
            for step in [-1, 1] {
                var p = best.point
                p[axis] += step
                guard (0..<sizes[axis]).contains(p[axis]) else { continue }
                let n = try XCTUnwrap(e.evaluation(p, load: 1), "neighbour \(p) was not run")
                XCTAssertTrue(v.neighbours.contains { $0.values == n.values })
                XCTAssertFalse(n.feasible && n.dollarsPerHour < best.dollarsPerHour, "\(n.values) is cheaper and feasible")
            }
        }
        // No feasible configuration run at load 1 is cheaper than the recommendation.
        XCTAssertFalse(e.history.contains { $0.load == 1 && $0.feasible && $0.dollarsPerHour < best.dollarsPerHour })
        let markdown = PlanReport.markdown(plan)
        XCTAssertTrue(markdown.contains("## Neighbour check"))
        XCTAssertTrue(markdown.contains("## Monotonicity"))
        if plan.inversionCount > 0 { XCTAssertTrue(markdown.contains("monotonicity violated at load 1×")) }
    }
}
