/// A 64-bit fingerprint of every event a run executed: (time, kind, entity), folded in order.
///
/// Two runs with the same digest executed the same events at the same instants in the same
/// order; it is the determinism self-check of FoundationDB's `Unseed:` and madsim's
/// `check_determinism`, cheap enough to keep on for every event (three multiply-xor rounds).
public struct TraceDigest: Hashable, Sendable, CustomStringConvertible {
    @usableFromInline var state: UInt64 = StableHash.fnvOffsetBasis
    @usableFromInline var count: UInt64 = 0

    /// The digest so far.
    public var value: UInt64 { state }
    /// How many events were folded in.
    public var eventCount: UInt64 { count }

    public init() {}

    /// A digest resumed from a saved value (merging shards, checkpoints).
    public init(value: UInt64, eventCount: UInt64) {
        self.state = value
        self.count = eventCount
    }

    /// Folds one executed event into the digest.
    @inlinable
    public mutating func record(time: Instant, kind: UInt32, entity: UInt64) {
        state = Self.fold(state, UInt64(bitPattern: time.nanoseconds))
        state = Self.fold(state, UInt64(kind))
        state = Self.fold(state, entity)
        count &+= 1
    }

    /// Folds an arbitrary word (a final "unseed" draw, a result) into the digest.
    @inlinable
    public mutating func record(word: UInt64) {
        state = Self.fold(state, word)
    }

    @inlinable @inline(__always)
    static func fold(_ h: UInt64, _ x: UInt64) -> UInt64 {
        let m = (h ^ x) &* 0x9e37_79b9_7f4a_7c15
        return m ^ (m >> 32)
    }

    /// Sixteen lowercase hex digits, the form every run prints.
    public var hex: String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    public var description: String { hex }
}

/// What kind of event ran, as a stable number for the trace digest and trace exports.
///
/// Kinds are named (`EventKind("arrival")`) and identified by a stable hash of the name, so the
/// digest does not depend on declaration order; create them once (`static let`) and reuse them.
public struct EventKind: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public let name: String

    public init(_ name: String) {
        self.name = name
        let h = StableHash.fnv1a(name)
        self.rawValue = UInt32(truncatingIfNeeded: h ^ (h >> 32))
    }

    public var description: String { name }
}
