/// The real-time aggregates of seed §5.3 (`RealTimeAnalyticsProcessor.update_sliding_windows`):
/// for each sliding window (1 m, 5 m, 1 h), the events in it, the events of each type and the
/// distinct users.
///
/// The seed keeps every event in a list and rebuilds it on each event (`[e for e in self.events
/// if e.timestamp > cutoff]`), O(window) per event; at a million events an hour the 1 h window
/// alone holds a million. Here each window is a ring of `duration / bucketWidth` buckets with
/// running sums, O(1) per event plus O(types) per expired bucket. Distinct users are exact too:
/// each user's latest bucket is remembered and every bucket counts the users whose latest
/// appearance it holds, so a window's distinct users are the sum over its buckets.
///
/// A window at time `t` holds the events whose timestamp falls in its `B` newest buckets, the
/// newest being the one containing `t`: the last `duration`, to a granularity of `bucketWidth`.
/// Timestamps are the events' own (a late event lands in the bucket of its timestamp, or in no
/// window it is already too old for), and must not be later than `now`.
public final class SlidingWindowAggregator {
    /// One window's ring and running sums.
    struct Window {
        let spec: SlidingWindowSpec
        let buckets: Int64
        var totals: [Int]
        var latestUsers: [Int]
        /// Per-type bucket counts, type-major: `byType[type * buckets + slot]`.
        var byType: [Int] = []
        var total = 0
        var uniqueUsers = 0
        var totalByType: [Int] = []
        var cumulative = 0
        var cumulativeByType: [Int] = []
    }

    public let bucketWidth: TimeAmount
    public let accounting: WindowAccountingVariant
    private(set) var windows: [Window]
    /// Each user's latest bucket index.
    private var lastSeen: [UInt64: Int64] = [:]
    private var pruneThreshold = 4_096
    private var longest: Int64
    /// The bucket index containing the latest `now` seen.
    private var head = Int64.min
    public private(set) var typeCount = 0

    public init(windows: [SlidingWindowSpec], bucketWidth: TimeAmount, accounting: WindowAccountingVariant = .intended) {
        precondition(bucketWidth > .zero)
        self.bucketWidth = bucketWidth
        self.accounting = accounting
        self.windows = windows.map { spec in
            let b = max(1, spec.duration.nanoseconds / bucketWidth.nanoseconds)
            return Window(spec: spec, buckets: b, totals: Array(repeating: 0, count: Int(b)), latestUsers: Array(repeating: 0, count: Int(b)))
        }
        longest = self.windows.map(\.buckets).max() ?? 1
    }

    /// Adds an event type; returns its index for `record`.
    public func addType() -> Int {
        for i in windows.indices {
            windows[i].byType.append(contentsOf: repeatElement(0, count: Int(windows[i].buckets)))
            windows[i].totalByType.append(0)
            windows[i].cumulativeByType.append(0)
        }
        typeCount += 1
        return typeCount - 1
    }

    @inline(__always) private func bucket(_ t: Instant) -> Int64 {
        let n = t.nanoseconds, w = bucketWidth.nanoseconds
        return n >= 0 ? n / w : (n - w + 1) / w
    }

    @inline(__always) private static func slot(_ k: Int64, _ b: Int64) -> Int {
        Int(((k % b) + b) % b)
    }

    /// Counts one event of type `type` by `user`, timestamped `timestamp`, at time `now`.
    public func record(type: Int, user: UInt64, at timestamp: Instant, now: Instant) {
        advance(to: now)
        let k = min(bucket(timestamp), head)
        // One hash lookup for a returning user: read and update through the index.
        let previous: Int64?
        if let index = lastSeen.index(forKey: user) {
            previous = lastSeen.values[index]
            if k > previous! { lastSeen.values[index] = k }
        } else {
            previous = nil
            lastSeen[user] = k
        }
        let moves = previous.map { k > $0 } ?? true
        for i in windows.indices {
            windows[i].cumulative += 1
            windows[i].cumulativeByType[type] += 1
            let b = windows[i].buckets
            let oldest = head - b + 1
            if k >= oldest {
                let s = Self.slot(k, b)
                windows[i].totals[s] += 1
                windows[i].byType[type * Int(b) + s] += 1
                windows[i].total += 1
                windows[i].totalByType[type] += 1
            }
            guard moves else { continue }
            if let p = previous, p >= oldest {
                windows[i].latestUsers[Self.slot(p, b)] -= 1
                windows[i].uniqueUsers -= 1
            }
            if k >= oldest {
                windows[i].latestUsers[Self.slot(k, b)] += 1
                windows[i].uniqueUsers += 1
            }
        }
        if lastSeen.count >= pruneThreshold { pruneUsers() }
    }

    /// Moves the windows to `now`, expiring the buckets that left them.
    public func advance(to now: Instant) {
        let k = bucket(now)
        guard k > head else { return }
        if head == .min {
            head = k
            return
        }
        for i in windows.indices {
            let b = windows[i].buckets
            let steps = min(k - head, b)
            for s in 1...steps {
                let j = Self.slot(head + s, b)
                windows[i].total -= windows[i].totals[j]
                windows[i].totals[j] = 0
                windows[i].uniqueUsers -= windows[i].latestUsers[j]
                windows[i].latestUsers[j] = 0
                for t in 0..<typeCount where windows[i].byType[t * Int(b) + j] != 0 {
                    windows[i].totalByType[t] -= windows[i].byType[t * Int(b) + j]
                    windows[i].byType[t * Int(b) + j] = 0
                }
            }
        }
        head = k
    }

    /// Forgets users older than the longest window (their buckets have expired everywhere);
    /// amortized O(1) per event.
    private func pruneUsers() {
        let cutoff = head - longest
        lastSeen = lastSeen.filter { $0.value > cutoff }
        pruneThreshold = max(4_096, 2 * lastSeen.count)
    }

    // MARK: Reading

    public var windowNames: [String] { windows.map(\.spec.name) }

    /// Events in window `w` (as-written: since start).
    public func events(in w: Int) -> Int {
        accounting == .intended ? windows[w].total : windows[w].cumulative
    }

    /// Events of type `type` in window `w` (as-written: since start).
    public func events(ofType type: Int, in w: Int) -> Int {
        accounting == .intended ? windows[w].totalByType[type] : windows[w].cumulativeByType[type]
    }

    /// Distinct users in window `w` (the seed computes none; always windowed).
    public func uniqueUsers(in w: Int) -> Int { windows[w].uniqueUsers }

    /// Events per second over window `w` (seed `get_rate`: count / duration).
    public func rate(in w: Int) -> Double { Double(events(in: w)) / windows[w].spec.duration.seconds }

    /// Users remembered for distinct counting (memory check).
    public var trackedUsers: Int { lastSeen.count }
}
