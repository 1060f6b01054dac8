import Resilience
import SimKernel

/// One HPA conformance case read into `Resilience` values (`kubernetes-hpa.md` §8.1–§8.4).
///
/// Times: "now" is a fixed instant and history ages become timestamps `now − age`. Pod readiness,
/// given pre-digested as `ready`/`hotCpu` flags, becomes pod start times and Ready conditions that
/// `groupPods`' rules classify the same way (hot-CPU: started 1 s ago, sample inside the first
/// window after the Ready transition; not ready: Ready=False since its start an hour ago).
struct HPACase {
    let fields: [String: JSONValue]
    let stage: String
    let settings: HPAControllerSettings
    let spec: HorizontalPodAutoscalerSpec
    let history: HPAHistory
    let now = Instant(nanoseconds: 1_000_000 * 1_000_000_000)

    init(_ value: JSONValue) throws {
        guard let fields = value.objectValue else { throw ConformanceCaseError("a case must be a JSON object") }
        self.fields = fields
        guard let stage = fields["stage"]?.stringValue else { throw ConformanceCaseError("missing \"stage\"") }
        self.stage = stage
        settings = try Self.settings(fields["controller"])
        let specJSON = fields["spec"] ?? .object([:])
        guard specJSON.objectValue != nil else { throw ConformanceCaseError("\"spec\" must be an object") }
        do {
            spec = try HPAManifest.decodeSpec(yaml: Self.yamlText(specJSON), validating: false)
        } catch {
            throw ConformanceCaseError("spec: \(error)")
        }
        history = try Self.history(fields["history"], now: now)
    }

    var resolvedBehavior: ResolvedBehavior {
        ResolvedBehavior(spec.behavior ?? HPABehavior(), downscaleStabilizationWindow: settings.downscaleStabilizationWindow)
    }

    func int32(_ key: String) throws -> Int32? {
        guard let v = fields[key], !v.isNull else { return nil }
        guard let n = v.doubleValue, n.rounded() == n, n >= Double(Int32.min), n <= Double(Int32.max) else {
            throw ConformanceCaseError("\"\(key)\" must be a 32-bit integer, found \(v.compactText)")
        }
        return Int32(n)
    }

    func currentReplicas() throws -> Int32 {
        guard let v = try int32("currentReplicas") else { throw ConformanceCaseError("missing \"currentReplicas\"") }
        return v
    }

    func prenormalized() throws -> Int32 {
        guard let v = try int32("prenormalizedDesiredReplicas") else {
            throw ConformanceCaseError("missing \"prenormalizedDesiredReplicas\"")
        }
        return v
    }

    func observation() throws -> HPAObservation {
        let current = try currentReplicas()
        let status = try int32("statusReplicas") ?? current
        let entries = fields["observed"]?.arrayValue ?? []
        var pods: [ObservedPod]?
        var readings: [MetricReading] = []
        var readyPods: Int?
        for (i, entry) in entries.enumerated() {
            guard let o = entry.objectValue else { throw ConformanceCaseError("observed[\(i)] must be an object") }
            if let error = o["error"] {
                readings.append(.unavailable(error.stringValue ?? error.compactText))
            } else if let list = o["pods"]?.arrayValue {
                let (entryPods, reading) = try podReading(list, unmatched: o["unmatchedUsages"] ?? o["unmatchedValues"], index: i)
                if let pods, pods != entryPods {
                    throw ConformanceCaseError("observed[\(i)].pods: every metric must describe the same pods")
                }
                pods = entryPods
                readings.append(.pods(reading))
            } else if let value = o["value"] {
                readings.append(.object(milliValue: try Self.milli(value, "observed[\(i)].value")))
                readyPods = try readyPods ?? o["readyPods"].map { Int(try Self.milli($0, "observed[\(i)].readyPods")) }
            } else if let values = o["values"]?.arrayValue {
                readings.append(.external(milliValues: try values.enumerated().map { try Self.milli($1, "observed[\(i)].values[\($0)]") }))
                readyPods = try readyPods ?? o["readyPods"].map { Int(try Self.milli($0, "observed[\(i)].readyPods")) }
            } else {
                throw ConformanceCaseError("observed[\(i)]: expected one of error, pods, value or values")
            }
        }
        let ready = readyPods ?? Int(status)
        guard (0...1_000_000).contains(ready) else { throw ConformanceCaseError("readyPods must be from 0 to 1000000, found \(ready)") }
        return HPAObservation(specReplicas: current, statusReplicas: status,
                              pods: pods ?? countedPods(ready: ready, total: Swift.min(Swift.max(Int(status), 0), 1_000_000)),
                              readings: readings)
    }

    /// Pods for Object/External `Value` targets, which only count Running and Ready pods.
    private func countedPods(ready: Int, total: Int) -> [ObservedPod] {
        let longAgo = now - .hours(1)
        return (0..<Swift.max(ready, total)).map { j in
            ObservedPod(name: "pod-\(j)", phase: .running, startTime: longAgo,
                        readyCondition: PodReadyCondition(status: j < ready ? .true : .false, lastTransitionTime: longAgo))
        }
    }

    private func podReading(_ list: [JSONValue], unmatched: JSONValue?, index i: Int) throws -> ([ObservedPod], PodMetricReading) {
        var pods: [ObservedPod] = []
        var reading = PodMetricReading()
        for (j, item) in list.enumerated() {
            guard let p = item.objectValue else { throw ConformanceCaseError("observed[\(i)].pods[\(j)] must be an object") }
            let name = "pod-\(j)"
            let phaseText = p["phase"]?.stringValue ?? "Running"
            guard let phase = PodPhase(rawValue: phaseText) else {
                throw ConformanceCaseError("observed[\(i)].pods[\(j)].phase: unknown phase \"\(phaseText)\"")
            }
            let ready = p["ready"]?.boolValue ?? true
            let hot = p["hotCpu"]?.boolValue ?? false
            let start = hot ? now - .wholeSeconds(1) : now - .hours(1)
            let transition = hot ? start : (ready ? start + .wholeSeconds(60) : start)
            pods.append(ObservedPod(name: name, phase: phase, isTerminating: p["deleted"]?.boolValue ?? false, startTime: start,
                                    readyCondition: PodReadyCondition(status: ready ? .true : .false, lastTransitionTime: transition)))
            if let request = p["request"], !request.isNull {
                reading.requests[name] = try Self.milli(request, "observed[\(i)].pods[\(j)].request")
            }
            if let usage = p["usage"] ?? p["value"], !usage.isNull {
                reading.samples[name] = PodMetricSample(milliValue: try Self.milli(usage, "observed[\(i)].pods[\(j)]"),
                                                        timestamp: now, window: .wholeSeconds(60))
            }
        }
        for (k, value) in (unmatched?.arrayValue ?? []).enumerated() {
            reading.samples["unmatched-\(k)"] = PodMetricSample(milliValue: try Self.milli(value, "observed[\(i)] unmatched[\(k)]"),
                                                                timestamp: now, window: .wholeSeconds(60))
        }
        return (pods, reading)
    }

    /// An integer milli-value. JSON numbers arrive as doubles: values at or beyond 2⁶³ (how
    /// MaxInt64 reads back) saturate, as the Go side's int64 values would be.
    static func milli(_ value: JSONValue, _ what: String) throws -> Int64 {
        guard let n = value.doubleValue, n.rounded() == n else { throw ConformanceCaseError("\(what) must be an integer") }
        if n >= Double(Int64.max) { return .max }
        if n <= Double(Int64.min) { return .min }
        return Int64(n)
    }
}
