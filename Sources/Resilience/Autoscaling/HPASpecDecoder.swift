/// Decodes `spec` (and its metrics) of an `autoscaling/v2` HPA from YAML nodes; when `strict`, it
/// also applies the API server's checks (`pkg/apis/autoscaling/validation`
/// `validateHorizontalPodAutoscalerSpec`, `validateMetrics`, `validateMetricTarget`) and rejects
/// unknown fields. Behavior is decoded by `HPASpecDecoder+Behavior.swift`.
struct HPASpecDecoder {
    let strict: Bool

    static let metricTypes = ["Resource", "ContainerResource", "Pods", "Object", "External"]

    func spec(_ cursor: YAMLCursor) throws(HPAManifestError) -> HorizontalPodAutoscalerSpec {
        let f = try cursor.fields(allowed: ["scaleTargetRef", "minReplicas", "maxReplicas", "metrics", "behavior"], strict: strict)
        var spec = HorizontalPodAutoscalerSpec(maxReplicas: 0)
        if let ref = f["scaleTargetRef"] {
            spec.scaleTargetRef = try reference(ref)
        } else if strict {
            _ = try f.required("scaleTargetRef", expected: "a mapping with kind, name and apiVersion")
        }
        let maxCursor = strict ? try f.required("maxReplicas", expected: "an integer >= 1") : f["maxReplicas"]
        if let maxCursor {
            spec.maxReplicas = try maxCursor.int32(in: strict ? 1...Int64(Int32.max) : Int64(Int32.min)...Int64(Int32.max),
                                                   expected: strict ? "an integer >= 1" : "an integer")
        }
        if let metrics = f["metrics"] {
            spec.metrics = try metrics.sequence().map { (m) throws(HPAManifestError) in try metric(m) }
        }
        if let minCursor = f["minReplicas"] {
            let scalesToZero = spec.metrics.contains { if case .object = $0 { return true }; if case .external = $0 { return true }; return false }
            let lower: Int64 = strict ? (scalesToZero ? 0 : 1) : Int64(Int32.min)
            let expected = strict
                ? (scalesToZero ? "an integer >= 0 (0 needs an Object or External metric)" : "an integer >= 1 (0 needs an Object or External metric)")
                : "an integer"
            let value = try minCursor.int32(in: lower...Int64(Int32.max), expected: expected)
            if strict && value > spec.maxReplicas, let maxCursor {
                throw maxCursor.error("is \(spec.maxReplicas), below minReplicas \(value)", expected: "maxReplicas >= minReplicas")
            }
            spec.minReplicas = value
        }
        if let behavior = f["behavior"] { spec.behavior = try self.behavior(behavior) }
        return spec
    }

    func reference(_ cursor: YAMLCursor) throws(HPAManifestError) -> CrossVersionObjectReference {
        let f = try cursor.fields(allowed: ["kind", "name", "apiVersion"], strict: strict)
        func text(_ key: String, required: Bool) throws(HPAManifestError) -> String? {
            guard let c = required && strict ? try f.required(key, expected: "a non-empty \(key)") : f[key] else { return nil }
            let s = try c.string()
            if strict && required && s.isEmpty { throw c.error("found an empty string", expected: "a non-empty \(key)") }
            return s
        }
        return CrossVersionObjectReference(kind: try text("kind", required: true) ?? "", name: try text("name", required: true) ?? "",
                                           apiVersion: try text("apiVersion", required: false))
    }

    func metric(_ cursor: YAMLCursor) throws(HPAManifestError) -> MetricSpec {
        let sources = ["resource", "containerResource", "pods", "object", "external"]
        let f = try cursor.fields(allowed: Set(["type"] + sources), strict: strict)
        let typeCursor = try f.required("type", expected: "one of \(Self.metricTypes.joined(separator: ", "))")
        let type = try typeCursor.string()
        guard let index = Self.metricTypes.firstIndex(of: type) else {
            if strict {
                throw typeCursor.error("found \(typeCursor.found)", expected: "one of \(Self.metricTypes.joined(separator: ", "))")
            }
            return .unrecognized(type: type)
        }
        let key = sources[index]
        if strict, let other = sources.first(where: { $0 != key && f[$0] != nil }), let c = f[other] {
            throw c.error("is set for a metric of type \(type)", expected: "only the \(key) source")
        }
        let source = try f.required(key, expected: "the \(key) source of a metric of type \(type)")
        switch type {
        case "Resource":
            let s = try source.fields(allowed: ["name", "target"], strict: strict)
            let name = try s.required("name", expected: "a resource name such as cpu or memory").string()
            let target = try self.target(s.required("target", expected: "a metric target"), allowed: [.utilization, .averageValue])
            return .resource(ResourceMetricSource(name: name, target: target))
        case "ContainerResource":
            let s = try source.fields(allowed: ["name", "container", "target"], strict: strict)
            let name = try s.required("name", expected: "a resource name such as cpu or memory").string()
            let container = try s.required("container", expected: "a container name").string()
            let target = try self.target(s.required("target", expected: "a metric target"), allowed: [.utilization, .averageValue])
            return .containerResource(ContainerResourceMetricSource(name: name, container: container, target: target))
        case "Pods":
            let s = try source.fields(allowed: ["metric", "target"], strict: strict)
            let metric = try identifier(s.required("metric", expected: "a metric identifier with a name"))
            let target = try self.target(s.required("target", expected: "a metric target"), allowed: [.averageValue])
            return .pods(PodsMetricSource(metric: metric, target: target))
        case "Object":
            let s = try source.fields(allowed: ["describedObject", "metric", "target"], strict: strict)
            let described = try reference(s.required("describedObject", expected: "the object the metric describes"))
            let metric = try identifier(s.required("metric", expected: "a metric identifier with a name"))
            let target = try self.target(s.required("target", expected: "a metric target"), allowed: [.value, .averageValue])
            return .object(ObjectMetricSource(describedObject: described, metric: metric, target: target))
        default:
            let s = try source.fields(allowed: ["metric", "target"], strict: strict)
            let metric = try identifier(s.required("metric", expected: "a metric identifier with a name"))
            let target = try self.target(s.required("target", expected: "a metric target"), allowed: [.value, .averageValue])
            return .external(ExternalMetricSource(metric: metric, target: target))
        }
    }

