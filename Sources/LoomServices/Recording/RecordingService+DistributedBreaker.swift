/// What the platform's cross-service mechanisms see of the recording service's guarded calls
/// (§1.3.1): the distributed breakers (§6.1) to force open, and every call's outcome for the
/// degradation detector's windows (§8.2).
extension RecordingService {
    /// The dependencies called, in the order of §1.3.1: video-processing, notification, analytics.
    public var dependencyNames: [String] { dependencies.map(\.name) }

    /// The distributed breaker guarding calls to `dependency`, or nil when the service runs the
    /// §1.3.1 breakers alone (no `distributedBreaker` configured) or has no such dependency.
    public func guardedDependency(to dependency: String) -> GuardedDependency? {
        dependencies.first { $0.name == dependency }?.guarded
    }

    /// Calls `observer` with the duration and failure of every call made to `dependency` (calls a
    /// breaker refused are not made and not reported). One observer per dependency.
    public func observeCalls(to dependency: String, _ observer: @escaping (TimeAmount, Bool) -> Void) {
        dependencies.first { $0.name == dependency }?.onCallFinished = observer
    }

    /// Gives each serving pod its own local breaker when the distributed breaker does not fix
    /// the count (the seed's per-instance `localBreaker`).
    func followServingPodsWithDistributedBreakers() {
        guard configuration.distributedBreaker?.instances == nil else { return }
        for dependency in dependencies where dependency.guarded != nil {
            dependency.instancesNow = { [unowned self] in self.serving.count }
        }
    }
}
