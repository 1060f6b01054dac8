/// A number with its dimension: a threshold in an SLO, a parameter of a distribution, a measured
/// value in a report. The value is kept in the base unit of its dimension (seconds, bytes, events
/// per second, a fraction, dollars, or a plain number), so comparisons never convert units.
public struct Measure: Sendable, Hashable, CustomStringConvertible {
    /// The dimension of a measure, and with it the base unit of `value`.
    public enum Dimension: String, Sendable, Hashable, CaseIterable {
        case duration, size, rate, fraction, money, number
    }

    public var value: Double
    public var dimension: Dimension

    public init(_ value: Double, _ dimension: Dimension) {
        self.value = value
        self.dimension = dimension
    }

    /// What a measure looks like, for "expected ..." hints.
    public static let example = "a value like 30s, 512Mi, 100/s, 5%, $500 or 42"

    /// Reads any of the unit syntaxes, choosing by the text's shape: `$…` money, `…%` a fraction,
    /// `…/…` a rate, a duration unit (`ms s m h d`, lowercase) a duration, a size suffix
    /// (`Ki Mi k M G B`...) a size, else a plain number. So `5m` is five minutes and `5M` five
    /// megabytes. A plain number keeps dimension `.number` even where a fraction is meant (`0.5`).
    public static func parse(_ text: String) throws(UnitError) -> Measure {
        let trimmed = text.trimmingSpaces
        if trimmed.hasPrefix("$") || trimmed.hasPrefix("-$") { return Measure(try Money.parse(trimmed).dollars, .money) }
        if trimmed.hasSuffix("%") { return Measure(try Fraction.parse(trimmed).value, .fraction) }
        if trimmed.contains("/") { return Measure(try Rate.parse(trimmed).perSecond, .rate) }
        if let number = NumberSyntax.parse(trimmed) { return Measure(number, .number) }
        let (number, spacedSuffix) = NumberSyntax.splitNumber(Substring(trimmed.hasPrefix("-") ? String(trimmed.dropFirst()) : trimmed))
        let suffix = spacedSuffix.drop { $0 == " " }
        guard !number.isEmpty else { throw UnitError("\"\(text)\" is not a number with a unit") }
        if let first = suffix.first, first.isLowercase, first != "k" || suffix.count > 1 && suffix != "kB" {
            return Measure(try DurationSyntax.parse(trimmed, allowingNegative: true).seconds, .duration)
        }
        return Measure(Double(try ByteCount.parse(trimmed).bytes), .size)
    }

    /// The measure in the canonical syntax of its dimension: `30s`, `2Gi`, `100/s`, `5%`, `$500`, `42`.
    public var description: String {
        switch dimension {
        case .duration: return DurationSyntax.format(.saturatingSeconds(value))
        case .size:
            return NumberSyntax.isNearlyIntegral(value) && abs(value) < 9e18
                ? ByteCount(bytes: Int64(value.rounded())).description : NumberSyntax.format(value)
        case .rate: return Rate(perSecond: value).description
        case .fraction: return Fraction(value).description
        case .money: return Money(dollars: value).description
        case .number: return NumberSyntax.format(value)
        }
    }

    /// The same value shown in this measure's dimension (for a measured value compared to a threshold).
    public func withValue(_ value: Double) -> Measure { Measure(value, dimension) }
}
