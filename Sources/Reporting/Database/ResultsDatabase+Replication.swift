import GRDB

/// Rows of one replication: samples, series and their values, latencies, counters, events and
/// conservation. Called inside `appendReplication`'s transaction.
extension ResultsDatabase {
    static func insert(_ r: ReplicationResult, run: Int64, db: Database) throws {
        let m = r.metrics
        try db.execute(sql: """
            INSERT INTO replications (run_id, replication, seed, seed_text, digest, complete, simulated_seconds,
              warm_up_end_seconds, sample_count, conservation_holds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [run, r.index, Int64(bitPattern: r.seed), String(r.seed), r.digest, r.complete ? 1 : 0,
                             r.endSeconds, m.warmUpEnd.seconds, m.times.count, r.conservationHolds ? 1 : 0])

        let sample = try db.makeStatement(sql: "INSERT INTO samples (run_id, replication, sample, t_ns, t_seconds) VALUES (?, ?, ?, ?, ?)")
        for (i, t) in m.times.enumerated() {
            try sample.execute(arguments: [run, r.index, i, t.nanoseconds, t.seconds])
        }

        let series = try db.makeStatement(sql: """
            INSERT INTO series (run_id, replication, seq, key, metric, labels, unit) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        let value = try db.makeStatement(sql: "INSERT INTO time_series (series_id, sample, value) VALUES (?, ?, ?)")
        for (i, s) in m.series.enumerated() {
            let k = SeriesKey(s.key)
            try series.execute(arguments: [run, r.index, i, s.key, k.metric, labelsText(k), s.unit])
            let id = db.lastInsertedRowID
            for (j, v) in s.values.enumerated() {
                try value.execute(arguments: [id, j, finite(v)])
            }
        }

        let latency = try db.makeStatement(sql: """
            INSERT INTO latency_histograms (run_id, replication, seq, key, count, mean, p50, p90, p95, p99, p999, max)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (i, l) in m.latencies.enumerated() {
            try latency.execute(arguments: [run, r.index, i, l.key, Int64(clamping: l.count), finite(l.mean), finite(l.p50),
                                            finite(l.p90), finite(l.p95), finite(l.p99), finite(l.p999), finite(l.max)])
        }

        let counter = try db.makeStatement(sql: """
            INSERT INTO counters (run_id, replication, seq, key, metric, labels, unit, total) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (i, c) in m.counters.enumerated() {
            let k = SeriesKey(c.key)
            try counter.execute(arguments: [run, r.index, i, c.key, k.metric, labelsText(k), c.unit, finite(c.total)])
        }

        let event = try db.makeStatement(sql: """
            INSERT INTO events (run_id, replication, seq, t_ns, t_seconds, kind, subject, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (i, e) in m.events.enumerated() {
            try event.execute(arguments: [run, r.index, i, e.time.nanoseconds, e.time.seconds, e.kind, e.subject, e.detail])
        }
        for kind in m.droppedEventCounts.keys.sorted() {
            try db.execute(sql: "INSERT INTO dropped_events (run_id, replication, kind, count) VALUES (?, ?, ?, ?)",
                           arguments: [run, r.index, kind, m.droppedEventCounts[kind]!])
        }

        for f in r.conservation {
            let row = ConservationRow(f)
            try db.execute(sql: """
                INSERT INTO conservation (run_id, replication, service, entered, completed, failed, dead_lettered,
                  dropped, in_flight, balanced) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [run, r.index, f.service, row.entered, row.completed, row.failed, row.deadLettered,
                                 row.dropped, row.inFlight, row.balanced ? 1 : 0])
            for state in f.terminal.keys.sorted() {
                try db.execute(sql: """
                    INSERT INTO terminal_states (run_id, replication, service, state, reason, count) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [run, r.index, f.service, state.category, state.reason, f.terminal[state]!])
            }
        }
        for (i, v) in r.conservationViolations.enumerated() {
            try db.execute(sql: "INSERT INTO conservation_violations (run_id, replication, seq, message) VALUES (?, ?, ?, ?)",
                           arguments: [run, r.index, i, v])
        }
    }

    /// The labels of a key as written between the braces ("priority=high,region=eu").
    static func labelsText(_ k: SeriesKey) -> String {
        k.labels.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
    }
}
