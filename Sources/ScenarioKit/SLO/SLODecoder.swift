/// Decodes a scenario's `slos:` list (see `Scenarios/README.md`).
///
/// Primary form, a mapping: `{metric: video.queue_wait, stat: p99, below: 30s, on: upper95}` with
/// exactly one of `below`, `atMost`, `above`, `atLeast`, and an optional `name`. Also accepted, a
/// string: `"p99(video.queue_wait) < 30s on upper95"`. Special forms: `nothingLost: true`,
/// `maxReplicas: {service: recording, atMost: 80}`, `rto: {below: 5m}`, `rpo: {below: 1m}`,
/// `cost: {below: $500}`.
struct SLODecoder {
    static let metricKeys = ["name", "metric", "stat", "below", "atMost", "above", "atLeast", "on"]
    static let specialKeys = ["nothingLost", "maxReplicas", "rto", "rpo", "cost"]
    static let comparisonKeys = Comparison.allCases.map(\.rawValue)
    static let example = "an assertion like {metric: video.queue_wait, stat: p99, below: 30s}"

    func decode(_ list: NodeReader) -> [SLOAssertion] {
        var out: [SLOAssertion] = []
        var names: [String: SourceLocation] = [:]
        for reader in list.elements(expected: "a list of SLO assertions") {
            guard let slo = decodeAssertion(reader) else { continue }
            if let first = names[slo.name] {
                (reader.child("name") ?? reader).error("SLO \"\(slo.name)\" is already defined at \(first)",
                                                       expected: "a unique name for each assertion")
                continue
            }
            names[slo.name] = reader.location
            out.append(slo)
        }
        return out
    }

    func decodeAssertion(_ r: NodeReader) -> SLOAssertion? {
        if let scalar = r.node.scalar, !scalar.isNull { return parseExpression(scalar.text, r) }
        guard r.requireMapping() else { return nil }
        if !r.has("metric"), let special = r.present(Self.specialKeys).first {
            return decodeSpecial(special, r)
        }
        r.checkKeys(Self.metricKeys + Self.specialKeys)
        let name = r.optional("name", as: .string)
        let metric = r.required("metric", as: .metricName)
        let statistic = r.required("stat", as: .choice(Statistic.self))
        let bound = r.optional("on", as: .choice(ReplicationBound.self))
        let comparisonKey = r.exactlyOne(of: Self.comparisonKeys, what: "a comparison")
        guard let metric, let statistic, let comparisonKey, let comparison = Comparison(rawValue: comparisonKey),
              let threshold = r.child(comparisonKey).flatMap({ threshold($0, for: statistic) }),
              bound != nil || !r.has("on"), name != nil || !r.has("name") else { return nil }
        return SLOAssertion(name: name, query: MetricQuery(metric: metric, statistic: statistic, bound: bound ?? .mean),
                            comparison: comparison, threshold: threshold, location: r.location)
    }

    /// A threshold that fits the statistic: a count for `count`, a rate for `rate`, a fraction for
    /// `ratio` (a plain number from 0 to 1 is read as one), any measure otherwise.
    private func threshold(_ r: NodeReader, for statistic: Statistic) -> Measure? {
        guard var m = r.value(as: .measure) else { return nil }
        switch statistic {
        case .count where m.dimension != .number || m.value < 0 || !NumberSyntax.isNearlyIntegral(m.value):
            r.error("\(m) is not a count", expected: "a whole number for the count statistic")
            return nil
        case .rate where m.dimension != .rate:
            r.error("\(m) is not a rate", expected: "a rate like 100/s for the rate statistic")
            return nil
        case .ratio:
            if m.dimension == .number, (0...1).contains(m.value) { m.dimension = .fraction }
            guard m.dimension == .fraction else {
                r.error("\(m) is not a ratio", expected: "a percentage like 5% or a fraction from 0 to 1 for the ratio statistic")
                return nil
            }
        default: break
        }
        return m
    }

