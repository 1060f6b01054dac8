/// The `spec` of an `autoscaling/v2` `HorizontalPodAutoscaler` (`k8s.io/api/autoscaling/v2`
/// `HorizontalPodAutoscalerSpec`), as written in a manifest (before API defaulting).
///
/// `withDefaults()` applies `pkg/apis/autoscaling/v2/defaults.go` (`SetDefaults_HorizontalPodAutoscaler`).
/// Seed §1.2.1 (recording-service-hpa) is an example.
public struct HorizontalPodAutoscalerSpec: Sendable, Hashable {
    /// The workload whose scale subresource the HPA drives.
    public var scaleTargetRef: CrossVersionObjectReference
    /// The lower bound; nil means the API default of 1.
    public var minReplicas: Int32?
    /// The upper bound (required by the API).
    public var maxReplicas: Int32
    /// The metrics whose proposals are combined by taking the maximum.
    public var metrics: [MetricSpec]
    /// Scale-up/scale-down rules; nil selects the legacy path (downscale stabilization flag,
    /// `max(2·current, 4)` scale-up cap) in the controller.
    public var behavior: HPABehavior?

    public init(scaleTargetRef: CrossVersionObjectReference = CrossVersionObjectReference(kind: "", name: ""),
                minReplicas: Int32? = nil, maxReplicas: Int32, metrics: [MetricSpec] = [],
                behavior: HPABehavior? = nil) {
        self.scaleTargetRef = scaleTargetRef
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
        self.metrics = metrics
        self.behavior = behavior
    }

    /// `minReplicas ?? 1`, as `reconcileAutoscaler` reads it.
    public var effectiveMinReplicas: Int32 { minReplicas ?? 1 }

    /// The spec as the API server stores it: `minReplicas` 1 when absent, a CPU 80 % utilization
    /// metric when `metrics` is empty, and `behavior` completed field by field
    /// (`SetDefaults_HorizontalPodAutoscaler`, `SetDefaults_HorizontalPodAutoscalerBehavior`).
    public func withDefaults() -> HorizontalPodAutoscalerSpec {
        var spec = self
        if spec.minReplicas == nil { spec.minReplicas = 1 }
        if spec.metrics.isEmpty {
            spec.metrics = [.resource(ResourceMetricSource(name: "cpu", target: .utilization(80)))]
        }
        spec.behavior = behavior?.withDefaults()
        return spec
    }
}

/// A reference to another object (`autoscalingv2.CrossVersionObjectReference`), e.g. the scale target.
public struct CrossVersionObjectReference: Sendable, Hashable {
    public var kind: String
    public var name: String
    public var apiVersion: String?

    public init(kind: String, name: String, apiVersion: String? = nil) {
        self.kind = kind
        self.name = name
        self.apiVersion = apiVersion
    }
}

/// One entry of `spec.metrics` (`autoscalingv2.MetricSpec`), by source type.
///
/// `unrecognized` keeps a `type` the controller does not know (the API server rejects it; upstream's
/// `computeReplicasForMetric` reports it as `InvalidMetricSourceType`, e.g. its `CheddarCheese` test).
public enum MetricSpec: Sendable, Hashable {
    case resource(ResourceMetricSource)
    case containerResource(ContainerResourceMetricSource)
    case pods(PodsMetricSource)
    case object(ObjectMetricSource)
    case external(ExternalMetricSource)
    case unrecognized(type: String)

    /// The manifest's `type` value.
    public var typeName: String {
        switch self {
        case .resource: return "Resource"
        case .containerResource: return "ContainerResource"
        case .pods: return "Pods"
        case .object: return "Object"
        case .external: return "External"
        case .unrecognized(let type): return type
        }
    }

    /// The target of a recognized metric.
    public var target: MetricTarget? {
        switch self {
        case .resource(let s): return s.target
        case .containerResource(let s): return s.target
        case .pods(let s): return s.target
        case .object(let s): return s.target
        case .external(let s): return s.target
        case .unrecognized: return nil
        }
    }
}

/// A per-pod resource metric such as `cpu` or `memory` (`autoscalingv2.ResourceMetricSource`).
public struct ResourceMetricSource: Sendable, Hashable {
    /// The resource name (`cpu`, `memory`, ...). Only `cpu` gets the CPU readiness treatment.
    public var name: String
    public var target: MetricTarget

