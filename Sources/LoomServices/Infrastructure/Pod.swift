/// One replica of a service: a Kubernetes pod with resource requests, a lifecycle (pending
/// while the image is pulled, running, ready after its readiness delay, terminating) and the
/// usage the service model attributes to it.
///
/// A reference type because the deployment, the service routing work to it and the metrics
/// scraper all see the same pod; it is only ever touched on the runtime's loop.
public final class Pod {
    public let id: UInt64
    public let name: String
    public let createdAt: Instant
    public internal(set) var phase: PodPhase = .pending
    /// When the containers started (the HPA's CPU initialization period counts from here).
    public internal(set) var startedAt: Instant?
    /// When the pod last became ready or unready.
    public internal(set) var readinessChangedAt: Instant
    public internal(set) var isReady = false
    public internal(set) var isTerminating = false
    public internal(set) var restarts = 0
    /// Its claim on a node pool's capacity, when its Deployment runs on one.
    var nodeClaim: UInt64?

    /// CPU cores in use right now apart from `busySeconds` (idle overhead, per-session load).
    public var baselineCores: Double = 0
    /// CPU core-seconds of work done so far; the scraper turns its growth into a usage rate.
    public var busySeconds: Double = 0
    /// Memory in use, bytes.
    public var memoryBytes: Double = 0
    /// Application metrics the pod exports (e.g. `active_recording_sessions`).
    public var customMetrics: [String: Double] = [:]

    init(id: UInt64, name: String, createdAt: Instant) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
        self.readinessChangedAt = createdAt
    }

    /// Running and ready: the only pods a load balancer sends work to.
    public var isServing: Bool { phase == .running && isReady && !isTerminating }

    /// The pod as the HPA's lister reports it.
    public var observed: ObservedPod {
        ObservedPod(
            name: name, phase: phase, isTerminating: isTerminating, startTime: startedAt,
            readyCondition: phase == .pending ? nil
                : PodReadyCondition(status: isReady ? .true : .false, lastTransitionTime: readinessChangedAt))
    }
}

/// The shape of a service's pods: resource requests, start-up latency, crash behaviour and price.
public struct PodTemplate: Sendable {
    /// CPU request in cores (the HPA's utilization denominator).
    public var cpuRequestCores: Double
    /// Memory request in bytes.
    public var memoryRequestBytes: Double
    /// Seconds from creation to running (scheduling and image pull).
    public var startupLatency: Distribution
    /// Seconds from running to ready (readiness probe).
    public var readinessDelay: Distribution
    /// Crashes per pod-hour while running (0: never).
    public var crashesPerHour: Double
    /// How long a crashed container stays down before restarting (CrashLoopBackOff's first step).
    public var restartDelay: TimeAmount
    /// Dollars per pod-hour.
    public var costPerHour: Double

    public init(cpuRequestCores: Double, memoryRequestBytes: Double, startupLatency: Distribution,
                readinessDelay: Distribution, crashesPerHour: Double = 0, restartDelay: TimeAmount = .wholeSeconds(10),
                costPerHour: Double = 0) {
        self.cpuRequestCores = cpuRequestCores
        self.memoryRequestBytes = memoryRequestBytes
        self.startupLatency = startupLatency
        self.readinessDelay = readinessDelay
        self.crashesPerHour = crashesPerHour
        self.restartDelay = restartDelay
        self.costPerHour = costPerHour
    }
}
