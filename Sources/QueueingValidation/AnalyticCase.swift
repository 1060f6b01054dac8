import Foundation
import SimKernel

/// One closed-form value to check the kernel against, in the format of
/// `queueing-analytic.json`: `{"model": "M/M/c", "params": {...}, "metric": "Wq (...)", "value": x}`.
///
/// Models: `M/M/1`, `M/M/c`, `M/M/1/K`, `M/M/c/K`, `M/D/1`, `M/D/c`, `M/G/1`, `M/G/c`.
/// Parameters: `lambda`; `mu` (exponential service rate) or `service_time` (deterministic);
/// `c`; `K`; for M/G, `service` (`lognormal`, `gamma`, `uniform`, `deterministic`,
/// `exponential`) with `service_mean` and `service_cv`, or `lognormal_mu` / `lognormal_sigma`.
/// Metrics are read by their first word: `Wq`, `W`, `Lq`, `L`, `P_wait`, `P_block`.
public struct AnalyticCase: Sendable {
    /// The case's position in the file (1-based) for messages.
    public var index: Int
    public var modelName: String
    public var model: QueueModel
    public var metric: QueueMetric
    public var metricLabel: String
    public var analyticValue: Double
    /// `model` and its parameters as written, for grouping cases that share a run.
    public var modelKey: String

