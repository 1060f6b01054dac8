import OrderedCollections

/// A Kubernetes Deployment of one service in one region: it keeps `replicas` pods, creating
/// them (pending → running → ready after start-up latency) and deleting them (unready first,
/// then newest, as the ReplicaSet controller ranks victims), replaces crashed or lost pods, and
/// tells the service when a pod starts serving or goes away so it can move work.
public final class Deployment {
    public let service: String
    public let region: String
    public let template: PodTemplate
    public private(set) var replicas: Int
    /// Pods by id, in creation order.
    public private(set) var pods: OrderedDictionary<UInt64, Pod> = [:]

    /// Called when a pod becomes ready to serve.
    public var onPodReady: (Pod) -> Void = { _ in }
    /// Called when a pod stops serving (scale-down, crash, loss); `reason` says which.
    public var onPodLost: (Pod, String) -> Void = { _, _ in }

    private let context: PlatformContext
    private let stream: RandomStream
    /// The node pool its pods are scheduled on (nil: capacity is assumed, pods are billed each).
    public let nodePool: NodePool?
    private var nextPodID: UInt64 = 1
    private var regionDown = false
    private static let podStarted = EventKind("pod.started")
    private static let podReady = EventKind("pod.ready")
    private static let podCrashed = EventKind("pod.crashed")
    private static let podRestarted = EventKind("pod.restarted")

    public init(service: String, region: String, template: PodTemplate, replicas: Int, context: PlatformContext) {
        precondition(replicas >= 0)
        self.service = service
        self.region = region
        self.template = template
        self.replicas = replicas
        self.context = context
        self.stream = context.stream("deployment.\(region).\(service)")
        self.nodePool = context.nodePools.pool(hosting: service, region: region)
        let labels = [("region", region)]
        context.metrics.registerGauge(metricKey("\(service).replicas", labels), unit: "pods") { [unowned self] in Double(self.replicas) }
        context.metrics.registerGauge(metricKey("\(service).ready_replicas", labels), unit: "pods") { [unowned self] in Double(self.servingCount) }
        context.faults.observe(.podLoss, onStart: { [unowned self] f in if f.target == service && f.applies(toRegion: region) { self.losePods(Int(f.magnitude), reason: "pod-loss") } })
        context.faults.observe(.nodeLoss, onStart: { [unowned self] f in if (f.target == region || f.target == service) && f.applies(toRegion: region) { self.losePods(Int(f.magnitude), reason: "node-loss") } })
        context.faults.observe(.regionOutage,
            onStart: { [unowned self] f in if f.target == region { self.regionOutageStarted() } },
            onEnd: { [unowned self] f in if f.target == region { self.regionOutageEnded() } })
    }

    /// Creates the initial pods already running and ready (a warm cluster at time zero).
    public func startWarm() {
        for _ in 0..<replicas { createPod(warm: true) }
    }

    /// Pods serving traffic, in creation order.
    public var servingPods: [Pod] { pods.values.filter(\.isServing) }
    public var servingCount: Int { pods.values.reduce(0) { $0 + ($1.isServing ? 1 : 0) } }

    /// Sets the desired replica count (the HPA's decision or a manual scale).
    public func scale(to desired: Int) {
        precondition(desired >= 0)
        replicas = desired
        reconcile()
    }

    /// Adds or deletes pods until the live (non-terminating) count equals `replicas`.
    private func reconcile() {
        guard !regionDown else { return }
        let live = pods.values.filter { !$0.isTerminating }
        if live.count < replicas {
            for _ in live.count..<replicas { createPod(warm: false) }
        } else if live.count > replicas {
            // ReplicaSet victim ranking: pending before running, unready before ready, newest first.
            let victims = live.sorted { a, b in
                if (a.phase == .pending) != (b.phase == .pending) { return a.phase == .pending }
                if a.isReady != b.isReady { return !a.isReady }
                return a.id > b.id
            }.prefix(live.count - replicas)
            for pod in victims { remove(pod, reason: "scale-down") }
        }
    }

