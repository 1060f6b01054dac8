import OrderedCollections

// MARK: - Client pods and session pinning

extension PostgresCluster {
    /// Tells the pool how many pods `client` (a service) runs, for the `maxOpenConns` cap.
    public func setClientPods(_ count: Int, for client: String) {
        precondition(count >= 0)
        clientPods[client] = count
        guard let perPod = configuration.maxOpenConnsPerClientPod else { return }
        let pods = clientPods.values.reduce(0, +)
        let capacity = max(1, min(configuration.serverPoolSize, pods * perPod))
        primary.resize(to: capacity)
        for r in replicas { r.resize(to: capacity) }
    }

    /// A client pod went away: its connections close and unpin their server connections.
    public func releaseClient(_ client: UInt64) {
        for i in pinned.indices { pinned[i][client] = nil }
    }

    /// How many client pods can pin server connections in session mode.
    public var sessionModePodLimit: Int {
        let idle = min(configuration.maxIdleConnsPerClientPod, configuration.maxOpenConnsPerClientPod ?? .max)
        return idle == 0 ? .max : max(1, configuration.serverPoolSize / idle)
    }

    func pin(_ client: UInt64, on backend: Int) -> Bool {
        let now = context.now
        if pinned[backend][client] != nil {
            pinned[backend][client] = now
            return true
        }
        if pinned[backend].count >= sessionModePodLimit, let idle = configuration.connMaxIdleTime {
            pinned[backend].removeAll { now - $0.value >= idle }
        }
        guard pinned[backend].count < sessionModePodLimit else { return false }
        pinned[backend][client] = now
        return true
    }
}
