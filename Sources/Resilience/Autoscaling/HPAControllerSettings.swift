import SimKernel

/// The kube-controller-manager flags and package constants the HPA controller reads
/// (`cmd/kube-controller-manager` `--horizontal-pod-autoscaler-*` flags; `horizontal.go`
/// `scaleUpLimitFactor`/`scaleUpLimitMinimum`). Defaults are upstream's.
public struct HPAControllerSettings: Sendable, Hashable {
    /// `--horizontal-pod-autoscaler-sync-period`: how often each HPA is reconciled (15 s).
    public var syncPeriod: TimeAmount
    /// `--horizontal-pod-autoscaler-tolerance`: usage ratios within ±tolerance of 1.0 keep the
    /// replica count (0.1).
    public var tolerance: Double
    /// `--horizontal-pod-autoscaler-downscale-stabilization` (5 min): the legacy scale-down
    /// window, and the scale-down window of a behavior that sets none.
    public var downscaleStabilizationWindow: TimeAmount
    /// `--horizontal-pod-autoscaler-cpu-initialization-period` (5 min): how long after a pod starts
    /// its CPU samples may be ignored.
    public var cpuInitializationPeriod: TimeAmount
    /// `--horizontal-pod-autoscaler-initial-readiness-delay` (30 s): a pod whose Ready condition
    /// last changed within this delay of its start is taken as never having been ready.
    public var initialReadinessDelay: TimeAmount
    /// Legacy scale-up cap `max(factor × current, minimum)` without `behavior` (2.0).
    public var scaleUpLimitFactor: Double
    /// See `scaleUpLimitFactor` (4.0).
    public var scaleUpLimitMinimum: Double
    /// The `HPAConfigurableTolerance` feature gate: whether `behavior.*.tolerance` overrides
    /// `tolerance` (alpha in 1.33, default off there; beta and on in later releases; on here).
    public var configurableToleranceEnabled: Bool

    public init(syncPeriod: TimeAmount = .wholeSeconds(15), tolerance: Double = 0.1,
                downscaleStabilizationWindow: TimeAmount = .minutes(5),
                cpuInitializationPeriod: TimeAmount = .minutes(5),
                initialReadinessDelay: TimeAmount = .wholeSeconds(30),
                scaleUpLimitFactor: Double = 2.0, scaleUpLimitMinimum: Double = 4.0,
                configurableToleranceEnabled: Bool = true) {
        self.syncPeriod = syncPeriod
        self.tolerance = tolerance
        self.downscaleStabilizationWindow = downscaleStabilizationWindow
        self.cpuInitializationPeriod = cpuInitializationPeriod
        self.initialReadinessDelay = initialReadinessDelay
        self.scaleUpLimitFactor = scaleUpLimitFactor
        self.scaleUpLimitMinimum = scaleUpLimitMinimum
        self.configurableToleranceEnabled = configurableToleranceEnabled
    }

    /// `tolerancesForHpa`: the flag for both directions, overridden per direction by
    /// `behavior.scaleUp/scaleDown.tolerance` (`AsApproximateFloat64`) when the gate is on.
    public func tolerances(for behavior: HPABehavior?) -> Tolerances {
        var t = Tolerances(scaleDown: tolerance, scaleUp: tolerance)
        guard let behavior, configurableToleranceEnabled else { return t }
        if let down = behavior.scaleDown?.tolerance { t.scaleDown = down.approximateValue }
        if let up = behavior.scaleUp?.tolerance { t.scaleUp = up.approximateValue }
        return t
    }

    /// `calculateScaleUpLimit`: `int32(max(factor × current, minimum))`.
    public func legacyScaleUpLimit(currentReplicas: Int32) -> Int32 {
        HPAArithmetic.int32(Swift.max(scaleUpLimitFactor * Double(currentReplicas), scaleUpLimitMinimum))
    }
}

/// The usage-ratio dead band (`replica_calculator.go` `Tolerances`): no change while
/// `1 − scaleDown ≤ ratio ≤ 1 + scaleUp` (both ends inclusive, the v1.33+ form).
public struct Tolerances: Sendable, Hashable {
    public var scaleDown: Double
    public var scaleUp: Double

    public init(scaleDown: Double = 0.1, scaleUp: Double = 0.1) {
        self.scaleDown = scaleDown
        self.scaleUp = scaleUp
    }

    /// `Tolerances.isWithin`.
    public func contains(_ usageRatio: Double) -> Bool {
        (1.0 - scaleDown) <= usageRatio && usageRatio <= (1.0 + scaleUp)
    }
}

/// Float-to-integer conversions as Go's `int32(x)`/`int64(x)` are meant (truncation toward zero),
/// saturating where Go's result is undefined (out of range) and 0 for NaN.
enum HPAArithmetic {
    static func int32(_ x: Double) -> Int32 {
        if x.isNaN { return 0 }
        if x >= 2147483647 { return .max }
        if x <= -2147483648 { return .min }
        return Int32(x.rounded(.towardZero))
    }

    static func int64(_ x: Double) -> Int64 {
        if x.isNaN { return 0 }
        if x >= Double(Int64.max) { return .max }  // 2^63
        if x <= Double(Int64.min) { return .min }
        return Int64(x.rounded(.towardZero))
    }

    /// `int32(math.Ceil(x))`, saturating.
    static func ceilInt32(_ x: Double) -> Int32 { int32(x.rounded(.up)) }
}
