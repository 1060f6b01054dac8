import Foundation
import GRDB
import LoomServices

/// The durable state of a real-mode run, in one SQLite database (GRDB, WAL): the jobs and
/// their terminal states, and each job's stage checkpoints with the SHA-256 of every
/// intermediate file (seed §2.3.1 `JobRecoveryManager`, §7.2 snapshot manager).
///
/// Every write is its own transaction, committed as each stage ends, so a process killed at
/// any instant (SIGKILL included) leaves the database at its last committed state; the next
/// run reads it to resume every unfinished job. Safe to use from any thread (GRDB serializes
/// access), which the worker threads that finish stages need.
///
/// Tables (all created on first open):
/// - `runs(run, started_at, pid, finished_at)`: one row per process that worked on the run;
/// - `jobs(key, seq, input_path, arrival_offset, user_tier, is_live, priority_override, state,
///   reason, detail, priority, strategy, device, encoder, attempts, arrived_run, finished_run,
///   latency_seconds, terminal_count)`: `state` is pending, arrived, or a terminal category;
///   `terminal_count` counts terminal writes (exactly one for every finished job);
/// - `checkpoints(job_key, stage, files, result, seconds, saved_run)`: one row per finished
///   stage; `files` is JSON `[{path, sha256, bytes}]`, `result` the stage's output as JSON;
/// - `events(id, run, job_key, kind, detail)`: resumed and redone stages, for reports and tests.
public final class RealModeJournal: Sendable {
    private let queue: DatabaseQueue
    public let path: String

