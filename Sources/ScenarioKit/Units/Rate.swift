/// A rate of events, written as a count per unit of time: `100/s`, `5/min`, `3600/h`, `2/d`.
///
/// Units after the slash: `ms`, `s` (`sec`, `second`), `min` (`minute`), `h` (`hr`, `hour`),
/// `d` (`day`). `/m` is refused as ambiguous (minute or milli?). A bare number is refused: write
/// the unit. Stored as events per second.
public struct Rate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var perSecond: Double

    public init(perSecond: Double) {
        self.perSecond = perSecond
    }

    /// What a rate looks like, for "expected ..." hints.
    public static let example = "a rate like 100/s, 5/min or 3600/h"

    static let units: [(names: [String], seconds: Double)] = [
        (["ms"], 0.001), (["s", "sec", "second"], 1), (["min", "minute"], 60),
        (["h", "hr", "hour"], 3600), (["d", "day"], 86_400),
    ]

    /// The rate written in `text`.
    public static func parse(_ text: String) throws(UnitError) -> Rate {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty else { throw UnitError("the rate is empty") }
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            if let number = NumberSyntax.parse(trimmed) {
                throw UnitError("\"\(text)\" has no unit (write \(NumberSyntax.format(number))/s for per second)")
            }
            throw UnitError("\"\(text)\" is not a rate")
        }
        let countText = String(parts[0]).trimmingSpaces
        let unit = String(parts[1]).trimmingSpaces
        guard let count = NumberSyntax.parse(countText) else { throw UnitError("\"\(text)\" is not a rate") }
        guard count >= 0 else { throw UnitError("\"\(text)\" is negative") }
        if unit == "m" { throw UnitError("\"\(text)\" is ambiguous (write \(countText)/min for per minute)") }
        guard let seconds = units.first(where: { $0.names.contains(unit) })?.seconds else {
            throw UnitError("\"\(text)\" has an unknown unit \"\(unit)\" (use /s, /min, /h or /d)")
        }
        return Rate(perSecond: count / seconds)
    }

    /// Canonical text: per second when that is a whole number or at least one, else the first of
    /// per minute, hour or day that gives a whole number (`100/s`, `5/min`, `0.3/s`).
    public var description: String {
        if perSecond >= 1 || NumberSyntax.isNearlyIntegral(perSecond) {
            return "\(NumberSyntax.format(perSecond))/s"
        }
        for (name, factor) in [("min", 60.0), ("h", 3600.0), ("d", 86_400.0)]
        where NumberSyntax.isNearlyIntegral(perSecond * factor) {
            return "\(NumberSyntax.format(perSecond * factor))/\(name)"
        }
        return "\(NumberSyntax.format(perSecond))/s"
    }

    public static func < (a: Rate, b: Rate) -> Bool { a.perSecond < b.perSecond }
}

/// A proportion between 0 and 1: an error rate, a probability, a share of traffic. Written as a
/// percentage (`50%`, `0.1%`) or as a plain number from 0 to 1 (`0.5`); a plain number above 1 is
/// refused with a hint to add `%` (is `5` five percent or 500%?).
public struct Fraction: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var value: Double

    public init(_ value: Double) {
        self.value = value
    }

    /// What a fraction looks like, for "expected ..." hints.
    public static let example = "a percentage like 5% or a fraction from 0 to 1 like 0.05"

    public static func parse(_ text: String) throws(UnitError) -> Fraction {
        let trimmed = text.trimmingSpaces
        if trimmed.hasSuffix("%") {
            guard let percent = NumberSyntax.parse(String(trimmed.dropLast()).trimmingSpaces) else {
                throw UnitError("\"\(text)\" is not a percentage")
            }
            guard percent >= 0 else { throw UnitError("\"\(text)\" is negative") }
            guard percent <= 100 else { throw UnitError("\(trimmed) is more than 100%") }
            return Fraction(percent / 100)
        }
        guard let value = NumberSyntax.parse(trimmed) else { throw UnitError("\"\(text)\" is not a percentage or fraction") }
        guard value >= 0 else { throw UnitError("\"\(text)\" is negative") }
        guard value <= 1 else {
            throw UnitError("\(trimmed) is more than 1 (write \(trimmed)% for \(trimmed) percent)")
        }
        return Fraction(value)
    }

    /// Canonical text: a percentage, `5%`, `0.1%`.
    public var description: String { "\(NumberSyntax.format(value * 100))%" }

    public static func < (a: Fraction, b: Fraction) -> Bool { a.value < b.value }
}

/// An amount of money in US dollars, written with a dollar sign: `$0.12`, `$500`, `$1,200.50`.
public struct Money: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var dollars: Double

    public init(dollars: Double) {
        self.dollars = dollars
    }

    /// What an amount of money looks like, for "expected ..." hints.
    public static let example = "an amount like $0.12 or $500"

    public static func parse(_ text: String) throws(UnitError) -> Money {
        let trimmed = text.trimmingSpaces
        if trimmed.hasPrefix("-") { throw UnitError("\"\(text)\" is negative") }
        guard trimmed.hasPrefix("$") else {
            if let number = NumberSyntax.parse(trimmed) {
                throw UnitError("\"\(text)\" has no currency sign (write $\(NumberSyntax.format(number)))")
            }
            throw UnitError("\"\(text)\" is not an amount of money")
        }
        var digits = String(trimmed.dropFirst())
        if digits.contains(",") {
            let whole = digits.split(separator: ".", maxSplits: 1)[0]
            let groups = whole.split(separator: ",", omittingEmptySubsequences: false)
            guard groups.count > 1, (1...3).contains(groups[0].count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else {
                throw UnitError("\"\(text)\" has misplaced thousands separators")
            }
            digits.removeAll { $0 == "," }
        }
        guard let value = NumberSyntax.parse(digits), !digits.hasPrefix("-"), !digits.hasPrefix("+") else {
            throw UnitError("\"\(text)\" is not an amount of money")
        }
        return Money(dollars: value)
    }

    /// Canonical text: `$500`, `$0.12`.
    public var description: String { "$\(NumberSyntax.format(dollars))" }

    public static func < (a: Money, b: Money) -> Bool { a.dollars < b.dollars }
}
