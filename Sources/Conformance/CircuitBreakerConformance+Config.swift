import Resilience

/// Reading the `config` object of a circuit-breaker case (reference §7) into a
/// `CircuitBreakerConfig`: camelCase fields of Resilience4j's `CircuitBreakerConfig`, durations
/// in seconds, absent fields at upstream's defaults, unknown fields ignored.
extension CircuitBreakerConformanceRunner {
    static func config(from json: JSONValue?) throws -> CircuitBreakerConfig {
        var config = CircuitBreakerConfig()
        guard let json else { return config }
        guard json.objectValue != nil else { throw ConformanceCaseError("config must be an object") }
        let fields = R4JCaseFields(json, context: "config")

        if let v = try fields.number("failureRateThreshold") { config.failureRateThreshold = Float(v) }
        if let v = try fields.number("slowCallRateThreshold") { config.slowCallRateThreshold = Float(v) }
        if let v = try fields.seconds("slowCallDurationThreshold") { config.slowCallDurationThreshold = v }
        if let v = try fields.integer("permittedNumberOfCallsInHalfOpenState") { config.permittedNumberOfCallsInHalfOpenState = v }
        if let v = try fields.seconds("maxWaitDurationInHalfOpenState") { config.maxWaitDurationInHalfOpenState = v }
        if let v = try fields.string("transitionToStateAfterWaitDuration") { config.transitionToStateAfterWaitDuration = try state(named: v) }
        if let v = try fields.string("slidingWindowType") {
            guard let type = CircuitBreakerConfig.SlidingWindowType(rawValue: v.uppercased()) else {
                throw ConformanceCaseError("config.slidingWindowType: unknown window type \"\(v)\"")
            }
            config.slidingWindowType = type
        }
        if let v = try fields.integer("slidingWindowSize") { config.slidingWindowSize = v }
        if let v = try fields.integer("minimumNumberOfCalls") { config.minimumNumberOfCalls = v }
        if let v = try fields.bool("automaticTransitionFromOpenToHalfOpenEnabled") {
            config.automaticTransitionFromOpenToHalfOpenEnabled = v
        }
        if let v = try fields.string("initialState") { config.initialState = try state(named: v) }

        let wait = try fields.seconds("waitDurationInOpenState")
        // `JSONValue` is nil-literal-convertible, so test for `.null` explicitly.
        var function: JSONValue? = nil
        if let value = json["waitIntervalFunctionInOpenState"], !value.isNull { function = value }
        if wait != nil && function != nil { throw CircuitBreakerConfigError.conflictingWaitInOpenState }
        if let wait { try config.setWaitDurationInOpenState(wait) }
        if let function { config.waitIntervalFunctionInOpenState = try intervalFunction(from: function) }
        return config
    }

    /// `{"type": "exponential", "initialInterval": s, "multiplier": m, "maxInterval": s?}`
    /// (= `IntervalFunction.ofExponentialBackoff`), plus the other upstream factories by name.
    static func intervalFunction(from json: JSONValue) throws -> IntervalFunction {
        guard json.objectValue != nil else { throw ConformanceCaseError("config.waitIntervalFunctionInOpenState must be an object") }
        let fields = R4JCaseFields(json, context: "config.waitIntervalFunctionInOpenState")
        let type = try fields.string("type") ?? "exponential"
        let initial = try fields.seconds("initialInterval") ?? fields.seconds("interval") ?? IntervalFunction.defaultInitialInterval
        let multiplier = try fields.number("multiplier") ?? IntervalFunction.defaultMultiplier
        let factor = try fields.number("randomizationFactor") ?? IntervalFunction.defaultRandomizationFactor
        let cap = try fields.seconds("maxInterval")
        switch type {
        case "exponential", "exponentialBackoff":
            return try .exponentialBackoff(initial: initial, multiplier: multiplier, maxInterval: cap)
        case "fixed", "constant", "of":
            return try .fixed(initial)
        case "randomized":
            return try .randomized(initial, randomizationFactor: factor)
        case "exponentialRandom", "exponentialRandomBackoff":
            return try .exponentialRandomBackoff(initial: initial, multiplier: multiplier, randomizationFactor: factor, maxInterval: cap)
        default:
            throw ConformanceCaseError("config.waitIntervalFunctionInOpenState: unknown type \"\(type)\"")
        }
    }

    /// Upstream state names (`HALF_OPEN`); case and `-`/`_` are not significant.
    static func state(named name: String) throws -> CircuitBreakerState {
        let normalized = name.uppercased().replacingOccurrences(of: "-", with: "_")
        guard let state = CircuitBreakerState(rawValue: normalized) else {
            throw ConformanceCaseError("unknown circuit breaker state \"\(name)\"")
        }
        return state
    }
}

/// Typed access to the fields of a case object, with errors that name the field.
struct R4JCaseFields {
    let json: JSONValue
    let context: String

    init(_ json: JSONValue, context: String) {
        self.json = json
        self.context = context
    }

    private func present(_ key: String) -> JSONValue? {
        guard let v = json[key], !v.isNull else { return nil }
        return v
    }

    func number(_ key: String) throws -> Double? {
        guard let v = present(key) else { return nil }
        guard let d = v.doubleValue, d.isFinite else { throw ConformanceCaseError("\(context).\(key) must be a number") }
        return d
    }

    func integer(_ key: String) throws -> Int? {
        guard let v = present(key) else { return nil }
        guard let i = v.intValue else { throw ConformanceCaseError("\(context).\(key) must be an integer") }
        return i
    }

    func bool(_ key: String) throws -> Bool? {
        guard let v = present(key) else { return nil }
        guard let b = v.boolValue else { throw ConformanceCaseError("\(context).\(key) must be true or false") }
        return b
    }

    func string(_ key: String) throws -> String? {
        guard let v = present(key) else { return nil }
        guard let s = v.stringValue else { throw ConformanceCaseError("\(context).\(key) must be a string") }
        return s
    }

    /// A duration in seconds; NaN or out-of-range values are refused by `TimeAmount.seconds`.
    func seconds(_ key: String) throws -> TimeAmount? {
        guard let s = try number(key) else { return nil }
        return try TimeAmount.seconds(s)
    }
}

extension JSONValue {
    /// A Java `float` as the JSON number Java prints: the shortest decimal that reads back as the
    /// same float (33.333332, not 33.33333206176758), so cases written from Java's output compare
    /// equal under the runner's 1e-9 relative tolerance.
    static func javaFloat(_ f: Float) -> JSONValue {
        .number(Double(f.description) ?? Double(f))
    }
}
