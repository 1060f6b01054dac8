import Foundation
import Reporting
import ScenarioKit

/// Builds each sweep point's scenario: a child document that `extends:` the base file and sets the
/// point's values, loaded through the ordinary loader (with the platform's section checks), so a
/// bad value gets the same precise `file:line:column` error as in a hand-written file.
public enum SweepScenarios {
    /// The in-memory path of point `id`'s child document ("Scenarios/x.yaml#point-3"); it sits in
    /// the base's directory, so `extends:` resolves to the base file.
    public static func childPath(base file: String, point id: Int) -> String { "\(file)#point-\(id)" }

    /// The child YAML of `point`: `extends:` the base, then the overridden values as nested mappings.
    public static func childYAML(base file: String, point: SweepPoint) -> String {
        let baseName = file.split(separator: "/").last.map(String.init) ?? file
        var out = "# sweep point \(point.id) of \(file)\nextends: \(quote(baseName))\n"
        var written: [String] = []   // key prefixes already opened, as key paths
        let sorted = point.assignments.sorted {
            $0.key.split(separator: ".").lexicographicallyPrecedes($1.key.split(separator: "."))
        }
        for a in sorted {
            let parts = a.key.split(separator: ".").map(String.init)
            // Reopen the shared prefix only when it differs from the previous assignment's.
            var common = 0
            if let last = written.last {
                let lastParts = last.split(separator: ".").map(String.init)
                while common < min(lastParts.count - 1, parts.count - 1), lastParts[common] == parts[common] { common += 1 }
            }
            for (depth, part) in parts.enumerated() where depth >= common {
                let indent = String(repeating: "  ", count: depth)
                if depth == parts.count - 1 {
                    out += "\(indent)\(quote(part)): \(a.quoted || !isPlainSafe(a.value) ? quote(a.value) : a.value)\n"
                } else {
                    out += "\(indent)\(quote(part)):\n"
                }
            }
            written.append(a.key)
        }
        return out
    }

    /// Whether `text` reads back as itself when written as a plain YAML scalar.
    static func isPlainSafe(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, CharacterSet.alphanumerics.contains(first) || first == "-" || first == "." else { return false }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._%/+-"))
        return text.unicodeScalars.allSatisfy { allowed.contains($0) }
    }

    /// A double-quoted YAML string.
    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if c.value < 0x20 { out += String(format: "\\x%02X", c.value) } else { out.unicodeScalars.append(c) }
            }
        }
        return out + "\""
    }

    /// Loads point `point` of the sweep over `file`; problems go into `sink` (nil when it cannot be built).
    public static func load(base file: String, point: SweepPoint, sectionChecks: [ScenarioLoader.SectionCheck],
                            sink: DiagnosticSink, baseProvider: any ScenarioSourceProvider = ScenarioFileReader()) -> Scenario? {
        let path = childPath(base: file, point: point.id)
        let provider = OverlaySources(overlay: [path: Array(childYAML(base: file, point: point).utf8)], base: baseProvider)
        return ScenarioLoader(provider: provider, sectionChecks: sectionChecks).load(path: path, sink: sink)
    }

    /// Loads every point; returns the scenarios, or the errors (deduplicated, sorted) when any point is wrong.
    public static func loadAll(base file: String, points: [SweepPoint], sectionChecks: [ScenarioLoader.SectionCheck],
                               seed: UInt64? = nil, replications: Int? = nil,
                               baseProvider: any ScenarioSourceProvider = ScenarioFileReader())
        -> Result<[Scenario], ScenarioValidationError>
    {
        var scenarios: [Scenario] = []
        var errors = Set<ScenarioDiagnostic>()
        for p in points {
            let sink = DiagnosticSink()
            let s = load(base: file, point: p, sectionChecks: sectionChecks, sink: sink, baseProvider: baseProvider)
            let bad = sink.diagnostics.filter(\.isError)
            if !bad.isEmpty || s == nil {
                errors.formUnion(bad)
                if bad.isEmpty {
                    errors.insert(ScenarioDiagnostic(location: SourceLocation(file: childPath(base: file, point: p.id), line: 1, column: 1), path: "",
                                                      problem: "point \(p.id) (\(p.label)) cannot be built", hint: "check the swept key paths"))
                }
                continue
            }
            var scenario = s!
            if let seed { scenario.seed = seed }
            if let replications { scenario.replications = replications }
            scenarios.append(scenario)
        }
        if !errors.isEmpty { return .failure(ScenarioValidationError(diagnostics: errors.sorted())) }
        return .success(scenarios)
    }

    /// The report of one finished point: the run's report with the point's id and coordinates.
    /// Seeds are common to all points (the scenario's seed; common random numbers), so the
    /// differences between points are the parameters', not the random draws'.
    public static func report(point: SweepPoint, run: ScenarioRun, file: String, seed: UInt64, replications: Int,
                              wallClock: [WallClockTiming]) -> RunReport {
        let params = point.assignments.map { "--param \(shellQuote("\($0.key)=\($0.value)"))" }.joined(separator: " ")
        var report = run.report(
            rerunCommand: "loomsim sweep \(shellQuote(file)) \(params) --seed \(seed) --replications \(replications)",
            interruption: run.complete ? nil : "interrupted before the end of the run",
            wallClock: wallClock)
        report.point = point.id
        report.parameters = point.assignments.map { RunParameter($0.key, $0.value) }
        return report
    }

    /// `s` quoted for a POSIX shell when it needs it.
    public static func shellQuote(_ s: String) -> String {
        let safe = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._-/=,:%+@"))
        if !s.isEmpty, s.unicodeScalars.allSatisfy({ safe.contains($0) }) { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// In-memory files over another provider (the file system): a sweep point's child document
/// beside the real base and the bases it extends.
struct OverlaySources: ScenarioSourceProvider {
    var overlay: [String: [UInt8]]
    var base: any ScenarioSourceProvider

    func contents(of path: String, limit: Int) -> Result<[UInt8], SourceReadFailure> {
        if let bytes = overlay[path] {
            return bytes.count > limit ? .failure(.tooLarge(bytes: bytes.count, limit: limit)) : .success(bytes)
        }
        return base.contents(of: path, limit: limit)
    }
}
