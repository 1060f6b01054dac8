/// Decodes a scenario's `load:` section into `Workload`s (see `Scenarios/README.md`).
///
/// Each workload has exactly one base profile — `rate`, `diurnal`, `ramp`, `steps` or `trace` —
/// and optionally `spikes`, which multiply a Poisson profile (not a trace) while active.
struct LoadDecoder {
    let provider: any ScenarioSourceProvider
    /// The run's duration when known: spikes and steps that start after it draw a warning.
    var runDuration: TimeAmount?

    static let workloadKeys = ["name", "description", "target", "rate", "diurnal", "ramp", "steps", "trace", "spikes", "mix"]
    static let profileKeys = ["rate", "diurnal", "ramp", "steps", "trace"]

    func decode(_ load: NodeReader) -> [Workload] {
        load.checkKeys(["workloads"])
        let readers = load.sequence("workloads", required: true, expected: "a list of workloads")
        if readers.isEmpty, let list = load.child("workloads"), list.node.elements != nil {
            list.error("the list is empty", expected: "at least one workload")
        }
        var seen: [String: SourceLocation] = [:]
        var workloads: [Workload] = []
        for reader in readers {
            guard let workload = decodeWorkload(reader) else { continue }
            if let first = seen[workload.name] {
                reader.child("name")?.error("workload \"\(workload.name)\" is already defined at \(first)",
                                            expected: "a unique workload name")
                continue
            }
            seen[workload.name] = reader.child("name")?.location ?? reader.location
            workloads.append(workload)
        }
        return workloads
    }

    func decodeWorkload(_ r: NodeReader) -> Workload? {
        guard r.checkKeys(Self.workloadKeys, expected: "a workload mapping with name, target and a rate profile") else { return nil }
        let name = r.required("name", as: .identifier)
        let target = r.required("target", as: ValueKind.string.checked(expected: "the name of the service that receives the load") {
            $0.isEmpty ? "the name is empty" : nil
        })
        _ = r.optional("description", as: .string)
        let profileKey = r.exactlyOne(of: Self.profileKeys, what: "a rate profile")
        var pattern: ArrivalPattern?
        if profileKey == "trace" {
            if r.has("spikes") {
                r.sink.error(at: r.keyLocation(of: "spikes") ?? r.location, path: r.path(of: "spikes"),
                             "spikes cannot be applied to a trace", expected: "spikes only with rate, diurnal, ramp or steps")
            }
            pattern = r.child("trace").flatMap(decodeTrace).map(ArrivalPattern.trace)
        } else if let profileKey, let node = r.child(profileKey) {
            let spikes = r.sequence("spikes", expected: "a list of spikes").compactMap(decodeSpike)
            let shape: RateProfile.Shape?
            switch profileKey {
            case "rate": shape = node.value(as: .rate).map { .constant($0) }
            case "diurnal": shape = decodeDiurnal(node)
            case "ramp": shape = decodeRamp(node)
            default: shape = decodeSteps(node)
            }
            if let shape, spikes.count == r.child("spikes")?.node.elements?.count ?? 0 {
                pattern = .poisson(RateProfile(shape, spikes: spikes))
            }
        }
        let mix = r.child("mix").map(DistributionDecoder.readMix) ?? WorkloadMix()
        guard let name, let target, let pattern else { return nil }
        return Workload(name: name, target: target, pattern: pattern, mix: mix, location: r.location)
    }

    private func decodeDiurnal(_ r: NodeReader) -> RateProfile.Shape? {
        r.checkKeys(["base", "peak", "peakAt", "period"])
        let base = r.required("base", as: .rate)
        let peak = r.required("peak", as: .rate)
        let peakAt = r.required("peakAt", as: .duration)
        let period = r.optional("period", as: ValueKind.duration.checked(expected: "a period of at least 1m, like 24h") {
            $0 >= .minutes(1) ? nil : "\(DurationSyntax.format($0)) is shorter than 1m"
        })
        if r.has("period"), period == nil { return nil }
        guard let base, let peak, let peakAt else { return nil }
        if peak < base {
            r.child("peak")?.error("peak \(peak) is below base \(base)", expected: "a peak rate at least the base rate")
            return nil
        }
        return .diurnal(RateProfile.Diurnal(base: base, peak: peak, peakAt: peakAt, period: period ?? .hours(24)))
    }