    /// Reads every case of a file's contents; throws one error listing every bad case.
    public static func parseFile(_ data: Data, fileName: String) throws -> [AnalyticCase] {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data)
        } catch {
            let ns = error as NSError
            let why = (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? "not valid JSON"
            throw QueueModelError("\(fileName): malformed JSON: \(why)")
        }
        guard let list = root as? [Any] else {
            throw QueueModelError("\(fileName): expected a JSON array of cases ({\"model\", \"params\", \"metric\", \"value\"})")
        }
        guard !list.isEmpty else { throw QueueModelError("\(fileName): the case list is empty") }
        var cases: [AnalyticCase] = []
        var problems: [String] = []
        for (i, item) in list.enumerated() {
            do {
                cases.append(try AnalyticCase(index: i + 1, json: item))
            } catch {
                problems.append("\(fileName): case \(i + 1): \(error)")
            }
        }
        if !problems.isEmpty { throw QueueModelError(problems.joined(separator: "\n")) }
        return cases
    }

    init(index: Int, json: Any) throws {
        guard let o = json as? [String: Any] else { throw QueueModelError("expected an object") }
        guard let model = o["model"] as? String else { throw QueueModelError("\"model\": missing or not a string; expected e.g. \"M/M/c\"") }
        guard let params = o["params"] as? [String: Any] else { throw QueueModelError("\"params\": missing or not an object") }
        guard let metricText = o["metric"] as? String else { throw QueueModelError("\"metric\": missing or not a string; expected e.g. \"Wq (mean wait in queue)\"") }
        guard let value = (o["value"] as? NSNumber)?.doubleValue, value.isFinite else {
            throw QueueModelError("\"value\": missing or not a finite number")
        }
        let metricWord = String(metricText.split(separator: " ").first ?? "")
        guard let metric = QueueMetric(rawValue: metricWord) else {
            throw QueueModelError(
                "\"metric\": unknown metric \"\(metricText)\"; expected one of \(QueueMetric.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.index = index
        self.modelName = model
        self.model = try Self.makeModel(model, params)
        self.metric = metric
        self.metricLabel = metricText
        self.analyticValue = value
        let sortedParams = params.keys.sorted().map { "\($0)=\(params[$0]!)" }.joined(separator: ",")
        self.modelKey = "\(model)|\(sortedParams)"
    }

    static func number(_ params: [String: Any], _ key: String) throws -> Double? {
        guard let raw = params[key] else { return nil }
        guard let n = (raw as? NSNumber)?.doubleValue, !(raw is String) else {
            throw QueueModelError("\"params.\(key)\": expected a number, got \(raw)")
        }
        guard n.isFinite else { throw QueueModelError("\"params.\(key)\": must be finite, got \(n)") }
        return n
    }

    static func require(_ params: [String: Any], _ key: String, for model: String) throws -> Double {
        guard let v = try number(params, key) else { throw QueueModelError("\"params.\(key)\": required for \(model)") }
        return v
    }

    static func integer(_ params: [String: Any], _ key: String) throws -> Int? {
        guard let v = try number(params, key) else { return nil }
        guard v.rounded() == v, v >= 1, v < 1e9 else {
            throw QueueModelError("\"params.\(key)\": expected a whole number ≥ 1, got \(v)")
        }
        return Int(v)
    }

    static func makeModel(_ name: String, _ params: [String: Any]) throws -> QueueModel {
        let parts = name.split(separator: "/").map(String.init)
        guard parts.count == 3 || parts.count == 4, parts[0] == "M" else {
            throw QueueModelError("\"model\": unsupported model \"\(name)\"; expected M/M/c, M/M/c/K, M/D/c or M/G/c (c a number or the letter c)")
        }
        let lambda = try require(params, "lambda", for: name)
        let servers: Int
        if let n = Int(parts[2]) { servers = n } else if parts[2] == "c" {
            guard let c = try integer(params, "c") else { throw QueueModelError("\"params.c\": required for \(name)") }
            servers = c
        } else {
            throw QueueModelError("\"model\": the number of servers \"\(parts[2])\" is neither a number nor c")
        }
        if let c = try integer(params, "c"), c != servers {
            throw QueueModelError("\"params.c\" = \(c) contradicts the model \(name)")
        }
        var capacity: Int? = nil
        if parts.count == 4 {
            if let k = Int(parts[3]) { capacity = k } else {
                guard let k = try integer(params, "K") else { throw QueueModelError("\"params.K\": required for \(name)") }
                capacity = k
            }
        }
        let service = try serviceLaw(kind: parts[1], params, model: name)
        do {
            return try QueueModel(arrivalRate: lambda, service: service, servers: servers, capacity: capacity)
        } catch let error as DistributionError {
            throw QueueModelError(error.message)
        }
    }

    static func serviceLaw(kind: String, _ params: [String: Any], model: String) throws -> Distribution {
        do {
            switch kind {
            case "M":
                let mu = try require(params, "mu", for: model)
                guard mu > 0 else { throw QueueModelError("\"params.mu\": must be > 0, got \(mu)") }
                return try .exponential(mean: 1 / mu)
            case "D":
                if let d = try number(params, "service_time") {
                    guard d > 0 else { throw QueueModelError("\"params.service_time\": must be > 0, got \(d)") }
                    return try .constant(d)
                }
                let mu = try require(params, "mu", for: model)
                guard mu > 0 else { throw QueueModelError("\"params.mu\": must be > 0, got \(mu)") }
                return try .constant(1 / mu)
            case "G":
                return try generalLaw(params, model: model)
            default:
                throw QueueModelError("\"model\": service law \"\(kind)\" is not supported; expected M, D or G")
            }
        } catch let error as DistributionError {
            throw QueueModelError("\"params\": \(error.message)")
        }
    }

    static func generalLaw(_ params: [String: Any], model: String) throws -> Distribution {
        let law = (params["service"] as? String) ?? "lognormal"
        let mean = try number(params, "service_mean") ?? (try number(params, "mu").map { 1 / $0 })
        let cv = try number(params, "service_cv")
        switch law {
        case "lognormal":
            if let mu = try number(params, "lognormal_mu"), let sigma = try number(params, "lognormal_sigma") {
                return try .lognormal(mu: mu, sigma: sigma)
            }
            guard let mean, let cv else { throw QueueModelError("\"params\": lognormal service needs service_mean and service_cv, or lognormal_mu and lognormal_sigma") }
            return try .lognormal(mean: mean, coefficientOfVariation: cv)
        case "gamma":
            guard let mean, let cv, cv > 0 else { throw QueueModelError("\"params\": gamma service needs service_mean and service_cv > 0") }
            return try .gamma(shape: 1 / (cv * cv), scale: mean * cv * cv)
        case "uniform":
            if let lo = try number(params, "service_low"), let hi = try number(params, "service_high") {
                return try .uniform(low: lo, high: hi)
            }
            guard let mean, let cv else { throw QueueModelError("\"params\": uniform service needs service_low/service_high or service_mean/service_cv") }
            let half = mean * cv * 3.0.squareRoot()
            guard half <= mean else { throw QueueModelError("\"params\": uniform service with cv \(cv) would go below zero (cv ≤ 1/√3)") }
            return try .uniform(low: mean - half, high: mean + half)
        case "deterministic", "constant":
            guard let mean else { throw QueueModelError("\"params\": deterministic service needs service_mean") }
            return try .constant(mean)
        case "exponential":
            guard let mean else { throw QueueModelError("\"params\": exponential service needs service_mean") }
            return try .exponential(mean: mean)
        default:
            throw QueueModelError("\"params.service\": unknown law \"\(law)\"; expected lognormal, gamma, uniform, deterministic or exponential")
        }
    }
}
