import OrderedCollections

/// A Kubernetes node pool of one machine type in one region, with the scheduler's resource fit
/// and the cluster autoscaler that grows and shrinks it.
///
/// - Scheduling follows kube-scheduler's `NodeResourcesFit` filter: a pod fits a node when its
///   CPU and memory requests fit the node's unrequested allocatable capacity; among the nodes that
///   fit, the `MostAllocated` scoring strategy picks the fullest (bin packing, what cost-minded
///   clusters configure, so that nodes can empty and be removed). A pod that fits nowhere stays
///   Pending (Unschedulable) in arrival order.
/// - Scale-up follows cluster-autoscaler: pending pods that a new node would fit trigger enough
///   new nodes for all of them (first-fit onto empty nodes), up to `maxNodes`; a node is ready
///   after the provisioning latency (VM boot + kubelet registration, minutes in practice).
/// - Scale-down removes a node that has stayed empty for `scaleDownUnneededTime` (the
///   autoscaler's `--scale-down-unneeded-time`, 10 m by default), never below `minNodes`. It does
///   not drain pods to other nodes: with bin packing, nodes empty on their own as load falls.
/// - A `nodeLoss` fault on the pool removes that many nodes (their pods are evicted and the
///   Deployments recreate them, Pending until capacity returns); the nodes return when it ends.
///
/// Nodes are billed per node-hour whether full or empty, which is why the pods placed here are
/// not billed by their Deployment.
public final class NodePool {
    /// The pool's machine type, size limits and autoscaler settings (`topology.nodePools[]`).
    public struct Configuration: Sendable {
        public var name: String
        public var region: String
        /// Services whose pods run on this pool.
        public var services: [String]
        /// Allocatable CPU cores per node (what pods can request).
        public var cpuCores: Double
        /// Allocatable memory per node, bytes.
        public var memoryBytes: Double
        public var initialNodes: Int
        public var minNodes: Int
        public var maxNodes: Int
        /// Seconds from the autoscaler's decision to a ready node.
        public var provisioningLatency: Distribution
        public var scaleDownUnneededTime: TimeAmount
        public var costPerNodeHour: Double

        public init(name: String, region: String, services: [String], cpuCores: Double = 8, memoryBytes: Double = 32 * 1_073_741_824,
                    initialNodes: Int = 3, minNodes: Int = 1, maxNodes: Int = 100,
                    provisioningLatency: Distribution = try! .lognormal(mean: 120, coefficientOfVariation: 0.25),
                    scaleDownUnneededTime: TimeAmount = .minutes(10), costPerNodeHour: Double = 0.384) {
            self.name = name
            self.region = region
            self.services = services
            self.cpuCores = cpuCores
            self.memoryBytes = memoryBytes
            self.initialNodes = initialNodes
            self.minNodes = minNodes
            self.maxNodes = maxNodes
            self.provisioningLatency = provisioningLatency
            self.scaleDownUnneededTime = scaleDownUnneededTime
            self.costPerNodeHour = costPerNodeHour
        }

        public func validate() throws(PlatformError) {
            guard cpuCores > 0, memoryBytes > 0 else { throw PlatformError("node pool \(name): a node needs positive CPU and memory") }
            guard minNodes >= 0, minNodes <= maxNodes, maxNodes >= 1 else {
                throw PlatformError("node pool \(name): need 0 ≤ minNodes ≤ maxNodes and maxNodes ≥ 1, got \(minNodes)…\(maxNodes)")
            }
            guard (minNodes...maxNodes).contains(initialNodes) else {
                throw PlatformError("node pool \(name): initialNodes \(initialNodes) is outside minNodes…maxNodes (\(minNodes)…\(maxNodes))")
            }
            guard !services.isEmpty else { throw PlatformError("node pool \(name): name at least one service") }
        }
    }

    /// A pod's claim on the pool: its requests, and what to do when it is placed or evicted.
    final class Claim {
        let id: UInt64
        let cpu: Double
        let memory: Double
        let requestedAt: Instant
        let onPlaced: () -> Void
        let onEvicted: () -> Void
        var node: UInt64?

