import GRDB

/// Sweeps over one database: which points are stored (to resume), removing a partial point,
/// copying runs between databases (to merge shards), a canonical dump (to compare databases
/// whose `run_id`s differ), and each point's SLO rows (for the sweep summary).
extension ResultsDatabase {
    /// A run as stored, with its sweep coordinates.
    public struct StoredRun: Sendable, Equatable {
        public var runID: Int64
        public var point: Int
        public var scenario: String
        public var seed: UInt64
        public var digest: String?
        public var complete: Bool
        public var plannedReplications: Int
        /// `parameters` rows in `seq` order.
        public var parameters: [RunParameter]
    }

    /// Every run, by `run_id`.
    public func storedRuns() throws -> [StoredRun] {
        try queue.read { db in
            var params: [Int64: [RunParameter]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT run_id, key, value FROM parameters ORDER BY run_id, seq") {
                params[row["run_id"], default: []].append(RunParameter(row["key"], row["value"]))
            }
            return try Row.fetchAll(db, sql: """
                SELECT run_id, point, scenario, seed_text, digest, complete, planned_replications FROM runs ORDER BY run_id
                """).map { row in
                let id: Int64 = row["run_id"]
                return StoredRun(runID: id, point: row["point"], scenario: row["scenario"],
                                 seed: UInt64(row["seed_text"] as String) ?? 0, digest: row["digest"],
                                 complete: (row["complete"] as Int) == 1, plannedReplications: row["planned_replications"],
                                 parameters: params[id] ?? [])
            }
        }
    }

    /// Removes a run and every row that belongs to it, in one transaction (a partial sweep point
    /// about to be run again).
    public func deleteRun(_ run: Int64) throws {
        try queue.write { db in
            try db.execute(sql: "DELETE FROM time_series WHERE series_id IN (SELECT series_id FROM series WHERE run_id = ?)",
                           arguments: [run])
            for table in ResultsSchema.tables.reversed() where table != "time_series" {
                try db.execute(sql: "DELETE FROM \(table) WHERE run_id = ?", arguments: [run])
            }
        }
    }

