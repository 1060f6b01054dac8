import DequeModule

/// Asynchronous replication of one region's acknowledged writes to another (seed §9.1
/// `DataReplicator`): a write acknowledged at `w` reaches the target at `w + lag(w)`, in commit
/// order (a write never overtakes an earlier one, as a WAL stream), and only while the link is
/// up. A region outage at either end or a network partition between them cuts the link: nothing
/// is delivered while it is cut, and on healing the backlog ships after one more lag.
///
/// The log keeps batches, not single writes: writes within `resolution` of the batch's first
/// are merged (count, first and last commit time), so memory is about lag / resolution batches
/// however many writes there are, and the RPO is exact to within the resolution.
final class ReplicationLink {
    struct Batch {
        var first: Instant
        var last: Instant
        var count: Int
        /// When the batch's last write reaches the target (if the link stays up).
        var deliveredAt: Instant
    }

    /// What a failover abandons: the writes the target never received.
    struct Loss {
        var count: Int
        var oldest: Instant
        var newest: Instant
    }

    let source: Int
    let target: Int
    private(set) var pending: Deque<Batch> = []
    private(set) var pendingWrites = 0
    private(set) var isUp = true
    private(set) var cutAt: Instant?
    /// Commit time of the newest write the target holds.
    private(set) var newestDelivered: Instant?
    /// The sampled lag and until when it holds.
    var sampledLag: TimeAmount = .zero
    var lagValidUntil: Instant = .zero
    let resolution: TimeAmount

    init(source: Int, target: Int, resolution: TimeAmount) {
        self.source = source
        self.target = target
        self.resolution = resolution
    }

    /// `count` writes acknowledged at `now` in the source, replicating with `lag`.
    func append(count: Int, at now: Instant, lag: TimeAmount) {
        let due = max(now + lag, pending.last?.deliveredAt ?? .zero)
        pendingWrites += count
        if var last = pending.last, now - last.first < resolution {
            last.last = now
            last.count += count
            last.deliveredAt = due
            pending[pending.count - 1] = last
        } else {
            pending.append(Batch(first: now, last: now, count: count, deliveredAt: due))
        }
    }

    /// Delivers every batch due by `now` while the link is up; returns the writes delivered.
    func advance(to now: Instant) -> Int {
        guard isUp else { return 0 }
        var delivered = 0
        while let first = pending.first, first.deliveredAt <= now {
            pending.removeFirst()
            delivered += first.count
            newestDelivered = first.last
        }
        pendingWrites -= delivered
        return delivered
    }

    /// The link goes down at `now` (after delivering what was due); returns the writes delivered.
    func cut(at now: Instant) -> Int {
        let delivered = advance(to: now)
        isUp = false
        cutAt = now
        return delivered
    }

    /// The link comes back at `now`: the backlog ships `lag` from now, in order.
    func heal(at now: Instant, lag: TimeAmount) {
        isUp = true
        cutAt = nil
        let floor = now + lag
        for i in pending.indices where pending[i].deliveredAt < floor { pending[i].deliveredAt = floor }
    }

    /// Abandons every write not yet delivered (a failover promoted the target without them).
    func discard() -> Loss? {
        guard let first = pending.first, let last = pending.last else { return nil }
        let loss = Loss(count: pendingWrites, oldest: first.first, newest: last.last)
        pending.removeAll()
        pendingWrites = 0
        return loss
    }

    /// How far behind the target is at `now`: the current lag while up; while cut, also the time
    /// since the cut (nothing arrives).
    func staleness(at now: Instant, lag: TimeAmount) -> TimeAmount {
        guard let cutAt else { return lag }
        return now - cutAt + lag
    }
}
