/// Decodes a scenario's `faults:` list (see `Scenarios/README.md`).
///
/// Each entry has `kind`, `at`, optionally `duration` or `until` (not both; none means until the
/// end of the run), optionally `name`, and the parameters of its kind. Checks: an end after the
/// start, a start before the end of the run, no duration for instantaneous kinds, parameters that
/// belong to the kind (a parameter of another kind is named as such), unique names.
struct FaultDecoder {
    /// The run's duration, when known, to refuse faults that would start after the run.
    let runDuration: TimeAmount?

    static let commonKeys = ["name", "kind", "at", "duration", "until"]

    func decode(_ list: NodeReader) -> FaultTimeline {
        var faults: [Fault] = []
        var names: [String: SourceLocation] = [:]
        for (index, reader) in list.elements(expected: "a list of faults").enumerated() {
            guard let fault = decodeFault(reader, index: index) else { continue }
            if let first = names[fault.name] {
                (reader.child("name") ?? reader).error("fault \"\(fault.name)\" is already defined at \(first)",
                                                       expected: "a unique fault name")
                continue
            }
            names[fault.name] = reader.location
            faults.append(fault)
        }
        return FaultTimeline(faults: faults, horizon: runDuration)
    }

    func decodeFault(_ r: NodeReader, index: Int) -> Fault? {
        let kinds = FaultKind.allCases
        guard r.requireMapping() else { return nil }
        let kind = r.required("kind", as: .choice(FaultKind.self))
        var allParameters: [String] = []
        for k in kinds { for p in k.requiredParameters + k.optionalParameters where !allParameters.contains(p) { allParameters.append(p) } }
        let own = kind.map { $0.requiredParameters + $0.optionalParameters } ?? allParameters
        for entry in r.node.entries ?? [] where !Self.commonKeys.contains(entry.key) && !own.contains(entry.key) {
            if let kind, allParameters.contains(entry.key) {
                r.sink.error(at: entry.keyLocation, path: r.path(of: entry.key), "\(entry.key) does not apply to a \(kind.rawValue) fault",
                             expected: own.isEmpty ? "no parameters" : "its parameters: \(own.joined(separator: ", "))")
            } else {
                r.sink.error(at: entry.keyLocation, path: r.path(of: entry.key), "unknown key",
                             hint: Suggestion.hint(for: entry.key, among: Self.commonKeys + own))
            }
        }
        let name = r.optional("name", as: ValueKind.string.checked(expected: "a name for the fault") {
            $0.trimmingSpaces.isEmpty ? "the name is empty" : nil
        })
        let at = r.required("at", as: .duration)
        r.atMostOne(of: ["duration", "until"], what: "the end of a fault")
        let duration = r.optional("duration", as: .positiveDuration)
        let until = r.optional("until", as: .duration)
        var ok = name != nil || !r.has("name")
        if let kind, kind.isInstantaneous, let key = r.present(["duration", "until"]).first {
            r.sink.error(at: r.keyLocation(of: key) ?? r.location, path: r.path(of: key),
                         "a \(kind.rawValue) fault is instantaneous", expected: "no duration or until")
            ok = false
        }
        if let at, let until, until <= at {
            r.child("until")?.error("until \(DurationSyntax.format(until)) is \(until == at ? "the same as" : "before") at \(DurationSyntax.format(at))",
                                    expected: "a fault that ends after it starts")
            ok = false
        }
        if let at, let runDuration, at >= runDuration {
            r.child("at")?.error("\(DurationSyntax.format(at)) is not before the end of the run (\(DurationSyntax.format(runDuration)))",
                                 expected: "a start within the run's duration")
            ok = false
        }
        guard let kind, let effect = effect(of: kind, r), let at, ok else { return nil }
        let end = duration.map { at + $0 } ?? until
        return Fault(name: name ?? "\(kind.rawValue)-\(index)", effect: effect,
                     start: Instant(nanoseconds: at.nanoseconds), end: end.map { Instant(nanoseconds: $0.nanoseconds) },
                     location: r.location)
    }

