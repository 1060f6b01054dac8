import SimKernel

/// A desired replica count after stabilization, with the `AbleToScale` reason it implies
/// (`stabilizeRecommendation` / `stabilizeRecommendationWithBehaviors` and their callers in `horizontal.go`).
public struct StabilizedRecommendation: Sendable, Hashable {
    public var replicas: Int32
    /// `ReadyForNewScale` when the proposal passed unchanged, else `ScaleUpStabilized`/`ScaleDownStabilized`.
    public var reason: HPAConditionReason
    public var message: String
}

/// A desired replica count after min/max and rate limits, with its `ScalingLimited` reason
/// (`convertDesiredReplicasWithRules` / `convertDesiredReplicasWithBehaviorRate` return values).
public struct LimitedReplicas: Sendable, Hashable {
    public var replicas: Int32
    /// `DesiredWithinRange`, `TooFewReplicas`, `TooManyReplicas`, `ScaleUpLimit` or `ScaleDownLimit`.
    public var reason: HPAConditionReason
    public var message: String
}

extension HPAHistory {
    /// Legacy `stabilizeRecommendation` (no `behavior`): the maximum of `proposal` and every
    /// recommendation not older than `window` (an entry exactly `window` old still counts); then
    /// `proposal` overwrites the last older entry or is appended. Scale-up is never delayed.
    public mutating func stabilizeDownscale(_ proposal: Int32, window: TimeAmount, now: Instant) -> StabilizedRecommendation {
        let cutoff = now - window
        var result = proposal
        var stale: Int?
        for (i, rec) in recommendations.enumerated() {
            if rec.timestamp < cutoff { stale = i } else if rec.replicas > result { result = rec.replicas }
        }
        record(proposal, now: now, overwriting: stale)
        if result != proposal {
            return StabilizedRecommendation(replicas: result, reason: .scaleDownStabilized,
                message: "recent recommendations were higher than current one, applying the highest recent recommendation")
        }
        return StabilizedRecommendation(replicas: result, reason: .readyForNewScale, message: "recommended size matches current size")
    }

    /// `stabilizeRecommendationWithBehaviors`: a scale-up goes no higher than the lowest
    /// recommendation inside the scale-up window, a scale-down no lower than the highest inside the
    /// scale-down window (inside = strictly younger than the window), and the result never crosses
    /// `currentReplicas` against the proposal. The unstabilized proposal is recorded, overwriting the
    /// last entry that is older than both windows, else appended.
    public mutating func stabilize(_ proposal: Int32, currentReplicas: Int32, behavior: ResolvedBehavior,
                                   now: Instant) -> StabilizedRecommendation {
        let upCutoff = now - behavior.scaleUp.stabilizationWindow
        let downCutoff = now - behavior.scaleDown.stabilizationWindow
        var upRecommendation = proposal
        var downRecommendation = proposal
        var stale: Int?
        for (i, rec) in recommendations.enumerated() {
            if rec.timestamp > upCutoff { upRecommendation = Swift.min(rec.replicas, upRecommendation) }
            if rec.timestamp > downCutoff { downRecommendation = Swift.max(rec.replicas, downRecommendation) }
            if rec.timestamp < upCutoff && rec.timestamp < downCutoff { stale = i }
        }
        var result = currentReplicas
        if result < upRecommendation { result = upRecommendation }
        if result > downRecommendation { result = downRecommendation }
        record(proposal, now: now, overwriting: stale)
        if result == proposal {
            return StabilizedRecommendation(replicas: result, reason: .readyForNewScale, message: "recommended size matches current size")
        }
        if proposal >= currentReplicas {
            return StabilizedRecommendation(replicas: result, reason: .scaleUpStabilized,
                message: "recent recommendations were lower than current one, applying the lowest recent recommendation")
        }
        return StabilizedRecommendation(replicas: result, reason: .scaleDownStabilized,
            message: "recent recommendations were higher than current one, applying the highest recent recommendation")
    }

    /// `calculateScaleUpLimitWithScalingRules`: the most replicas the scale-up policies allow now.
    /// Each policy starts from the count at the start of its period (`current − added + removed`
    /// within the period); `Pods` adds `value`, `Percent` multiplies by `1 + value/100` rounding up.
    /// `Max` takes the most permissive policy, `Min` the least; `Disabled` returns `currentReplicas`.
    public func scaleUpLimit(currentReplicas: Int32, rules: ScalingRules, now: Instant) -> Int32 {
        if rules.selectPolicy == .disabled { return currentReplicas }
        let useMin = rules.selectPolicy == .min
        var result: Int32 = useMin ? .max : .min
        for policy in rules.policies {
            let start = periodStartReplicas(currentReplicas, period: policy.periodSeconds, now: now)
            let proposed: Int32
            switch policy.type {
            case .pods: proposed = start &+ policy.value
            case .percent: proposed = HPAArithmetic.ceilInt32(Double(start) * (1 + Double(policy.value) / 100))
            }
            result = useMin ? Swift.min(result, proposed) : Swift.max(result, proposed)
        }
        return result
    }