    private func decodeSpecial(_ key: String, _ r: NodeReader) -> SLOAssertion? {
        let present = r.present(Self.specialKeys)
        if present.count > 1 {
            r.sink.error(at: r.keyLocation(of: present[1]) ?? r.location, path: r.path(of: present[1]),
                         "\(present[1]) cannot be combined with \(present[0]) in one assertion", expected: "one assertion per list entry")
            return nil
        }
        r.checkKeys(["name", "on", key])
        let name = r.optional("name", as: .string)
        let bound = r.optional("on", as: .choice(ReplicationBound.self))
        guard let v = r.child(key), name != nil || !r.has("name"), bound != nil || !r.has("on") else { return nil }
        let durationLimit = "a limit like {below: 5m}"
        switch key {
        case "nothingLost":
            guard let flag = v.value(as: .bool) else { return nil }
            guard flag else {
                v.error("nothingLost: false asserts nothing", expected: "true (or remove the assertion)")
                return nil
            }
            return SLOAssertion(name: name, kind: .nothingLost,
                                query: MetricQuery(metric: WellKnownMetrics.lostRequests, statistic: .count, bound: bound ?? .max),
                                comparison: .atMost, threshold: Measure(0, .number), location: r.location)
        case "maxReplicas":
            v.checkKeys(["service", "atMost"], expected: "{service: recording, atMost: 80}")
            guard let service = v.required("service", as: .identifier),
                  let limit = v.required("atMost", as: .integer(in: 0...1_000_000)) else { return nil }
            return SLOAssertion(name: name, kind: .maxReplicas(service: service),
                                query: MetricQuery(metric: WellKnownMetrics.replicas(of: service), statistic: .max, bound: bound ?? .max),
                                comparison: .atMost, threshold: Measure(Double(limit), .number), location: r.location)
        case "rto", "rpo":
            v.checkKeys(["below", "atMost"], expected: durationLimit)
            guard let which = v.exactlyOne(of: ["below", "atMost"], what: "a limit"),
                  let limit = v.required(which, as: .duration) else { return nil }
            let metric = key == "rto" ? WellKnownMetrics.recoveryTime : WellKnownMetrics.recoveryPoint
            return SLOAssertion(name: name, kind: key == "rto" ? .recoveryTime : .recoveryPoint,
                                query: MetricQuery(metric: metric, statistic: .max, bound: bound ?? .max),
                                comparison: Comparison(rawValue: which)!, threshold: Measure(limit.seconds, .duration),
                                location: r.location)
        default:
            v.checkKeys(["below", "atMost"], expected: "a limit like {below: $500}")
            guard let which = v.exactlyOne(of: ["below", "atMost"], what: "a limit"),
                  let limit = v.required(which, as: .money) else { return nil }
            // `cost.total` is a cumulative gauge (dollars so far), so the run's cost is its final
            // value, which is also its largest: `max`, not `sum` (which added every sample).
            return SLOAssertion(name: name, kind: .cost,
                                query: MetricQuery(metric: WellKnownMetrics.totalCost, statistic: .max, bound: bound ?? .mean),
                                comparison: Comparison(rawValue: which)!, threshold: Measure(limit.dollars, .money),
                                location: r.location)
        }
    }

    /// `STAT(METRIC) OP THRESHOLD [on BOUND]`, e.g. `p99(video.queue_wait) < 30s on upper95`.
    func parseExpression(_ text: String, _ r: NodeReader) -> SLOAssertion? {
        let form = "an assertion like \"p99(video.queue_wait) < 30s\" or \"p99(video.queue_wait) < 30s on upper95\""
        guard let open = text.firstIndex(of: "("), let close = text.firstIndex(of: ")"), open < close else {
            r.error("\"\(text)\" is not an assertion", expected: form)
            return nil
        }
        let statText = String(text[..<open]).trimmingSpaces
        guard let statistic = Statistic(rawValue: statText) else {
            r.error("\"\(statText)\" is not a statistic", hint: Suggestion.hint(for: statText, among: Statistic.allCases.map(\.rawValue)))
            return nil
        }
        let metric = String(text[text.index(after: open)..<close]).trimmingSpaces
        guard MetricNames.isValid(metric) else {
            r.error("\"\(metric)\" is not a metric name", expected: "a dotted metric name like video.queue_wait")
            return nil
        }
        var rest = String(text[text.index(after: close)...]).trimmingSpaces
        guard let symbol = ["<=", ">=", "<", ">"].first(where: { rest.hasPrefix($0) }), let comparison = Comparison(symbol: symbol) else {
            r.error("\"\(text)\" has no comparison", expected: "one of <, <=, >, >= after the metric")
            return nil
        }
        rest = String(rest.dropFirst(symbol.count)).trimmingSpaces
        var tokens = rest.split(separator: " ").map(String.init)
        var bound = ReplicationBound.mean
        if tokens.count >= 3, tokens[tokens.count - 2] == "on" {
            guard let b = ReplicationBound(rawValue: tokens[tokens.count - 1]) else {
                r.error("\"\(tokens[tokens.count - 1])\" is not a replication bound",
                        hint: Suggestion.hint(for: tokens[tokens.count - 1], among: ReplicationBound.allCases.map(\.rawValue)))
                return nil
            }
            bound = b
            tokens.removeLast(2)
        }
        guard !tokens.isEmpty else {
            r.error("\"\(text)\" has no threshold", expected: "a threshold like 30s after \(symbol)")
            return nil
        }
        let thresholdNode = NodeReader(.scalar(tokens.joined(separator: " "), at: r.location), path: r.path, sink: r.sink)
        guard let threshold = threshold(thresholdNode, for: statistic) else { return nil }
        return SLOAssertion(query: MetricQuery(metric: metric, statistic: statistic, bound: bound),
                            comparison: comparison, threshold: threshold, location: r.location)
    }
}
