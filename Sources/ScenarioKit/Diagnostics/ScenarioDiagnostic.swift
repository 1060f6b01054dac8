/// One problem found in a scenario: where it is, which key it concerns, what is wrong and what
/// was expected. Rendered as `FILE:LINE:COLUMN: error: <key path>: <what is wrong>; <what is expected>`,
/// the form compilers use, so editors and CI problem matchers can jump to it.
///
/// Problems with a file as a whole (missing, empty, binary) are reported at line 1, column 1 and
/// have an empty key path, which is then left out of the rendering.
public struct ScenarioDiagnostic: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// How serious a diagnostic is: errors stop a scenario from loading, warnings do not.
    public enum Severity: String, Sendable, Hashable, Comparable {
        case error
        case warning

        public static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }
    }

    public var severity: Severity
    public var location: SourceLocation
    /// The key path, like `load.workloads[2].rate`; empty for the document or file as a whole.
    public var path: String
    /// What is wrong, like `"fast" is not a rate`.
    public var problem: String
    /// What is expected or how to fix it, like `expected a rate like 100/s` or `did you mean "rate"?`.
    public var hint: String

    public init(severity: Severity = .error, location: SourceLocation, path: String, problem: String, hint: String) {
        self.severity = severity
        self.location = location
        self.path = path
        self.problem = problem
        self.hint = hint
    }

    /// An error whose hint reads `expected <expected>`.
    public static func error(at location: SourceLocation, path: String, _ problem: String,
                             expected: String) -> ScenarioDiagnostic {
        ScenarioDiagnostic(location: location, path: path, problem: problem, hint: "expected \(expected)")
    }

    public var isError: Bool { severity == .error }

    /// Ordered by file, line and column, then errors before warnings, then by text.
    public static func < (a: ScenarioDiagnostic, b: ScenarioDiagnostic) -> Bool {
        if a.location != b.location { return a.location < b.location }
        if a.severity != b.severity { return a.severity < b.severity }
        return (a.path, a.problem, a.hint) < (b.path, b.problem, b.hint)
    }

    public var description: String {
        var out = "\(location): \(severity.rawValue): "
        if !path.isEmpty { out += "\(path): " }
        out += problem
        if !hint.isEmpty { out += "; \(hint)" }
        return out
    }
}

/// The reason a scenario could not be loaded: every error found in the scenario and its base
/// files, sorted by file, line and column (never only the first one).
public struct ScenarioValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The errors (and any warnings found alongside them), sorted.
    public var diagnostics: [ScenarioDiagnostic]

    public init(diagnostics: [ScenarioDiagnostic]) {
        self.diagnostics = diagnostics.sorted()
    }

    /// Only the errors.
    public var errors: [ScenarioDiagnostic] { diagnostics.filter(\.isError) }

    /// One diagnostic per line.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
