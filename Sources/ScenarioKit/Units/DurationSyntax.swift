/// Durations as scenario files write them: a number and a unit, or several from the largest unit
/// to the smallest: `250ms`, `90s`, `5m`, `1h`, `1h30m`, `2d`, `1.5h`.
///
/// Units: `d` (day), `h`, `m` (minute), `s`, `ms`, `us` (or `µs`), `ns`; spaces between numbers
/// and units are allowed (`1h 30m`). A bare number is refused
/// (is `90` seconds or minutes?) except `0`. Fractions are rounded to the nanosecond.
/// `format` writes the canonical form used in resolved scenarios: components from days down to
/// nanoseconds, zero components left out (`5400s` → `1h30m`, `1.5s` → `1s500ms`).
public enum DurationSyntax {
    /// The units, from largest to smallest, with their length in nanoseconds.
    public static let units: [(symbol: String, nanoseconds: Int64)] = [
        ("d", 86_400_000_000_000), ("h", 3_600_000_000_000), ("m", 60_000_000_000), ("s", 1_000_000_000),
        ("ms", 1_000_000), ("us", 1_000), ("ns", 1),
    ]

    /// What a duration looks like, for "expected ..." hints.
    public static let example = "a duration like 90s, 5m or 1h30m"

    /// The duration written in `text`; negative values only with `allowingNegative`.
    public static func parse(_ text: String, allowingNegative: Bool = false) throws(UnitError) -> TimeAmount {
        var rest = Substring(text.trimmingSpaces)
        guard !rest.isEmpty else { throw UnitError("the duration is empty") }
        var negative = false
        if rest.first == "-" {
            guard allowingNegative else { throw UnitError("\"\(text)\" is negative") }
            negative = true
            rest = rest.dropFirst()
        } else if rest.first == "+" {
            rest = rest.dropFirst()
        }
        if NumberSyntax.parse(String(rest)) == 0 { return .zero }
        if let number = NumberSyntax.parse(String(rest)) {
            throw UnitError("\"\(text)\" has no unit (write \(NumberSyntax.format(number))s for seconds)")
        }
        var total: Int64 = 0
        var lastRank = -1
        while !rest.isEmpty {
            let (number, spaced) = NumberSyntax.splitNumber(rest)
            let afterNumber = spaced.drop { $0 == " " }
            guard !number.isEmpty, number != "." else { throw UnitError("\"\(text)\" is not a duration") }
            let unit = afterNumber.prefix { $0.isLetter || $0 == "µ" }
            guard !unit.isEmpty else {
                throw UnitError("\"\(text)\" has a number without a unit")
            }
            let symbol = unit == "µs" ? "us" : String(unit)
            guard let rank = units.firstIndex(where: { $0.symbol == symbol }) else {
                throw UnitError("\"\(text)\" has an unknown unit \"\(unit)\" (use d, h, m, s, ms, us or ns)")
            }
            guard rank > lastRank else {
                throw UnitError("\"\(text)\" has its units out of order (write them from largest to smallest, each once)")
            }
            lastRank = rank
            let scale = units[rank].nanoseconds
            let parts = number.split(separator: ".", omittingEmptySubsequences: false)
            guard let whole = Int64(parts[0].isEmpty ? "0" : parts[0]) else { throw UnitError("\"\(text)\" is too large") }
            var (amount, overflow) = whole.multipliedReportingOverflow(by: scale)
            if parts.count == 2, let fraction = Double("0." + parts[1]) {
                let extra = (fraction * Double(scale)).rounded()
                let (sum, o2) = amount.addingReportingOverflow(Int64(extra))
                amount = sum
                overflow = overflow || o2
            }
            let (sum, o3) = total.addingReportingOverflow(amount)
            guard !overflow, !o3 else { throw UnitError("\"\(text)\" is too large") }
            total = sum
            rest = afterNumber.dropFirst(unit.count).drop { $0 == " " }
        }
        return TimeAmount(nanoseconds: negative ? -total : total)
    }

    /// The canonical text of `amount`: `1h30m`, `250ms`, `0s`, `-2s`.
    public static func format(_ amount: TimeAmount) -> String {
        if amount.nanoseconds == 0 { return "0s" }
        if amount.nanoseconds < 0 {
            return "-" + format(TimeAmount(nanoseconds: amount.nanoseconds == .min ? .max : -amount.nanoseconds))
        }
        var rest = amount.nanoseconds
        var out = ""
        for (symbol, scale) in units where rest >= scale {
            out += "\(rest / scale)\(symbol)"
            rest %= scale
        }
        return out
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs and line breaks.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
