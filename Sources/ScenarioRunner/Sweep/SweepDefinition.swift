import CGSL
import Foundation
import ScenarioKit

/// One scenario value set at a sweep point: `topology.services.video-processing.gpus.rtx-3060 = 12`.
public struct SweepAssignment: Sendable, Hashable, Codable {
    /// The dotted key path through the scenario's mappings.
    public var key: String
    /// The value as YAML scalar text.
    public var value: String
    /// True when the value must be written quoted (a string that would otherwise read as a number).
    public var quoted: Bool

    public init(key: String, value: String, quoted: Bool = false) {
        self.key = key
        self.value = value
        self.quoted = quoted
    }
}

/// One point of a sweep: its id (its position in the sweep's canonical enumeration, which depends
/// only on the sweep definition) and the values it overrides.
public struct SweepPoint: Sendable, Hashable {
    public var id: Int
    public var assignments: [SweepAssignment]

    public init(id: Int, assignments: [SweepAssignment]) {
        self.id = id
        self.assignments = assignments
    }

    /// `key=value key=value`, for progress lines and messages.
    public var label: String { assignments.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
}

/// What a sweep definition gets wrong (a bad `--param`, a bad `sweep:` section).
public struct SweepDefinitionError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A sweep: a grid (Cartesian product of value lists, first parameter slowest) or a Sobol
/// space-filling design (GSL's `gsl_qrng_sobol`) over numeric ranges.
///
/// Point ids are positions in that enumeration: they depend only on the definition, never on
/// scheduling, so a point means the same thing in a serial, parallel or sharded run.
public struct SweepDefinition: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case grid, sobol }

    /// A numeric range of a Sobol design.
    public struct Range: Sendable, Hashable {
        public var key: String
        public var min: Double
        public var max: Double
        public var integer: Bool
        /// Appended to the number (`s` makes `42.5s`), for durations, rates and sizes.
        public var unit: String

        public init(key: String, min: Double, max: Double, integer: Bool = false, unit: String = "") {
            self.key = key
            self.min = min
            self.max = max
            self.integer = integer
            self.unit = unit
        }
    }

    public var kind: Kind
    /// Sobol: the number of points and the ranges, in definition order.
    public var sobolPoints: Int
    public var ranges: [Range]

    struct GridValue: Sendable, Hashable { var text: String; var quoted: Bool }
    struct GridParameter: Sendable, Hashable { var key: String; var values: [GridValue] }
    var gridStorage: [GridParameter] = []

    /// Grid: every parameter with its values (as written), in definition order.
    public var gridParameters: [(key: String, values: [String])] { gridStorage.map { ($0.key, $0.values.map(\.text)) } }

    /// The most points one sweep may have (a guard against a typo'd grid).
    public static let maximumPoints = 100_000

    public static func grid(_ parameters: [(key: String, values: [String])]) -> SweepDefinition {
        var d = SweepDefinition(kind: .grid, sobolPoints: 0, ranges: [])
        d.gridStorage = parameters.map { GridParameter(key: $0.key, values: $0.values.map { GridValue(text: $0, quoted: false) }) }
        return d
    }

    public static func sobol(points: Int, ranges: [Range]) -> SweepDefinition {
        SweepDefinition(kind: .sobol, sobolPoints: points, ranges: ranges)
    }

    init(kind: Kind, sobolPoints: Int, ranges: [Range]) {
        self.kind = kind
        self.sobolPoints = sobolPoints
        self.ranges = ranges
    }

    /// The swept key paths, in definition order.
    public var keys: [String] { kind == .grid ? gridStorage.map(\.key) : ranges.map(\.key) }

    /// Every point, ids 0, 1, 2, ...
    public func points() -> [SweepPoint] {
        switch kind {
        case .grid:
            var result: [[SweepAssignment]] = [[]]
            for p in gridStorage {
                result = result.flatMap { prefix in
                    p.values.map { prefix + [SweepAssignment(key: p.key, value: $0.text, quoted: $0.quoted)] }
                }
            }
            if gridStorage.isEmpty { return [] }
            return result.enumerated().map { SweepPoint(id: $0.offset, assignments: $0.element) }
        case .sobol:
            let unit = Self.sobolSequence(dimensions: ranges.count, count: sobolPoints)
            return unit.enumerated().map { i, u in
                SweepPoint(id: i, assignments: zip(ranges, u).map { r, x in
                    SweepAssignment(key: r.key, value: Self.format(r, x))
                })
            }
        }
    }

    /// A value of range `r` at unit coordinate `u` in [0, 1).
    static func format(_ r: Range, _ u: Double) -> String {
        if r.integer {
            let lo = r.min.rounded(.up), hi = r.max.rounded(.down)
            let v = Swift.min(hi, (lo + (u * (hi - lo + 1)).rounded(.down)))
            return String(Int64(v)) + r.unit
        }
        let v = r.min + u * (r.max - r.min)
        return String(format: "%.6g", v) + r.unit
    }

    /// The first `count` points of GSL's Sobol sequence in `dimensions` dimensions.
    static func sobolSequence(dimensions: Int, count: Int) -> [[Double]] {
        guard dimensions > 0, count > 0, let q = gsl_qrng_alloc(loom_gsl_qrng_sobol(), UInt32(dimensions)) else { return [] }
        defer { gsl_qrng_free(q) }
        var buffer = [Double](repeating: 0, count: dimensions)
        var out: [[Double]] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            _ = buffer.withUnsafeMutableBufferPointer { gsl_qrng_get(q, $0.baseAddress) }
            out.append(buffer)
        }
        return out
    }

    /// GSL's Sobol generator supports at most this many dimensions.
    public static let maximumSobolDimensions = 40

    // MARK: Parsing

    /// Reads `--param key.path=v1,v2,...` options (a grid over them, in the order given).
    public static func parse(parameters: [String]) throws(SweepDefinitionError) -> SweepDefinition {
        var params: [(key: String, values: [String])] = []
        for text in parameters {
            guard let eq = text.firstIndex(of: "=") else {
                throw SweepDefinitionError("--param \(text): expected key.path=v1,v2,... (for example topology.services.video-processing.gpus.rtx-3060=12,24,48)")
            }
            let key = String(text[..<eq]).trimmingCharacters(in: .whitespaces)
            try checkKey(key, where: "--param \(text)")
            let values = text[text.index(after: eq)...].split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if values.contains(where: \.isEmpty) {
                throw SweepDefinitionError("--param \(text): a value is empty; expected key.path=v1,v2,...")
            }
            if params.contains(where: { $0.key == key }) {
                throw SweepDefinitionError("--param \(text): \(key) is swept twice; give all its values in one --param")
            }
            params.append((key, values))
        }
        let d = grid(params)
        try d.checkShape(where: "--param")
        return d
    }

    static func checkKey(_ key: String, where context: String) throws(SweepDefinitionError) {
        if key.isEmpty || key.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
            throw SweepDefinitionError("\(context): \"\(key)\" is not a key path; expected dotted mapping keys such as topology.services.video-processing.gpus.rtx-3060")
        }
        if key == "extends" || key.hasPrefix("extends.") || key == "sweep" || key.hasPrefix("sweep.") {
            throw SweepDefinitionError("\(context): \(key) cannot be swept")
        }
    }

    /// Rejects a key that is a prefix of another and grids that are too large.
    func checkShape(where context: String) throws(SweepDefinitionError) {
        let ks = keys
        for a in ks {
            for b in ks where b.hasPrefix(a + ".") {
                throw SweepDefinitionError("\(context): \(a) and \(b) overlap; sweep one or the other")
            }
        }
        let count = kind == .grid ? gridStorage.reduce(1) { $0.multipliedReportingOverflow(by: $1.values.count).partialValue } : sobolPoints
        if count > Self.maximumPoints {
            throw SweepDefinitionError("\(context): the sweep has \(count) points, over the \(Self.maximumPoints) limit")
        }
    }

    /// Reads a scenario's `sweep:` section, reporting problems at their file:line:column into `sink`;
    /// nil when the section is absent or wrong.
    ///
    /// ```yaml
    /// sweep:
    ///   grid: {topology.services.video-processing.gpus.rtx-3060: [12, 24, 48]}
    /// # or
    /// sweep:
    ///   sobol:
    ///     points: 16
    ///     ranges:
    ///       topology.services.video-processing.gpus.rtx-3060: {min: 8, max: 48, integer: true}
    ///       topology.services.video-processing.gpuWaitBudget: {min: 30, max: 120, unit: s}
    /// ```
    public static func parse(section node: ScenarioNode, sink: DiagnosticSink) -> SweepDefinition? {
        let root = NodeReader(node, path: "sweep", sink: sink)
        guard root.checkKeys(["grid", "sobol"]) else { return nil }
        guard let which = root.exactlyOne(of: ["grid", "sobol"], what: "sweep design") else { return nil }
        let errorsBefore = sink.errorCount
        var definition: SweepDefinition
        if which == "grid", let grid = root.child("grid") {
            var params: [GridParameter] = []
            for (key, values) in grid.entries(expected: "a mapping of key paths to lists of values") {
                do throws(SweepDefinitionError) { try checkKey(key, where: values.path) } catch {
                    values.error(error.message, hint: "name a scenario value by its dotted key path")
                    continue
                }
                let elements = values.elements(expected: "a list of values")
                var texts: [GridValue] = []
                for e in elements {
                    guard let s = e.node.scalar, !s.isNull else {
                        e.error("found \(e.node.summary)", expected: "a scalar value")
                        continue
                    }
                    texts.append(GridValue(text: s.text, quoted: s.isQuoted))
                }
                if elements.isEmpty && !values.isNull { continue }
                if texts.isEmpty { values.error("no values", expected: "a non-empty list of values"); continue }
                params.append(GridParameter(key: key, values: texts))
            }
            if params.isEmpty && sink.errorCount == errorsBefore { grid.error("no parameters", expected: "at least one key path with a list of values") }
            definition = SweepDefinition(kind: .grid, sobolPoints: 0, ranges: [])
            definition.gridStorage = params
        } else if which == "sobol", let sobol = root.child("sobol") {
            guard sobol.checkKeys(["points", "ranges"]) else { return nil }
            let points = sobol.required("points", as: .integer(in: 1...maximumPoints))
            var ranges: [Range] = []
            if let rs = sobol.child("ranges") {
                for (key, r) in rs.entries(expected: "a mapping of key paths to {min:, max:}") {
                    do throws(SweepDefinitionError) { try checkKey(key, where: r.path) } catch {
                        r.error(error.message, hint: "name a scenario value by its dotted key path")
                        continue
                    }
                    guard r.checkKeys(["min", "max", "integer", "unit"]) else { continue }
                    guard let lo = r.required("min", as: .number()), let hi = r.required("max", as: .number()) else { continue }
                    let integer = r.optional("integer", as: .bool, default: false)
                    let unit = r.optional("unit", as: .string, default: "")
                    if hi < lo { r.error("max \(hi) is below min \(lo)", expected: "min ≤ max"); continue }
                    if integer && hi.rounded(.down) < lo.rounded(.up) {
                        r.error("no integer lies between \(lo) and \(hi)", expected: "a range holding an integer"); continue
                    }
                    ranges.append(Range(key: key, min: lo, max: hi, integer: integer, unit: unit))
                }
                if ranges.count > maximumSobolDimensions {
                    rs.error("\(ranges.count) ranges", expected: "at most \(maximumSobolDimensions) (GSL's Sobol sequence)")
                }
                if ranges.isEmpty && sink.errorCount == errorsBefore { rs.error("no ranges", expected: "at least one key path with {min:, max:}") }
            } else {
                sobol.reportMissing("ranges", expected: "a mapping of key paths to {min:, max:}")
            }
            guard let points else { return nil }
            definition = .sobol(points: points, ranges: ranges)
        } else {
            return nil
        }
        guard sink.errorCount == errorsBefore else { return nil }
        do throws(SweepDefinitionError) { try definition.checkShape(where: "sweep") } catch {
            root.error(error.message, hint: "fix the sweep section")
            return nil
        }
        return definition
    }
}
