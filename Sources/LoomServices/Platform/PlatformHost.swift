/// What a run offers the services it hosts, whichever runtime drives it: the context they
/// schedule on, and the run's cost and end-of-run loops.
///
/// `PlatformSimulation` hosts a simulated run; real mode hosts the same services on the wall
/// clock (DESIGN.md §1: same service code, two runtimes). Services register their costs and
/// finish hooks here instead of with a concrete run type, so they never know which one it is.
public protocol PlatformHost: AnyObject {
    var context: PlatformContext { get }
    /// Includes a deployment's pods in the cost accounting.
    func track(_ deployment: Deployment)
    /// Adds a cost that accrues per interval (GPU-hours, reserved capacity).
    func accrue(_ hook: @escaping (TimeAmount) -> Void)
    /// Runs when the run ends (services report in-flight work, close windows).
    func onFinish(_ hook: @escaping () -> Void)
}