    private func decodeRamp(_ r: NodeReader) -> RateProfile.Shape? {
        r.checkKeys(["from", "to", "start", "end"])
        let from = r.required("from", as: .rate)
        let to = r.required("to", as: .rate)
        let start = r.optional("start", as: .duration)
        let end = r.required("end", as: .duration)
        if r.has("start"), start == nil { return nil }
        guard let from, let to, let end else { return nil }
        let begin = start ?? .zero
        if end <= begin {
            r.child("end")?.error("end \(DurationSyntax.format(end)) is \(end == begin ? "the same as" : "before") start \(DurationSyntax.format(begin))",
                                  expected: "a ramp that ends after it starts")
            return nil
        }
        return .ramp(RateProfile.Ramp(from: from, to: to, start: begin, end: end))
    }

    private func decodeSteps(_ r: NodeReader) -> RateProfile.Shape? {
        let readers = r.elements(expected: "a list of steps like {at: 10m, rate: 50/s}")
        if readers.isEmpty, r.node.elements != nil { r.error("the list is empty", expected: "at least one step") }
        var steps: [RateProfile.RateStep] = []
        var ok = !readers.isEmpty
        for s in readers {
            s.checkKeys(["at", "rate"], expected: "a step like {at: 10m, rate: 50/s}")
            guard let at = s.required("at", as: .duration), let rate = s.required("rate", as: .rate) else {
                ok = false
                continue
            }
            if let previous = steps.last, at <= previous.at {
                s.child("at")?.error("\(DurationSyntax.format(at)) is not after the previous step's \(DurationSyntax.format(previous.at))",
                                     expected: "steps in increasing time order")
                ok = false
                continue
            }
            warnIfAfterTheRun(at, s.child("at"), what: "step")
            steps.append(RateProfile.RateStep(at: at, rate: rate))
        }
        return ok ? .steps(steps) : nil
    }

    private func decodeSpike(_ s: NodeReader) -> RateProfile.Spike? {
        s.checkKeys(["at", "duration", "multiplier"], expected: "a spike like {at: 30m, duration: 5m, multiplier: 3}")
        let at = s.required("at", as: .duration)
        let duration = s.required("duration", as: .positiveDuration)
        let multiplier = s.required("multiplier", as: .number(in: 0...1_000_000, expected: "a multiplier of at least 0, like 3"))
        guard let at, let duration, let multiplier else { return nil }
        warnIfAfterTheRun(at, s.child("at"), what: "spike")
        return RateProfile.Spike(at: at, duration: duration, multiplier: multiplier)
    }

    private func warnIfAfterTheRun(_ at: TimeAmount, _ node: NodeReader?, what: String) {
        guard let runDuration, at >= runDuration, let node else { return }
        node.warning("this \(what) starts at \(DurationSyntax.format(at)), after the run ends (\(DurationSyntax.format(runDuration)))",
                     hint: "it has no effect")
    }

    private func decodeTrace(_ r: NodeReader) -> TraceReplay? {
        let fileReader: NodeReader
        var speed = 1.0
        if r.node.scalar != nil {
            fileReader = r
        } else {
            guard r.checkKeys(["file", "speed"], expected: "a trace like {file: traces/peak.csv, speed: 2}") else { return nil }
            guard let file = r.child("file") else {
                r.reportMissing("file", expected: "the path of a CSV trace, relative to this scenario file")
                return nil
            }
            fileReader = file
            if r.has("speed") {
                guard let s = r.optional("speed", as: .positiveNumber) else { return nil }
                speed = s
            }
        }
        guard let written = fileReader.value(as: .string) else { return nil }
        let path = ScenarioPaths.resolve(written, from: fileReader.location.file)
        switch provider.contents(of: path, limit: ScenarioLimits.maximumTraceBytes) {
        case .failure(let failure):
            fileReader.error("trace file \"\(written)\" (\(path)): \(failure.problem)",
                             expected: "the path of a CSV trace, relative to this scenario file")
            return nil
        case .success(let bytes):
            return TraceReplay.parse(bytes, file: path, speed: speed, path: r.path, sink: r.sink)
        }
    }
}