    /// `calculateScaleDownLimitWithBehaviors`: the fewest replicas the scale-down policies allow now.
    /// `Pods` removes `value`; `Percent` keeps `trunc(start × (1 − value/100))`. `Max` takes the
    /// largest change (the minimum), `Min` the smallest; `Disabled` returns `currentReplicas`.
    public func scaleDownLimit(currentReplicas: Int32, rules: ScalingRules, now: Instant) -> Int32 {
        if rules.selectPolicy == .disabled { return currentReplicas }
        let useMin = rules.selectPolicy == .min
        var result: Int32 = useMin ? .min : .max
        for policy in rules.policies {
            let start = periodStartReplicas(currentReplicas, period: policy.periodSeconds, now: now)
            let proposed: Int32
            switch policy.type {
            case .pods: proposed = start &- policy.value
            case .percent: proposed = HPAArithmetic.int32(Double(start) * (1 - Double(policy.value) / 100))
            }
            result = useMin ? Swift.max(result, proposed) : Swift.min(result, proposed)
        }
        return result
    }

    private func periodStartReplicas(_ current: Int32, period seconds: Int32, now: Instant) -> Int32 {
        let period = TimeAmount.wholeSeconds(Int64(seconds))
        let added = Self.replicaChange(in: scaleUpEvents, within: period, now: now)
        let removed = Self.replicaChange(in: scaleDownEvents, within: period, now: now)
        return current &- added &+ removed
    }

    /// `convertDesiredReplicasWithBehaviorRate`: caps a scale-up at `min(maxReplicas, scale-up limit)`
    /// and a scale-down at `max(minReplicas, scale-down limit)`; limits never push past `currentReplicas`.
    public func limitRate(_ desired: Int32, currentReplicas: Int32, minReplicas: Int32, maxReplicas: Int32,
                          behavior: ResolvedBehavior, now: Instant) -> LimitedReplicas {
        if desired > currentReplicas {
            let limit = Swift.max(scaleUpLimit(currentReplicas: currentReplicas, rules: behavior.scaleUp, now: now), currentReplicas)
            let capped = maxReplicas > limit
            let allowed = capped ? limit : maxReplicas
            if desired > allowed {
                return capped ? .scaleUpLimited(allowed) : .tooMany(allowed)
            }
        } else if desired < currentReplicas {
            let limit = Swift.min(scaleDownLimit(currentReplicas: currentReplicas, rules: behavior.scaleDown, now: now), currentReplicas)
            let capped = minReplicas < limit
            let allowed = capped ? limit : minReplicas
            if desired < allowed {
                return capped ? .scaleDownLimited(allowed) : .tooFew(allowed)
            }
        }
        return .withinRange(desired)
    }
}

extension HPAControllerSettings {
    /// `convertDesiredReplicasWithRules` (no `behavior`): clamps to `minReplicas` and to
    /// `min(maxReplicas, max(factor × current, minimum))`; no scale-down rate limit.
    public func limitLegacy(_ desired: Int32, currentReplicas: Int32, minReplicas: Int32,
                            maxReplicas: Int32) -> LimitedReplicas {
        let scaleUpLimit = legacyScaleUpLimit(currentReplicas: currentReplicas)
        let capped = maxReplicas > scaleUpLimit
        let allowed = capped ? scaleUpLimit : maxReplicas
        if desired < minReplicas { return .tooFew(minReplicas) }
        if desired > allowed { return capped ? .scaleUpLimited(allowed) : .tooMany(allowed) }
        return .withinRange(desired)
    }
}

extension LimitedReplicas {
    static func withinRange(_ r: Int32) -> LimitedReplicas {
        LimitedReplicas(replicas: r, reason: .desiredWithinRange, message: "the desired count is within the acceptable range")
    }
    static func tooFew(_ r: Int32) -> LimitedReplicas {
        LimitedReplicas(replicas: r, reason: .tooFewReplicas, message: "the desired replica count is less than the minimum replica count")
    }
    static func tooMany(_ r: Int32) -> LimitedReplicas {
        LimitedReplicas(replicas: r, reason: .tooManyReplicas, message: "the desired replica count is more than the maximum replica count")
    }
    static func scaleUpLimited(_ r: Int32) -> LimitedReplicas {
        LimitedReplicas(replicas: r, reason: .scaleUpLimit, message: "the desired replica count is increasing faster than the maximum scale rate")
    }
    static func scaleDownLimited(_ r: Int32) -> LimitedReplicas {
        LimitedReplicas(replicas: r, reason: .scaleDownLimit, message: "the desired replica count is decreasing faster than the maximum scale rate")
    }
}
