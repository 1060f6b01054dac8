/// A key-value store that services and policies persist state through (saga progress,
/// checkpoints, session snapshots).
///
/// The runtime contract hands one to every service (DESIGN.md §1): in simulation it is
/// `InMemoryStateStore`, in real mode a SQLite store. Keys are ordered strings so that listing
/// is deterministic; values are opaque bytes the owner encodes.
public protocol StateStore: AnyObject {
    /// The value stored under `key`, or nil.
    func value(forKey key: String) throws -> [UInt8]?
    /// Stores `value` under `key`, replacing what was there.
    func setValue(_ value: [UInt8], forKey key: String) throws
    /// Removes `key`; removing a missing key is not an error.
    func removeValue(forKey key: String) throws
    /// The keys that start with `prefix`, in ascending byte order.
    func keys(withPrefix prefix: String) throws -> [String]
}

/// The simulated state store: a sorted in-memory map, never failing on its own.
/// Outages of a modelled datastore are injected by the service model, not here.
public final class InMemoryStateStore: StateStore {
    private var storage: [String: [UInt8]] = [:]

    public init() {}

    public func value(forKey key: String) throws -> [UInt8]? { storage[key] }
    public func setValue(_ value: [UInt8], forKey key: String) throws { storage[key] = value }
    public func removeValue(forKey key: String) throws { storage[key] = nil }
    public func keys(withPrefix prefix: String) throws -> [String] {
        storage.keys.filter { $0.hasPrefix(prefix) }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
