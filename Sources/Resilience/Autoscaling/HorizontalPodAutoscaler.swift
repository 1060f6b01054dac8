import SimKernel

/// One Kubernetes HorizontalPodAutoscaler (autoscaling/v2) together with the controller's memory of
/// it: a pure state machine that makes the replica decision exactly as upstream's
/// `HorizontalController.reconcileAutoscaler` (`pkg/controller/podautoscaler/horizontal.go`).
///
/// Call `reconcile(_:now:)` once per sync period (`settings.syncPeriod`, 15 s upstream) with what
/// the controller would read (scale subresource, pods, metrics); apply the returned
/// `desiredReplicas` to the workload. Nothing here reads a clock or does I/O.
///
/// Order of one reconcile: `AbleToScale=True/SucceededGetScale`; seed the recommendation list on
/// first sight; `current == 0 && min != 0` disables scaling (`ScalingDisabled`); `current > max`
/// or `< min` jumps to the bound without metrics; otherwise the maximum of the metric proposals is
/// stabilized and limited (legacy path without `behavior`, policies with it); a changed count sets
/// `SucceededRescale` and stores a scale event.
public struct HorizontalPodAutoscaler: Sendable, Hashable {
    /// The spec with the API defaults applied (`HorizontalPodAutoscalerSpec.withDefaults()`).
    public private(set) var spec: HorizontalPodAutoscalerSpec
    public var settings: HPAControllerSettings
    /// The controller's memory: recommendations and scale events.
    public var history: HPAHistory
    /// `status.conditions`.
    public var conditions: HPAConditions
    /// `status.lastScaleTime`.
    public var lastScaleTime: Instant?

    public init(spec: HorizontalPodAutoscalerSpec, settings: HPAControllerSettings = HPAControllerSettings(),
                history: HPAHistory = HPAHistory(), conditions: HPAConditions = HPAConditions()) {
        self.spec = spec.withDefaults()
        self.settings = settings
        self.history = history
        self.conditions = conditions
    }

    /// The HPA a manifest describes (seed §1.2.1 is one).
    public init(manifest: HPAManifest, settings: HPAControllerSettings = HPAControllerSettings()) {
        self.init(spec: manifest.spec, settings: settings)
    }

    /// The behavior with every default applied, or nil on the legacy path.
    public var resolvedBehavior: ResolvedBehavior? {
        spec.behavior.map { ResolvedBehavior($0, downscaleStabilizationWindow: settings.downscaleStabilizationWindow) }
    }

    /// The calculator with this HPA's tolerances (`tolerancesForHpa`) and the controller's
    /// CPU initialization period and initial readiness delay.
    public var replicaCalculator: ReplicaCalculator {
        ReplicaCalculator(tolerances: settings.tolerances(for: spec.behavior),
                          cpuInitializationPeriod: settings.cpuInitializationPeriod,
                          initialReadinessDelay: settings.initialReadinessDelay)
    }

    /// One reconcile at `now`; updates `history`, `conditions` and `lastScaleTime` and returns the decision.
    public mutating func reconcile(_ observation: HPAObservation, now: Instant) -> HPADecision {
        conditions.set(.ableToScale, .true, .succeededGetScale,
                       message: "the HPA controller was able to get the target's current scale", now: now)
        let current = observation.specReplicas
        history.recordInitialRecommendation(currentReplicas: current, now: now)
        let minReplicas = spec.effectiveMinReplicas
        var decision = HPADecision(desiredReplicas: current, rescale: false)
        var desired: Int32 = 0
        var rescale = true
        if current == 0 && minReplicas != 0 {
            rescale = false
            conditions.set(.scalingActive, .false, .scalingDisabled,
                           message: "scaling is disabled since the replica count of the target is zero", now: now)
        } else if current > spec.maxReplicas {
            desired = spec.maxReplicas
        } else if current < minReplicas {
            desired = minReplicas
        } else {
            let (proposal, evaluations) = computeReplicasForMetrics(observation, now: now)
            decision.evaluations = evaluations
            guard let proposal else { return finish(decision) }  // fatal: nothing changes this cycle
            decision.metricProposal = proposal
            if proposal > desired { desired = proposal }
            let stabilized: StabilizedRecommendation
            let limited: LimitedReplicas
            if let behavior = resolvedBehavior {
                stabilized = history.stabilize(desired, currentReplicas: current, behavior: behavior, now: now)
                limited = history.limitRate(stabilized.replicas, currentReplicas: current, minReplicas: minReplicas,
                                            maxReplicas: spec.maxReplicas, behavior: behavior, now: now)
            } else {
                stabilized = history.stabilizeDownscale(desired, window: settings.downscaleStabilizationWindow, now: now)
                limited = settings.limitLegacy(stabilized.replicas, currentReplicas: current, minReplicas: minReplicas,
                                               maxReplicas: spec.maxReplicas)
            }
            conditions.set(.ableToScale, .true, stabilized.reason, message: stabilized.message, now: now)
            conditions.set(.scalingLimited, limited.replicas == stabilized.replicas ? .false : .true, limited.reason,
                           message: limited.message, now: now)
            decision.stabilized = stabilized
            decision.limited = limited
            desired = limited.replicas
            rescale = desired != current
        }
        if rescale {
            conditions.set(.ableToScale, .true, .succeededRescale,
                           message: "the HPA controller was able to update the target scale to \(desired)", now: now)
            history.storeScaleEvent(behavior: resolvedBehavior, from: current, to: desired, now: now)
            lastScaleTime = now
            decision.desiredReplicas = desired
            decision.rescale = true
        }
        return finish(decision)
    }

