/// The fully resolved scenario as text, for reports: `extends:` merged, defaults filled in, every
/// value in canonical syntax (`1h30m`, `100/s`, `5%`), SLOs in their metric form, and the service
/// sections as written. Loading `resolvedText` again gives the same scenario.
extension Scenario {
    /// The resolved scenario as YAML, headed by a comment naming the files it came from.
    public var resolvedText: String {
        var header = "# Resolved scenario from \(sourceFiles.first ?? "memory")"
        if sourceFiles.count > 1 { header += " (extends \(sourceFiles.dropFirst().joined(separator: " → ")))" }
        return header + "\n" + resolvedValue.yaml()
    }

    /// The resolved scenario as JSON.
    public var resolvedJSON: String { resolvedValue.json() + "\n" }

    var resolvedValue: ResolvedValue {
        var entries: [(String, ResolvedValue)] = [("name", .string(name))]
        if let description { entries.append(("description", .string(description))) }
        entries += [
            ("seed", .plain("\(seed)")),
            ("duration", .plain(DurationSyntax.format(duration))),
            ("warmUp", .plain(warmUpAuto ? "auto" : DurationSyntax.format(warmUp))),
            ("replications", .plain("\(replications)")),
            ("mode", .plain(mode.rawValue)),
        ]
        if !workloads.isEmpty { entries.append(("load", .map([("workloads", .list(workloads.map(\.resolvedValue)))]))) }
        if !faults.faults.isEmpty { entries.append(("faults", .list(faults.faults.map(\.resolvedValue)))) }
        if !slos.isEmpty { entries.append(("slos", .list(slos.map(\.resolvedValue)))) }
        for name in ScenarioSections.names {
            if let node = sections[name] { entries.append((name, ResolvedValue(node))) }
        }
        return .map(entries)
    }
}

extension Workload {
    var resolvedValue: ResolvedValue {
        var entries: [(String, ResolvedValue)] = [("name", .string(name)), ("target", .string(target))]
        func d(_ t: TimeAmount) -> ResolvedValue { .plain(DurationSyntax.format(t)) }
        switch pattern {
        case .trace(let trace):
            entries.append(("trace", .map([("file", .string(trace.file)), ("speed", .plain(NumberSyntax.format(trace.speed)))])))
        case .poisson(let profile):
            switch profile.shape {
            case .constant(let rate): entries.append(("rate", .plain(rate.description)))
            case .diurnal(let x):
                entries.append(("diurnal", .map([("base", .plain(x.base.description)), ("peak", .plain(x.peak.description)),
                                                 ("peakAt", d(x.peakAt)), ("period", d(x.period))])))
            case .ramp(let x):
                entries.append(("ramp", .map([("from", .plain(x.from.description)), ("to", .plain(x.to.description)),
                                              ("start", d(x.start)), ("end", d(x.end))])))
            case .steps(let steps):
                entries.append(("steps", .list(steps.map { .map([("at", d($0.at)), ("rate", .plain($0.rate.description))]) })))
            }
            if !profile.spikes.isEmpty {
                entries.append(("spikes", .list(profile.spikes.map {
                    .map([("at", d($0.at)), ("duration", d($0.duration)), ("multiplier", .plain(NumberSyntax.format($0.multiplier)))])
                })))
            }
        }
        if !mix.attributes.isEmpty {
            entries.append(("mix", .map(mix.attributes.map { attribute in
                switch attribute.law {
                case .categorical(let c):
                    return (attribute.name, .map([("categorical", .map(zip(c.categories, c.probabilities).map {
                        ($0.0, .plain(Fraction($0.1).description))
                    }))]))
                case .numeric(let spec):
                    var parameters: [(String, ResolvedValue)] = spec.parameters.map { ($0.name, .plain($0.value.description)) }
                    parameters += spec.lists.map { list in (list.name, .list(list.values.map { .plain($0.description) })) }
                    return (attribute.name, .map([(spec.family, .map(parameters))]))
                }
            })))
        }
        return .map(entries)
    }
}

extension Fault {
    var resolvedValue: ResolvedValue {
        var entries: [(String, ResolvedValue)] = [
            ("name", .string(name)), ("kind", .plain(kind.rawValue)),
            ("at", .plain(DurationSyntax.format(TimeAmount(nanoseconds: start.nanoseconds)))),
        ]
        if let end { entries.append(("until", .plain(DurationSyntax.format(TimeAmount(nanoseconds: end.nanoseconds))))) }
        for (key, value) in effect.parameters {
            switch effect {
            case .networkPartition(let regions) where key == "between", .packetLoss(let regions, _) where key == "between":
                entries.append((key, .list(regions.map { .string($0) })))
            default:
                let isName = ["region", "pool", "service", "dependency", "caller", "model", "provider"].contains(key)
                entries.append((key, isName ? .string(value) : .plain(value)))
            }
        }
        return .map(entries)
    }
}

extension SLOAssertion {
    var resolvedValue: ResolvedValue {
        .map([
            ("name", .string(name)), ("metric", .string(query.metric)), ("stat", .plain(query.statistic.rawValue)),
            (comparison.rawValue, .plain(threshold.description)), ("on", .plain(query.bound.rawValue)),
        ])
    }
}
