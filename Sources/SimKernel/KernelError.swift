/// A mistake in how the kernel is used: a caller must handle it (a model's bad parameter, a
/// scenario that asks for the impossible). Broken kernel invariants are preconditions instead.
public enum KernelError: Error, Equatable, CustomStringConvertible {
    /// An event was scheduled before the current time.
    case scheduledInThePast(requested: Instant, now: Instant)
    /// A negative delay was given to `schedule(after:)`.
    case negativeDelay(TimeAmount)
    /// A run limit that cannot be honoured (negative event count, time before now).
    case invalidRunLimit(String)

    public var description: String {
        switch self {
        case let .scheduledInThePast(requested, now):
            return "cannot schedule an event at \(requested.seconds) s: the clock is already at \(now.seconds) s"
        case let .negativeDelay(d):
            return "cannot schedule an event \(d.seconds) s from now: delays must be zero or positive"
        case let .invalidRunLimit(why):
            return "invalid run limit: \(why)"
        }
    }
}
