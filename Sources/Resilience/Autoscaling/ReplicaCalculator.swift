import SimKernel

/// One metric's replica proposal, exactly as upstream's `ReplicaCalculator` computes it
/// (`pkg/controller/podautoscaler/replica_calculator.go` and `metrics/utilization.go`).
///
/// Kept faithfully: utilization is truncated to an integer percent and averages to integer
/// milli-values *before* the ratio is taken; the fast path multiplies by the ready-pod count and
/// the slow path by the sample count (unmatched samples included); missing pods count as at the
/// target (scale-down) or 0 (scale-up); unready pods count as 0 only on scale-up; the recomputed
/// ratio may veto a change but never reverse it. Integer sums wrap as Go's int64 does; float to
/// integer conversions saturate (see `HPAArithmetic`). Samples are keyed by pod name like upstream's
/// maps; iterating them in hash order is safe because only commutative (wrapping) sums depend on it.
public struct ReplicaCalculator: Sendable, Hashable {
    public var tolerances: Tolerances
    /// `--horizontal-pod-autoscaler-cpu-initialization-period`.
    public var cpuInitializationPeriod: TimeAmount
    /// `--horizontal-pod-autoscaler-initial-readiness-delay`.
    public var initialReadinessDelay: TimeAmount

    public init(tolerances: Tolerances = Tolerances(), cpuInitializationPeriod: TimeAmount = .minutes(5),
                initialReadinessDelay: TimeAmount = .wholeSeconds(30)) {
        self.tolerances = tolerances
        self.cpuInitializationPeriod = cpuInitializationPeriod
        self.initialReadinessDelay = initialReadinessDelay
    }

    /// `GetResourceReplicas`: a Resource/ContainerResource metric with a `Utilization` target.
    /// `utilization` and `rawAverage` in the result come from the first pass (the status values).
    public func utilizationReplicas(currentReplicas: Int32, targetUtilization: Int32, resource: String,
                                    pods: [ObservedPod], reading: PodMetricReading,
                                    now: Instant) throws(ReplicaCalculationError) -> UtilizationProposal {
        guard !pods.isEmpty else { throw .noPods }
        let groups = PodGroups(pods: pods, samples: reading.samples, resource: resource, now: now, calculator: self)
        var metrics = groups.usableSamples(reading.samples)
        guard !metrics.isEmpty else { throw .noUsableMetrics }
        for pod in pods where reading.requests[pod.name] == nil { throw .missingRequest(resource: resource, pod: pod.name) }
        let requests = reading.requests
        let first = try Self.utilizationRatio(metrics, requests: requests, target: targetUtilization)
        func proposal(_ replicas: Int32) -> UtilizationProposal {
            UtilizationProposal(replicas: replicas, utilization: first.utilization, rawAverage: first.rawAverage)
        }
        let usageRatio = first.ratio
        let scaleUpWithUnready = !groups.unready.isEmpty && usageRatio > 1.0
        if !scaleUpWithUnready && groups.missing.isEmpty {
            if tolerances.contains(usageRatio) { return proposal(currentReplicas) }
            return proposal(HPAArithmetic.ceilInt32(usageRatio * Double(groups.readyCount)))
        }
        if !groups.missing.isEmpty {
            if usageRatio < 1.0 {
                // on a scale-down, missing pods use 100 % of their request, or the target if higher
                let fallback = Int64(Swift.max(100, targetUtilization))
                for name in groups.missing { metrics[name] = (requests[name] ?? 0) &* fallback / 100 }
            } else if usageRatio > 1.0 {
                for name in groups.missing { metrics[name] = 0 }
            }
        }
        if scaleUpWithUnready {
            for name in groups.unready { metrics[name] = 0 }
        }
        let newRatio = try Self.utilizationRatio(metrics, requests: requests, target: targetUtilization).ratio
        if tolerances.contains(newRatio) || (usageRatio < 1.0 && newRatio > 1.0) || (usageRatio > 1.0 && newRatio < 1.0) {
            return proposal(currentReplicas)
        }
        let newReplicas = HPAArithmetic.ceilInt32(newRatio * Double(metrics.count))
        if (newRatio < 1.0 && newReplicas > currentReplicas) || (newRatio > 1.0 && newReplicas < currentReplicas) {
            return proposal(currentReplicas)
        }
        return proposal(newReplicas)
    }

