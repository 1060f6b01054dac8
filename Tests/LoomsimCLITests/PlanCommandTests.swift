import Foundation
import XCTest

/// `loomsim plan` end to end with the release binary on a small plan (seconds): the
/// recommendation with its cost and margins in plan.md/plan.json and results.sqlite, the same
/// answer with one and two jobs, exit 1 when nothing in range meets the SLOs, exit 2 with the
/// location of a bad plan: section.
final class PlanCommandTests: XCTestCase {
    static let scenario = """
        name: cli-plan
        seed: 5
        duration: 8m
        warmUp: 1m
        replications: 2
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
        cost:
          gpuHour: {rtx-3060: $0.25}
        plan:
          variables:
            - {key: topology.services.video-processing.gpus.rtx-3060, values: [1, 2, 4, 6, 8]}
            - {key: topology.services.video-processing.gpus.rtx-4080, range: {min: 1, max: 3}}
          loads: [1, 2]
        """

    func write(_ text: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent("plan.yaml")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func dump(_ dir: URL) throws -> [String] {
        let r = try Loomsim.run(["merge", "--dump", dir.appendingPathComponent("results.sqlite").path], release: true)
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout.split(separator: "\n").map(String.init)
    }

    func testPlanWritesTheRecommendationWithCostMarginsAndDatabaseTheSameWithOneAndTwoJobs() throws {
        let dir = try Loomsim.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try write(Self.scenario, in: dir)
        let two = dir.appendingPathComponent("two"), one = dir.appendingPathComponent("one")
        let r = try Loomsim.run(["plan", file, "--jobs", "2", "--out", two.path], release: true)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        for name in ["plan.md", "plan.json", "plan.html", "results.sqlite"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: two.appendingPathComponent(name).path), name)
        }
        let markdown = try String(contentsOf: two.appendingPathComponent("plan.md"), encoding: .utf8)
        XCTAssertTrue(r.stdout.hasPrefix(markdown), "stdout starts with plan.md")
        for part in ["## Recommended configuration", "- `topology.services.video-processing.gpus.rtx-3060` = **",
                     "/hour, $", "| SLO | bound | value | threshold | margin |", "## Neighbour check", "## Capacity curve",
                     "## Monotonicity"] {
            XCTAssertTrue(markdown.contains(part), "plan.md lacks \(part)\n\(markdown)")
        }
        XCTAssertTrue(r.stdout.contains("configurations_per_minute="), r.stdout)

