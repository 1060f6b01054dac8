import SimKernel

/// `spec.behavior` (`autoscalingv2.HorizontalPodAutoscalerBehavior`): scale-up and scale-down rules
/// as written. Any non-nil behavior switches the controller from the legacy `max(2·current, 4)`
/// cap to the rate-limit policies (`normalizeDesiredReplicasWithBehaviors`).
public struct HPABehavior: Sendable, Hashable {
    public var scaleUp: HPAScalingRules?
    public var scaleDown: HPAScalingRules?

    public init(scaleUp: HPAScalingRules? = nil, scaleDown: HPAScalingRules? = nil) {
        self.scaleUp = scaleUp
        self.scaleDown = scaleDown
    }

    /// Both directions completed by the API defaults (`SetDefaults_HorizontalPodAutoscalerBehavior`).
    /// The scale-down stabilization window stays nil: the controller fills it from its flag.
    public func withDefaults() -> HPABehavior {
        HPABehavior(scaleUp: HPAScalingRules.scaleUpDefaults(completing: scaleUp),
                    scaleDown: HPAScalingRules.scaleDownDefaults(completing: scaleDown))
    }
}

/// One direction's rules (`autoscalingv2.HPAScalingRules`); every field may be absent in a manifest.
public struct HPAScalingRules: Sendable, Hashable {
    /// How far back recommendations are considered (0…3600 s).
    public var stabilizationWindowSeconds: Int32?
    /// How the policies' limits combine; `Disabled` forbids scaling in this direction.
    public var selectPolicy: ScalingPolicySelect?
    /// The rate limits; a non-nil list replaces the default list entirely.
    public var policies: [HPAScalingPolicy]?
    /// The per-direction tolerance (`HPAConfigurableTolerance`, Kubernetes 1.33+), e.g. `0.05`.
    public var tolerance: Quantity?

    public init(stabilizationWindowSeconds: Int32? = nil, selectPolicy: ScalingPolicySelect? = nil,
                policies: [HPAScalingPolicy]? = nil, tolerance: Quantity? = nil) {
        self.stabilizationWindowSeconds = stabilizationWindowSeconds
        self.selectPolicy = selectPolicy
        self.policies = policies
        self.tolerance = tolerance
    }

    /// `GenerateHPAScaleUpRules`: window 0, selectPolicy Max, policies 4 Pods and 100 Percent per 15 s,
    /// each overridden by the user's non-nil fields (`copyHPAScalingRules`).
    public static func scaleUpDefaults(completing rules: HPAScalingRules?) -> HPAScalingRules {
        HPAScalingRules(
            stabilizationWindowSeconds: 0, selectPolicy: .max,
            policies: [HPAScalingPolicy(type: .pods, value: 4, periodSeconds: 15),
                       HPAScalingPolicy(type: .percent, value: 100, periodSeconds: 15)]
        ).overridden(by: rules)
    }

    /// `GenerateHPAScaleDownRules`: selectPolicy Max, policy 100 Percent per 15 s, no window (the
    /// controller's `--horizontal-pod-autoscaler-downscale-stabilization` fills it).
    public static func scaleDownDefaults(completing rules: HPAScalingRules?) -> HPAScalingRules {
        HPAScalingRules(
            selectPolicy: .max, policies: [HPAScalingPolicy(type: .percent, value: 100, periodSeconds: 15)]
        ).overridden(by: rules)
    }

    /// `copyHPAScalingRules(from: rules, to: self)`.
    func overridden(by rules: HPAScalingRules?) -> HPAScalingRules {
        guard let rules else { return self }
        var out = self
        if let v = rules.selectPolicy { out.selectPolicy = v }
        if let v = rules.stabilizationWindowSeconds { out.stabilizationWindowSeconds = v }
        if let v = rules.policies { out.policies = v }
        if let v = rules.tolerance { out.tolerance = v }
        return out
    }
}

