import SimKernel

/// The status of a Kubernetes condition (`v1.ConditionStatus`): `True`, `False` or `Unknown`.
public enum ConditionStatus: String, Sendable, Hashable, CaseIterable {
    case `true` = "True"
    case `false` = "False"
    case unknown = "Unknown"
}

/// The condition types an HPA reports (`autoscalingv2.HorizontalPodAutoscalerConditionType`).
public enum HPAConditionType: String, Sendable, Hashable, CaseIterable {
    /// Whether the controller could read and update the target's scale, and whether a
    /// stabilization window is holding the recommendation back.
    case ableToScale = "AbleToScale"
    /// Whether the metrics yielded a replica count (False when all failed, or scaling is disabled).
    case scalingActive = "ScalingActive"
    /// Whether min/max replicas or a scale rate limit cut the desired count.
    case scalingLimited = "ScalingLimited"
}

/// Every reason string the upstream controller writes into an HPA condition
/// (`pkg/controller/podautoscaler/horizontal.go`: `reconcileAutoscaler`, `computeReplicasForMetric(s)`,
/// `validateAndParseSelector`, `normalizeDesiredReplicas(WithBehaviors)`,
/// `convertDesiredReplicasWithRules`, `convertDesiredReplicasWithBehaviorRate`).
public enum HPAConditionReason: String, Sendable, Hashable, CaseIterable {
    // AbleToScale
    case succeededGetScale = "SucceededGetScale"
    case failedGetScale = "FailedGetScale"
    case readyForNewScale = "ReadyForNewScale"
    case scaleDownStabilized = "ScaleDownStabilized"
    case scaleUpStabilized = "ScaleUpStabilized"
    case succeededRescale = "SucceededRescale"
    case failedUpdateScale = "FailedUpdateScale"
    // ScalingActive
    case validMetricFound = "ValidMetricFound"
    case scalingDisabled = "ScalingDisabled"
    case invalidSelector = "InvalidSelector"
    case ambiguousSelector = "AmbiguousSelector"
    case invalidMetricSourceType = "InvalidMetricSourceType"
    case failedGetResourceMetric = "FailedGetResourceMetric"
    case failedGetContainerResourceMetric = "FailedGetContainerResourceMetric"
    case failedGetPodsMetric = "FailedGetPodsMetric"
    case failedGetObjectMetric = "FailedGetObjectMetric"
    case failedGetExternalMetric = "FailedGetExternalMetric"
    // ScalingLimited
    case desiredWithinRange = "DesiredWithinRange"
    case tooFewReplicas = "TooFewReplicas"
    case tooManyReplicas = "TooManyReplicas"
    case scaleUpLimit = "ScaleUpLimit"
    case scaleDownLimit = "ScaleDownLimit"
}

/// One entry of `status.conditions` (`autoscalingv2.HorizontalPodAutoscalerCondition`).
public struct HPACondition: Sendable, Hashable {
    public var type: HPAConditionType
    public var status: ConditionStatus
    public var reason: HPAConditionReason
    /// Upstream's human-readable message for the reason.
    public var message: String
    /// When `status` last changed (upstream sets it only on a status change).
    public var lastTransitionTime: Instant

    public init(type: HPAConditionType, status: ConditionStatus, reason: HPAConditionReason,
                message: String, lastTransitionTime: Instant) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.lastTransitionTime = lastTransitionTime
    }
}

/// The HPA's condition list, kept in the order conditions were first set, as upstream's
/// `setCondition`/`setConditionInList` keeps `status.conditions`: setting a type that is present
/// overwrites it in place, and `lastTransitionTime` moves only when the status changes.
public struct HPAConditions: Sendable, Hashable, RandomAccessCollection {
    public private(set) var conditions: [HPACondition] = []

    public init() {}

    public var startIndex: Int { conditions.startIndex }
    public var endIndex: Int { conditions.endIndex }
    public subscript(position: Int) -> HPACondition { conditions[position] }

    /// The condition of `type`, if the controller has ever set it.
    public subscript(type: HPAConditionType) -> HPACondition? {
        conditions.first { $0.type == type }
    }

    /// Sets (adds or overwrites) the condition of `type`.
    public mutating func set(_ type: HPAConditionType, _ status: ConditionStatus, _ reason: HPAConditionReason,
                             message: String, now: Instant) {
        if let i = conditions.firstIndex(where: { $0.type == type }) {
            if conditions[i].status != status { conditions[i].lastTransitionTime = now }
            conditions[i].status = status
            conditions[i].reason = reason
            conditions[i].message = message
        } else {
            conditions.append(HPACondition(type: type, status: status, reason: reason, message: message,
                                           lastTransitionTime: now))
        }
    }
}