    private func finish(_ decision: HPADecision) -> HPADecision {
        var d = decision
        d.conditions = conditions
        d.history = history
        return d
    }

    /// `computeReplicasForMetrics`: the maximum of the valid proposals, or nil (fatal) when every
    /// metric failed, when some failed and the rest would scale below `specReplicas`, or when the
    /// selector is unusable. Sets `ScalingActive` (`ValidMetricFound` or the first failure's reason).
    public mutating func computeReplicasForMetrics(_ observation: HPAObservation,
                                                   now: Instant) -> (replicas: Int32?, evaluations: [MetricEvaluation]) {
        if let problem = observation.selectorProblem {
            let (reason, message): (HPAConditionReason, String)
            switch problem {
            case .missing: (reason, message) = (.invalidSelector, "the HPA target's scale is missing a selector")
            case .unparsable(let why): (reason, message) = (.invalidSelector, "couldn't convert selector into a corresponding internal selector object: \(why)")
            case .ambiguous(let why): (reason, message) = (.ambiguousSelector, why)
            }
            conditions.set(.scalingActive, .false, reason, message: message, now: now)
            return (nil, [])
        }
        let calculator = replicaCalculator
        var replicas: Int32 = 0
        var metricName = ""
        var invalidCount = 0
        var firstFailure: MetricFailure?
        var evaluations: [MetricEvaluation] = []
        for (i, metric) in spec.metrics.enumerated() {
            let reading = i < observation.readings.count ? observation.readings[i] : nil
            let evaluation = calculator.evaluate(metric, reading: reading, observation: observation, now: now)
            evaluations.append(evaluation)
            switch evaluation {
            case .failure(let failure):
                if invalidCount <= 0 { firstFailure = failure }
                invalidCount += 1
            case .proposal(let p):
                if replicas == 0 || p.replicas > replicas {
                    replicas = p.replicas
                    metricName = p.metricName
                }
            }
        }
        if invalidCount >= spec.metrics.count || (invalidCount > 0 && replicas < observation.specReplicas) {
            if let firstFailure {
                conditions.set(.scalingActive, .false, firstFailure.reason, message: firstFailure.message, now: now)
            }
            return (nil, evaluations)
        }
        conditions.set(.scalingActive, .true, .validMetricFound,
                       message: "the HPA was able to successfully calculate a replica count from \(metricName)", now: now)
        return (replicas, evaluations)
    }
}

/// What one reconcile decided (`reconcileAutoscaler`: the scale update and `status`), with the HPA's
/// conditions and the controller's history after it.
public struct HPADecision: Sendable, Hashable {
    /// The replica count to set on the target; equals `specReplicas` when `rescale` is false.
    public var desiredReplicas: Int32
    /// Whether the controller updates the scale (`desiredReplicas != specReplicas`).
    public var rescale: Bool
    /// The combined metric proposal, when metrics were computed and were not fatal.
    public var metricProposal: Int32?
    /// One entry per `spec.metrics`, when metrics were computed.
    public var evaluations: [MetricEvaluation] = []
    /// The stabilizer's result, when the normalization ran.
    public var stabilized: StabilizedRecommendation?
    /// The min/max and rate-limit result, when the normalization ran.
    public var limited: LimitedReplicas?
    public var conditions = HPAConditions()
    public var history = HPAHistory()

    public init(desiredReplicas: Int32, rescale: Bool) {
        self.desiredReplicas = desiredReplicas
        self.rescale = rescale
    }
}
