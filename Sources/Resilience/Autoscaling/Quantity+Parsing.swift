/// The pieces of a quantity's text, split as upstream `parseQuantityString` and interpreted as
/// `suffixHandler.interpret` does (`k8s.io/apimachinery/pkg/api/resource/quantity.go`, `suffix.go`).
struct QuantityText {
    enum Suffix: Equatable {
        /// ×10^power (decimal SI or a decimal exponent).
        case decimal(Int)
        /// ×2^power (binary SI, power 10…60).
        case binary(Int)
    }

    var isPositive = true
    /// Integer digits after stripping leading zeros; `[0]` when none are left (upstream's `num`).
    var number: [UInt8] = [0]
    /// Digits after the decimal point (upstream's `denom`).
    var fraction: [UInt8] = []
    var suffix: Suffix = .decimal(0)

    init(parsing text: String) throws(QuantityError) {
        let s = Array(text.utf8)
        guard !s.isEmpty else { throw .formatWrong }
        if text == "0" { return }
        let end = s.count
        var pos = 0
        if s[0] == UInt8(ascii: "-") { isPositive = false; pos = 1 } else if s[0] == UInt8(ascii: "+") { pos = 1 }
        while pos < end, s[pos] == UInt8(ascii: "0") { pos += 1 }
        if pos >= end { return }  // only zeros: upstream returns "0" before looking at a suffix
        let numberStart = pos
        while pos < end, Self.isDigit(s[pos]) { pos += 1 }
        if pos > numberStart { number = s[numberStart..<pos].map { $0 - 48 } }
        if pos < end, s[pos] == UInt8(ascii: ".") {
            pos += 1
            let fractionStart = pos
            while pos < end, Self.isDigit(s[pos]) { pos += 1 }
            fraction = s[fractionStart..<pos].map { $0 - 48 }
        }
        let suffixStart = pos
        let suffixLetters = Array("eEinumkKMGTP".utf8)
        while pos < end, suffixLetters.contains(s[pos]) { pos += 1 }
        if pos < end, s[pos] == UInt8(ascii: "-") || s[pos] == UInt8(ascii: "+") { pos += 1 }
        while pos < end, Self.isDigit(s[pos]) { pos += 1 }
        guard pos == end else { throw .formatWrong }
        suffix = try Self.interpret(String(decoding: s[suffixStart..<end], as: UTF8.self))
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    static func interpret(_ suffix: String) throws(QuantityError) -> Suffix {
        switch suffix {
        case "n": return .decimal(-9)
        case "u": return .decimal(-6)
        case "m": return .decimal(-3)
        case "": return .decimal(0)
        case "k": return .decimal(3)
        case "M": return .decimal(6)
        case "G": return .decimal(9)
        case "T": return .decimal(12)
        case "P": return .decimal(15)
        case "E": return .decimal(18)
        case "Ki": return .binary(10)
        case "Mi": return .binary(20)
        case "Gi": return .binary(30)
        case "Ti": return .binary(40)
        case "Pi": return .binary(50)
        case "Ei": return .binary(60)
        default:
            guard suffix.count > 1, suffix.first == "e" || suffix.first == "E",
                let power = Int64(suffix.dropFirst())
            else { throw .suffix }
            return .decimal(Int(Int32(truncatingIfNeeded: power)))  // upstream: int32(parsed)
        }
    }

    /// Upstream's int64 fast path for decimal quantities: `(value, scale)` when it applies.
    func fastDecimalValue(power: Int) -> (base: Double, exponent: Int)? {
        let scale = power - fraction.count
        guard 18 - (number.count + fraction.count) >= 0, scale >= -9 else { return nil }
        var value: Int64 = 0
        for d in number + fraction { value = value * 10 + Int64(d) }
        return (Double(isPositive ? value : -value), scale)
    }

    /// Upstream's int64 fast path for binary quantities without a fraction.
    func fastBinaryValue(power: Int) -> Double? {
        guard fraction.isEmpty, 15 - number.count - Int(Float(power) * 3 / 10) - 1 >= 0 else { return nil }
        var value: Int64 = 0
        for d in number { value = value * 10 + Int64(d) }
        let (result, overflow) = value.multipliedReportingOverflow(by: Int64(1) << Int64(power))
        guard !overflow else { return nil }
        return Double(isPositive ? result : -result)
    }
}

/// Exact arithmetic on decimal digit arrays (most significant digit first), enough for quantities.
enum QuantityDigits {
    static let maxInt64Digits: [UInt8] = Array("9223372036854775807".utf8).map { $0 - 48 }

