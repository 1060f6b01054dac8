/// A value that could not be read in its unit: `problem` says what is wrong with the text, in a
/// form that reads well before "; expected ..." (`"90" has no unit (write 90s)`).
public struct UnitError: Error, Sendable, Hashable, CustomStringConvertible {
    public var problem: String

    public init(_ problem: String) {
        self.problem = problem
    }

    public var description: String { problem }
}

/// Plain decimal numbers as scenario files write them, and how numbers are written back.
public enum NumberSyntax {
    /// A finite decimal number: optional sign, digits, optional fraction and exponent. Rejects hex,
    /// `inf`, `nan`, `.5`, `1_000` and empty text, which Swift's `Double(_:)` or YAML 1.1 would accept.
    public static func parse(_ text: String) -> Double? {
        let scalars = Array(text.utf8)
        var i = 0
        if i < scalars.count, scalars[i] == UInt8(ascii: "-") || scalars[i] == UInt8(ascii: "+") { i += 1 }
        let digitsStart = i
        while i < scalars.count, isDigit(scalars[i]) { i += 1 }
        guard i > digitsStart else { return nil }
        if i < scalars.count, scalars[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < scalars.count, isDigit(scalars[i]) { i += 1 }
            guard i > fractionStart else { return nil }
        }
        if i < scalars.count, scalars[i] == UInt8(ascii: "e") || scalars[i] == UInt8(ascii: "E") {
            i += 1
            if i < scalars.count, scalars[i] == UInt8(ascii: "-") || scalars[i] == UInt8(ascii: "+") { i += 1 }
            let exponentStart = i
            while i < scalars.count, isDigit(scalars[i]) { i += 1 }
            guard i > exponentStart else { return nil }
        }
        guard i == scalars.count, let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// The shortest text for `value`, rounded to nine decimals: `100`, `0.25`, `1.5e-12`.
    public static func format(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        var v = value
        if abs(v) < 1e9 { v = (v * 1e9).rounded() / 1e9 }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }

    /// True when `value` is an integer up to a relative error of 1e-9.
    static func isNearlyIntegral(_ value: Double) -> Bool {
        abs(value - value.rounded()) <= 1e-9 * max(1, abs(value))
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// Splits `text` into its leading number and the unit after it (`"1.5GB"` → `("1.5", "GB")`).
    static func splitNumber(_ text: Substring) -> (number: Substring, unit: Substring) {
        var end = text.startIndex
        var seenDot = false
        while end < text.endIndex {
            let c = text[end]
            if c.isASCII, c.isNumber {
                end = text.index(after: end)
            } else if c == ".", !seenDot {
                seenDot = true
                end = text.index(after: end)
            } else {
                break
            }
        }
        return (text[..<end], text[end...])
    }
}
