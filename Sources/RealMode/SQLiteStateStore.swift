import Foundation
import GRDB
import SimKernel

/// The real-mode state store: a key-value table in a SQLite database file (through GRDB).
///
/// Every write is its own transaction in WAL mode, so a process killed at any point leaves
/// each key at its last committed value: what saga progress and job checkpoints need to
/// resume after a crash (seed §2.3.1, §6.2, §7.2).
public final class SQLiteStateStore: StateStore {
    private let queue: DatabaseQueue

    /// Opens (or creates) the store at `path`.
    public init(path: String) throws {
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        queue = try DatabaseQueue(path: path, configuration: config)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS state (
                    key TEXT PRIMARY KEY NOT NULL,
                    value BLOB NOT NULL
                ) WITHOUT ROWID
                """)
        }
    }

    public func value(forKey key: String) throws -> [UInt8]? {
        try queue.read { db in
            try Data.fetchOne(db, sql: "SELECT value FROM state WHERE key = ?", arguments: [key]).map { [UInt8]($0) }
        }
    }

    public func setValue(_ value: [UInt8], forKey key: String) throws {
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                arguments: [key, Data(value)])
        }
    }

    public func removeValue(forKey key: String) throws {
        try queue.write { db in try db.execute(sql: "DELETE FROM state WHERE key = ?", arguments: [key]) }
    }

    public func keys(withPrefix prefix: String) throws -> [String] {
        // SQLite compares TEXT with memcmp on UTF-8 (BINARY collation): byte order, as the protocol asks.
        try queue.read { db in
            try String.fetchAll(db, sql: "SELECT key FROM state WHERE substr(key, 1, ?) = ? ORDER BY key",
                arguments: [prefix.unicodeScalars.count, prefix])
        }
    }
}
