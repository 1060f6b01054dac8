import SimKernel

/// The pods of one metric split as upstream `groupPods` (`replica_calculator.go`) splits them,
/// each pod into exactly one class, tested in this order:
/// 1. terminating or `Failed` → ignored;
/// 2. `Pending` → unready;
/// 3. no sample → missing;
/// 4. CPU metrics only (the hot-CPU rule): unready without a Ready condition or a start time;
///    within the CPU initialization period of its start, unready if Ready is False or the sample
///    was taken before `lastTransitionTime + window` (it may include start-up CPU); after the
///    period, unready only if Ready is False and the pod never became ready (its Ready condition
///    last changed within the initial readiness delay of its start);
/// 5. otherwise ready.
struct PodGroups {
    var readyCount = 0
    var unready: Set<String> = []
    var missing: Set<String> = []
    var ignored: Set<String> = []

    init(pods: [ObservedPod], samples: [String: PodMetricSample], resource: String?, now: Instant,
         calculator: ReplicaCalculator) {
        for pod in pods {
            if pod.isTerminating || pod.phase == .failed {
                ignored.insert(pod.name)
                continue
            }
            if pod.phase == .pending {
                unready.insert(pod.name)
                continue
            }
            guard let sample = samples[pod.name] else {
                missing.insert(pod.name)
                continue
            }
            if resource == "cpu" && Self.isUnreadyForCPU(pod, sample: sample, now: now, calculator: calculator) {
                unready.insert(pod.name)
                continue
            }
            readyCount += 1
        }
    }

    static func isUnreadyForCPU(_ pod: ObservedPod, sample: PodMetricSample, now: Instant,
                                calculator: ReplicaCalculator) -> Bool {
        guard let condition = pod.readyCondition, let start = pod.startTime else { return true }
        if start + calculator.cpuInitializationPeriod > now {
            return condition.status == .false || sample.timestamp < condition.lastTransitionTime + sample.window
        }
        return condition.status == .false && start + calculator.initialReadinessDelay > condition.lastTransitionTime
    }

    /// The sample map without ignored and unready pods (`removeMetricsForPods`), as milli-values.
    func usableSamples(_ samples: [String: PodMetricSample]) -> [String: Int64] {
        var out: [String: Int64] = [:]
        for (name, sample) in samples where !ignored.contains(name) && !unready.contains(name) {
            out[name] = sample.milliValue
        }
        return out
    }
}

/// Why one metric produced no proposal; the texts are upstream's error messages.
public enum ReplicaCalculationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The selector matched no pods.
    case noPods
    /// Every sample belonged to an ignored or unready pod, or there were none.
    case noUsableMetrics
    /// A pod lacks a request for the metric's resource (utilization needs requests).
    case missingRequest(resource: String, pod: String)
    /// No sample belongs to a pod with a request (`GetResourceUtilizationRatio`).
    case noMatchingRequests

    public var description: String {
        switch self {
        case .noPods: return "no pods returned by selector while calculating replica count"
        case .noUsableMetrics: return "did not receive metrics for targeted pods (pods might be unready)"
        case let .missingRequest(resource, pod): return "missing request for \(resource) in Pod \(pod)"
        case .noMatchingRequests: return "no metrics returned matched known pods"
        }
    }
}
