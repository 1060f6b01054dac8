import Foundation
import GRDB
import XCTest
@testable import Reporting

final class ResultsDatabaseTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("results-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// Every table except wall_clock, every row in storage order, as text.
    func dump(_ path: String) throws -> String {
        let db = try ResultsDatabase.open(path)
        defer { try? db.close() }
        return try db.read { db in
            var out = ""
            for table in ResultsSchema.tables where table != "wall_clock" {
                out += "## \(table)\n"
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table)") { out += row.description + "\n" }
            }
            return out
        }
    }

    func testSchemaHasEveryDocumentedTable() throws {
        let db = try ResultsDatabase.open(dir.appendingPathComponent("r.sqlite").path)
        let names = try db.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") }
        XCTAssertEqual(Set(names), Set(ResultsSchema.tables))
        XCTAssertEqual(try db.read { try Int.fetchOne($0, sql: "PRAGMA user_version") }, ResultsSchema.version)
        let view = try db.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'view'") }
        XCTAssertEqual(view, ["time_series_long"])
    }

    func testRowsOfARun() throws {
        let report = Synthetic.report(samples: 60)
        let path = dir.appendingPathComponent("r.sqlite").path
        let db = try ResultsDatabase.open(path)
        let run = try db.record(report)
        try db.read { db in
            let r = try XCTUnwrap(try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE run_id = ?", arguments: [run]))
            XCTAssertEqual(r["scenario"] as String?, report.scenario)
            XCTAssertEqual(r["seed"] as Int64?, 42)
            XCTAssertEqual(r["digest"] as String?, report.digest)
            XCTAssertEqual(r["complete"] as Int?, 1)
            XCTAssertEqual(r["verdict"] as String?, "fail")
            XCTAssertEqual(r["resolved_scenario"] as String?, report.resolvedScenario)
            let m = report.replications[0].metrics
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM samples"), m.times.count)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM series"), m.series.count)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM time_series"), m.series.count * m.times.count)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM assertions"), report.slos.count)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events"), m.events.count)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM counters"), m.counters.count)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM latency_histograms"), m.latencies.count)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conservation"), 6)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM parameters WHERE point = 0"), 2)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM wall_clock"), 2)
            let load = try Double.fetchOne(db, sql: """
                SELECT value FROM time_series_long WHERE key = 'recording.load' AND sample = 5
                """)
            XCTAssertEqual(load, m.series(named: "recording.load")!.values[5])
            let t = try Double.fetchOne(db, sql: "SELECT t_seconds FROM time_series_long WHERE key = 'cost.total' AND sample = 3")
            XCTAssertEqual(t, 30)
            let gaps = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM time_series_long WHERE key = 'unused.series' AND value IS NULL")
            XCTAssertEqual(gaps, m.times.count, "NaN is stored as NULL")
            let gpu = try Row.fetchOne(db, sql: "SELECT metric, labels FROM series WHERE key = 'gpu.preemptions{type=T4}.rate'")
            XCTAssertEqual(gpu?["metric"] as String?, "gpu.preemptions.rate")
            XCTAssertEqual(gpu?["labels"] as String?, "type=T4")
            let terminal = try Int.fetchOne(db, sql: """
                SELECT count FROM terminal_states WHERE service = 'recording' AND state = 'failed' AND reason = 'timeout'
                """)
            XCTAssertEqual(terminal, 600)
            let failed = try String.fetchAll(db, sql: "SELECT name FROM assertions WHERE passed = 0")
            XCTAssertEqual(failed, ["transcode p95 under 90 s"])
        }
        try db.close()
    }

    func testInterruptedRunIsConsistentAndMarkedIncomplete() throws {
        let report = Synthetic.report(replications: 3, samples: 40)
        let path = dir.appendingPathComponent("r.sqlite").path
        do {
            let db = try ResultsDatabase.open(path)
            let run = try db.beginRun(report)
            try db.appendReplication(report.replications[0], run: run)
            // The process dies here: no finishRun, no close.
            _ = run
        }
        let db = try ResultsDatabase.open(path)
        try db.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT complete FROM runs"), 0)
            XCTAssertNil(try String.fetchOne(db, sql: "SELECT digest FROM runs"))
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM replications"), 1)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT replication) FROM samples"), 1)
            XCTAssertEqual(try String(describing: Row.fetchAll(db, sql: "PRAGMA integrity_check")), "[[integrity_check:\"ok\"]]")
        }
        // finishing with an interrupted report keeps it incomplete
        var partial = report
        partial.replications = Array(report.replications.prefix(1))
        partial.interruption = "SIGTERM"
        try db.finishRun(1, report: partial)
        XCTAssertEqual(try db.read { try Row.fetchOne($0, sql: "SELECT complete, verdict, interruption FROM runs") }?.description,
                       "[complete:0 verdict:\"incomplete\" interruption:\"SIGTERM\"]")
        try db.close()
    }

    func testFinishRefusesCompleteWhenReplicationsAreMissing() throws {
        let report = Synthetic.report(replications: 2, samples: 20)
        let db = try ResultsDatabase.open(dir.appendingPathComponent("r.sqlite").path)
        let run = try db.beginRun(report)
        try db.appendReplication(report.replications[0], run: run)
        try db.finishRun(run, report: report)
        XCTAssertEqual(try db.read { try Int.fetchOne($0, sql: "SELECT complete FROM runs") }, 0)
        try db.close()
    }

    func testSameReportSameRows() throws {
        let a = dir.appendingPathComponent("a.sqlite").path, b = dir.appendingPathComponent("b.sqlite").path
        let report = Synthetic.report(replications: 2, samples: 50)
        try ResultsDatabase.open(a).record(report)
        var again = Synthetic.report(replications: 2, samples: 50)
        again.wallClock = [WallClockTiming(label: "total", seconds: 99)]
        try ResultsDatabase.open(b).record(again)
        let dumpA = try dump(a)
        XCTAssertEqual(dumpA, try dump(b))
        XCTAssertTrue(dumpA.contains("## time_series\n"))
        XCTAssertGreaterThan(dumpA.count, 10_000)
    }

    func testWriterBuildsTheDatabaseAtomically() throws {
        try ReportWriter.write(Synthetic.report(samples: 30), to: dir)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        XCTAssertEqual(files, ["junit.xml", "report.html", "results.sqlite", "summary.json", "summary.md"])
        try ReportWriter.write(Synthetic.report(samples: 30), to: dir)
        let db = try ResultsDatabase.open(dir.appendingPathComponent("results.sqlite").path)
        XCTAssertEqual(try db.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM runs") }, 1, "rewritten, not appended")
        try db.close()
    }
}
