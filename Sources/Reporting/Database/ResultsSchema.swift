/// The results database's schema, version 1. RESULTS-SCHEMA.md documents every table and
/// column; this is the SQL that creates them. All tables but `wall_clock` hold deterministic
/// content: the same report gives the same rows in the same order.
public enum ResultsSchema {
    /// `PRAGMA user_version` of databases this code writes.
    public static let version = 1

    /// Statements creating every table, index and view (idempotent).
    public static let statements: [String] = [
        """
        CREATE TABLE IF NOT EXISTS runs (
          run_id INTEGER PRIMARY KEY,
          scenario TEXT NOT NULL,
          description TEXT NOT NULL,
          seed INTEGER NOT NULL,
          seed_text TEXT NOT NULL,
          digest TEXT,
          verdict TEXT,
          complete INTEGER NOT NULL DEFAULT 0,
          planned_replications INTEGER NOT NULL,
          point INTEGER NOT NULL DEFAULT 0,
          interruption TEXT,
          confidence_level REAL NOT NULL,
          rerun_command TEXT NOT NULL,
          resolved_scenario TEXT NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS parameters (
          run_id INTEGER NOT NULL REFERENCES runs(run_id),
          point INTEGER NOT NULL,
          seq INTEGER NOT NULL,
          key TEXT NOT NULL,
          value TEXT NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS provenance (
          run_id INTEGER NOT NULL REFERENCES runs(run_id),
          seq INTEGER NOT NULL,
          component TEXT NOT NULL,
          mode TEXT NOT NULL,
          detail TEXT NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS replications (
          run_id INTEGER NOT NULL REFERENCES runs(run_id),
          replication INTEGER NOT NULL,
          seed INTEGER NOT NULL,
          seed_text TEXT NOT NULL,
          digest TEXT NOT NULL,
          complete INTEGER NOT NULL,
          simulated_seconds REAL NOT NULL,
          warm_up_end_seconds REAL NOT NULL,
          sample_count INTEGER NOT NULL,
          conservation_holds INTEGER NOT NULL,
          PRIMARY KEY (run_id, replication))
        """,
        """
        CREATE TABLE IF NOT EXISTS samples (
          run_id INTEGER NOT NULL,
          replication INTEGER NOT NULL,
          sample INTEGER NOT NULL,
          t_ns INTEGER NOT NULL,
          t_seconds REAL NOT NULL,
          PRIMARY KEY (run_id, replication, sample)) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS series (
          series_id INTEGER PRIMARY KEY,
          run_id INTEGER NOT NULL,
          replication INTEGER NOT NULL,
          seq INTEGER NOT NULL,
          key TEXT NOT NULL,
          metric TEXT NOT NULL,
          labels TEXT NOT NULL,
          unit TEXT NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS series_by_key ON series (run_id, replication, key)",
        """
        CREATE TABLE IF NOT EXISTS time_series (
          series_id INTEGER NOT NULL,
          sample INTEGER NOT NULL,
          value REAL,
          PRIMARY KEY (series_id, sample)) WITHOUT ROWID
        """,
        """
        CREATE VIEW IF NOT EXISTS time_series_long AS
          SELECT s.run_id, s.replication, s.key, s.metric, s.labels, s.unit, p.sample, p.t_seconds, v.value
          FROM series s JOIN time_series v ON v.series_id = s.series_id
          JOIN samples p ON p.run_id = s.run_id AND p.replication = s.replication AND p.sample = v.sample
        """,
        """
        CREATE TABLE IF NOT EXISTS latency_histograms (
          run_id INTEGER NOT NULL,
          replication INTEGER NOT NULL,
          seq INTEGER NOT NULL,
          key TEXT NOT NULL,
          count INTEGER NOT NULL,
          mean REAL, p50 REAL, p90 REAL, p95 REAL, p99 REAL, p999 REAL, max REAL)
        """,
        """
        CREATE TABLE IF NOT EXISTS counters (
          run_id INTEGER NOT NULL,
          replication INTEGER NOT NULL,
          seq INTEGER NOT NULL,
          key TEXT NOT NULL,
          metric TEXT NOT NULL,
          labels TEXT NOT NULL,
          unit TEXT NOT NULL,
          total REAL)
        """,
        """
        CREATE TABLE IF NOT EXISTS events (
          run_id INTEGER NOT NULL,
          replication INTEGER NOT NULL,
          seq INTEGER NOT NULL,
          t_ns INTEGER NOT NULL,
          t_seconds REAL NOT NULL,
          kind TEXT NOT NULL,
          subject TEXT NOT NULL,
          detail TEXT NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS dropped_events (
          run_id INTEGER NOT NULL,
          replication INTEGER NOT NULL,
          kind TEXT NOT NULL,
          count INTEGER NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS conservation (
          run_id INTEGER NOT NULL,
          replication INTEGER NOT NULL,
          service TEXT NOT NULL,
          entered INTEGER NOT NULL,
          completed INTEGER NOT NULL,
          failed INTEGER NOT NULL,
          dead_lettered INTEGER NOT NULL,
          dropped INTEGER NOT NULL,
          in_flight INTEGER NOT NULL,
          balanced INTEGER NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS terminal_states (
          run_id INTEGER NOT NULL,
          replication INTEGER NOT NULL,
          service TEXT NOT NULL,
          state TEXT NOT NULL,
          reason TEXT,
          count INTEGER NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS conservation_violations (
          run_id INTEGER NOT NULL,
          replication INTEGER NOT NULL,
          seq INTEGER NOT NULL,
          message TEXT NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS assertions (
          run_id INTEGER NOT NULL REFERENCES runs(run_id),
          seq INTEGER NOT NULL,
          name TEXT NOT NULL,
          metric TEXT NOT NULL,
          threshold TEXT NOT NULL,
          value REAL,
          unit TEXT NOT NULL,
          passed INTEGER NOT NULL,
          mean REAL, ci_low REAL, ci_high REAL)
        """,
        """
        CREATE TABLE IF NOT EXISTS plan_evaluations (
          run_id INTEGER NOT NULL REFERENCES runs(run_id),
          seq INTEGER NOT NULL,
          load REAL NOT NULL,
          configuration TEXT NOT NULL,
          feasible INTEGER NOT NULL,
          nothing_lost INTEGER NOT NULL,
          dollars_per_hour REAL,
          dollars_per_run REAL,
          cheapest_at_load INTEGER NOT NULL DEFAULT 0,
          recommended INTEGER NOT NULL DEFAULT 0)
        """,
        """
        CREATE TABLE IF NOT EXISTS wall_clock (
          run_id INTEGER NOT NULL REFERENCES runs(run_id),
          seq INTEGER NOT NULL,
          label TEXT NOT NULL,
          seconds REAL,
          text TEXT)
        """,
    ]

    /// Tables in creation order (the view `time_series_long` is not listed).
    public static let tables = [
        "runs", "parameters", "provenance", "replications", "samples", "series", "time_series",
        "latency_histograms", "counters", "events", "dropped_events", "conservation", "terminal_states",
        "conservation_violations", "assertions", "plan_evaluations", "wall_clock",
    ]
}
