/// What a service or model may ask of the world: the runtime contract of DESIGN.md §1.
///
/// Services never read a clock, sleep, start threads or draw unseeded randomness; they get all of
/// that from a `Runtime`. Two conform: `SimulatedRuntime` (virtual time) and the real-mode
/// `WallClockRuntime`, so the same service code runs in both, like swift-nio's `EventLoop` with
/// `EmbeddedEventLoop`. Callbacks run one at a time on the runtime's loop, in `(time, sequence)`
/// order; a callback may schedule and cancel others.
public protocol Runtime: AnyObject {
    /// The current time: virtual in simulation, time since start on the wall clock.
    var now: Instant { get }

    /// Runs `action` at `time` (not before `now`); `kind` and `entity` identify it in the trace digest.
    @discardableResult
    func schedule(at time: Instant, _ kind: EventKind, entity: UInt64, _ action: @escaping () -> Void) throws(KernelError) -> EventHandle

    /// Runs `action` after `delay` (zero or positive).
    @discardableResult
    func schedule(after delay: TimeAmount, _ kind: EventKind, entity: UInt64, _ action: @escaping () -> Void) throws(KernelError) -> EventHandle

    /// Cancels a scheduled callback (a timer, a timeout); false when it already ran or was cancelled.
    @discardableResult
    func cancel(_ handle: EventHandle) -> Bool

    /// The random stream `name`, seeded from (run seed, name).
    func randomStream(named name: String) -> RandomStream

    /// The backends services do their IO through.
    var backends: RuntimeBackends { get }

    /// The digest of every callback run so far.
    var digest: TraceDigest { get }
}

/// The backends a runtime offers services (DESIGN.md §1): in simulation, models whose service
/// times come from distributions; in real mode, SQLite, libav and the machine's GPUs.
public struct RuntimeBackends {
    /// Where services persist state (saga progress, checkpoints, snapshots).
    public var stateStore: any StateStore

    public init(stateStore: any StateStore) {
        self.stateStore = stateStore
    }
}

/// A callback waiting in a runtime's event list, with the identity it is traced under.
public struct ScheduledAction: TraceableEvent {
    public let traceKind: UInt32
    public let traceEntity: UInt64
    public let run: () -> Void

    public init(kind: EventKind, entity: UInt64, run: @escaping () -> Void) {
        self.traceKind = kind.rawValue
        self.traceEntity = entity
        self.run = run
    }
}