    private func createPod(warm: Bool) {
        let id = nextPodID
        nextPodID += 1
        let pod = Pod(id: id, name: "\(service)-\(region)-\(id)", createdAt: context.now)
        pods[id] = pod
        if let nodePool {
            // Pending until the scheduler binds it to a node; a warm pod that fits at once
            // starts ready, one that has to wait starts like any other.
            let created = context.now
            pod.nodeClaim = nodePool.claim(
                cpu: template.cpuRequestCores, memory: template.memoryRequestBytes,
                onPlaced: { [weak self, weak pod] in
                    guard let self, let pod, !pod.isTerminating else { return }
                    self.podScheduled(pod, warm: warm && self.context.now == created)
                },
                onEvicted: { [weak self, weak pod] in
                    guard let self, let pod, !pod.isTerminating else { return }
                    pod.nodeClaim = nil
                    self.context.metrics.note("pod.lost", subject: pod.name, detail: "node-loss", at: self.context.now)
                    self.remove(pod, reason: "node-loss")
                    self.reconcile()
                })
            return
        }
        podScheduled(pod, warm: warm)
    }

    /// The pod is bound to a node: it pulls its image and starts (or is up at once when warm).
    private func podScheduled(_ pod: Pod, warm: Bool) {
        let id = pod.id
        if warm {
            pod.phase = .running
            pod.startedAt = context.now
            markReady(pod)
            return
        }
        let startup = TimeAmount.saturatingSeconds(max(0, stream.sample(template.startupLatency)))
        context.after(startup, Self.podStarted, entity: id) { [weak self, weak pod] in
            guard let self, let pod, !pod.isTerminating else { return }
            self.containerStarted(pod)
        }
    }

    private func containerStarted(_ pod: Pod) {
        pod.phase = .running
        pod.startedAt = context.now
        pod.readinessChangedAt = context.now
        let readiness = TimeAmount.saturatingSeconds(max(0, stream.sample(template.readinessDelay)))
        context.after(readiness, Self.podReady, entity: pod.id) { [weak self, weak pod] in
            guard let self, let pod, !pod.isTerminating, pod.phase == .running else { return }
            self.markReady(pod)
        }
    }

    private func markReady(_ pod: Pod) {
        pod.isReady = true
        pod.readinessChangedAt = context.now
        scheduleCrash(pod)
        onPodReady(pod)
    }

    private func scheduleCrash(_ pod: Pod) {
        guard template.crashesPerHour > 0 else { return }
        let delay = TimeAmount.saturatingSeconds(stream.exponential(mean: 3_600 / template.crashesPerHour))
        let restarts = pod.restarts
        context.after(delay, Self.podCrashed, entity: pod.id) { [weak self, weak pod] in
            guard let self, let pod, pod.isServing, pod.restarts == restarts else { return }
            self.crash(pod)
        }
    }

    /// A container crash: the pod stays, goes unready, and restarts after the restart delay.
    private func crash(_ pod: Pod) {
        pod.isReady = false
        pod.readinessChangedAt = context.now
        pod.restarts += 1
        context.metrics.note("pod.crashed", subject: pod.name, detail: "restart \(pod.restarts)", at: context.now)
        onPodLost(pod, "crash")
        context.after(template.restartDelay, Self.podRestarted, entity: pod.id) { [weak self, weak pod] in
            guard let self, let pod, !pod.isTerminating else { return }
            self.containerStarted(pod)
        }
    }

    /// Deletes a pod now (graceful termination is modelled by the service draining it first).
    private func remove(_ pod: Pod, reason: String) {
        let wasServing = pod.isServing
        pod.isTerminating = true
        pod.isReady = false
        pods[pod.id] = nil
        if let claim = pod.nodeClaim {
            pod.nodeClaim = nil
            nodePool?.release(claim)
        }
        if wasServing || reason != "scale-down" { onPodLost(pod, reason) }
    }

    /// Kills `count` serving pods chosen by the deployment's stream; the ReplicaSet replaces them.
    public func losePods(_ count: Int, reason: String) {
        var candidates = servingPods
        var killed = 0
        while killed < count, !candidates.isEmpty {
            let i = Int(stream.integer(below: UInt(candidates.count)))
            let pod = candidates.remove(at: i)
            context.metrics.note("pod.lost", subject: pod.name, detail: reason, at: context.now)
            remove(pod, reason: reason)
            killed += 1
        }
        reconcile()
    }

    private func regionOutageStarted() {
        regionDown = true
        for pod in Array(pods.values) { remove(pod, reason: "region-outage") }
    }

    private func regionOutageEnded() {
        regionDown = false
        reconcile()
    }

    /// Dollars for the pods that existed over the last `interval` (pending pods are billed too:
    /// the node capacity is reserved).
    public func accrueCost(over interval: TimeAmount) {
        // On a node pool the nodes are billed instead (NodePool.accrueCost).
        guard nodePool == nil else { return }
        context.costs.add(Double(pods.count) * template.costPerHour * interval.seconds / 3_600, to: "pods.\(service)")
    }
}
