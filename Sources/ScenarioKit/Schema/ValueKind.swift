/// How to read one value of a scenario: what it should look like (for "expected ..." hints) and
/// how to read it from a node, reporting problems through the node's reader.
///
/// The standard kinds cover the common syntaxes (`.string`, `.identifier`, `.bool`,
/// `.integer(in:)`, `.number(in:)`, `.duration`, `.size`, `.rate`, `.fraction`, `.money`,
/// `.measure`, `.oneOf(...)`, `.choice(...)`); decoders add their own with `init(expected:read:)`,
/// `scalar(expected:parse:)` or by refining one with `checked(_:)`. Kinds are immutable and
/// `Sendable`, so decoders can keep them in static properties.
public struct ValueKind<Value>: Sendable {
    /// What the value should look like: `a duration like 90s, 5m or 1h30m`.
    public let expected: String
    let read: @Sendable (NodeReader) -> Value?

    /// A kind with its own reading logic (which reports through the reader it is given).
    public init(expected: String, read: @escaping @Sendable (NodeReader) -> Value?) {
        self.expected = expected
        self.read = read
    }

    /// A kind read from a scalar's text; `parse` throws a `UnitError` describing what is wrong
    /// (any other error is reported by its description). Mappings, lists and null are reported as
    /// `found a mapping; expected <expected>`.
    public static func scalar(expected: String, parse: @escaping @Sendable (String) throws -> Value) -> ValueKind {
        ValueKind(expected: expected) { reader in
            guard let scalar = reader.node.scalar, !scalar.isNull else {
                reader.error("found \(reader.node.summary)", expected: expected)
                return nil
            }
            do {
                return try parse(scalar.text)
            } catch let error as UnitError {
                reader.error(error.problem, expected: expected)
                return nil
            } catch {
                reader.error("\"\(scalar.text)\" cannot be read (\(error))", expected: expected)
                return nil
            }
        }
    }

    /// This kind with an extra check: `problem` returns what is wrong with a value read, or nil
    /// when it is acceptable; `expected` replaces the hint (for the range a value must be in).
    public func checked(expected: String? = nil, _ problem: @escaping @Sendable (Value) -> String?) -> ValueKind {
        let expectation = expected ?? self.expected
        let base = self
        return ValueKind(expected: expectation) { reader in
            guard let value = base.read(reader) else { return nil }
            if let what = problem(value) {
                reader.error(what, expected: expectation)
                return nil
            }
            return value
        }
    }

    /// This kind with its value transformed.
    public func map<Other>(_ transform: @escaping @Sendable (Value) -> Other) -> ValueKind<Other> {
        let base = self
        return ValueKind<Other>(expected: expected) { base.read($0).map(transform) }
    }
}

extension ValueKind where Value == String {
    /// Any scalar's text (quoted or not); not a mapping, list or null.
    public static var string: ValueKind { .scalar(expected: "a string") { $0 } }

    /// A name made of lowercase letters, digits and dashes, at most 63 characters, like a
    /// Kubernetes object name: `peak-hour`, `recording`, `us-east-1`.
    public static var identifier: ValueKind {
        .scalar(expected: "a name of lowercase letters, digits and dashes, like peak-hour") { text in
            guard !text.isEmpty else { throw UnitError("the name is empty") }
            guard text.count <= 63 else { throw UnitError("\"\(text)\" is longer than 63 characters") }
            guard text.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else {
                throw UnitError("\"\(text)\" is not a valid name")
            }
            return text
        }
    }

    /// A dotted metric name: segments of letters, digits, `_` and `-` joined by dots, like
    /// `video.queue_wait`, optionally with labels (`video.queue_wait{priority=high}`), or a ratio
    /// of two such names (`analytics.dropped/analytics.entered`).
    public static var metricName: ValueKind {
        .scalar(expected: "a dotted metric name like video.queue_wait") { text in
            guard MetricNames.isValid(text) else { throw UnitError("\"\(text)\" is not a metric name") }
            return text
        }
    }

    /// One of `choices` (case-sensitive), with a "did you mean" for near misses.
    public static func oneOf(_ choices: [String]) -> ValueKind {
        let expected = "one of \(choices.joined(separator: ", "))"
        return ValueKind(expected: expected) { reader in
            guard let scalar = reader.node.scalar, !scalar.isNull else {
                reader.error("found \(reader.node.summary)", expected: expected)
                return nil
            }
            guard choices.contains(scalar.text) else {
                reader.error("\"\(scalar.text)\" is not a known value", hint: Suggestion.hint(for: scalar.text, among: choices))
                return nil
            }
            return scalar.text
        }
    }
}

extension ValueKind where Value: RawRepresentable & CaseIterable & Sendable, Value.RawValue == String {
    /// One case of a string enumeration, by raw value, with a "did you mean" for near misses.
    public static func choice(_ type: Value.Type) -> ValueKind {
        let cases = Array(Value.allCases)
        return ValueKind<String>.oneOf(cases.map(\.rawValue)).map { text in cases.first { $0.rawValue == text }! }
    }
}

extension ValueKind where Value == Bool {
    /// `true` or `false` (YAML 1.1's `yes`, `on`... are refused as ambiguous).
    public static var bool: ValueKind {
        .scalar(expected: "true or false") { text in
            switch text {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: throw UnitError("\"\(text)\" is not a boolean")
            }
        }
    }
}

