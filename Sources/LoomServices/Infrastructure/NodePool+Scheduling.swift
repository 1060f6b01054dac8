/// Placement, eviction and the cluster autoscaler's decisions (see `NodePool`).
extension NodePool {
    /// Asks for room for a pod requesting `cpu` cores and `memory` bytes. `onPlaced` runs when
    /// it is bound to a node (at once when one fits, else when capacity appears); `onEvicted` when
    /// its node is lost. Returns the claim to release when the pod goes away.
    public func claim(cpu: Double, memory: Double, onPlaced: @escaping () -> Void, onEvicted: @escaping () -> Void) -> UInt64 {
        let claim = Claim(id: nextClaimID, cpu: cpu, memory: memory, requestedAt: context.now, onPlaced: onPlaced, onEvicted: onEvicted)
        nextClaimID += 1
        claims[claim.id] = claim
        if let node = bestFit(for: claim) {
            bind(claim, to: node)
        } else {
            pending.append(claim.id)
            scaleUpIfNeeded()
        }
        return claim.id
    }

    /// Frees a claim (the pod was deleted, or never placed).
    public func release(_ id: UInt64) {
        guard let claim = claims.removeValue(forKey: id) else { return }
        pending.remove(id)
        if let n = claim.node, let node = nodes[n] { unbind(claim, from: node) }
        schedulePending()
    }

    /// The fullest node (MostAllocated) where the claim fits; ties to the oldest node.
    func bestFit(for claim: Claim) -> Node? {
        var best: Node?
        var bestScore = -1.0
        for node in nodes.values where fits(claim, node) {
            let score = node.cpuRequested / configuration.cpuCores + node.memoryRequested / configuration.memoryBytes
            if score > bestScore {
                best = node
                bestScore = score
            }
        }
        return best
    }

    func fits(_ claim: Claim, _ node: Node) -> Bool {
        node.cpuRequested + claim.cpu <= configuration.cpuCores + 1e-9
            && node.memoryRequested + claim.memory <= configuration.memoryBytes + 1e-9
    }

    func bind(_ claim: Claim, to node: Node) {
        claim.node = node.id
        node.claims.insert(claim.id)
        node.cpuRequested += claim.cpu
        node.memoryRequested += claim.memory
        context.metrics.record(schedulingWait, context.now - claim.requestedAt)
        claim.onPlaced()
    }

    func unbind(_ claim: Claim, from node: Node) {
        node.claims.remove(claim.id)
        node.cpuRequested = max(0, node.cpuRequested - claim.cpu)
        node.memoryRequested = max(0, node.memoryRequested - claim.memory)
        if node.claims.isEmpty { node.emptySince = context.now }
        claim.node = nil
    }

    /// Binds pending claims, oldest first, wherever they now fit.
    func schedulePending() {
        for id in pending {
            guard let claim = claims[id], let node = bestFit(for: claim) else { continue }
            pending.remove(id)
            bind(claim, to: node)
        }
    }

    @discardableResult
    func addNode() -> Node {
        let node = Node(id: nextNodeID, at: context.now)
        nextNodeID += 1
        nodes[node.id] = node
        return node
    }

    /// Cluster-autoscaler scale-up: enough new nodes for the pending claims that fit an empty
    /// node, counting the nodes already on their way, up to `maxNodes`.
    func scaleUpIfNeeded() {
        let placeable = pending.compactMap { claims[$0] }.filter {
            $0.cpu <= configuration.cpuCores && $0.memory <= configuration.memoryBytes
        }
        guard !placeable.isEmpty else { return }
        // First-fit of the pending claims onto empty nodes: how many a scale-up needs.
        var bins: [(cpu: Double, memory: Double)] = []
        for c in placeable {
            if let i = bins.firstIndex(where: { $0.cpu + c.cpu <= configuration.cpuCores && $0.memory + c.memory <= configuration.memoryBytes }) {
                bins[i].cpu += c.cpu
                bins[i].memory += c.memory
            } else {
                bins.append((c.cpu, c.memory))
            }
        }
        let room = configuration.maxNodes - nodes.count - provisioning - lostByFault.reduce(0, +)
        let add = min(max(0, bins.count - provisioning), room)
        guard add > 0 else { return }
        provisioning += add
        context.metrics.add(scaleUps, Double(add))
        context.metrics.note("nodepool.scale-up", subject: configuration.name, detail: "+\(add) nodes", at: context.now)
        for _ in 0..<add {
            let latency = TimeAmount.saturatingSeconds(max(0, stream.sample(configuration.provisioningLatency)))
            context.after(latency, Self.nodeReadyKind) { [unowned self] in
                self.provisioning -= 1
                self.addNode()
                self.schedulePending()
                self.scaleUpIfNeeded()
            }
        }
    }

    /// Cluster-autoscaler scale-down scan: removes nodes empty for longer than the unneeded
    /// time, newest first, keeping `minNodes`.
    func scaleDown() {
        let cutoff = context.now - configuration.scaleDownUnneededTime
        for node in nodes.values.reversed() where nodes.count > configuration.minNodes {
            guard node.claims.isEmpty, node.emptySince <= cutoff, pending.isEmpty else { continue }
            nodes[node.id] = nil
            context.metrics.note("nodepool.scale-down", subject: configuration.name, detail: "node \(node.id) removed", at: context.now)
        }
    }

    /// A `nodeLoss` fault: the newest `count` nodes go away and their pods are evicted.
    func loseNodes(_ count: Int) {
        let victims = Array(nodes.values.suffix(max(0, count)))
        lostByFault.append(victims.count)
        // Every lost node goes before any pod is evicted, so replacements never land on a
        // node that is about to go too.
        for node in victims { nodes[node.id] = nil }
        for node in victims {
            for id in node.claims.sorted() {
                guard let claim = claims.removeValue(forKey: id) else { continue }
                claim.node = nil
                claim.onEvicted()
            }
        }
        scaleUpIfNeeded()
    }

    /// The end of a `nodeLoss` fault: the nodes it took come back.
    func restoreNodes() {
        guard !lostByFault.isEmpty else { return }
        let count = lostByFault.removeFirst()
        for _ in 0..<count where nodes.count + provisioning < configuration.maxNodes { addNode() }
        schedulePending()
    }
}
