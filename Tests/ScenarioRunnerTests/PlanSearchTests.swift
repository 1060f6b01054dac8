import XCTest
@testable import ScenarioRunner

/// The plan search on synthetic problems whose answer is known by brute force: it must find the
/// cheapest feasible configuration of a monotone problem while running fewer configurations than
/// the box holds, report infeasibility after one run, and settle verdicts by monotonicity.
final class PlanSearchTests: XCTestCase {
    /// Feasible iff 2a + 3b + c ≥ need; cost grows with every axis.
    struct Problem {
        var sizes: [Int]
        var need: Int
        var prices: [Double]
        func feasible(_ p: [Int]) -> Bool { 2 * p[0] + 3 * p[1] + p[2] >= need }
        func cost(_ p: [Int]) -> Double { zip(p, prices).reduce(0) { $0 + Double($1.0 + 1) * $1.1 } }
        func bruteForce() -> [Int]? {
            var best: [Int]?
            for a in 0..<sizes[0] { for b in 0..<sizes[1] { for c in 0..<sizes[2] {
                let p = [a, b, c]
                guard feasible(p) else { continue }
                if best == nil || cost(p) < cost(best!) || (cost(p) == cost(best!) && p.lexicographicallyPrecedes(best!)) { best = p }
            } } }
            return best
        }
    }

    func run(_ problem: Problem, max: Int = 500) -> (PlanSearch.Outcome, [[Int]]) {
        var search = PlanSearch(sizes: problem.sizes, maxEvaluations: max)
        var asked: [[Int]] = []
        let outcome = search.run { (points: [[Int]]) -> [PlanSearch.Verdict] in
            asked += points
            return points.map { PlanSearch.Verdict(feasible: problem.feasible($0), cost: problem.cost($0)) }
        }
        return (outcome, asked)
    }

    func testFindsTheBruteForceMinimumWithFewerRunsThanTheBox() {
        for (need, prices) in [(14, [5.0, 7, 2]), (20, [1.0, 10, 3]), (9, [4.0, 4, 4]), (3, [1.0, 1, 1]), (30, [2.0, 3, 1])] {
            let problem = Problem(sizes: [8, 6, 5], need: need, prices: prices)
            let (outcome, asked) = run(problem)
            XCTAssertEqual(outcome.best, problem.bruteForce(), "need \(need) prices \(prices)")
            XCTAssertEqual(Set(asked).count, asked.count, "a configuration was run twice")
            XCTAssertLessThan(asked.count, 8 * 6 * 5 / 2, "need \(need): \(asked.count) runs")
            XCTAssertGreaterThan(outcome.inferred, 0, "monotonicity settled nothing")
            XCTAssertFalse(outcome.truncated)
        }
    }

    func testLowerBoundsAreEachAxisSmallestFeasibleValueWithTheOthersAtMaximum() {
        let problem = Problem(sizes: [8, 6, 5], need: 20, prices: [1, 1, 1])
        let (outcome, _) = run(problem)
        // a: 2a + 15 + 4 ≥ 20 → a ≥ 1; b: 14 + 3b + 4 ≥ 20 → b ≥ 1; c: 14 + 15 + c ≥ 20 → c ≥ 0.
        XCTAssertEqual(outcome.lowerBounds, [1, 1, 0])
    }

    func testAnInfeasibleMaximumEndsTheSearchAfterOneRun() {
        let (outcome, asked) = run(Problem(sizes: [8, 6, 5], need: 100, prices: [1, 1, 1]))
        XCTAssertNil(outcome.best)
        XCTAssertEqual(asked, [[7, 5, 4]])
    }

    func testACostThatFallsWithCapacityIsStillComparedOverEveryRunConfiguration() {
        // One axis; feasible from index 2; cost falls with capacity (GPUs sparing fallback pods).
        var search = PlanSearch(sizes: [6])
        let outcome = search.run { (points: [[Int]]) -> [PlanSearch.Verdict] in
            points.map { PlanSearch.Verdict(feasible: $0[0] >= 2, cost: 10 - Double($0[0])) }
        }
        XCTAssertEqual(outcome.best, [5], "the all-maximum configuration was run and is cheapest")
    }

    func testTheEvaluationLimitStopsTheSearchAndSaysSo() {
        let (outcome, asked) = run(Problem(sizes: [8, 6, 5], need: 14, prices: [1, 1, 1]), max: 5)
        XCTAssertTrue(outcome.truncated)
        XCTAssertLessThanOrEqual(asked.count, 5)
    }
}