    /// Copies run `run` of the database at `source` (every table, the wall clock included) into
    /// this one, in one transaction, and returns its new `run_id`.
    @discardableResult
    public func copyRun(_ run: Int64, from source: String) throws -> Int64 {
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS src", arguments: [source])
            defer { try? db.execute(sql: "DETACH DATABASE src") }
            var newRun: Int64 = 0
            try db.inTransaction {
                let runColumns = try Self.columns(db, "runs").filter { $0 != "run_id" }
                let list = runColumns.joined(separator: ", ")
                try db.execute(sql: "INSERT INTO main.runs (\(list)) SELECT \(list) FROM src.runs WHERE run_id = ?", arguments: [run])
                newRun = db.lastInsertedRowID
                for table in ResultsSchema.tables where !["runs", "series", "time_series"].contains(table) {
                    let cols = try Self.columns(db, table)
                    let select = cols.map { $0 == "run_id" ? "?" : $0 }.joined(separator: ", ")
                    try db.execute(sql: "INSERT INTO main.\(table) (\(cols.joined(separator: ", "))) SELECT \(select) FROM src.\(table) WHERE run_id = ?\(table == "samples" ? "" : " ORDER BY rowid")",
                                   arguments: [newRun, run])
                }
                let seriesCols = try Self.columns(db, "series").filter { $0 != "series_id" && $0 != "run_id" }
                let series = try Row.fetchAll(db, sql: "SELECT series_id, \(seriesCols.joined(separator: ", ")) FROM src.series WHERE run_id = ? ORDER BY series_id",
                                              arguments: [run])
                let insertSeries = try db.makeStatement(sql: """
                    INSERT INTO main.series (run_id, \(seriesCols.joined(separator: ", "))) VALUES (?\(String(repeating: ", ?", count: seriesCols.count)))
                    """)
                let copyValues = try db.makeStatement(sql: "INSERT INTO main.time_series (series_id, sample, value) SELECT ?, sample, value FROM src.time_series WHERE series_id = ? ORDER BY sample")
                for row in series {
                    var args: [DatabaseValueConvertible?] = [newRun]
                    for c in seriesCols { args.append(row[c] as DatabaseValue) }
                    try insertSeries.execute(arguments: StatementArguments(args))
                    let newID = db.lastInsertedRowID
                    try copyValues.execute(arguments: [newID, row["series_id"] as Int64])
                }
                return .commit
            }
            return newRun
        }
    }

    static func columns(_ db: Database, _ table: String) throws -> [String] {
        try Row.fetchAll(db, sql: "PRAGMA main.table_info(\(table))").map { $0["name"] as String }
    }

    /// Every row of every table (but `excluding`) as text, with `run_id` replaced by the run's
    /// sweep point and `series_id` by (point, replication, seq), sorted: two databases holding
    /// the same sweep points give the same dump whatever order their runs were written in.
    public func canonicalRows(excluding: Set<String> = ["wall_clock"]) throws -> [String] {
        try queue.read { db in
            var point: [Int64: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT run_id, point FROM runs") {
                point[row["run_id"]] = "p\(row["point"] as Int)"
            }
            var series: [Int64: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT series_id, run_id, replication, seq FROM series") {
                series[row["series_id"]] = "\(point[row["run_id"]] ?? "?")/r\(row["replication"] as Int)/s\(row["seq"] as Int)"
            }
            var lines: [String] = []
            for table in ResultsSchema.tables where !excluding.contains(table) {
                var rows: [String] = []
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table)") {
                    var fields: [String] = []
                    for (column, value) in row {
                        switch column {
                        case "run_id":
                            if table == "runs" { continue }
                            fields.append("run=\(point[Int64.fromDatabaseValue(value) ?? -1] ?? "?")")
                        case "series_id":
                            fields.append("series=\(series[Int64.fromDatabaseValue(value) ?? -1] ?? "?")")
                        default:
                            fields.append("\(column)=\(value)")
                        }
                    }
                    rows.append(table + "|" + fields.joined(separator: "|"))
                }
                lines += rows.sorted()
            }
            return lines
        }
    }

    /// One complete sweep point as stored: coordinates, verdict and SLO rows.
    public struct StoredPoint: Sendable, Equatable {
        public var point: Int
        public var scenario: String
        public var seed: UInt64
        public var digest: String
        public var verdict: String
        public var replications: Int
        public var parameters: [RunParameter]
        public var slos: [SLOResult]

        public init(point: Int, scenario: String, seed: UInt64, digest: String, verdict: String, replications: Int,
                    parameters: [RunParameter], slos: [SLOResult]) {
            self.point = point
            self.scenario = scenario
            self.seed = seed
            self.digest = digest
            self.verdict = verdict
            self.replications = replications
            self.parameters = parameters
            self.slos = slos
        }
    }

    /// Every complete run, by point (the first stored when a point appears twice).
    public func storedPoints() throws -> [StoredPoint] {
        let runs = try storedRuns().filter(\.complete)
        return try queue.read { db in
            var out: [Int: StoredPoint] = [:]
            for r in runs where out[r.point] == nil {
                let verdict = try String.fetchOne(db, sql: "SELECT verdict FROM runs WHERE run_id = ?", arguments: [r.runID]) ?? ""
                let slos = try Row.fetchAll(db, sql: """
                    SELECT name, metric, threshold, value, unit, passed, mean, ci_low, ci_high FROM assertions
                    WHERE run_id = ? ORDER BY seq
                    """, arguments: [r.runID]).map { row in
                    SLOResult(name: row["name"], metric: row["metric"], threshold: row["threshold"],
                              value: (row["value"] as Double?) ?? .nan, unit: row["unit"], passed: (row["passed"] as Int) == 1,
                              mean: row["mean"], ciLow: row["ci_low"], ciHigh: row["ci_high"])
                }
                out[r.point] = StoredPoint(point: r.point, scenario: r.scenario, seed: r.seed, digest: r.digest ?? "",
                                           verdict: verdict, replications: r.plannedReplications, parameters: r.parameters, slos: slos)
            }
            return out.keys.sorted().map { out[$0]! }
        }
    }
}
