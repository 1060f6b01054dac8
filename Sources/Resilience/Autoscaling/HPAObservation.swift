import SimKernel

/// What the HPA controller reads in one reconcile: the target's scale subresource, the pods its
/// selector matches and one metrics-API answer per `spec.metrics` entry (upstream reads them from
/// the scale client, the pod lister and the metrics clients in `reconcileAutoscaler`).
public struct HPAObservation: Sendable, Hashable {
    /// The scale's `spec.replicas`: what the HPA last asked for ("current" upstream).
    public var specReplicas: Int32
    /// The scale's `status.replicas`: pods that exist (may exceed `specReplicas` during a surge).
    public var statusReplicas: Int32
    /// Set when the scale's selector is unusable (upstream `validateAndParseSelector`).
    public var selectorProblem: SelectorProblem?
    /// The pods matched by the scale's selector, any phase.
    public var pods: [ObservedPod]
    /// One reading per `spec.metrics` entry, in the same order; a missing entry counts as a failed fetch.
    public var readings: [MetricReading]

    public init(specReplicas: Int32, statusReplicas: Int32? = nil, selectorProblem: SelectorProblem? = nil,
                pods: [ObservedPod] = [], readings: [MetricReading] = []) {
        self.specReplicas = specReplicas
        self.statusReplicas = statusReplicas ?? specReplicas
        self.selectorProblem = selectorProblem
        self.pods = pods
        self.readings = readings
    }
}

/// Why the scale's label selector cannot be used (upstream `validateAndParseSelector`).
public enum SelectorProblem: Sendable, Hashable {
    /// The scale has no selector: `ScalingActive=False/InvalidSelector`.
    case missing
    /// The selector does not parse: `ScalingActive=False/InvalidSelector`.
    case unparsable(String)
    /// The selected pods are also controlled by another HPA: `ScalingActive=False/AmbiguousSelector`.
    case ambiguous(String)
}

/// A pod as the HPA sees it (`v1.Pod` fields read by `groupPods` and `getReadyPodsCount`).
public struct ObservedPod: Sendable, Hashable {
    public var name: String
    public var phase: PodPhase
    /// The pod has a `deletionTimestamp` (it is terminating): ignored by the calculations.
    public var isTerminating: Bool
    /// `status.startTime`; nil counts as unready for CPU metrics.
    public var startTime: Instant?
    /// The pod's `Ready` condition; nil counts as unready for CPU metrics.
    public var readyCondition: PodReadyCondition?

    public init(name: String, phase: PodPhase = .running, isTerminating: Bool = false,
                startTime: Instant? = nil, readyCondition: PodReadyCondition? = nil) {
        self.name = name
        self.phase = phase
        self.isTerminating = isTerminating
        self.startTime = startTime
        self.readyCondition = readyCondition
    }

    /// Running with `Ready=True` (upstream `getReadyPodsCount`: `PodRunning && IsPodReady`).
    public var isRunningAndReady: Bool { phase == .running && readyCondition?.status == .true }
}

/// `v1.PodPhase`.
public enum PodPhase: String, Sendable, Hashable, CaseIterable {
    case pending = "Pending"
    case running = "Running"
    case succeeded = "Succeeded"
    case failed = "Failed"
    case unknown = "Unknown"
}

/// A pod's `Ready` condition (`v1.PodCondition` of type `Ready`): its status and when that status
/// last changed, as `groupPods` and `podutil.IsPodReady` read it.
public struct PodReadyCondition: Sendable, Hashable {
    public var status: ConditionStatus
    public var lastTransitionTime: Instant

    public init(status: ConditionStatus, lastTransitionTime: Instant) {
        self.status = status
        self.lastTransitionTime = lastTransitionTime
    }
}

/// One pod's metric sample (`metricsclient.PodMetric`): a milli-value, when it was taken and the
/// window it averages over.
public struct PodMetricSample: Sendable, Hashable {
    public var milliValue: Int64
    public var timestamp: Instant
    public var window: TimeAmount

    public init(milliValue: Int64, timestamp: Instant, window: TimeAmount = .wholeSeconds(60)) {
        self.milliValue = milliValue
        self.timestamp = timestamp
        self.window = window
    }
}

/// The metrics API's answer for a Resource, ContainerResource or Pods metric: samples keyed by
/// pod name (`metricsclient.PodMetricsInfo`) and, for resource metrics, each pod's request.
///
/// Samples whose name matches no observed pod are kept, as upstream keeps them (they enter the
/// slow path's replica count, `TestReplicaCalcSuperfluousMetrics`). A pod without a sample is
/// "missing"; a pod without a request makes a utilization metric fail (`calculateRequests`).
public struct PodMetricReading: Sendable, Hashable {
    public var samples: [String: PodMetricSample]
    /// Milli-requests per pod name for the metric's resource (the named container's request
    /// for a ContainerResource metric). Unused by AverageValue and Pods metrics.
    public var requests: [String: Int64]

    public init(samples: [String: PodMetricSample] = [:], requests: [String: Int64] = [:]) {
        self.samples = samples
        self.requests = requests
    }
}

/// One metrics-API answer, matching the metric's source type (upstream `metricsclient.MetricsClient`:
/// `GetResourceMetric`/`GetRawMetric` per pod, `GetObjectMetric`, `GetExternalMetric`, or their error).
public enum MetricReading: Sendable, Hashable {
    /// Per-pod samples (Resource, ContainerResource and Pods metrics).
    case pods(PodMetricReading)
    /// The value of an Object metric, in milli-units.
    case object(milliValue: Int64)
    /// The series of an External metric matched by its selector, in milli-units (they are summed).
    case external(milliValues: [Int64])
    /// The fetch failed (`unable to get metric ...`); the message ends up in the condition.
    case unavailable(String)
}
