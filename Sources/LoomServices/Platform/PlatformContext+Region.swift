extension PlatformContext {
    /// The context for a second copy of the platform's services running in `region` (a backup
    /// region of seed §9.1's multi-region deployment): the same clock, event list, ledger, faults
    /// and cost meter, but
    /// - metrics registered through it carry the label `region=<region>`, so the copy's
    ///   `recording.active_sessions` becomes `recording.active_sessions{region=us-west-2}` beside
    ///   the primary's unlabelled series instead of colliding with it;
    /// - its random streams are its own (`<name>@<region>`): a backup's draws neither repeat the
    ///   primary's nor shift them (DESIGN.md §3, one stream per component).
    ///
    /// The ledger is shared on purpose: a flow such as `recording` counts the sessions of every
    /// region, so conservation is checked over the whole platform; the region's tracked-unit ids
    /// get a space of their own (`ConservationLedger.idSpace`), as each copy numbers from 0.
    public func inRegion(_ region: String) -> PlatformContext {
        PlatformContext(runtime: RegionalRuntime(base: runtime, region: region),
                        metrics: metrics.labelled([("region", region)]), ledger: ledger.idSpace(region), faults: faults, costs: costs)
    }
}

/// A runtime that forwards everything to `base` except random streams, which it renames
/// `<name>@<region>` so a region's copy of a service draws from streams of its own.
final class RegionalRuntime: Runtime {
    let base: any Runtime
    let region: String

    init(base: any Runtime, region: String) {
        self.base = base
        self.region = region
    }

    var now: Instant { base.now }
    var backends: RuntimeBackends { base.backends }
    var digest: TraceDigest { base.digest }

    @discardableResult
    func schedule(at time: Instant, _ kind: EventKind, entity: UInt64, _ action: @escaping () -> Void) throws(KernelError) -> EventHandle {
        try base.schedule(at: time, kind, entity: entity, action)
    }

    @discardableResult
    func schedule(after delay: TimeAmount, _ kind: EventKind, entity: UInt64, _ action: @escaping () -> Void) throws(KernelError) -> EventHandle {
        try base.schedule(after: delay, kind, entity: entity, action)
    }

    @discardableResult
    func cancel(_ handle: EventHandle) -> Bool { base.cancel(handle) }

    func randomStream(named name: String) -> RandomStream { base.randomStream(named: "\(name)@\(region)") }
}
