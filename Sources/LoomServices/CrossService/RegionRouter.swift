/// Answers the services' entry points "which region serves this arrival now" under the traffic
/// split the disaster-recovery controller has put into effect (seed §9.1 `TrafficManager`).
///
/// **The split is deterministic by a stable hash of the arrival id**, not by a random draw:
/// `u = mix(id) / 2^64` is compared with the regions' cumulative shares, the primary first.
/// Why: it consumes no random stream, so routing never shifts another component's draws; one
/// arrival (a session, a user) always lands in the same region while the split holds, as a
/// client caching a weighted DNS answer does; and because the primary comes first, raising its
/// share during failback (10 → 25 → 50 %) keeps every arrival that was already on the primary
/// there and moves only the newly shifted fraction. Over many arrivals the fractions match the
/// shares as a draw would (the hash is a 64-bit finalizer, uniform over ids).
public final class RegionRouter {
    /// Every region, the primary first (the cumulative order).
    public let regions: [String]
    private var shares: [Double]
    private var cumulative: [Double]
    private let faults: FaultState
    private let index: [String: Int]
    private static let salt = StableHash.fnv1a("region-router")

    /// A router sending all traffic to `regions[0]`.
    public init(regions: [String], faults: FaultState) {
        precondition(!regions.isEmpty, "a router needs a region")
        self.regions = regions
        self.faults = faults
        shares = regions.indices.map { $0 == 0 ? 1 : 0 }
        cumulative = shares
        var index: [String: Int] = [:]
        for (i, r) in regions.enumerated() { index[r] = i }
        self.index = index
        recompute()
    }

    /// The position of `region` in `regions`, or nil.
    public func index(of region: String) -> Int? { index[region] }

    /// The share of arrivals `region` receives now (0–1).
    public func share(of region: String) -> Double { index[region].map { shares[$0] } ?? 0 }

    /// The share of arrivals the region at `i` receives now.
    public func share(ofRegionAt i: Int) -> Double { shares[i] }

    /// The region (its position) that serves `arrival` under the current split.
    @inline(__always)
    public func regionIndex(for arrival: UInt64) -> Int {
        let u = Double(StableHash.mix(arrival ^ Self.salt) >> 11) * 0x1p-53
        for i in cumulative.indices where u < cumulative[i] { return i }
        // Rounding left u at or above the last boundary: the last region with traffic.
        return cumulative.indices.last { shares[$0] > 0 } ?? 0
    }

    /// The region that serves `arrival` under the current split.
    public func region(for arrival: UInt64) -> String { regions[regionIndex(for: arrival)] }

    /// The region serving `arrival`, or nil when that region is down (`regionOutage`): traffic
    /// still sent to a failed region before failover takes effect is lost there.
    public func servingRegion(for arrival: UInt64) -> String? {
        let region = regions[regionIndex(for: arrival)]
        return faults.isActive(.regionOutage, on: region) ? nil : region
    }

    /// Whether `region` can serve at all (no `regionOutage`).
    public func isUp(_ region: String) -> Bool { !faults.isActive(.regionOutage, on: region) }

    /// Puts `split` into effect; regions it does not name get nothing. Shares are normalised.
    func apply(_ split: TrafficSplit) {
        var next = regions.map { split.share(of: $0) }
        let total = next.reduce(0, +)
        if total > 0 { next = next.map { $0 / total } } else { next = shares }
        shares = next
        recompute()
    }

    /// The split in effect, in region order.
    public var currentSplit: TrafficSplit {
        var split = TrafficSplit([:])
        for (i, r) in regions.enumerated() where shares[i] > 0 { split.shares[r] = shares[i] }
        return split
    }

    private func recompute() {
        var sum = 0.0
        cumulative = shares.map { sum += $0; return sum }
    }
}
