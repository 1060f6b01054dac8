import XCTest
@testable import Reporting

/// The seed-table's arithmetic on inputs whose answers are known by hand.
final class SeedTableComparisonTests: XCTestCase {
    func testPairedRatioMeanAndStudentInterval() throws {
        // Ratios 10, 12, 14: mean 12, sd 2, t(0.975, 2) = 4.302653, half-width 4.302653 × 2 / √3.
        let i = try XCTUnwrap(SeedTableImprovement(without: [100, 100, 50], with: [1_000, 1_200, 700], measure: .ratio))
        XCTAssertEqual(i.perReplication, [10, 12, 14])
        XCTAssertEqual(i.mean, 12, accuracy: 1e-12)
        let half = 4.302_652_729_911_275 * 2 / 3.0.squareRoot()
        XCTAssertEqual(i.lower, 12 - half, accuracy: 1e-6)
        XCTAssertEqual(i.upper, 12 + half, accuracy: 1e-6)
    }

    func testReductionIsOneMinusTheRatioPerReplication() throws {
        let i = try XCTUnwrap(SeedTableImprovement(without: [4, 10], with: [1, 5], measure: .reduction))
        XCTAssertEqual(i.perReplication, [0.75, 0.5])
        XCTAssertEqual(i.mean, 0.625, accuracy: 1e-12)
        XCTAssertLessThan(i.lower, 0.5)
        XCTAssertGreaterThan(i.upper, 0.75)
    }

    func testPairingSkipsMissingAndZeroBaselines() {
        let i = SeedTableImprovement(without: [nil, 0, 2], with: [5, 5, 6], measure: .ratio)
        XCTAssertEqual(i?.perReplication, [3])
        XCTAssertEqual(i?.lower, -.infinity, "one pair gives no interval")
        XCTAssertNil(SeedTableImprovement(without: [0, 0], with: [1, 1], measure: .ratio))
    }

    func testVerdictHoldsTheWholeIntervalAgainstTheClaim() {
        XCTAssertEqual(SeedTableVerdict.judge(lower: 10, upper: 10, claimed: 10), .reproduced)
        XCTAssertEqual(SeedTableVerdict.judge(lower: 2, upper: 3, claimed: 5), .notReproduced)
        XCTAssertEqual(SeedTableVerdict.judge(lower: 4, upper: 6, claimed: 5), .inconclusive)
    }

    func row(_ claim: SeedTableClaim, without: [Double?], with: [Double?]) -> SeedTableRow {
        SeedTableRow(id: "r", service: "S", challenge: "C", solution: "X", claim: claim, metric: "m", definition: "d", unit: "",
                     withoutConfiguration: "a", withConfiguration: "b", note: "n", without: without, with: with)
    }

    func testRowVerdictsByClaimKind() {
        XCTAssertEqual(row(SeedTableClaim(.ratio, 5, text: "5x"), without: [10, 10, 10], with: [20, 21, 22]).verdict, .notReproduced)
        XCTAssertEqual(row(SeedTableClaim(.reduction, 0.9, text: "90%"), without: [10, 10, 10], with: [0.5, 0.6, 0.7]).verdict, .reproduced)
        // Absolute claims judge the solution's own interval, whatever the baseline.
        XCTAssertEqual(row(SeedTableClaim(.atLeast, 1e6, text: "1M+"), without: [0, 0, 0], with: [2e6, 2.1e6, 2.2e6]).verdict, .reproduced)
        guard case .notMeasurable = row(SeedTableClaim(.ratio, 5, text: "5x"), without: [0, 0], with: [3, 3]).verdict else {
            return XCTFail("a zero baseline has no ratio")
        }
        guard case .notMeasurable = row(SeedTableClaim(.ratio, 5, text: "5x"), without: [1, 1], with: [nil, nil]).verdict else {
            return XCTFail("a solution without data is not measurable")
        }
    }

    func testRenderingsCarryTheNumbersAndAreDeterministic() {
        let report = SeedTableReport(rows: [row(SeedTableClaim(.ratio, 10, text: "10x sessions"), without: [1_500, 1_500], with: [15_000, 15_000])],
                                     replications: 2, rerunCommand: "loomsim seed-table")
        XCTAssertTrue(report.text.contains("10x [10x, 10x]"), report.text)
        XCTAssertTrue(report.text.contains("claim reproduced"))
        XCTAssertTrue(report.markdown.contains("| r | m | 1,500 ± 0 | 15,000 ± 0 | 10x \\[10x, 10x\\] | 10x sessions | claim reproduced |"), report.markdown)
        XCTAssertTrue(report.json.contains("\"perReplication\": [\n        10,\n        10\n      ]") || report.json.contains("\"measure\": \"ratio\""))
        XCTAssertTrue(report.html.hasPrefix("<!DOCTYPE html>") && report.html.contains("badge pass"))
        XCTAssertFalse(report.html.contains("<script"))
        let again = SeedTableReport(rows: report.rows, replications: 2, rerunCommand: "loomsim seed-table")
        XCTAssertEqual(report.json, again.json)
        XCTAssertEqual(report.html, again.html)
    }
}
