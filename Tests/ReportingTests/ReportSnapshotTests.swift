import Foundation
import XCTest
@testable import Reporting

/// Writes the synthetic reports to `$LOOMSIM_REPORT_SNAPSHOT_DIR` for looking at them in a
/// browser (skipped when the variable is unset).
final class ReportSnapshotTests: XCTestCase {
    func testWriteSnapshotWhenAsked() throws {
        guard let dir = ProcessInfo.processInfo.environment["LOOMSIM_REPORT_SNAPSHOT_DIR"] else {
            throw XCTSkip("set LOOMSIM_REPORT_SNAPSHOT_DIR to write example reports")
        }
        let base = URL(fileURLWithPath: dir)
        try ReportWriter.write(Synthetic.report(), to: base.appendingPathComponent("single"))
        try ReportWriter.write(Synthetic.report(replications: 3), to: base.appendingPathComponent("replicated"))
        try ReportWriter.write(Synthetic.report(replications: 2, complete: false), to: base.appendingPathComponent("interrupted"))
        try ReportWriter.write(Synthetic.report(samples: 8640, interval: 1, extraSeries: 300), to: base.appendingPathComponent("large"))
    }
}