/// One rate limit (`autoscalingv2.HPAScalingPolicy`): at most `value` pods or percent per period.
public struct HPAScalingPolicy: Sendable, Hashable {
    public var type: ScalingPolicyType
    public var value: Int32
    public var periodSeconds: Int32

    public init(type: ScalingPolicyType, value: Int32, periodSeconds: Int32) {
        self.type = type
        self.value = value
        self.periodSeconds = periodSeconds
    }
}

/// `autoscalingv2.HPAScalingPolicyType`.
public enum ScalingPolicyType: String, Sendable, Hashable, CaseIterable {
    /// An absolute number of pods per period.
    case pods = "Pods"
    /// A percentage of the replicas at the start of the period.
    case percent = "Percent"
}

/// `autoscalingv2.ScalingPolicySelect`.
public enum ScalingPolicySelect: String, Sendable, Hashable, CaseIterable {
    /// The policy allowing the largest change.
    case max = "Max"
    /// The policy allowing the smallest change.
    case min = "Min"
    /// No scaling in this direction.
    case disabled = "Disabled"
}

/// One direction's rules with every default applied: what `normalizeDesiredReplicasWithBehaviors`
/// reads after `SetDefaults_HorizontalPodAutoscalerBehavior` and `maybeInitScaleDownStabilizationWindow`.
public struct ScalingRules: Sendable, Hashable {
    public var stabilizationWindow: TimeAmount
    public var selectPolicy: ScalingPolicySelect
    public var policies: [HPAScalingPolicy]
    public var tolerance: Quantity?

    public init(stabilizationWindow: TimeAmount, selectPolicy: ScalingPolicySelect,
                policies: [HPAScalingPolicy], tolerance: Quantity? = nil) {
        self.stabilizationWindow = stabilizationWindow
        self.selectPolicy = selectPolicy
        self.policies = policies
        self.tolerance = tolerance
    }

    /// `getLongestPolicyPeriod`: the longest `periodSeconds` (0 without policies).
    public var longestPolicyPeriod: TimeAmount {
        .wholeSeconds(Int64(policies.map(\.periodSeconds).max() ?? 0))
    }
}

/// A behavior with both directions resolved (`ScalingRules`), as `normalizeDesiredReplicasWithBehaviors`
/// (`horizontal.go`) reads `hpa.Spec.Behavior` after API defaulting and the controller's window fill-in.
public struct ResolvedBehavior: Sendable, Hashable {
    public var scaleUp: ScalingRules
    public var scaleDown: ScalingRules

    public init(scaleUp: ScalingRules, scaleDown: ScalingRules) {
        self.scaleUp = scaleUp
        self.scaleDown = scaleDown
    }

    /// Applies the API defaults to `behavior`, then fills an absent scale-down window from the
    /// controller's downscale stabilization flag truncated to whole seconds, as upstream's
    /// `maybeInitScaleDownStabilizationWindow` does (`int32(window.Seconds())`).
    public init(_ behavior: HPABehavior, downscaleStabilizationWindow: TimeAmount) {
        let full = behavior.withDefaults()
        let up = full.scaleUp ?? HPAScalingRules.scaleUpDefaults(completing: nil)
        let down = full.scaleDown ?? HPAScalingRules.scaleDownDefaults(completing: nil)
        let flagSeconds = downscaleStabilizationWindow.nanoseconds / 1_000_000_000
        scaleUp = ScalingRules(
            stabilizationWindow: .wholeSeconds(Int64(up.stabilizationWindowSeconds ?? 0)),
            selectPolicy: up.selectPolicy ?? .max, policies: up.policies ?? [], tolerance: up.tolerance)
        scaleDown = ScalingRules(
            stabilizationWindow: .wholeSeconds(Int64(down.stabilizationWindowSeconds ?? Int32(clamping: flagSeconds))),
            selectPolicy: down.selectPolicy ?? .max, policies: down.policies ?? [], tolerance: down.tolerance)
    }
}
