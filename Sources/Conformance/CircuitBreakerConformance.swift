import Resilience

/// Runs Resilience4j circuit-breaker cases (`shared/conformance/circuit-breaker/`, format in
/// `reference/resilience4j-circuit-breaker.md` §7) against `Resilience.CircuitBreaker`.
///
/// A case is a config and a list of steps on one clock: each step first advances the clock to its
/// `at` (seconds since the start, `at = 0` on an epoch-second boundary), firing the breaker's due
/// timers at their own due instants, then performs its op, then observes. `actual` is an array
/// with one object per step carrying exactly the keys of that step's `expect` (`{}` without one).
public struct CircuitBreakerConformanceRunner: ConformanceRunner {
    public init() {}

    public var policyName: String { "circuit-breaker" }

    public func actual(for testCase: JSONValue) throws -> JSONValue {
        let config = try Self.config(from: testCase["config"])
        guard let steps = testCase["steps"]?.arrayValue else { throw ConformanceCaseError("a breaker case needs a steps array") }
        var breaker = try CircuitBreaker(config: config, now: .zero)
        var now = Instant.zero
        var observed: [JSONValue] = []
        for (index, step) in steps.enumerated() {
            let fields = R4JCaseFields(step, context: "steps[\(index)]")
            if let at = try fields.number("at") {
                let target = try Instant.seconds(at)
                guard target >= now else { throw ConformanceCaseError("steps[\(index)].at goes back in time") }
                try Self.fireTimers(of: &breaker, through: target)
                now = target
            }
            let outcome = try Self.perform(step, fields: fields, on: &breaker, now: now)
            observed.append(Self.observe(step["expect"], breaker: breaker, outcome: outcome, now: now))
        }
        return .array(observed)
    }

    /// What an op returned, for the `permitted` and `error` keys.
    struct StepOutcome {
        var permitted: Bool?
        var error: String?
    }

    /// Fires every timer due at or before `target`, each at its own due instant; a fired timer may
    /// arm the next one (HALF_OPEN max wait → OPEN with automatic transition → HALF_OPEN …).
    static func fireTimers(of breaker: inout CircuitBreaker, through target: Instant) throws {
        var fired = 0
        while let timer = breaker.pendingTimer, timer.due <= target {
            _ = breaker.timerFired(timer, now: timer.due)
            fired += 1
            if fired > 1_000_000 { throw ConformanceCaseError("more than a million breaker timers before \(target)") }
        }
    }

    static func perform(_ step: JSONValue, fields: R4JCaseFields, on breaker: inout CircuitBreaker, now: Instant) throws -> StepOutcome {
        guard let op = try fields.string("op") else { throw ConformanceCaseError("\(fields.context) has no op") }
        var outcome = StepOutcome()
        switch op {
        case "acquire":
            outcome.permitted = breaker.tryAcquirePermission(now: now).isPermitted
        case "record":
            let name = try fields.string("outcome") ?? "success"
            guard let result = CircuitBreakerOutcome(rawValue: name) else {
                throw ConformanceCaseError("\(fields.context).outcome: unknown outcome \"\(name)\"")
            }
            let duration = try fields.seconds("durationSeconds") ?? .zero
            _ = breaker.onResult(result, duration: duration, now: now)
        case "release":
            breaker.releasePermission()
        case "state":
            break
        case "transition":
            guard let to = try fields.string("to") else { throw ConformanceCaseError("\(fields.context): transition needs \"to\"") }
            let target = try state(named: to)
            let wait = try fields.seconds("waitSeconds")
            let until = try fields.number("untilSeconds").map { try Instant.seconds($0) }
            if (wait != nil || until != nil) && target != .open {
                throw ConformanceCaseError("\(fields.context): waitSeconds/untilSeconds need \"to\": \"OPEN\"")
            }
            do {
                if let wait {
                    _ = try breaker.transitionToOpenState(for: wait, now: now)
                } else if let until {
                    _ = try breaker.transitionToOpenState(until: until, now: now)
                } else {
                    _ = try breaker.transition(to: target, now: now)
                }
            } catch {
                outcome.error = "IllegalStateTransition"
            }
        case "reset":
            _ = breaker.reset(now: now)
        default:
            throw ConformanceCaseError("\(fields.context): unknown op \"\(op)\"")
        }
        return outcome
    }

    /// The step's `actual`: the keys of its `expect`, read after the op.
    static func observe(_ expect: JSONValue?, breaker: CircuitBreaker, outcome: StepOutcome, now: Instant) -> JSONValue {
        guard let keys = expect?.objectValue?.keys else { return .object([:]) }
        let m = breaker.metrics(at: now)
        var out: [String: JSONValue] = [:]
        for key in keys {
            switch key {
            case "state": out[key] = .string(breaker.state.rawValue)
            case "permitted": out[key] = outcome.permitted.map { .bool($0) } ?? .null
            case "error": out[key] = outcome.error.map { .string($0) } ?? .null
            case "failureRate": out[key] = .javaFloat(m.failureRate)
            case "slowCallRate": out[key] = .javaFloat(m.slowCallRate)
            case "numberOfBufferedCalls": out[key] = .number(Double(m.numberOfBufferedCalls))
            case "numberOfFailedCalls": out[key] = .number(Double(m.numberOfFailedCalls))
            case "numberOfSuccessfulCalls": out[key] = .number(Double(m.numberOfSuccessfulCalls))
            case "numberOfSlowCalls": out[key] = .number(Double(m.numberOfSlowCalls))
            case "numberOfSlowFailedCalls": out[key] = .number(Double(m.numberOfSlowFailedCalls))
            case "numberOfSlowSuccessfulCalls": out[key] = .number(Double(m.numberOfSlowSuccessfulCalls))
            case "numberOfNotPermittedCalls": out[key] = .number(Double(m.numberOfNotPermittedCalls))
            default: out[key] = .null  // a key this runner does not know: shows up as a difference
            }
        }
        return .object(out)
    }
}