        // plan.json: the recommendation's values, its cost (the bill's sum) and a positive margin per SLO.
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: two.appendingPathComponent("plan.json"))) as? [String: Any])
        let best = try XCTUnwrap(json["recommended"] as? [String: Any])
        let values = try XCTUnwrap(best["values"] as? [String])
        XCTAssertEqual(values.count, 2)
        let cost = try XCTUnwrap(best["dollarsPerHour"] as? Double)
        let bill = try XCTUnwrap(best["bill"] as? [[String: Any]]).compactMap { $0["dollarsPerHour"] as? Double }
        XCTAssertEqual(cost, bill.reduce(0, +), accuracy: 1e-9)
        // a100 $3.67 + rtx-4080 $0.55 each + rtx-3060 at the plan's $0.25 each, plus the CPU pod.
        let gpus = 3.67 + 0.55 * Double(values[1])! + 0.25 * Double(values[0])!
        XCTAssertGreaterThan(cost, gpus)
        let slos = try XCTUnwrap(best["slos"] as? [[String: Any]])
        let wait = try XCTUnwrap(slos.first { ($0["name"] as? String)?.contains("queue_wait") == true })
        XCTAssertEqual(wait["passed"] as? Bool, true)
        XCTAssertGreaterThan(try XCTUnwrap(wait["margin"] as? Double), 0)
        XCTAssertTrue(markdown.contains(String(format: "$%.2f/hour", cost)), markdown)

        // plan.html: the recommendation's cost, the curve chart with every load, the frontier and the checks.
        let html = try String(contentsOf: two.appendingPathComponent("plan.html"), encoding: .utf8)
        XCTAssertTrue(html.contains(String(format: "Cost: $%.2f/hour, $", cost)), "plan.html lacks the recommendation's cost")
        for value in values { XCTAssertTrue(html.contains("<strong>\(value)</strong>"), value) }
        for part in ["Capacity curve: cheapest feasible cost per load", ">1×</text>", ">2×</text>", "Cost frontier at 1×",
                     "★ rtx-3060=", "Neighbour check", "id=\"monotonicity\""] {
            XCTAssertTrue(html.contains(part), "plan.html lacks \(part)")
        }
        for fetch in ["<link", "src=", "<script", "@import"] { XCTAssertFalse(html.contains(fetch), "plan.html is self-contained: \(fetch)") }

        // results.sqlite: one plan row per configuration run, one recommended, the curve marked.
        let rows = try dump(two)
        let planRows = rows.filter { $0.hasPrefix("plan_evaluations|") }
        XCTAssertEqual(planRows.count, json["evaluations"] as? Int)
        XCTAssertEqual(rows.filter { $0.hasPrefix("runs|") }.count, planRows.count)
        let recommended = planRows.filter { $0.contains("|recommended=1") }
        XCTAssertEqual(recommended.count, 1, planRows.joined(separator: "\n"))
        XCTAssertTrue(recommended[0].contains("load=1.0") && recommended[0].contains("feasible=1"), recommended[0])
        XCTAssertTrue(recommended[0].contains("gpus.rtx-3060=\(values[0]) topology.services.video-processing.gpus.rtx-4080=\(values[1])"),
                      recommended[0])
        XCTAssertEqual(planRows.filter { $0.contains("|cheapest_at_load=1") }.count,
                       (json["curve"] as? [[String: Any]])?.filter { $0["best"] != nil }.count)
        XCTAssertTrue(rows.contains { $0.hasPrefix("parameters|") && $0.contains("key=\"load\"|value=\"2\"") })

        // One job: the same plan.json and plan.md, byte for byte, and the same database rows.
        let s = try Loomsim.run(["plan", file, "--jobs", "1", "--out", one.path], release: true)
        XCTAssertEqual(s.status, 0, s.stderr)
        XCTAssertEqual(try Data(contentsOf: one.appendingPathComponent("plan.json")), try Data(contentsOf: two.appendingPathComponent("plan.json")))
        XCTAssertEqual(try Data(contentsOf: one.appendingPathComponent("plan.md")), try Data(contentsOf: two.appendingPathComponent("plan.md")))
        XCTAssertEqual(try dump(one), rows)
        XCTAssertEqual(try Data(contentsOf: one.appendingPathComponent("plan.html")), try Data(contentsOf: two.appendingPathComponent("plan.html")))
        let again = dir.appendingPathComponent("again")
        XCTAssertEqual(try Loomsim.run(["plan", file, "--jobs", "2", "--out", again.path], release: true).status, 0)
        XCTAssertEqual(try Data(contentsOf: again.appendingPathComponent("plan.html")), try Data(contentsOf: two.appendingPathComponent("plan.html")))

        // A plan into a sweep's directory is refused.
        let sweep = try Loomsim.run(["sweep", file, "--param", "topology.services.video-processing.gpus.rtx-3060=2",
                                     "--out", dir.appendingPathComponent("sweep").path], release: true)
        XCTAssertEqual(sweep.status, 0, sweep.stderr)
        let mixed = try Loomsim.run(["plan", file, "--out", dir.appendingPathComponent("sweep").path], release: true)
        XCTAssertEqual(mixed.status, 2, mixed.stderr)
        XCTAssertTrue(mixed.stderr.contains("not a plan's"), mixed.stderr)
    }

    func testNoConfigurationInRangeExitsOneWithTheMessage() throws {
        let dir = try Loomsim.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Nothing is transcoded end to end within a second, whatever the fleet.
        let impossible = Self.scenario.replacingOccurrences(of: "queue_wait{priority=normal}) < 60s",
                                                            with: "end_to_end{priority=normal}) < 1s")
        let file = try write(impossible, in: dir)
        let r = try Loomsim.run(["plan", file, "--out", dir.appendingPathComponent("out").path], release: true)
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("## No feasible configuration"), r.stdout)
        XCTAssertTrue(r.stderr.contains("no configuration within the plan's ranges meets every SLO at the scenario's load"), r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/plan.json").path))
        let html = try String(contentsOf: dir.appendingPathComponent("out/plan.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("NO FEASIBLE CONFIGURATION"), "plan.html says no configuration is feasible")
        XCTAssertTrue(html.contains("2×: no configuration within the ranges meets every SLO"), "the curve marks the infeasible load")
    }

    func testABadPlanSectionExitsTwoAtItsLocation() throws {
        let dir = try Loomsim.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = Self.scenario.replacingOccurrences(of: "values: [1, 2, 4, 6, 8]", with: "values: [1, 4, 2]")
            .replacingOccurrences(of: "loads: [1, 2]", with: "loads: [1, 2]\n  on: upper99")
        let file = try write(bad, in: dir)
        let r = try Loomsim.run(["plan", file, "--out", dir.appendingPathComponent("out").path], release: true)
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("\(file):28:"), r.stderr)   // 2 after 4
        XCTAssertTrue(r.stderr.contains("does not follow"), r.stderr)
        XCTAssertTrue(r.stderr.contains("\(file):31:") && r.stderr.contains("plan.on"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/plan.json").path))
    }
}
