/// A Kubernetes resource quantity such as `500m`, `2Gi`, `100` or `1.5e3`.
///
/// Follows `k8s.io/apimachinery/pkg/api/resource` (`ParseQuantity`, `parseQuantityString`,
/// `suffixHandler.interpret`, `Quantity.ScaledValue`, `Quantity.AsApproximateFloat64`):
/// - the grammar is `<sign><digits>[.<digits>]<suffix>` with the suffixes `n u m "" k M G T P E`
///   (decimal SI), `Ki Mi Gi Ti Pi Ei` (binary SI) and `e<n>`/`E<n>` (decimal exponent);
/// - the value is exact; at parse time it is rounded away from zero to whole nano-units and its
///   magnitude is capped at 2⁶³−1 units, as upstream does;
/// - `milliValue` (upstream `MilliValue()`) rounds away from zero, so `0.0001` is `1` milli.
///
/// Upstream wraps around or returns 0 when a scaled value overflows int64; here scaled values
/// saturate at `Int64.min`/`Int64.max` instead (a deliberate, documented difference).
public struct Quantity: Sendable, Hashable, CustomStringConvertible {
    /// The text the quantity was written as (a canonical form for quantities built from numbers).
    public let description: String
    let isNegative: Bool
    /// The magnitude's decimal digits, most significant first, without leading or trailing zeros.
    let digits: [UInt8]
    /// `value = ±digits × 10^exponent`; never below −9 (nano-units).
    let exponent: Int
    /// Upstream's float approximation is `base × 10^approximateExponent` (see `approximateValue`).
    let approximateBase: Double
    let approximateExponent: Int

    /// Parses `text` as `resource.ParseQuantity` does; throws `QuantityError` with upstream's message.
    public init(_ text: String) throws(QuantityError) {
        let parsed = try QuantityText(parsing: text)
        var coefficient = QuantityDigits.trimmingLeadingZeros(parsed.number + parsed.fraction)
        var exponent = -parsed.fraction.count
        var base = 0.0
        var approximateExponent = 0
        switch parsed.suffix {
        case .decimal(let power):
            exponent += power
            if let fast = parsed.fastDecimalValue(power: power) { (base, approximateExponent) = (fast.base, fast.exponent) }
        case .binary(let power):
            for _ in 0..<(power / 10) { coefficient = QuantityDigits.multiply(coefficient, by: 1024) }
            if let fast = parsed.fastBinaryValue(power: power) { (base, approximateExponent) = (fast, 0) }
        }
        var capped = false
        (coefficient, exponent) = QuantityDigits.roundAwayFromZero(coefficient, exponent: exponent, toExponent: -9)
        if QuantityDigits.exceedsMaxInt64(coefficient, exponent: exponent) {
            coefficient = QuantityDigits.maxInt64Digits
            exponent = 0
            capped = true
        }
        (coefficient, exponent) = QuantityDigits.normalized(coefficient, exponent: exponent)
        let isZero = coefficient.isEmpty
        if base == 0 && !isZero {
            // upstream's inf.Dec path: the nano-rounded value (or the cap) as a float
            if capped {
                base = Double(Int64.max)
                approximateExponent = 0
            } else {
                let nanoDigits = coefficient + [UInt8](repeating: 0, count: exponent + 9)
                base = Double(String(decoding: nanoDigits.map { $0 + 48 }, as: UTF8.self)) ?? .infinity
                approximateExponent = -9
            }
            if !parsed.isPositive { base = -base }
        }
        self.description = text
        self.isNegative = !isZero && !parsed.isPositive
        self.digits = coefficient
        self.exponent = isZero ? 0 : exponent
        self.approximateBase = isZero ? 0 : base
        self.approximateExponent = isZero ? 0 : approximateExponent
    }

    /// The quantity `milliValue`/1000, written canonically (`1500m`, `2`).
    public init(milliValue: Int64) {
        let magnitude = milliValue.magnitude
        let (digits, exponent) = QuantityDigits.normalized(
            QuantityDigits.trimmingLeadingZeros(Array(String(magnitude).utf8).map { $0 - 48 }), exponent: -3)
        self.description = milliValue % 1000 == 0 ? "\(milliValue / 1000)" : "\(milliValue)m"
        self.isNegative = milliValue < 0
        self.digits = digits
        self.exponent = digits.isEmpty ? 0 : exponent
        self.approximateBase = Double(milliValue)
        self.approximateExponent = -3
    }

    /// −1, 0 or 1 (upstream `Sign()`).
    public var sign: Int { digits.isEmpty ? 0 : (isNegative ? -1 : 1) }

    /// The value in thousandths, rounded away from zero (upstream `MilliValue()`), saturating.
    public var milliValue: Int64 { scaledValue(exponent: -3) }

    /// The value in whole units, rounded away from zero (upstream `Value()`), saturating.
    public var value: Int64 { scaledValue(exponent: 0) }

    /// The value as a float the way upstream's `AsApproximateFloat64` computes it
    /// (`base × math.Pow10(exponent)`), used for the per-direction scaling tolerances.
    public var approximateValue: Double {
        approximateExponent == 0 ? approximateBase : approximateBase * QuantityDigits.goPow10(approximateExponent)
    }

    /// The value in units of 10^`unitExponent`, rounded away from zero, saturating at the Int64 range.
    public func scaledValue(exponent unitExponent: Int) -> Int64 {
        if digits.isEmpty { return 0 }
        let (scaled, _) = QuantityDigits.roundAwayFromZero(digits, exponent: exponent, toExponent: unitExponent)
        let shift = exponent > unitExponent ? exponent - unitExponent : 0
        let magnitude = QuantityDigits.magnitude(scaled, appendingZeros: shift)
        if isNegative {
            guard let m = magnitude, m <= UInt64(Int64.max) + 1 else { return .min }
            return m == UInt64(Int64.max) + 1 ? .min : -Int64(m)
        }
        guard let m = magnitude, m <= UInt64(Int64.max) else { return .max }
        return Int64(m)
    }

    public static func == (a: Quantity, b: Quantity) -> Bool {
        a.isNegative == b.isNegative && a.digits == b.digits && a.exponent == b.exponent
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(isNegative)
        hasher.combine(digits)
        hasher.combine(exponent)
    }
}

/// Why a quantity could not be parsed; the messages are upstream's (`resource.ErrFormatWrong`,
/// `ErrNumeric`, `ErrSuffix`).
public enum QuantityError: Error, Equatable, Sendable, CustomStringConvertible {
    case formatWrong
    case numeric
    case suffix

    public var description: String {
        switch self {
        case .formatWrong:
            return "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        case .numeric: return "unable to parse quantity's numeric part"
        case .suffix: return "unable to parse quantity's suffix"
        }
    }
}