extension ValueKind where Value == Int {
    /// A whole number within `range`.
    public static func integer(in range: ClosedRange<Int> = Int.min...Int.max) -> ValueKind {
        let expected = range == Int.min...Int.max ? "an integer"
            : range.upperBound == Int.max ? "an integer of at least \(range.lowerBound)"
            : "an integer from \(range.lowerBound) to \(range.upperBound)"
        return .scalar(expected: expected) { text in
            var parsed = Int(text.hasPrefix("+") ? String(text.dropFirst()) : text)
            if parsed == nil, let number = NumberSyntax.parse(text) {
                guard number == number.rounded(), abs(number) < 9e15 else {
                    throw UnitError("\(NumberSyntax.format(number)) is not a whole number")
                }
                parsed = Int(number)
            }
            guard let value = parsed else { throw UnitError("\"\(text)\" is not an integer") }
            guard range.contains(value) else { throw UnitError("\(value) is out of range") }
            return value
        }
    }
}

extension ValueKind where Value == UInt64 {
    /// A whole number from 0 to 2⁶⁴−1 (seeds).
    public static var uint64: ValueKind {
        .scalar(expected: "an integer from 0 to 18446744073709551615") { text in
            guard let value = UInt64(text) else {
                if text.hasPrefix("-"), Int(text) != nil { throw UnitError("\(text) is negative") }
                if UInt64(text.filter(\.isNumber)) == nil, !text.isEmpty, text.allSatisfy(\.isNumber) {
                    throw UnitError("\(text) is too large")
                }
                throw UnitError("\"\(text)\" is not an integer")
            }
            return value
        }
    }
}

extension ValueKind where Value == Double {
    /// A plain finite number within `range`.
    public static func number(in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude,
                              expected: String? = nil) -> ValueKind {
        let hint = expected ?? (range.lowerBound == -Double.greatestFiniteMagnitude ? "a number"
            : "a number from \(NumberSyntax.format(range.lowerBound)) to \(NumberSyntax.format(range.upperBound))")
        return .scalar(expected: hint) { text in
            guard let value = NumberSyntax.parse(text) else { throw UnitError("\"\(text)\" is not a number") }
            guard range.contains(value) else { throw UnitError("\(NumberSyntax.format(value)) is out of range") }
            return value
        }
    }

    /// A number greater than zero.
    public static var positiveNumber: ValueKind {
        .scalar(expected: "a number greater than 0") { text in
            guard let value = NumberSyntax.parse(text) else { throw UnitError("\"\(text)\" is not a number") }
            guard value > 0 else { throw UnitError("\(NumberSyntax.format(value)) is not greater than 0") }
            return value
        }
    }
}

extension ValueKind where Value == TimeAmount {
    /// A duration of zero or more (`DurationSyntax`).
    public static var duration: ValueKind { .scalar(expected: DurationSyntax.example) { try DurationSyntax.parse($0) } }

    /// A duration greater than zero.
    public static var positiveDuration: ValueKind {
        ValueKind.duration.checked(expected: "a duration greater than 0s, like 90s or 5m") {
            $0 > .zero ? nil : "the duration is zero"
        }
    }

    /// A duration that may be negative (`-2s`, a clock skew).
    public static var signedDuration: ValueKind {
        .scalar(expected: "a duration like 2s or -500ms") { try DurationSyntax.parse($0, allowingNegative: true) }
    }
}

extension ValueKind where Value == ByteCount {
    /// A size in bytes (`ByteCount`).
    public static var size: ValueKind { .scalar(expected: ByteCount.example) { try ByteCount.parse($0) } }
}

extension ValueKind where Value == Rate {
    /// A rate (`Rate`).
    public static var rate: ValueKind { .scalar(expected: Rate.example) { try Rate.parse($0) } }
}

extension ValueKind where Value == Fraction {
    /// A proportion from 0 to 1, as a percentage or a plain fraction (`Fraction`).
    public static var fraction: ValueKind { .scalar(expected: Fraction.example) { try Fraction.parse($0) } }
}

extension ValueKind where Value == Money {
    /// An amount of dollars (`Money`).
    public static var money: ValueKind { .scalar(expected: Money.example) { try Money.parse($0) } }
}

extension ValueKind where Value == Measure {
    /// A number in any unit syntax (`Measure`).
    public static var measure: ValueKind { .scalar(expected: Measure.example) { try Measure.parse($0) } }
}

/// The syntax of metric names.
public enum MetricNames {
    /// Dot-separated segments, each of ASCII letters, digits, `_` and `-`.
    public static func isValid(_ name: String) -> Bool {
        // `a/b` (a ratio of two counters) is two metric names.
        if let slash = name.firstIndex(of: "/") {
            return isValid(String(name[..<slash])) && isValid(String(name[name.index(after: slash)...]))
        }
        var base = Substring(name)
        // An optional label block: `name{key=value,key=value}`.
        if name.hasSuffix("}"), let open = name.firstIndex(of: "{") {
            base = name[..<open]
            let labels = name[name.index(after: open)..<name.index(before: name.endIndex)]
            let ok = !labels.isEmpty && labels.split(separator: ",", omittingEmptySubsequences: false).allSatisfy { pair in
                let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
                return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.unicodeScalars.allSatisfy(isNameScalar) }
            }
            guard ok else { return false }
        }
        let segments = base.split(separator: ".", omittingEmptySubsequences: false)
        return !base.isEmpty && segments.allSatisfy { segment in
            !segment.isEmpty && segment.unicodeScalars.allSatisfy(isNameScalar)
        }
    }

    static func isNameScalar(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "_" || c == "-"
    }
}
