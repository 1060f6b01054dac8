import SimKernel

/// The outcome of one `spec.metrics` entry in a reconcile (upstream `computeReplicasForMetric` and
/// the `computeStatusFor{Resource,ContainerResource,Pods,Object,External}Metric` functions).
public enum MetricEvaluation: Sendable, Hashable {
    case proposal(MetricProposal)
    case failure(MetricFailure)

    public var proposal: MetricProposal? {
        if case .proposal(let p) = self { return p }
        return nil
    }
}

/// A metric's replica proposal and the current value the HPA reports in `status.currentMetrics`
/// (`computeReplicasForMetric`'s `replicaCountProposal`, `metricNameProposal` and `MetricStatus`).
public struct MetricProposal: Sendable, Hashable {
    public var replicas: Int32
    /// Upstream's description of the metric, used in the `ValidMetricFound` message.
    public var metricName: String
    public var current: MetricValueStatus
}

/// `autoscalingv2.MetricValueStatus`, in milli-units.
public struct MetricValueStatus: Sendable, Hashable {
    public var milliValue: Int64?
    public var averageMilliValue: Int64?
    public var averageUtilization: Int32?

    public init(milliValue: Int64? = nil, averageMilliValue: Int64? = nil, averageUtilization: Int32? = nil) {
        self.milliValue = milliValue
        self.averageMilliValue = averageMilliValue
        self.averageUtilization = averageUtilization
    }
}

/// Why a metric yielded no proposal: the `ScalingActive=False` condition upstream's
/// `getUnableComputeReplicaCountCondition` builds (reason and message).
public struct MetricFailure: Sendable, Hashable, CustomStringConvertible {
    public var reason: HPAConditionReason
    public var message: String
    public var description: String { "\(reason.rawValue): \(message)" }
}

extension ReplicaCalculator {
    /// Evaluates one metric as upstream's `computeReplicasForMetric` does. Spec-level checks come
    /// first (e.g. a target with neither field set), then the reading; Resource and External targets
    /// are chosen by which field is set (`averageValue` first), Object targets by `type` and field.
    public func evaluate(_ metric: MetricSpec, reading: MetricReading?, observation: HPAObservation,
                         now: Instant) -> MetricEvaluation {
        switch metric {
        case .resource(let source):
            return evaluateResource(target: source.target, resource: source.name, kind: "resource",
                                    reason: .failedGetResourceMetric, reading: reading, observation: observation, now: now)
        case .containerResource(let source):
            return evaluateResource(target: source.target, resource: source.name, kind: "container resource",
                                    reason: .failedGetContainerResourceMetric, reading: reading, observation: observation, now: now)
        case .pods(let source):
            let fail = { (why: String) in MetricEvaluation.failure(.unableToCompute(.failedGetPodsMetric, why)) }
            guard let target = source.target.averageValue else { return fail("invalid pods metric source: no average value target was set") }
            guard case .pods(let samples) = reading else { return fail(Self.fetchError(reading, metric: source.metric.name)) }
            do {
                let p = try averageValueReplicas(currentReplicas: observation.specReplicas, targetAverageValue: target.milliValue,
                                                 resource: nil, pods: observation.pods, reading: samples, now: now)
                return .proposal(MetricProposal(replicas: p.replicas, metricName: "pods metric \(source.metric.name)",
                                                current: MetricValueStatus(averageMilliValue: p.usage)))
            } catch { return fail(error.description) }
        case .object(let source):
            let fail = { (why: String) in MetricEvaluation.failure(.unableToCompute(.failedGetObjectMetric, why)) }
            let target = source.target
            if target.type == .value, let value = target.value {
                guard case .object(let v) = reading else { return fail(Self.fetchError(reading, metric: source.metric.name)) }
                do {
                    let p = try objectValueReplicas(currentReplicas: observation.specReplicas, targetValue: value.milliValue,
                                                    milliValue: v, pods: observation.pods)
                    return .proposal(MetricProposal(replicas: p.replicas,
                                                    metricName: "\(source.describedObject.kind) metric \(source.metric.name)",
                                                    current: MetricValueStatus(milliValue: p.usage)))
                } catch { return fail("unable to calculate ready pods: \(error.description)") }
            }
            if target.type == .averageValue, let average = target.averageValue {
                guard case .object(let v) = reading else { return fail(Self.fetchError(reading, metric: source.metric.name)) }
                let p = objectAverageValueReplicas(statusReplicas: observation.statusReplicas,
                                                   targetAverageValue: average.milliValue, milliValue: v)
                return .proposal(MetricProposal(replicas: p.replicas, metricName: "external metric \(source.metric.name)",
                                                current: MetricValueStatus(averageMilliValue: p.usage)))
            }
            return fail("invalid object metric source: neither a value target nor an average value target was set")
        case .external(let source):
            let fail = { (why: String) in MetricEvaluation.failure(.unableToCompute(.failedGetExternalMetric, why)) }
            let name = "external metric \(source.metric.name)"
            if let average = source.target.averageValue {
                guard case .external(let values) = reading else { return fail(Self.fetchError(reading, metric: source.metric.name)) }
                let p = externalAverageValueReplicas(statusReplicas: observation.statusReplicas,
                                                     targetAverageValue: average.milliValue, milliValues: values)
                return .proposal(MetricProposal(replicas: p.replicas, metricName: name,
                                                current: MetricValueStatus(averageMilliValue: p.usage)))
            }
            if let value = source.target.value {
                guard case .external(let values) = reading else { return fail(Self.fetchError(reading, metric: source.metric.name)) }
                do {
                    let p = try externalValueReplicas(currentReplicas: observation.specReplicas, targetValue: value.milliValue,
                                                      milliValues: values, pods: observation.pods)
                    return .proposal(MetricProposal(replicas: p.replicas, metricName: name,
                                                    current: MetricValueStatus(milliValue: p.usage)))
                } catch { return fail("unable to calculate ready pods: \(error.description)") }
            }
            return fail("invalid external metric source: neither a value target nor an average value target was set")
        case .unrecognized(let type):
            return .failure(.unableToCompute(.invalidMetricSourceType, "unknown metric source type \"\(type)\""))
        }
    }

