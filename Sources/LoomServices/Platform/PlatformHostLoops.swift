import SimKernel

/// The cost and end-of-run loops every `PlatformHost` keeps: the deployments whose pods are
/// billed, the hooks that accrue other costs per interval, and the hooks run once at the end.
/// A simulated run drives them at each metrics sample of virtual time; real mode at each sample
/// on the wall clock.
public final class PlatformHostLoops {
    private var deployments: [Deployment] = []
    private var costHooks: [(TimeAmount) -> Void] = []
    private var finishHooks: [() -> Void] = []
    private var finished = false

    public init() {}

    public func track(_ deployment: Deployment) { deployments.append(deployment) }
    public func accrue(_ hook: @escaping (TimeAmount) -> Void) { costHooks.append(hook) }
    public func onFinish(_ hook: @escaping () -> Void) { finishHooks.append(hook) }

    /// Accrues every cost over `interval` (the time since the previous sample).
    public func accrueCosts(over interval: TimeAmount) {
        guard interval.nanoseconds > 0 else { return }
        for d in deployments { d.accrueCost(over: interval) }
        for hook in costHooks { hook(interval) }
    }

    /// Runs the finish hooks once.
    public func finish() {
        guard !finished else { return }
        finished = true
        for hook in finishHooks { hook() }
    }
}
