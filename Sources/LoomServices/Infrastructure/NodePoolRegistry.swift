/// The node pools of a run, looked up by the Deployments as they are created: a Deployment's
/// pods run on the pool of its region that names its service, or on assumed capacity when no
/// pool does (every scenario without `topology.nodePools`).
public final class NodePoolRegistry {
    public private(set) var pools: [NodePool] = []

    public init() {}

    /// Adds a pool; a service may be hosted by one pool per region.
    public func add(_ pool: NodePool) throws(PlatformError) {
        for service in pool.configuration.services {
            if let other = self.pool(hosting: service, region: pool.configuration.region) {
                throw PlatformError("\(service) in \(pool.configuration.region) is on two node pools: \(other.configuration.name) and \(pool.configuration.name)")
            }
        }
        pools.append(pool)
    }

    public func pool(hosting service: String, region: String) -> NodePool? {
        pools.first { $0.hosts(service: service, region: region) }
    }
}
