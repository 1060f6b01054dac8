/// Collects the diagnostics of one load (a scenario, its bases and trace files) so that every
/// reader, however deeply nested, reports into the same list and all problems surface at once.
///
/// A sink is a small mutable collector owned by one load on one thread; it is a class so that the
/// value-type readers (`NodeReader`) can share it. Identical diagnostics are kept once (a base file
/// shared by two scenarios reports its problems once). After `limit` errors further ones are
/// dropped and a final note says how many were left out, so a generated file with a million bad
/// rows cannot flood a terminal.
public final class DiagnosticSink {
    public private(set) var limit: Int
    private var seen: Set<ScenarioDiagnostic> = []
    private var list: [ScenarioDiagnostic] = []
    private var dropped = 0
    public private(set) var errorCount = 0

    public init(limit: Int = 1_000) {
        self.limit = limit
    }

    /// Records `diagnostic` unless an identical one was recorded already.
    public func report(_ diagnostic: ScenarioDiagnostic) {
        guard !seen.contains(diagnostic) else { return }
        if diagnostic.isError && errorCount >= limit {
            dropped += 1
            return
        }
        seen.insert(diagnostic)
        list.append(diagnostic)
        if diagnostic.isError { errorCount += 1 }
    }

    /// Records an error whose hint reads `expected <expected>`.
    public func error(at location: SourceLocation, path: String, _ problem: String, expected: String) {
        report(.error(at: location, path: path, problem, expected: expected))
    }

    /// Records an error with a free-form hint.
    public func error(at location: SourceLocation, path: String, _ problem: String, hint: String) {
        report(ScenarioDiagnostic(location: location, path: path, problem: problem, hint: hint))
    }

    /// Records a warning: the scenario still loads.
    public func warning(at location: SourceLocation, path: String, _ problem: String, hint: String) {
        report(ScenarioDiagnostic(severity: .warning, location: location, path: path, problem: problem, hint: hint))
    }

    public var hasErrors: Bool { errorCount > 0 }

    /// Everything recorded, sorted by file, line and column; a final note if errors were dropped.
    public var diagnostics: [ScenarioDiagnostic] {
        var out = list.sorted()
        if dropped > 0, let last = out.last(where: \.isError) {
            out.append(ScenarioDiagnostic(
                location: last.location, path: "",
                problem: "\(dropped) more errors not shown",
                hint: "fix the errors above and validate again"))
        }
        return out
    }
}