    /// `calcPlainMetricReplicas`, reached through `GetRawResourceReplicas` (a Resource/ContainerResource
    /// metric with an `AverageValue` target; pass its resource name) or `GetMetricReplicas` (a Pods
    /// metric; pass nil: no CPU readiness handling). `usage` is the first pass's average.
    public func averageValueReplicas(currentReplicas: Int32, targetAverageValue: Int64, resource: String?,
                                     pods: [ObservedPod], reading: PodMetricReading,
                                     now: Instant) throws(ReplicaCalculationError) -> ReplicaProposal {
        guard !pods.isEmpty else { throw .noPods }
        let groups = PodGroups(pods: pods, samples: reading.samples, resource: resource, now: now, calculator: self)
        var metrics = groups.usableSamples(reading.samples)
        guard !metrics.isEmpty else { throw .noUsableMetrics }
        let (usageRatio, usage) = Self.usageRatio(metrics, target: targetAverageValue)
        let scaleUpWithUnready = !groups.unready.isEmpty && usageRatio > 1.0
        if !scaleUpWithUnready && groups.missing.isEmpty {
            if tolerances.contains(usageRatio) { return ReplicaProposal(replicas: currentReplicas, usage: usage) }
            return ReplicaProposal(replicas: HPAArithmetic.ceilInt32(usageRatio * Double(groups.readyCount)), usage: usage)
        }
        if !groups.missing.isEmpty {
            if usageRatio < 1.0 {
                for name in groups.missing { metrics[name] = targetAverageValue }
            } else if usageRatio > 1.0 {
                for name in groups.missing { metrics[name] = 0 }
            }
        }
        if scaleUpWithUnready {
            for name in groups.unready { metrics[name] = 0 }
        }
        let newRatio = Self.usageRatio(metrics, target: targetAverageValue).ratio
        if tolerances.contains(newRatio) || (usageRatio < 1.0 && newRatio > 1.0) || (usageRatio > 1.0 && newRatio < 1.0) {
            return ReplicaProposal(replicas: currentReplicas, usage: usage)
        }
        let newReplicas = HPAArithmetic.ceilInt32(newRatio * Double(metrics.count))
        if (newRatio < 1.0 && newReplicas > currentReplicas) || (newRatio > 1.0 && newReplicas < currentReplicas) {
            return ReplicaProposal(replicas: currentReplicas, usage: usage)
        }
        return ReplicaProposal(replicas: newReplicas, usage: usage)
    }

    /// `GetObjectMetricReplicas`: an Object metric with a `Value` target; `usage` is the value.
    public func objectValueReplicas(currentReplicas: Int32, targetValue: Int64, milliValue: Int64,
                                    pods: [ObservedPod]) throws(ReplicaCalculationError) -> ReplicaProposal {
        let ratio = Double(milliValue) / Double(targetValue)
        return ReplicaProposal(replicas: try usageRatioReplicaCount(currentReplicas: currentReplicas, usageRatio: ratio, pods: pods),
                               usage: milliValue)
    }

    /// `GetObjectPerPodMetricReplicas`: an Object metric with an `AverageValue` target, relative to
    /// `statusReplicas`; `usage` is `ceil(value / statusReplicas)`.
    public func objectAverageValueReplicas(statusReplicas: Int32, targetAverageValue: Int64,
                                           milliValue: Int64) -> ReplicaProposal {
        var replicas = statusReplicas
        let ratio = Double(milliValue) / (Double(targetAverageValue) * Double(statusReplicas))
        if !tolerances.contains(ratio) {
            replicas = HPAArithmetic.ceilInt32(Double(milliValue) / Double(targetAverageValue))
        }
        return ReplicaProposal(replicas: replicas,
                               usage: HPAArithmetic.int64((Double(milliValue) / Double(statusReplicas)).rounded(.up)))
    }

    /// `GetExternalMetricReplicas`: an External metric with a `Value` target; the series are summed,
    /// saturating at `Int64.max`; `usage` is the sum.
    public func externalValueReplicas(currentReplicas: Int32, targetValue: Int64, milliValues: [Int64],
                                      pods: [ObservedPod]) throws(ReplicaCalculationError) -> ReplicaProposal {
        var usage: Int64 = 0
        for v in milliValues {
            if v > 0 && usage > Int64.max - v { usage = .max; break }
            usage = usage &+ v
        }
        let ratio = Double(usage) / Double(targetValue)
        return ReplicaProposal(replicas: try usageRatioReplicaCount(currentReplicas: currentReplicas, usageRatio: ratio, pods: pods),
                               usage: usage)
    }

