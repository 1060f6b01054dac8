import Resilience

/// Runs Resilience4j retry cases (`shared/conformance/retry/`, format in
/// `reference/resilience4j-circuit-breaker.md` §7) against `Resilience.RetryContext`.
///
/// A case gives a config in the Spring/props form (`maxAttempts`, `waitDuration`, `multiplier`,
/// `maxWaitDuration`, `randomizationFactor`, `failAfterMaxAttempts`; durations in seconds), and
/// the outcome of each attempt. The runner feeds the outcomes to a `RetryContext` until it
/// finishes and reports `{attempts, result, waits, totalWait}` — restricted to the keys of the
/// case's `expect` when it has one.
///
/// Randomized waits need a uniform draw; cases cannot pin a random value, so the runner passes
/// 0.5 (the middle of the range). With `randomizationFactor` 0, as in every upstream-derived case,
/// the draw has no effect.
public struct RetryConformanceRunner: ConformanceRunner {
    public init() {}

    public var policyName: String { "retry" }

    /// The draw used for randomized waits.
    static let uniformDraw = 0.5

    public func actual(for testCase: JSONValue) throws -> JSONValue {
        let retryConfig = try Self.config(from: testCase["config"])
        guard let outcomes = testCase["outcomes"]?.arrayValue else { throw ConformanceCaseError("a retry case needs an outcomes array") }
        var context = RetryContext(config: retryConfig)
        for (index, value) in outcomes.enumerated() {
            guard let name = value.stringValue, let outcome = RetryOutcome(rawValue: name) else {
                throw ConformanceCaseError("outcomes[\(index)]: expected success, failure, nonRetryable or retryResult, got \(value.compactText)")
            }
            if case .finish = context.record(outcome, uniformDraw: Self.uniformDraw) { break }
        }
        guard let result = context.result else {
            throw ConformanceCaseError("the outcomes ran out after \(context.attemptsMade) attempts but the retry wants another")
        }
        let full: [String: JSONValue] = [
            "attempts": .number(Double(context.attemptsMade)),
            "result": .string(result.rawValue),
            "waits": .array(context.waits.map { .number($0.seconds) }),
            "totalWait": .number(context.totalWait.seconds),
        ]
        guard let keys = testCase["expect"]?.objectValue?.keys else { return .object(full) }
        var out: [String: JSONValue] = [:]
        for key in keys { out[key] = full[key] ?? .null }
        return .object(out)
    }

    /// The case's config; the props names (`exponentialBackoffMultiplier`,
    /// `exponentialMaxWaitDuration`, `randomizedWaitFactor`, `maxRetryAttempts`) are read as aliases.
    static func config(from json: JSONValue?) throws -> RetryConfig {
        let fields = R4JCaseFields(json ?? .object([:]), context: "config")
        if let json, json.objectValue == nil { throw ConformanceCaseError("config must be an object") }
        let maxAttempts = try fields.integer("maxAttempts") ?? fields.integer("maxRetryAttempts") ?? 3
        let wait = try fields.seconds("waitDuration") ?? IntervalFunction.defaultInitialInterval
        let multiplier = try fields.number("multiplier") ?? fields.number("exponentialBackoffMultiplier")
        let maxWait = try fields.seconds("maxWaitDuration") ?? fields.seconds("exponentialMaxWaitDuration")
        let factor = try fields.number("randomizationFactor") ?? fields.number("randomizedWaitFactor") ?? 0
        let failAfter = try fields.bool("failAfterMaxAttempts") ?? false
        return try RetryConfig(
            maxAttempts: maxAttempts, waitDuration: wait, multiplier: multiplier, maxWaitDuration: maxWait,
            randomizationFactor: factor, failAfterMaxAttempts: failAfter)
    }
}