    func target(_ cursor: YAMLCursor, allowed: [MetricTargetType]) throws(HPAManifestError) -> MetricTarget {
        let f = try cursor.fields(allowed: ["type", "value", "averageValue", "averageUtilization"], strict: strict)
        var target = MetricTarget()
        let expectedTypes = allowed.map(\.rawValue).joined(separator: " or ")
        if let t = f["type"] { target.type = MetricTargetType(rawValue: try t.string()) }
        if let v = f["value"] { target.value = try positive(v) }
        if let v = f["averageValue"] { target.averageValue = try positive(v) }
        if let v = f["averageUtilization"] {
            target.averageUtilization = try v.int32(in: strict ? 1...Int64(Int32.max) : Int64(Int32.min)...Int64(Int32.max),
                                                    expected: strict ? "a percentage >= 1" : "an integer")
        }
        guard strict else { return target }
        let typeCursor = try f.required("type", expected: expectedTypes)
        guard let type = target.type, allowed.contains(type) else {
            throw typeCursor.error("found \(typeCursor.found)", expected: expectedTypes)
        }
        let needed: (String, Bool) = switch type {
        case .utilization: ("averageUtilization", target.averageUtilization != nil)
        case .value: ("value", target.value != nil)
        default: ("averageValue", target.averageValue != nil)
        }
        if !needed.1 { _ = try f.required(needed.0, expected: "the \(needed.0) of a target of type \(type)") }
        for key in ["value", "averageValue", "averageUtilization"] where key != needed.0 {
            if let c = f[key] { throw c.error("is set for a target of type \(type)", expected: "only \(needed.0)") }
        }
        return target
    }

    private func positive(_ cursor: YAMLCursor) throws(HPAManifestError) -> Quantity {
        let q = try cursor.quantity()
        if strict && q.sign != 1 { throw cursor.error("is \(q)", expected: "a positive quantity") }
        return q
    }

    func identifier(_ cursor: YAMLCursor) throws(HPAManifestError) -> MetricIdentifier {
        let f = try cursor.fields(allowed: ["name", "selector"], strict: strict)
        let nameCursor = try f.required("name", expected: "a metric name")
        let name = try nameCursor.string()
        if strict && name.isEmpty { throw nameCursor.error("found an empty name", expected: "a metric name") }
        return MetricIdentifier(name: name, selector: try f["selector"].map { (c) throws(HPAManifestError) in try selector(c) })
    }

    func selector(_ cursor: YAMLCursor) throws(HPAManifestError) -> LabelSelector {
        let f = try cursor.fields(allowed: ["matchLabels", "matchExpressions"], strict: strict)
        var selector = LabelSelector(matchLabels: try f["matchLabels"]?.stringMap() ?? [:])
        for e in try f["matchExpressions"]?.sequence() ?? [] {
            let ef = try e.fields(allowed: ["key", "operator", "values"], strict: strict)
            let op = try ef.required("operator", expected: "In, NotIn, Exists or DoesNotExist")
            let opText = try op.string()
            if strict && !["In", "NotIn", "Exists", "DoesNotExist"].contains(opText) {
                throw op.error("found \(op.found)", expected: "In, NotIn, Exists or DoesNotExist")
            }
            let values = try ef["values"]?.sequence().map { (v) throws(HPAManifestError) in try v.string() } ?? []
            selector.matchExpressions.append(LabelSelectorRequirement(
                key: try ef.required("key", expected: "a label key").string(), operator: opText, values: values))
        }
        return selector
    }
}
