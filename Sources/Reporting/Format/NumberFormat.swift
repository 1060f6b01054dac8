/// Deterministic number formatting for documents: pure integer arithmetic on rounded values, no
/// locale, no `String(format:)`, so the same value prints the same way on every machine.
public enum NumberFormat {
    /// `value` with exactly `digits` decimals ("-1.50"); NaN as "–" (no data), infinities as "∞", "-∞".
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return nonFinite(value) }
        let d = max(0, min(digits, 9))
        var scale = 1.0
        for _ in 0..<d { scale *= 10 }
        let scaled = (value * scale).rounded()
        guard abs(scaled) < 9.0e15 else { return "\(value)" }
        let n = Int64(scaled)
        let negative = n < 0
        let magnitude = negative ? UInt64(-n) : UInt64(n)
        let divisor = UInt64(scale)
        let whole = magnitude / divisor
        var s = negative ? "-" : ""
        s += String(whole)
        if d > 0 {
            let frac = String(magnitude % divisor)
            s += "." + String(repeating: "0", count: d - frac.count) + frac
        }
        return s == "-0" || (negative && magnitude == 0) ? String(s.dropFirst()) : s
    }

    /// Like `fixed` but with trailing zeros (and a trailing point) removed: "1.5", "2", "0.125".
    public static func trimmed(_ value: Double, _ digits: Int) -> String {
        let s = fixed(value, digits)
        guard s.contains("."), value.isFinite else { return s }
        var t = Substring(s)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return String(t)
    }

    /// `significant` significant digits, trailing zeros trimmed, thousands grouped for large
    /// values: 0.0012345 → "0.00123", 1234.5 → "1,235", 12.5 → "12.5".
    public static func significant(_ value: Double, _ significant: Int = 3) -> String {
        guard value.isFinite else { return nonFinite(value) }
        if value == 0 { return "0" }
        let a = abs(value)
        // Exact comparisons with powers of ten where possible: libm's log10 may round differently
        // on another machine, and the digit count must not.
        let magnitude = a >= 1e-15 && a < 1e16 ? Decimal10.exponent(a) : Int(log10(a).rounded(.down))
        let decimals = max(0, min(9, significant - 1 - magnitude))
        let text = trimmed(value, decimals)
        return abs(value) >= 1_000 ? grouped(text) : text
    }

    /// An integer with thousands separators: 1234567 → "1,234,567".
    public static func integer(_ value: Int) -> String { grouped(String(value)) }

    /// A value with its unit, scaled for reading: seconds become ms/µs below one second and
    /// min/h above two minutes/hours; ratios (`unit == "ratio"`) become percentages.
    public static func withUnit(_ value: Double, _ unit: String, digits: Int = 3) -> String {
        guard value.isFinite else { return nonFinite(value) }
        switch unit {
        case "s":
            let a = abs(value)
            if a == 0 { return "0 s" }
            if a < 1e-3 { return significant(value * 1e6, digits) + " µs" }
            if a < 1 { return significant(value * 1e3, digits) + " ms" }
            if a >= 7_200 { return significant(value / 3_600, digits) + " h" }
            if a >= 120 { return significant(value / 60, digits) + " min" }
            return significant(value, digits) + " s"
        case "ratio", "fraction":
            return significant(value * 100, digits) + " %"
        case "%":
            return significant(value, digits) + " %"
        case "":
            return significant(value, digits)
        default:
            return significant(value, digits) + " " + unit
        }
    }

    /// A simulated time as "h:mm:ss" (or "m:ss.s" under a minute with fractions).
    public static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite else { return nonFinite(seconds) }
        let totalMillis = Int64((seconds * 1000).rounded())
        let negative = totalMillis < 0
        let ms = abs(totalMillis)
        let h = ms / 3_600_000, m = (ms / 60_000) % 60, s = (ms / 1000) % 60, frac = ms % 1000
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var out = "\(h):\(two(m)):\(two(s))"
        if frac != 0 {
            var digits = Substring(fixed(Double(frac) / 1000, 3).dropFirst(2))
            while digits.hasSuffix("0") { digits = digits.dropLast() }
            out += "." + digits
        }
        return (negative ? "-" : "") + out
    }

    /// A duration in words: "1 h 5 min", "12 min", "45 s".
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return nonFinite(seconds) }
        let total = Int64(seconds.rounded())
        if total < 120 { return trimmed(seconds, 1) + " s" }
        let h = total / 3600, m = (total % 3600) / 60, s = total % 60
        var parts: [String] = []
        if h > 0 { parts.append("\(h) h") }
        if m > 0 { parts.append("\(m) min") }
        if s > 0 && h == 0 { parts.append("\(s) s") }
        return parts.joined(separator: " ")
    }

    /// NaN (no data) shows as an en dash, infinities as ∞.
    static func nonFinite(_ v: Double) -> String { v.isNaN ? "–" : (v > 0 ? "∞" : "-∞") }

    static func grouped(_ text: String) -> String {
        var sign = ""
        var body = Substring(text)
        if body.hasPrefix("-") { sign = "-"; body = body.dropFirst() }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let digits = Array(parts[0])
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        if parts.count > 1 { out += "." + parts[1] }
        return sign + out
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
