/// Watches what a simulated runtime does, for exports that need more than the digest: the
/// `--trace` Chrome trace of a run. Like SimPy's `env.step` monkey-patching recipe for tracing,
/// it sees each event as it is taken from the event list, before its callback runs.
///
/// Off by default: a runtime without an observer pays one nil check per event and per schedule.
/// An observer must not schedule, cancel or draw randomness (it would change the run it watches).
public protocol RuntimeObserver: AnyObject {
    /// A callback of `kind` was scheduled (lets the observer learn kind names, which the event
    /// list does not store).
    func scheduled(_ kind: EventKind)
    /// The callback of kind `kind` (`EventKind.rawValue`) for `entity` is about to run at `time`.
    func willRun(kind: UInt32, entity: UInt64, at time: Instant)
}

/// Watches tracked units entering and leaving services in a `ConservationLedger` (a job's or a
/// session's life as one span in the `--trace` export). Off by default: one nil check per call.
public protocol LedgerObserver: AnyObject {
    func admitted(_ service: String, id: UInt64, at time: Instant)
    func finished(_ service: String, id: UInt64, _ state: TerminalState, at time: Instant)
}
