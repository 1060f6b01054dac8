import CGSL

/// The pseudo-random generator algorithm behind a stream; all are GSL's, with fixed, documented
/// algorithms so that a seed means the same draws on every machine and version (EXAMPLES.md §5).
public enum GeneratorAlgorithm: String, CaseIterable, Sendable {
    /// Mersenne Twister MT19937, GSL's default. GSL seeds it from the low 32 bits of the seed.
    case mt19937
    /// Tausworthe (L'Ecuyer 1996), maximally equidistributed and the fastest of GSL's good ones.
    case taus2
    /// RANLUX at luxury level 2: slow, decorrelated to the last bit.
    case ranlxd2

    var gslType: UnsafePointer<gsl_rng_type> {
        switch self {
        case .mt19937: return loom_gsl_rng_mt19937()
        case .taus2: return loom_gsl_rng_taus2()
        case .ranlxd2: return loom_gsl_rng_ranlxd2()
        }
    }
}

/// One named, independently seeded stream of random numbers (a GSL `gsl_rng`).
///
/// A stream belongs to one component ("arrivals", "autoscaler", "gpu-failures"): its seed is a
/// stable hash of (run seed, stream name), so adding a stream or a draw in one component never
/// shifts another component's draws (EXAMPLES.md §6). A stream is not thread-safe; a simulation
/// runs on one thread, and parallel replications each own their streams.
public final class RandomStream {
    public let name: String
    public let seed: UInt64
    public let algorithm: GeneratorAlgorithm
    @usableFromInline let rng: UnsafeMutablePointer<gsl_rng>

    /// A stream seeded directly (prefer `RandomStreams.stream(named:)`, which derives the seed).
    public init(name: String, seed: UInt64, algorithm: GeneratorAlgorithm = .mt19937) {
        GSLSetup.once()
        self.name = name
        self.seed = seed
        self.algorithm = algorithm
        guard let rng = gsl_rng_alloc(algorithm.gslType) else {
            fatalError("GSL could not allocate a \(algorithm) generator (out of memory)")
        }
        self.rng = rng
        // GSL treats seed 0 as "use the default seed" for some generators; fold it away.
        gsl_rng_set(rng, UInt(seed == 0 ? 0x5eed : seed))
    }

    deinit { gsl_rng_free(rng) }

    /// A uniform draw in [0, 1).
    @inlinable public func uniform() -> Double { gsl_rng_uniform(rng) }

    /// A uniform draw in (0, 1): never exactly zero, for logarithms.
    @inlinable public func uniformPositive() -> Double { gsl_rng_uniform_pos(rng) }

    /// A uniform integer in 0..<n (n ≥ 1).
    @inlinable public func integer(below n: UInt) -> UInt {
        precondition(n >= 1, "integer(below:) needs n ≥ 1")
        return gsl_rng_uniform_int(rng, n)
    }

    /// An exponential draw with the given mean (GSL's `gsl_ran_exponential`); the hot path of
    /// arrival processes, so it skips the `Distribution` dispatch.
    @inlinable public func exponential(mean: Double) -> Double { gsl_ran_exponential(rng, mean) }

    /// A draw from `distribution`.
    @inlinable public func sample(_ distribution: Distribution) -> Double {
        distribution.sample(rng)
    }

    /// The generator's raw state pointer, for samplers in this module.
    var gsl: UnsafeMutablePointer<gsl_rng> { rng }
}

/// The streams of one run: each named stream is created on first use from (run seed, name).
public final class RandomStreams {
    public let runSeed: UInt64
    public let algorithm: GeneratorAlgorithm
    private var streams: [String: RandomStream] = [:]

    public init(runSeed: UInt64, algorithm: GeneratorAlgorithm = .mt19937) {
        self.runSeed = runSeed
        self.algorithm = algorithm
    }

    /// The stream called `name`, the same object on every call within this run.
    public func stream(named name: String) -> RandomStream {
        if let s = streams[name] { return s }
        let s = RandomStream(
            name: name, seed: StableHash.streamSeed(runSeed: runSeed, streamName: name), algorithm: algorithm)
        streams[name] = s
        return s
    }

    /// The names of the streams used so far, sorted (for reports; never for decisions).
    public var streamNames: [String] { streams.keys.sorted() }
}

enum GSLSetup {
    /// GSL's default error handler calls abort(); loomsim validates its inputs and reports errors
    /// itself, so the handler is switched off before the first GSL call.
    static let disabled: Void = { loom_gsl_disable_abort() }()
    static func once() { _ = disabled }
}
