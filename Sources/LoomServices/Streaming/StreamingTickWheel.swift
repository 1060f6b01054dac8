/// A warm fetch under way: what arrives, from where, and whether it will fail.
struct WarmFetch {
    let rendition: RenditionState
    let edge: EdgeServer
    let bytes: Double
    let cdn: Int?
    let cdnHit: Bool
    let fails: Bool
}

/// Work the streaming service defers to the next traffic tick: viewers leaving, warm fetches
/// arriving, leaders catching up with a cached prefix.
///
/// Segment traffic is computed at ticks from the state at that instant, so a state change
/// between two ticks has exactly the same effect on traffic when it is applied at the next
/// tick; applying these changes there instead of as events of their own saves a heap event per
/// viewer (the speed budget of DESIGN.md §4 at 100,000 concurrent viewers). What moves by up to
/// one tick is only what the service reports at other instants: a departing viewer still counts
/// towards its edge's load for the balancer's decisions until the tick (its cached prefix and
/// ledger entry use its real end).
///
/// A hashed timing wheel of `size` one-tick buckets: O(1) to schedule, O(due) to take.
struct StreamingTickWheel {
    enum Entry {
        case leave(ViewerSession)
        case warmed(WarmFetch)
        case catchUp(RenditionState, EdgeServer, generation: UInt64)
    }

    private var buckets: [[(tick: Int64, entry: Entry)]]
    private let mask: Int64
    /// The last tick taken; nothing can be scheduled at or before it.
    private(set) var lastTaken: Int64 = 0

    init(sizeLog2: Int = 12) {
        buckets = Array(repeating: [], count: 1 << sizeLog2)
        mask = (1 << Int64(sizeLog2)) - 1
    }

    /// Defers `entry` to tick `tick` (or the next tick not yet taken, if that is later).
    mutating func schedule(_ entry: Entry, atTick tick: Int64) {
        let t = max(tick, lastTaken + 1)
        buckets[Int(t & mask)].append((t, entry))
    }

    /// The entries due at `tick`, in the order they were scheduled.
    mutating func take(tick: Int64) -> [Entry] {
        lastTaken = tick
        let i = Int(tick & mask)
        guard !buckets[i].isEmpty else { return [] }
        let bucket = buckets[i]
        buckets[i] = []
        var due: [Entry] = []
        due.reserveCapacity(bucket.count)
        for slot in bucket {
            if slot.tick == tick { due.append(slot.entry) } else { buckets[i].append(slot) }
        }
        return due
    }
}
