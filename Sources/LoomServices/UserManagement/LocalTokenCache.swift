/// A pod's in-process cache of validated tokens: bounded, least-recently-used eviction, and an
/// expiry per entry (a Caffeine/`lru-cache`-style cache in front of Redis).
///
/// Storage is contiguous arrays with an intrusive doubly linked recency list, so a lookup is one
/// hash probe and a few index updates, and nothing is allocated per request once the cache is full.
struct LocalTokenCache {
    let capacity: Int
    private var index: [UInt64: Int32] = [:]
    private var keys: [UInt64] = []
    private var expiries: [Instant] = []
    private var previous: [Int32] = []
    private var next: [Int32] = []
    /// Most and least recently used slots (-1: none).
    private var head: Int32 = -1
    private var tail: Int32 = -1
    private var freeSlots: [Int32] = []
    private(set) var evictions = 0

    init(capacity: Int) {
        precondition(capacity >= 1)
        self.capacity = capacity
        index.reserveCapacity(min(capacity, 1 << 16))
    }

    var count: Int { index.count }

    /// Whether `key` is cached and unexpired at `now`; a hit becomes the most recently used.
    mutating func lookup(_ key: UInt64, now: Instant) -> Bool {
        guard let slot = index[key] else { return false }
        if expiries[Int(slot)] <= now {
            remove(slot)
            return false
        }
        moveToFront(slot)
        return true
    }

    /// Caches `key` until `expiresAt`, evicting the least recently used entry when full.
    mutating func insert(_ key: UInt64, expiresAt: Instant) {
        if let slot = index[key] {
            expiries[Int(slot)] = expiresAt
            moveToFront(slot)
            return
        }
        if index.count >= capacity, tail >= 0 {
            evictions += 1
            remove(tail)
        }
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
            keys[Int(slot)] = key
            expiries[Int(slot)] = expiresAt
        } else {
            slot = Int32(keys.count)
            keys.append(key)
            expiries.append(expiresAt)
            previous.append(-1)
            next.append(-1)
        }
        index[key] = slot
        pushFront(slot)
    }

    /// Drops `key` (an invalidation reaching this pod).
    mutating func invalidate(_ key: UInt64) {
        if let slot = index[key] { remove(slot) }
    }

    private mutating func remove(_ slot: Int32) {
        unlink(slot)
        index[keys[Int(slot)]] = nil
        freeSlots.append(slot)
    }

    private mutating func moveToFront(_ slot: Int32) {
        guard head != slot else { return }
        unlink(slot)
        pushFront(slot)
    }

    private mutating func pushFront(_ slot: Int32) {
        previous[Int(slot)] = -1
        next[Int(slot)] = head
        if head >= 0 { previous[Int(head)] = slot }
        head = slot
        if tail < 0 { tail = slot }
    }

    private mutating func unlink(_ slot: Int32) {
        let p = previous[Int(slot)], n = next[Int(slot)]
        if p >= 0 { next[Int(p)] = n } else { head = n }
        if n >= 0 { previous[Int(n)] = p } else { tail = p }
        previous[Int(slot)] = -1
        next[Int(slot)] = -1
    }
}