    /// `GetExternalPerPodMetricReplicas`: an External metric with an `AverageValue` target, relative
    /// to `statusReplicas`; `usage` is `ceil(sum / statusReplicas)` (Int64.max when saturated).
    public func externalAverageValueReplicas(statusReplicas: Int32, targetAverageValue: Int64,
                                             milliValues: [Int64]) -> ReplicaProposal {
        var usage: Int64 = 0
        for v in milliValues {
            usage = usage &+ v
            if usage < 0 { usage = .max; break }  // upstream: only an int64 overflow gets here
        }
        var replicas = statusReplicas
        let ratio = Double(usage) / (Double(targetAverageValue) * Double(statusReplicas))
        if !tolerances.contains(ratio) {
            let wanted = (Double(usage) / Double(targetAverageValue)).rounded(.up)
            replicas = wanted > Double(Int32.max) ? .max : HPAArithmetic.int32(wanted)
        }
        let average = Double(usage) >= Double(Int64.max)
            ? Int64.max : HPAArithmetic.int64((Double(usage) / Double(statusReplicas)).rounded(.up))
        return ReplicaProposal(replicas: replicas, usage: average)
    }

    /// `getUsageRatioReplicaCount`: from zero, `ceil(ratio)` without tolerance; otherwise the
    /// current count within tolerance, else `ceil(ratio × Running-and-Ready pods)` clamped to MaxInt32.
    func usageRatioReplicaCount(currentReplicas: Int32, usageRatio: Double,
                                pods: [ObservedPod]) throws(ReplicaCalculationError) -> Int32 {
        guard currentReplicas != 0 else { return HPAArithmetic.ceilInt32(usageRatio) }
        if tolerances.contains(usageRatio) { return currentReplicas }
        guard !pods.isEmpty else { throw .noPods }
        let ready = pods.filter(\.isRunningAndReady).count
        let wanted = usageRatio * Double(ready)
        return wanted > Double(Int32.max) ? .max : HPAArithmetic.ceilInt32(wanted)
    }

    /// `metrics.GetResourceUtilizationRatio`: only samples of pods with a request count.
    static func utilizationRatio(_ metrics: [String: Int64], requests: [String: Int64],
                                 target: Int32) throws(ReplicaCalculationError) -> (ratio: Double, utilization: Int32, rawAverage: Int64) {
        var metricsTotal: Int64 = 0
        var requestsTotal: Int64 = 0
        var entries: Int64 = 0
        for (name, value) in metrics {
            guard let request = requests[name] else { continue }
            metricsTotal = metricsTotal &+ value
            requestsTotal = requestsTotal &+ request
            entries += 1
        }
        guard requestsTotal != 0 else { throw .noMatchingRequests }
        let utilization = Int32(truncatingIfNeeded: goDivide(metricsTotal &* 100, requestsTotal))
        return (Double(utilization) / Double(target), utilization, goDivide(metricsTotal, entries))
    }

    /// `metrics.GetMetricUsageRatio`: the integer average of all samples over the target.
    static func usageRatio(_ metrics: [String: Int64], target: Int64) -> (ratio: Double, usage: Int64) {
        var total: Int64 = 0
        for value in metrics.values { total = total &+ value }
        let usage = goDivide(total, Int64(metrics.count))
        return (Double(usage) / Double(target), usage)
    }

    /// Go's int64 division (truncating; `MinInt64 / -1` wraps instead of trapping).
    static func goDivide(_ a: Int64, _ b: Int64) -> Int64 {
        guard b != 0 else { return 0 }
        return a.dividedReportingOverflow(by: b).partialValue
    }
}

/// A replica proposal with the metric's current value in milli-units (the `replicaCount, usage` pair
/// `calcPlainMetricReplicas`, `GetObject*Replicas` and `GetExternal*Replicas` return).
public struct ReplicaProposal: Sendable, Hashable {
    public var replicas: Int32
    public var usage: Int64

    public init(replicas: Int32, usage: Int64) {
        self.replicas = replicas
        self.usage = usage
    }
}

/// A utilization proposal (`GetResourceReplicas`' `replicaCount, utilization, rawUtilization`): the
/// replicas, the truncated utilization percent and the raw average usage (milli-units) of the first pass.
public struct UtilizationProposal: Sendable, Hashable {
    public var replicas: Int32
    public var utilization: Int32
    public var rawAverage: Int64

    public init(replicas: Int32, utilization: Int32, rawAverage: Int64) {
        self.replicas = replicas
        self.utilization = utilization
        self.rawAverage = rawAverage
    }
}