        init(id: UInt64, cpu: Double, memory: Double, requestedAt: Instant, onPlaced: @escaping () -> Void, onEvicted: @escaping () -> Void) {
            self.id = id
            self.cpu = cpu
            self.memory = memory
            self.requestedAt = requestedAt
            self.onPlaced = onPlaced
            self.onEvicted = onEvicted
        }
    }

    final class Node {
        let id: UInt64
        var cpuRequested = 0.0
        var memoryRequested = 0.0
        var claims: Set<UInt64> = []
        var emptySince: Instant

        init(id: UInt64, at now: Instant) {
            self.id = id
            self.emptySince = now
        }
    }

    public let configuration: Configuration
    let context: PlatformContext
    let stream: RandomStream
    var nodes: OrderedDictionary<UInt64, Node> = [:]
    var claims: [UInt64: Claim] = [:]
    /// Unschedulable claims, oldest first.
    var pending: OrderedSet<UInt64> = []
    var provisioning = 0
    /// Nodes taken by active `nodeLoss` faults, returned when each ends.
    var lostByFault: [Int] = []
    var nextNodeID: UInt64 = 1
    var nextClaimID: UInt64 = 1
    let schedulingWait: MetricsRecorder.Latency
    let scaleUps: MetricsRecorder.Counter
    static let nodeReadyKind = EventKind("nodepool.node-ready")
    static let scaleDownKind = EventKind("nodepool.scale-down-scan")

    public init(configuration: Configuration, context: PlatformContext) throws(PlatformError) {
        try configuration.validate()
        self.configuration = configuration
        self.context = context
        stream = context.stream("nodepool.\(configuration.name)")
        let labels = [("pool", configuration.name)]
        let m = context.metrics
        schedulingWait = m.registerLatency(metricKey("nodepool.scheduling_wait", labels))
        scaleUps = m.registerCounter(metricKey("nodepool.nodes_added", labels), unit: "nodes")
        m.registerGauge(metricKey("nodepool.nodes", labels), unit: "nodes") { [unowned self] in Double(self.nodes.count) }
        m.registerGauge(metricKey("nodepool.pending_pods", labels), unit: "pods") { [unowned self] in Double(self.pending.count) }
        m.registerGauge(metricKey("nodepool.cpu_allocation", labels), unit: "ratio") { [unowned self] in self.cpuAllocation }
        for _ in 0..<configuration.initialNodes { addNode() }
        context.faults.observe(.nodeLoss,
            onStart: { [unowned self] f in if self.isHit(by: f) { self.loseNodes(Int(f.magnitude)) } },
            onEnd: { [unowned self] f in if self.isHit(by: f) { self.restoreNodes() } })
        context.every(.wholeSeconds(10), Self.scaleDownKind, startingAfter: .wholeSeconds(10)) { [unowned self] in self.scaleDown() }
    }

    /// Whether a `nodeLoss` fault takes nodes of this pool (its name, and its region if it names one).
    func isHit(by fault: ActiveFault) -> Bool {
        fault.target == configuration.name && fault.applies(toRegion: configuration.region)
    }

    /// Whether this pool runs the pods of `service` in `region`.
    public func hosts(service: String, region: String) -> Bool {
        configuration.region == region && configuration.services.contains(service)
    }

    /// Requested CPU over allocatable CPU across the pool's nodes.
    public var cpuAllocation: Double {
        nodes.isEmpty ? 0 : nodes.values.reduce(0) { $0 + $1.cpuRequested } / (Double(nodes.count) * configuration.cpuCores)
    }
    public var nodeCount: Int { nodes.count }
    public var pendingCount: Int { pending.count }

    /// Dollars for the nodes over `interval`.
    public func accrueCost(over interval: TimeAmount) {
        context.costs.add(Double(nodes.count) * configuration.costPerNodeHour * interval.seconds / 3_600,
                          to: "nodes.\(configuration.name)")
    }
}
