import Foundation
import XCTest

/// The capacity-and-cost notebook on a plan's database (`loomsim plan --out`): its
/// `plan_evaluations` give the capacity curve against the load and the cost frontier at 1×.
extension NotebookTests {
    func testCapacityNotebookRunsAgainstAPlan() throws {
        _ = try python()
        let dir = try Loomsim.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("plan.yaml")
        try Data(PlanCommandTests.scenario.utf8).write(to: file)
        let plan = try Loomsim.run(["plan", file.path, "--out", dir.appendingPathComponent("plan").path], release: true)
        XCTAssertEqual(plan.status, 0, plan.stderr)
        let figures = dir.appendingPathComponent("figures")
        let result = try execute(["capacity-and-cost.ipynb"], database: dir.appendingPathComponent("plan/results.sqlite"), figures: figures)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("ok capacity-and-cost.ipynb"), result.output)
        for figure in ["capacity-curve", "cost-frontier"] { try assertPNG(figures.appendingPathComponent("\(figure).png")) }
    }
}