    private func effect(of kind: FaultKind, _ r: NodeReader) -> FaultEffect? {
        let name = ValueKind<String>.identifier
        let count = ValueKind<Int>.integer(in: 1...1_000_000)
        let region = r.optional("region", as: name)
        if r.has("region"), region == nil { return nil }
        switch kind {
        case .regionOutage:
            return r.required("region", as: name).map { .regionOutage(region: $0) }
        case .networkPartition:
            return regionPair(r).map { .networkPartition(regions: $0) }
        case .packetLoss:
            let pair = regionPair(r)
            guard let rate = r.required("rate", as: .fraction), let pair else { return nil }
            return .packetLoss(regions: pair, rate: rate)
        case .nodeLoss:
            guard let pool = r.required("pool", as: name), let n = r.required("count", as: count) else { return nil }
            return .nodeLoss(pool: pool, count: n, region: region)
        case .podLoss:
            guard let service = r.required("service", as: name), let n = r.required("count", as: count) else { return nil }
            return .podLoss(service: service, count: n, region: region)
        case .gpuLoss:
            let pool = r.optional("pool", as: name)
            guard let n = r.required("count", as: count), pool != nil || !r.has("pool") else { return nil }
            return .gpuLoss(count: n, pool: pool, region: region)
        case .dependencyErrors, .dependencyLatency:
            let dependency = r.required("dependency", as: name)
            let caller = r.optional("caller", as: name)
            guard let dependency, caller != nil || !r.has("caller") else { return nil }
            if kind == .dependencyErrors {
                let rate = r.required("errorRate", as: ValueKind.fraction.checked { $0.value > 0 ? nil : "0% is not above 0%" })
                return rate.map { .dependencyErrors(dependency: dependency, caller: caller, errorRate: $0) }
            }
            return r.required("latency", as: .positiveDuration).map { .dependencyLatency(dependency: dependency, caller: caller, latency: $0) }
        case .datastoreOutage:
            return r.required("store", as: .choice(DatastoreKind.self)).map { .datastoreOutage(store: $0, region: region) }
        case .replicationLag:
            guard let store = r.required("store", as: .choice(DatastoreKind.self)),
                  let lag = r.required("lag", as: .positiveDuration) else { return nil }
            return .replicationLag(store: store, lag: lag, region: region)
        case .modelLoadFailure:
            let model = r.optional("model", as: .string)
            let rate = r.optional("failureRate", as: .fraction)
            guard model != nil || !r.has("model"), rate != nil || !r.has("failureRate") else { return nil }
            return .modelLoadFailure(model: model, failureRate: rate ?? Fraction(1), region: region)
        case .cdnOutage:
            return r.required("provider", as: name).map { .cdnOutage(provider: $0, region: region) }
        case .clockSkew:
            let skew = r.required("skew", as: ValueKind.signedDuration.checked { $0 == .zero ? "a skew of 0s changes nothing" : nil })
            guard let service = r.required("service", as: name), let skew else { return nil }
            return .clockSkew(service: service, skew: skew)
        }
    }

    /// `between: [us-east-1, eu-west-1]`: two different region names.
    private func regionPair(_ r: NodeReader) -> [String]? {
        let expected = "two different regions, like [us-east-1, eu-west-1]"
        guard let between = r.child("between") else {
            r.reportMissing("between", expected: expected)
            return nil
        }
        let elements = between.elements(expected: expected)
        guard between.node.elements != nil else { return nil }
        let names = elements.compactMap { $0.value(as: .identifier) }
        guard names.count == elements.count else { return nil }
        guard names.count == 2, names[0] != names[1] else {
            between.error(names.count == 2 ? "names the same region twice" : "names \(names.count) regions", expected: expected)
            return nil
        }
        return names
    }
}