    /// Opens (or creates) the journal at `path`.
    public init(path: String) throws {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        queue = try DatabaseQueue(path: path, configuration: config)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS runs (
                    run INTEGER PRIMARY KEY AUTOINCREMENT, started_at TEXT NOT NULL, pid INTEGER NOT NULL,
                    finished_at TEXT);
                CREATE TABLE IF NOT EXISTS jobs (
                    key TEXT PRIMARY KEY NOT NULL, seq INTEGER NOT NULL, input_path TEXT NOT NULL,
                    arrival_offset REAL NOT NULL, user_tier TEXT NOT NULL, is_live INTEGER NOT NULL,
                    priority_override INTEGER, state TEXT NOT NULL DEFAULT 'pending', reason TEXT, detail TEXT,
                    priority TEXT, strategy TEXT, device TEXT, encoder TEXT, attempts INTEGER NOT NULL DEFAULT 0,
                    arrived_run INTEGER, finished_run INTEGER, latency_seconds REAL,
                    terminal_count INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE IF NOT EXISTS checkpoints (
                    job_key TEXT NOT NULL, stage TEXT NOT NULL, files TEXT NOT NULL, result TEXT NOT NULL,
                    seconds REAL NOT NULL, saved_run INTEGER, PRIMARY KEY (job_key, stage)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, run INTEGER, job_key TEXT NOT NULL,
                    kind TEXT NOT NULL, detail TEXT NOT NULL);
                """)
        }
    }

    // MARK: Runs

    /// Records that this process starts working on the run; returns its run number (1, 2, …).
    public func beginRun() throws -> Int {
        try queue.write { db in
            try db.execute(sql: "INSERT INTO runs (started_at, pid) VALUES (?, ?)",
                           arguments: [Self.timestamp(), Int(ProcessInfo.processInfo.processIdentifier)])
            return Int(db.lastInsertedRowID)
        }
    }

    public func endRun(_ run: Int) throws {
        try queue.write { db in
            try db.execute(sql: "UPDATE runs SET finished_at = ? WHERE run = ?", arguments: [Self.timestamp(), run])
        }
    }

    /// How many processes worked on the run so far.
    public func runCount() throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs") ?? 0 }
    }

    // MARK: Jobs

    /// Adds jobs not yet known (by key); known ones keep their state.
    func register(_ specs: [RealJobSpec]) throws {
        try queue.write { db in
            for s in specs {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO jobs (key, seq, input_path, arrival_offset, user_tier, is_live, priority_override)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [s.key, s.sequence, s.inputPath, s.arrivalOffset, s.userTier, s.isLive ? 1 : 0,
                                     s.priority?.rawValue])
            }
        }
    }

    /// Every job, in registration order.
    public func jobs() throws -> [RealJobRecord] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM jobs ORDER BY seq, key").map(RealJobRecord.init(row:))
        }
    }

    func markArrived(_ key: String, run: Int) throws {
        try queue.write { db in
            try db.execute(sql: "UPDATE jobs SET state = CASE WHEN state = 'pending' THEN 'arrived' ELSE state END, arrived_run = COALESCE(arrived_run, ?) WHERE key = ?",
                           arguments: [run, key])
        }
    }

    /// Writes a job's terminal state (and counts the write: exactly one per job is expected).
    func finish(_ key: String, state: TerminalState, detail: String?, decision: JobDecision?, run: Int,
                latencySeconds: Double?) throws {
        try queue.write { db in
            try db.execute(sql: """
                UPDATE jobs SET state = ?, reason = ?, detail = ?, priority = ?, strategy = ?, device = ?, encoder = ?,
                    attempts = ?, finished_run = ?, latency_seconds = ?, terminal_count = terminal_count + 1
                WHERE key = ?
                """, arguments: [state.category, state.reason, detail, decision?.priority?.description,
                                 decision?.strategy?.rawValue, decision?.devices.last?.description, decision?.encoder,
                                 decision?.attempts ?? 0, run, latencySeconds, key])
        }
    }

    // MARK: Checkpoints

    func checkpoint(_ key: String, _ stage: VideoStage) throws -> StageCheckpoint? {
        try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM checkpoints WHERE job_key = ? AND stage = ?",
                             arguments: [key, stage.description]).map(StageCheckpoint.init(row:))
        }
    }

    /// Stores a finished stage's checkpoint (replacing an older one of that stage).
    func saveCheckpoint(_ checkpoint: StageCheckpoint, run: Int) throws {
        let files = String(decoding: try JSONEncoder().encode(checkpoint.files), as: UTF8.self)
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO checkpoints (job_key, stage, files, result, seconds, saved_run) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (job_key, stage) DO UPDATE SET files = excluded.files, result = excluded.result,
                    seconds = excluded.seconds, saved_run = excluded.saved_run
                """, arguments: [checkpoint.jobKey, checkpoint.stage.description, files, checkpoint.result,
                                 checkpoint.seconds, run])
        }
    }

    /// Removes the checkpoints of `stage` and every later stage (they depend on it).
    func removeCheckpoints(_ key: String, from stage: VideoStage) throws {
        let names = VideoStage.allCases.filter { $0 >= stage }.map(\.description)
        try queue.write { db in
            for name in names {
                try db.execute(sql: "DELETE FROM checkpoints WHERE job_key = ? AND stage = ?", arguments: [key, name])
            }
        }
    }

    /// Every checkpoint, by job key then stage order.
    public func checkpoints() throws -> [StageCheckpoint] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM checkpoints").map(StageCheckpoint.init(row:))
        }.sorted { ($0.jobKey, $0.stage.rawValue) < ($1.jobKey, $1.stage.rawValue) }
    }

    // MARK: Events

    func record(event kind: String, job key: String, detail: String, run: Int?) {
        try? queue.write { db in
            try db.execute(sql: "INSERT INTO events (run, job_key, kind, detail) VALUES (?, ?, ?, ?)",
                           arguments: [run, key, kind, detail])
        }
    }

    /// Recorded events in order: (run, job, kind, detail); kinds are `resumed`, `redone`, `dead_lettered`.
    public func events() throws -> [(run: Int?, job: String, kind: String, detail: String)] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT run, job_key, kind, detail FROM events ORDER BY id").map {
                (run: $0["run"], job: $0["job_key"], kind: $0["kind"], detail: $0["detail"])
            }
        }
    }

    static func timestamp() -> String { ISO8601DateFormatter().string(from: Date()) }
}
