extension ValueKind where Value == DistributionSpec {
    /// A numeric distribution (`DistributionSpec`): `{lognormal: {mean: 5m, cv: 1.2}}` or a constant `30s`.
    public static var distribution: ValueKind {
        ValueKind(expected: DistributionDecoder.example) { DistributionDecoder.read($0) }
    }
}

/// Reads `DistributionSpec`s and workload mixes from scenario nodes.
enum DistributionDecoder {
    static let example = "a distribution like {lognormal: {mean: 5m, cv: 1.2}} or a constant like 30s"

    static func read(_ r: NodeReader) -> DistributionSpec? {
        if let scalar = r.node.scalar, !scalar.isNull {
            guard let m = r.value(as: .measure) else { return nil }
            guard let constant = try? Distribution.constant(m.value) else { return nil }
            return DistributionSpec(family: "constant", parameters: [("value", m)], dimension: m.dimension, distribution: constant)
        }
        guard let entries = r.node.entries, entries.count == 1 else {
            let found = r.node.entries.map { "a mapping with \($0.count) keys" } ?? r.node.summary
            r.error("found \(found)", expected: "one key naming the family, like {lognormal: {mean: 5m, cv: 1.2}}")
            return nil
        }
        let family = entries[0].key
        guard DistributionSpec.families.contains(family) else {
            r.sink.error(at: entries[0].keyLocation, path: r.path(of: family), "unknown distribution family",
                         hint: Suggestion.hint(for: family, among: DistributionSpec.families))
            return nil
        }
        let sets = DistributionSpec.parameterSets(of: family)
        var allowed: [String] = []
        for name in sets.joined() where !allowed.contains(name) { allowed.append(name) }
        let setsText = sets.map { "{\($0.joined(separator: ", "))}" }.joined(separator: " or ")
        guard let p = r.child(family), p.checkKeys(allowed, expected: "the parameters \(setsText)") else {
            if !r.has(family) { r.reportMissing(family, expected: "the parameters \(setsText)") }
            return nil
        }
        // The parameter set that shares most keys with what is written; the first on a tie.
        let chosen = sets.max { a, b in p.present(a).count < p.present(b).count } ?? []
        let best = sets.first { p.present($0).count == p.present(chosen).count } ?? chosen
        for name in allowed where p.has(name) && !best.contains(name) {
            p.sink.error(at: p.keyLocation(of: name) ?? p.location, path: p.path(of: name),
                         "\(name) cannot be combined with \(best.joined(separator: " and "))", expected: setsText)
        }
        var parameters: [(name: String, value: Measure)] = []
        var lists: [(name: String, values: [Measure])] = []
        var ok = true
        for name in best where !(family == "empirical" && name == "weights" && !p.has(name)) {
            if name == "values" || name == "weights" {
                let elements = p.sequence(name, required: true, expected: "a list of values")
                let values = elements.compactMap { $0.value(as: .measure) }
                ok = ok && values.count == elements.count && !elements.isEmpty
                lists.append((name, values))
                continue
            }
            let kind: ValueKind<Measure> = DistributionSpec.dimensioned.contains(name) ? .measure
                : name == "p" ? ValueKind.fraction.map { Measure($0.value, .number) }
                : name == "mu" ? ValueKind.number().map { Measure($0, .number) }
                : ValueKind.positiveNumber.map { Measure($0, .number) }
            guard let value = p.required(name, as: kind) else {
                ok = false
                continue
            }
            parameters.append((name, value))
        }
        guard ok else { return nil }
        // Location and scale parameters share one dimension; a plain 0 fits any.
        var dimension: Measure.Dimension?
        var reference = ""
        let dimensioned = parameters.filter { DistributionSpec.dimensioned.contains($0.name) }
            + (lists.first { $0.name == "values" }.map { list in list.values.map { ("values", $0) } } ?? [])
        for (name, value) in dimensioned where !(value.dimension == .number && value.value == 0) {
            guard let d = dimension else {
                dimension = value.dimension
                reference = name
                continue
            }
            if d != value.dimension {
                let node = p.child(name) ?? p
                node.error("\(value) is a \(value.dimension.rawValue) but \(reference) is a \(d.rawValue)",
                           expected: "the same unit as \(reference)")
                ok = false
                break
            }
        }
        guard ok else { return nil }
        var byName: [String: Double] = [:]
        for (name, value) in parameters { byName[name] = value.value }
        if family == "uniform", let low = parameters.first(where: { $0.name == "low" })?.value,
           let high = parameters.first(where: { $0.name == "high" })?.value, high.value <= low.value {
            p.child("high")?.error("high \(high) is not above low \(low)", expected: "low < high")
            return nil
        }
        let values = lists.first { $0.name == "values" }?.values.map(\.value) ?? []
        var weights = lists.first { $0.name == "weights" }?.values.map(\.value) ?? []
        if family == "empirical", !p.has("weights") { weights = Array(repeating: 1, count: values.count) }
        do {
            let distribution = try DistributionSpec.make(family, byName, values: values, weights: weights)
            return DistributionSpec(family: family, parameters: parameters, lists: lists,
                                    dimension: dimension ?? .number, distribution: distribution)
        } catch {
            let article = family.first.map { "aeiou".contains($0) } == true ? "an" : "a"
            p.error("\(error)", expected: "valid parameters for \(article) \(family) distribution")
            return nil
        }
    }

    /// `mix:` — attribute name → `{categorical: {...}}` or a numeric distribution.
    static func readMix(_ r: NodeReader) -> WorkloadMix {
        var attributes: [MixAttribute] = []
        for (name, reader) in r.entries(expected: "a mapping of attribute names to distributions") {
            if reader.node.entries?.count == 1, reader.has("categorical") {
                if let law = readCategorical(reader.child("categorical")!) {
                    attributes.append(MixAttribute(name: name, law: .categorical(law), location: reader.location))
                }
            } else if let spec = reader.value(as: .distribution) {
                attributes.append(MixAttribute(name: name, law: .numeric(spec), location: reader.location))
            }
        }
        return WorkloadMix(attributes: attributes)
    }

    /// `{free: 70%, business: 25%, enterprise: 5%}` or plain weights `{free: 7, business: 2.5}`.
    static func readCategorical(_ r: NodeReader) -> CategoricalLaw? {
        let expected = "category names with weights, like {free: 70%, business: 25%, enterprise: 5%}"
        let entries = r.entries(expected: expected)
        guard !entries.isEmpty else {
            if r.node.entries != nil { r.error("found no categories", expected: expected) }
            return nil
        }
        var names: [String] = []
        var weights: [Measure] = []
        for (name, reader) in entries {
            let kind = ValueKind.measure.checked(expected: "a weight of at least 0, like 70% or 7") {
                ($0.dimension == .number || $0.dimension == .fraction) && $0.value >= 0 ? nil : "\($0) is not a weight"
            }
            guard let weight = reader.value(as: kind) else { continue }
            names.append(name)
            weights.append(weight)
        }
        guard names.count == entries.count else { return nil }
        let percentages = weights.filter { $0.dimension == .fraction }.count
        if percentages > 0, percentages < weights.count {
            r.error("mixes percentages and plain weights", expected: "all percentages or all plain weights")
            return nil
        }
        let total = weights.reduce(0) { $0 + $1.value }
        if percentages > 0, abs(total - 1) > 1e-9 {
            r.error("the percentages add up to \(Fraction(total))", expected: "a total of 100%")
            return nil
        }
        guard total > 0 else {
            r.error("all weights are 0", expected: "at least one weight above 0")
            return nil
        }
        return try? CategoricalLaw(categories: names, weights: weights.map(\.value))
    }
}