    static func trimmingLeadingZeros(_ d: [UInt8]) -> [UInt8] {
        guard let first = d.firstIndex(where: { $0 != 0 }) else { return [] }
        return Array(d[first...])
    }

    /// Strips leading and trailing zeros, moving trailing ones into the exponent.
    static func normalized(_ d: [UInt8], exponent: Int) -> ([UInt8], Int) {
        var digits = trimmingLeadingZeros(d)
        var e = exponent
        while let last = digits.last, last == 0 { digits.removeLast(); e += 1 }
        return (digits, digits.isEmpty ? 0 : e)
    }

    static func multiply(_ d: [UInt8], by factor: UInt64) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: d.count)
        var carry: UInt64 = 0
        for i in stride(from: d.count - 1, through: 0, by: -1) {
            let v = UInt64(d[i]) * factor + carry
            out[i] = UInt8(v % 10)
            carry = v / 10
        }
        while carry > 0 { out.insert(UInt8(carry % 10), at: 0); carry /= 10 }
        return out
    }

    /// Rounds `d × 10^exponent` away from zero to a multiple of 10^`target` (a no-op when
    /// `exponent >= target`); returns the new digits and exponent.
    static func roundAwayFromZero(_ d: [UInt8], exponent: Int, toExponent target: Int) -> ([UInt8], Int) {
        guard exponent < target, !d.isEmpty else { return (d, exponent) }
        let drop = target - exponent
        if drop >= d.count {
            return (d.contains(where: { $0 != 0 }) ? [1] : [], target)
        }
        var kept = Array(d[0..<(d.count - drop)])
        if d[(d.count - drop)...].contains(where: { $0 != 0 }) {
            var i = kept.count - 1
            while i >= 0 {
                if kept[i] == 9 { kept[i] = 0; i -= 1 } else { kept[i] += 1; break }
            }
            if i < 0 { kept.insert(1, at: 0) }
        }
        return (kept, target)
    }

    /// Whether `d × 10^exponent` (exponent ≥ −9, no leading zeros) is above 2⁶³−1.
    static func exceedsMaxInt64(_ d: [UInt8], exponent: Int) -> Bool {
        let digits = trimmingLeadingZeros(d)
        if digits.isEmpty { return false }
        let integerDigits = digits.count + exponent
        if integerDigits != 19 { return integerDigits > 19 }
        let padded = exponent >= 0 ? digits + [UInt8](repeating: 0, count: exponent) : Array(digits[0..<19])
        if padded.lexicographicallyPrecedes(maxInt64Digits) { return false }
        if padded != maxInt64Digits { return true }
        return exponent < 0 && digits[19...].contains(where: { $0 != 0 })
    }

    /// The integer `d × 10^zeros`, or nil above UInt64's range.
    static func magnitude(_ d: [UInt8], appendingZeros zeros: Int) -> UInt64? {
        let digits = trimmingLeadingZeros(d)
        if digits.isEmpty { return 0 }
        guard digits.count + zeros <= 20 else { return nil }
        var value: UInt64 = 0
        for digit in digits + [UInt8](repeating: 0, count: zeros) {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(digit))
            if o1 || o2 { return nil }
            value = a
        }
        return value
    }

    /// Go's `math.Pow10` for the exponents quantities produce (tables of exact powers).
    static func goPow10(_ n: Int) -> Double {
        if n >= 0 && n <= 308 { return positiveTable32[n / 32] * table[n % 32] }
        if n < 0 && n >= -319 { return negativeTable32[-n / 32] / table[-n % 32] }  // (Go reaches -323 through subnormals)
        return n > 0 ? .infinity : 0
    }

    private static let table: [Double] = [
        1e00, 1e01, 1e02, 1e03, 1e04, 1e05, 1e06, 1e07, 1e08, 1e09, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28, 1e29, 1e30, 1e31,
    ]
    private static let positiveTable32: [Double] = [1e00, 1e32, 1e64, 1e96, 1e128, 1e160, 1e192, 1e224, 1e256, 1e288]
    private static let negativeTable32: [Double] = [1e-00, 1e-32, 1e-64, 1e-96, 1e-128, 1e-160, 1e-192, 1e-224, 1e-256, 1e-288]
}
