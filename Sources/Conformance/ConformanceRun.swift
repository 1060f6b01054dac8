import Foundation

/// One policy whose upstream test cases `loomsim conform` can run.
///
/// A runner turns one case (a JSON object in the format of `shared/conformance/<policy>/`) into
/// its `actual` value, which mirrors the case's `expect`: the same keys and shape. Runners read
/// only the fields they need, so unknown fields in a case are ignored.
public protocol ConformanceRunner: Sendable {
    /// The policy's name on the command line (`hpa`, `circuit-breaker`, `retry`).
    var policyName: String { get }
    /// The `actual` value for one case; throws `ConformanceCaseError` for a case it cannot run.
    func actual(for testCase: JSONValue) throws -> JSONValue
}

/// A case that is well-formed JSON but cannot be run: a missing field, a value out of range.
public struct ConformanceCaseError: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The outcome of one line of a case file.
public struct ConformanceResult: Sendable {
    /// 1-based line number in the case file.
    public var line: Int
    public var name: String
    /// The runner's answer, or nil when the line could not be run.
    public var actual: JSONValue?
    public var expected: JSONValue?
    /// Why the line could not be read or run.
    public var error: String?
    /// Paths where `actual` differs from `expected` (empty when they agree or nothing was expected).
    public var differences: [String]

    public var passed: Bool { error == nil && differences.isEmpty }

    /// The line `loomsim conform` prints: `{"name": ..., "actual": ...}` (or `"error"` instead).
    public var outputLine: String {
        var o: [String: JSONValue] = ["name": .string(name)]
        if let actual { o["actual"] = actual }
        if let error { o["error"] = .string("line \(line): \(error)") }
        return JSONValue.object(o).compactText
    }
}

/// Runs every case of a JSON-lines file in input order; a bad line is reported and skipped.
public func runConformanceCases(_ text: String, with runner: some ConformanceRunner) -> [ConformanceResult] {
    var results: [ConformanceResult] = []
    var lineNumber = 0
    for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
        lineNumber += 1
        let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
        if line.isEmpty || line.hasPrefix("//") { continue }
        var result = ConformanceResult(line: lineNumber, name: "line \(lineNumber)", differences: [])
        do {
            let testCase = try JSONValue.parse(line)
            guard testCase.objectValue != nil else { throw ConformanceCaseError("a case must be a JSON object") }
            if let name = testCase["name"]?.stringValue { result.name = name }
            result.expected = testCase["expect"] ?? expectedSteps(testCase)
            let actual = try runner.actual(for: testCase)
            result.actual = actual
            if let expected = result.expected {
                result.differences = jsonDifferences(expected: expected, actual: actual, path: "actual")
            }
        } catch {
            result.error = "\(error)"
        }
        results.append(result)
    }
    return results
}

/// Breaker cases put their expectations on each step: gather them into the array `actual` mirrors.
private func expectedSteps(_ testCase: JSONValue) -> JSONValue? {
    guard let steps = testCase["steps"]?.arrayValue else { return nil }
    return .array(steps.map { $0["expect"] ?? .object([:]) })
}

/// Keys whose numbers are compared with an absolute tolerance instead of the default relative one.
///
/// The breaker's rates are Java `float`s: the case format (reference §7) says to compare
/// `failureRate` and `slowCallRate` within 1e-4, so a case may write 33.333332, 33.3333 or the
/// float32 widened to a double (33.33333206176758) and still agree with the runner's 33.333332.
let absoluteTolerances: [String: Double] = ["failureRate": 1e-4, "slowCallRate": 1e-4]

/// Objects under these keys are compared as a whole: the HPA's `conditions` (only the types the
/// controller set in that cycle may appear; kubernetes-hpa reference §8.5).
let wholeObjectKeys: Set<String> = ["conditions"]

/// Where `actual` departs from `expected`; keys that `expected` lacks are not compared (except
/// inside `wholeObjectKeys`), and
/// numbers agree within 1e-9 relative (cases round to milliseconds or 12 digits), or within the
/// absolute tolerance of their key (`absoluteTolerances`).
public func jsonDifferences(expected: JSONValue, actual: JSONValue, path: String) -> [String] {
    switch (expected, actual) {
    case let (.object(e), .object(a)):
        var out: [String] = []
        for key in e.keys.sorted() {
            guard let av = a[key] else { out.append("\(path).\(key): missing, expected \(e[key]!.compactText)"); continue }
            if let tolerance = absoluteTolerances[key], case let (.number(ev), .number(actualValue)) = (e[key]!, av) {
                if abs(ev - actualValue) > tolerance {
                    out.append("\(path).\(key): expected \(e[key]!.compactText), got \(av.compactText)")
                }
                continue
            }
            if wholeObjectKeys.contains(key), case let (.object(eo), .object(ao)) = (e[key]!, av) {
                // Compared as a whole (reference §8.5): a condition the case does not list is a difference.
                for extra in ao.keys.sorted() where eo[extra] == nil {
                    out.append("\(path).\(key).\(extra): not expected, got \(ao[extra]!.compactText)")
                }
            }
            out += jsonDifferences(expected: e[key]!, actual: av, path: "\(path).\(key)")
        }
        return out
    case let (.array(e), .array(a)):
        if e.count != a.count {
            return ["\(path): expected \(e.count) elements \(expected.compactText), got \(a.count) \(actual.compactText)"]
        }
        return zip(e, a).enumerated().flatMap { i, pair in jsonDifferences(expected: pair.0, actual: pair.1, path: "\(path)[\(i)]") }
    case let (.number(e), .number(a)):
        let scale = max(1, abs(e), abs(a))
        return abs(e - a) <= 1e-9 * scale ? [] : ["\(path): expected \(expected.compactText), got \(actual.compactText)"]
    default:
        return expected == actual ? [] : ["\(path): expected \(expected.compactText), got \(actual.compactText)"]
    }
}