    public init(name: String, target: MetricTarget) {
        self.name = name
        self.target = target
    }
}

/// A resource metric of one named container in each pod (`autoscalingv2.ContainerResourceMetricSource`).
public struct ContainerResourceMetricSource: Sendable, Hashable {
    public var name: String
    public var container: String
    public var target: MetricTarget

    public init(name: String, container: String, target: MetricTarget) {
        self.name = name
        self.container = container
        self.target = target
    }
}

/// A custom per-pod metric averaged over the pods (`autoscalingv2.PodsMetricSource`).
public struct PodsMetricSource: Sendable, Hashable {
    public var metric: MetricIdentifier
    public var target: MetricTarget

    public init(metric: MetricIdentifier, target: MetricTarget) {
        self.metric = metric
        self.target = target
    }
}

/// A metric describing one Kubernetes object (`autoscalingv2.ObjectMetricSource`).
public struct ObjectMetricSource: Sendable, Hashable {
    public var describedObject: CrossVersionObjectReference
    public var metric: MetricIdentifier
    public var target: MetricTarget

    public init(describedObject: CrossVersionObjectReference, metric: MetricIdentifier, target: MetricTarget) {
        self.describedObject = describedObject
        self.metric = metric
        self.target = target
    }
}

/// A metric from outside the cluster (`autoscalingv2.ExternalMetricSource`); all series matched by
/// the selector are summed.
public struct ExternalMetricSource: Sendable, Hashable {
    public var metric: MetricIdentifier
    public var target: MetricTarget

    public init(metric: MetricIdentifier, target: MetricTarget) {
        self.metric = metric
        self.target = target
    }
}

/// A metric's name and optional label selector (`autoscalingv2.MetricIdentifier`).
public struct MetricIdentifier: Sendable, Hashable {
    public var name: String
    public var selector: LabelSelector?

    public init(name: String, selector: LabelSelector? = nil) {
        self.name = name
        self.selector = selector
    }
}

/// A label selector (`metav1.LabelSelector`), kept as written: the simulator matches series itself.
public struct LabelSelector: Sendable, Hashable {
    public var matchLabels: [String: String]
    public var matchExpressions: [LabelSelectorRequirement]

    public init(matchLabels: [String: String] = [:], matchExpressions: [LabelSelectorRequirement] = []) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }
}

/// One `matchExpressions` entry (`metav1.LabelSelectorRequirement`).
public struct LabelSelectorRequirement: Sendable, Hashable {
    public var key: String
    public var `operator`: String
    public var values: [String]

    public init(key: String, operator: String, values: [String] = []) {
        self.key = key
        self.operator = `operator`
        self.values = values
    }
}

/// A metric's target (`autoscalingv2.MetricTarget`), field by field as the API has it: the controller
/// reads the fields, not only `type` (e.g. External and Resource metrics check `averageValue` first).
public struct MetricTarget: Sendable, Hashable {
    public var type: MetricTargetType?
    /// Object/External `Value` target.
    public var value: Quantity?
    /// `AverageValue` target (per pod).
    public var averageValue: Quantity?
    /// Resource `Utilization` target, percent of the pods' requests.
    public var averageUtilization: Int32?

    public init(type: MetricTargetType? = nil, value: Quantity? = nil, averageValue: Quantity? = nil,
                averageUtilization: Int32? = nil) {
        self.type = type
        self.value = value
        self.averageValue = averageValue
        self.averageUtilization = averageUtilization
    }

    public static func utilization(_ percent: Int32) -> MetricTarget {
        MetricTarget(type: .utilization, averageUtilization: percent)
    }
    public static func averageValue(_ quantity: Quantity) -> MetricTarget {
        MetricTarget(type: .averageValue, averageValue: quantity)
    }
    public static func value(_ quantity: Quantity) -> MetricTarget {
        MetricTarget(type: .value, value: quantity)
    }
}

/// `autoscalingv2.MetricTargetType`: an open string type, so unknown values survive decoding.
public struct MetricTargetType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let utilization = MetricTargetType(rawValue: "Utilization")
    public static let value = MetricTargetType(rawValue: "Value")
    public static let averageValue = MetricTargetType(rawValue: "AverageValue")

    public var description: String { rawValue }
}
