import GRDB

/// The results database of runs (SQLite through GRDB; schema in RESULTS-SCHEMA.md).
///
/// A run is written in steps, each its own transaction, so that an interrupted run leaves a
/// consistent database marked incomplete: `beginRun` inserts the run with `complete = 0`,
/// `appendReplication` adds one replication's measurements, `finishRun` records assertions and
/// timings and sets `complete` only when every planned replication is stored and complete.
/// Writing the same report gives the same rows in the same order (wall-clock table excepted).
public final class ResultsDatabase: Sendable {
    /// The file's path.
    public let path: String
    let queue: DatabaseQueue

    /// Opens (creating if needed) the database at `path` and creates the schema.
    public static func open(_ path: String) throws -> ResultsDatabase { try ResultsDatabase(path: path) }

    public init(path: String) throws {
        self.path = path
        queue = try DatabaseQueue(path: path)
        try queue.write { db in
            for sql in ResultsSchema.statements { try db.execute(sql: sql) }
            try db.execute(sql: "PRAGMA user_version = \(ResultsSchema.version)")
        }
    }

    /// Closes the connection; further calls fail.
    public func close() throws { try queue.close() }

    /// Records the run's identity, parameters and provenance (replications, SLOs and timings of
    /// `report` are ignored here) and returns its `run_id`. The run starts incomplete.
    @discardableResult
    public func beginRun(_ report: RunReport) throws -> Int64 {
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO runs (scenario, description, seed, seed_text, digest, verdict, complete,
                  planned_replications, point, interruption, confidence_level, rerun_command, resolved_scenario)
                VALUES (?, ?, ?, ?, NULL, NULL, 0, ?, ?, NULL, ?, ?, ?)
                """, arguments: [report.scenario, report.description, Int64(bitPattern: report.seed), String(report.seed),
                                 report.plannedReplications, report.point, report.confidenceLevel,
                                 report.rerunCommand, report.resolvedScenario])
            let run = db.lastInsertedRowID
            for (i, p) in report.parameters.enumerated() {
                try db.execute(sql: "INSERT INTO parameters (run_id, point, seq, key, value) VALUES (?, ?, ?, ?, ?)",
                               arguments: [run, report.point, i, p.key, p.value])
            }
            for (i, p) in report.provenance.enumerated() {
                try db.execute(sql: "INSERT INTO provenance (run_id, seq, component, mode, detail) VALUES (?, ?, ?, ?, ?)",
                               arguments: [run, i, p.component, p.mode.rawValue, p.detail])
            }
            return run
        }
    }

    /// Stores one replication's measurements in one transaction (all or nothing).
    public func appendReplication(_ r: ReplicationResult, run: Int64) throws {
        try queue.write { db in try ResultsDatabase.insert(r, run: run, db: db) }
    }

    /// Records the outcome: digest, verdict, SLO rows and wall-clock timings; marks the run
    /// complete when `report.complete` holds and every planned replication is stored.
    public func finishRun(_ run: Int64, report: RunReport) throws {
        try queue.write { db in
            let stored = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM replications WHERE run_id = ? AND complete = 1",
                                          arguments: [run]) ?? 0
            let complete = report.complete && stored >= report.plannedReplications
            try db.execute(sql: "UPDATE runs SET digest = ?, verdict = ?, complete = ?, interruption = ? WHERE run_id = ?",
                           arguments: [report.digest, complete ? report.verdict.rawValue : Verdict.incomplete.rawValue,
                                       complete ? 1 : 0, report.interruption, run])
            try db.execute(sql: "DELETE FROM assertions WHERE run_id = ?", arguments: [run])
            for (i, s) in report.slos.enumerated() {
                try db.execute(sql: """
                    INSERT INTO assertions (run_id, seq, name, metric, threshold, value, unit, passed, mean, ci_low, ci_high)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [run, i, s.name, s.metric, s.threshold, finite(s.value), s.unit, s.passed ? 1 : 0,
                                     finite(s.mean), finite(s.ciLow), finite(s.ciHigh)])
            }
            try db.execute(sql: "DELETE FROM wall_clock WHERE run_id = ?", arguments: [run])
            for (i, w) in report.wallClock.enumerated() {
                try db.execute(sql: "INSERT INTO wall_clock (run_id, seq, label, seconds, text) VALUES (?, ?, ?, ?, ?)",
                               arguments: [run, i, w.label, finite(w.seconds), w.text])
            }
        }
    }

    /// Writes a whole report: `beginRun`, every replication, `finishRun`. Returns the `run_id`.
    @discardableResult
    public func record(_ report: RunReport) throws -> Int64 {
        let run = try beginRun(report)
        for r in report.replications { try appendReplication(r, run: run) }
        try finishRun(run, report: report)
        return run
    }

    /// Runs a read-only query block (tests, notebooks' helpers).
    public func read<T>(_ body: (Database) throws -> T) throws -> T { try queue.read(body) }
}

/// A double for SQLite: NaN and infinities become NULL (SQLite has no NaN).
func finite(_ v: Double?) -> Double? {
    guard let v, v.isFinite else { return nil }
    return v
}
