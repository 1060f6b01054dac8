/// One stream of requests in a scenario's `load:`: who sends it (`name`), which service receives
/// it (`target`, checked against the topology by the services' decoders), when requests arrive
/// (`pattern`) and what each request is like (`mix`).
public struct Workload: Sendable {
    public var name: String
    public var target: String
    public var pattern: ArrivalPattern
    public var mix: WorkloadMix
    /// Where the workload is written, for later diagnostics (an unknown target service).
    public var location: SourceLocation

    public init(name: String, target: String, pattern: ArrivalPattern, mix: WorkloadMix = WorkloadMix(),
                location: SourceLocation) {
        self.name = name
        self.target = target
        self.pattern = pattern
        self.mix = mix
        self.location = location
    }

    /// The random stream the runner should draw this workload's arrivals from.
    public var streamName: String { "arrivals.\(name)" }
    /// The random stream the runner should draw this workload's request attributes from, separate
    /// from the arrivals so that changing the mix never moves the arrival instants.
    public var mixStreamName: String { "mix.\(name)" }

    /// A generator of this workload's arrival instants over [0, horizon).
    public func arrivalProcess(horizon: TimeAmount) -> ArrivalProcess {
        ArrivalProcess(pattern: pattern, horizon: horizon)
    }

    /// All arrival instants over [0, horizon).
    public func arrivals(horizon: TimeAmount, using random: RandomStream) -> [Instant] {
        ArrivalProcess.instants(of: pattern, horizon: horizon, using: random)
    }

    /// The expected number of arrivals in [0, horizon) (exact for traces).
    public func expectedArrivals(horizon: TimeAmount) -> Double {
        switch pattern {
        case .poisson(let profile): return profile.expectedArrivals(until: horizon)
        case .trace(let trace):
            return Double(zip(trace.offsets, trace.counts).reduce(0) { total, row in
                TimeAmount.saturatingSeconds(row.0.seconds / trace.speed) < horizon ? total + row.1 : total
            })
        }
    }
}

/// When a workload's requests arrive.
public enum ArrivalPattern: Sendable, Hashable {
    /// A (non-homogeneous) Poisson process with the given rate profile.
    case poisson(RateProfile)
    /// A recorded trace replayed in order.
    case trace(TraceReplay)
}

/// The attributes of each request of a workload (user tier, recording length, resolution...),
/// each drawn independently from its own law, in the order they are written.
public struct WorkloadMix: Sendable {
    public var attributes: [MixAttribute]

    public init(attributes: [MixAttribute] = []) {
        self.attributes = attributes
    }

    /// One request's attributes, in the order of `attributes`.
    public func sample(using random: RandomStream) -> [(name: String, value: MixValue)] {
        attributes.map { ($0.name, $0.sample(using: random)) }
    }
}

/// One attribute of a request and the law it is drawn from.
public struct MixAttribute: Sendable {
    public var name: String
    public var law: MixLaw
    public var location: SourceLocation

    public init(name: String, law: MixLaw, location: SourceLocation) {
        self.name = name
        self.law = law
        self.location = location
    }

    public func sample(using random: RandomStream) -> MixValue {
        switch law {
        case .categorical(let c): return .category(c.categories[Int(random.sample(c.distribution))])
        case .numeric(let d): return .measure(Measure(random.sample(d.distribution), d.dimension))
        }
    }
}

/// The law of a mix attribute: named categories with weights, or a numeric distribution.
public enum MixLaw: Sendable {
    case categorical(CategoricalLaw)
    case numeric(DistributionSpec)
}

/// Named categories drawn with probabilities proportional to their weights (`free: 70%`).
public struct CategoricalLaw: Sendable {
    public var categories: [String]
    /// Normalised to sum to 1.
    public var probabilities: [Double]
    /// An empirical distribution over the indices of `categories`.
    public var distribution: Distribution

    public init(categories: [String], weights: [Double]) throws {
        let total = weights.reduce(0, +)
        self.categories = categories
        probabilities = weights.map { $0 / total }
        distribution = try .empirical(values: categories.indices.map(Double.init), weights: weights)
    }
}

/// A drawn attribute value.
public enum MixValue: Sendable, Hashable, CustomStringConvertible {
    case category(String)
    case measure(Measure)

    public var description: String {
        switch self {
        case .category(let name): return name
        case .measure(let m): return m.description
        }
    }
}
