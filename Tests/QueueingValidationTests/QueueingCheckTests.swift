import Foundation
import XCTest
@testable import QueueingValidation
@testable import SimKernel

final class QueueingCheckTests: XCTestCase {
    /// Settings for the debug build: shorter runs than the CLI's (1 %, up to 40M customers), so a
    /// 99.9 % interval keeps the chance of a false FAIL on a correct kernel near 0.1 % per case.
    let quick = BatchMeansSettings(
        initialBatchSize: 5_000, batchCount: 30, warmUpDepartures: 10_000,
        targetRelativeHalfWidth: 0.03, level: 0.999, maxDepartures: 2_000_000)

    func testShippedCasesPass() throws {
        let cases = try AnalyticCase.parseFile(Data(shippedQueueingCases.utf8), fileName: "shipped")
        XCTAssertEqual(cases.count, 23)
        // The heavy-traffic M/M/1 (ρ = 0.9) and heavy-tailed M/G/1 need long runs; the CLI test
        // covers them with the release build. Here: every other model.
        let light = cases.filter { !($0.modelName == "M/M/1" && $0.model.arrivalRate == 0.9) && $0.modelName != "M/G/1" }
        let results = checkQueueing(light, seed: 1, settings: quick)
        for r in results { XCTAssertTrue(r.passed, r.line) }
    }

    func testTheShippedCopyMatchesTheSharedValidationFile() throws {
        let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/validation/queueing-analytic.json")
        guard let data = FileManager.default.contents(atPath: shared.path) else {
            throw XCTSkip("no shared/ folder beside the checkout")
        }
        let theirs = try AnalyticCase.parseFile(data, fileName: "shared")
        let ours = try AnalyticCase.parseFile(Data(shippedQueueingCases.utf8), fileName: "shipped")
        XCTAssertEqual(theirs.map(\.analyticValue), ours.map(\.analyticValue))
        XCTAssertEqual(theirs.map(\.modelKey), ours.map(\.modelKey))
    }

    /// Parameters the shipped file does not have, with values computed here from the closed forms.
    func testUnshippedParametersAreCheckedToo() throws {
        let (lambda, mu, c) = (2.4, 1.0, 3)
        let a = lambda / mu, rho = a / Double(c)
        var b = 1.0
        for k in 1...c { b = a * b / (Double(k) + a * b) }
        let erlangC = b / (1 - rho * (1 - b))
        let wq = erlangC / (Double(c) * mu - lambda)
        // M/M/2/4: birth-death probabilities p_n ∝ a^n/n! for n ≤ 2, a^n/(2!·2^(n-2)) beyond.
        let (l2, k2) = (1.5, 4)
        var weights: [Double] = []
        for n in 0...k2 {
            weights.append(n <= 2 ? pow(l2, Double(n)) / Double([1, 1, 2][n]) : pow(l2, Double(n)) / (2 * pow(2, Double(n - 2))))
        }
        let pBlock = weights[k2] / weights.reduce(0, +)
        // M/G/1 with gamma service, mean 0.5, cv 0.5: E[S²] = m²(1 + cv²).
        let (l3, m3, cv3) = (1.2, 0.5, 0.5)
        let wqGamma = l3 * m3 * m3 * (1 + cv3 * cv3) / (2 * (1 - l3 * m3))
        let json = """
            [{"model": "M/M/c", "params": {"lambda": \(lambda), "mu": \(mu), "c": \(c)}, "metric": "Wq (mean wait)", "value": \(wq)},
             {"model": "M/M/c", "params": {"lambda": \(lambda), "mu": \(mu), "c": \(c)}, "metric": "P_wait", "value": \(erlangC)},
             {"model": "M/M/c/K", "params": {"lambda": \(l2), "mu": 1, "c": 2, "K": \(k2)}, "metric": "P_block", "value": \(pBlock)},
             {"model": "M/G/1", "params": {"lambda": \(l3), "service": "gamma", "service_mean": \(m3), "service_cv": \(cv3)}, "metric": "Wq", "value": \(wqGamma)},
             {"model": "M/D/1", "params": {"lambda": 0.5, "service_time": 1}, "metric": "L (mean number in system)", "value": \(0.5 * (0.5 / (2 * 0.5)) + 0.5)}]
            """
        let cases = try AnalyticCase.parseFile(Data(json.utf8), fileName: "custom")
        for r in checkQueueing(cases, seed: 3, settings: quick) { XCTAssertTrue(r.passed, r.line) }
    }

    func testAWrongAnalyticValueFails() throws {
        let json = #"[{"model": "M/M/1", "params": {"lambda": 0.5, "mu": 1}, "metric": "Wq", "value": 1.2}]"#
        let cases = try AnalyticCase.parseFile(Data(json.utf8), fileName: "wrong")
        let result = checkQueueing(cases, seed: 3, settings: quick)[0]
        XCTAssertFalse(result.passed, result.line)
        XCTAssertTrue(result.line.hasPrefix("FAIL"))
    }

    func testBadCasesAreReportedAllAtOnceWithTheirPositions() {
        let json = """
            [{"model": "M/M/1", "params": {"lambda": 1.5, "mu": 1}, "metric": "Wq", "value": 1},
             {"model": "X/Y/Z", "params": {"lambda": 1}, "metric": "Wq", "value": 1},
             {"model": "M/M/1", "params": {"lambda": "fast", "mu": 1}, "metric": "Wq", "value": 1},
             {"model": "M/M/1", "params": {"lambda": 0.5, "mu": 1}, "metric": "throughput", "value": 1},
             {"model": "M/M/c/K", "params": {"lambda": 0.5, "mu": 1, "c": 3, "K": 2}, "metric": "P_block", "value": 0.1}]
            """
        XCTAssertThrowsError(try AnalyticCase.parseFile(Data(json.utf8), fileName: "bad.json")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("bad.json: case 1: ρ = λ·E[S]/c = 1.5 ≥ 1"), text)
            XCTAssertTrue(text.contains("bad.json: case 2: \"model\": unsupported model \"X/Y/Z\""), text)
            XCTAssertTrue(text.contains("bad.json: case 3: \"params.lambda\": expected a number"), text)
            XCTAssertTrue(text.contains("bad.json: case 4: \"metric\": unknown metric \"throughput\""), text)
            XCTAssertTrue(text.contains("bad.json: case 5: system capacity K = 2"), text)
        }
        XCTAssertThrowsError(try AnalyticCase.parseFile(Data("{".utf8), fileName: "broken.json")) { error in
            XCTAssertTrue("\(error)".hasPrefix("broken.json: malformed JSON"), "\(error)")
        }
        XCTAssertThrowsError(try AnalyticCase.parseFile(Data("[]".utf8), fileName: "empty.json"))
    }

    func testMemoryStaysBoundedByTheQueueNotTheCustomers() throws {
        let model = try QueueModel(arrivalRate: 9, service: .exponential(mean: 1), servers: 10)
        let run = QueueSimulator(model: model, seed: 5).run(batchSize: 200_000, departureLimit: 200_000) { _ in false }
        // At ρ = 0.9 the queue rarely exceeds a few hundred; memory is that ring buffer plus a
        // heap of at most c + 1 events, whatever the number of customers.
        XCTAssertLessThan(run.maxWaiting, 1_000)
        XCTAssertEqual(run.events, 400_000, accuracy: 1_000)
    }
}
