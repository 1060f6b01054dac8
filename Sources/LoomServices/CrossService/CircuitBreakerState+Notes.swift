
extension CircuitBreakerState {
    /// The metrics note a transition into this state is published as: `breaker.opened` (open or
    /// forced open), `breaker.half_opened`, `breaker.closed`, and `breaker.changed` for the
    /// hand-set disabled and metrics-only states. Shared by the recording service's per-dependency
    /// breakers (seed §1.3.1) and the guarded dependencies' local breakers (seed §6.1), so a
    /// transition reads the same in every report whichever breaker made it.
    var transitionNoteKind: String {
        switch self {
        case .open, .forcedOpen: return "breaker.opened"
        case .halfOpen: return "breaker.half_opened"
        case .closed: return "breaker.closed"
        case .disabled, .metricsOnly: return "breaker.changed"
        }
    }
}