    /// `computeStatusForResourceMetricGeneric`: `averageValue` first (raw usage), then `averageUtilization`.
    private func evaluateResource(target: MetricTarget, resource: String, kind: String, reason: HPAConditionReason,
                                  reading: MetricReading?, observation: HPAObservation, now: Instant) -> MetricEvaluation {
        let fail = { (why: String) in MetricEvaluation.failure(.unableToCompute(reason, why)) }
        if let average = target.averageValue {
            guard case .pods(let samples) = reading else { return fail("failed to get \(resource) usage: \(Self.fetchError(reading, metric: resource))") }
            do {
                let p = try averageValueReplicas(currentReplicas: observation.specReplicas, targetAverageValue: average.milliValue,
                                                 resource: resource, pods: observation.pods, reading: samples, now: now)
                return .proposal(MetricProposal(replicas: p.replicas, metricName: "\(resource) \(kind)",
                                                current: MetricValueStatus(averageMilliValue: p.usage)))
            } catch { return fail("failed to get \(resource) usage: \(error.description)") }
        }
        guard let utilization = target.averageUtilization else {
            return fail("invalid resource metric source: neither an average utilization target nor an average value (usage) target was set")
        }
        guard case .pods(let samples) = reading else { return fail("failed to get \(resource) utilization: \(Self.fetchError(reading, metric: resource))") }
        do {
            let p = try utilizationReplicas(currentReplicas: observation.specReplicas, targetUtilization: utilization,
                                            resource: resource, pods: observation.pods, reading: samples, now: now)
            return .proposal(MetricProposal(replicas: p.replicas,
                                            metricName: "\(resource) \(kind) utilization (percentage of request)",
                                            current: MetricValueStatus(averageMilliValue: p.rawAverage, averageUtilization: p.utilization)))
        } catch { return fail("failed to get \(resource) utilization: \(error.description)") }
    }

    private static func fetchError(_ reading: MetricReading?, metric: String) -> String {
        switch reading {
        case .unavailable(let why): return "unable to get metric \(metric): \(why)"
        case nil: return "unable to get metric \(metric): no reading"
        default: return "unable to get metric \(metric): the reading does not match the metric's source type"
        }
    }
}

extension MetricFailure {
    /// `getUnableComputeReplicaCountCondition`.
    static func unableToCompute(_ reason: HPAConditionReason, _ why: String) -> MetricFailure {
        MetricFailure(reason: reason, message: "the HPA was unable to compute the replica count: \(why)")
    }
}
