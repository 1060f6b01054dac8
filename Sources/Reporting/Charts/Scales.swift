/// How a value axis shows its numbers.
enum ValueFormat: Equatable {
    /// Plain numbers with a unit; large values get a k/M multiplier.
    case plain(String)
    /// Durations in seconds, shown as µs, ms or s by magnitude.
    case seconds
    /// Fractions 0…1 shown as percentages.
    case percent
}

/// A value axis: domain, tick positions and labels, unit title.
struct ValueAxis {
    var lo: Double
    var hi: Double
    var ticks: [(value: Double, label: String)]
    /// Unit text for the axis title ("ms", "k req/s", "%").
    var unit: String

    /// Fits an axis to finite `values` with about `target` ticks.
    init(values: [Double], format: ValueFormat, includeZero: Bool = true, integer: Bool = false,
         fixedMin: Double? = nil, fixedMax: Double? = nil, target: Int = 5) {
        var dmin = Double.infinity, dmax = -Double.infinity
        for v in values where v.isFinite {
            dmin = min(dmin, v)
            dmax = max(dmax, v)
        }
        if dmin > dmax { dmin = 0; dmax = 1 }
        if includeZero { dmin = min(dmin, 0); dmax = max(dmax, 0) }
        if let m = fixedMin { dmin = m }
        if let m = fixedMax { dmax = max(m, fixedMin ?? m) }
        if dmax - dmin <= 0 { dmax = dmin + (integer ? 1 : max(abs(dmin) * 0.1, 1)) }

        let (factor, unit) = ValueAxis.scale(format: format, maxAbs: max(abs(dmin), abs(dmax)))
        self.unit = unit
        var step = ValueAxis.niceStep((dmax - dmin) / Double(max(1, target)))
        if integer { step = max(1, step.rounded(.up)) }
        lo = fixedMin ?? (dmin / step).rounded(.down) * step
        hi = fixedMax ?? (dmax / step).rounded(.up) * step
        if hi <= lo { hi = lo + step }
        let decimals = max(0, -Decimal10.exponent(step * factor) + (ValueAxis.mantissaHasHalf(step * factor) ? 1 : 0))
        var ticks: [(Double, String)] = []
        var i = (lo / step).rounded(.up)
        while i * step <= hi + step * 1e-9, ticks.count < 40 {
            let v = i * step
            let shown = abs(v) < step * 1e-9 ? 0 : v * factor
            ticks.append((v, NumberFormat.grouped(NumberFormat.fixed(shown, min(decimals, 6)))))
            i += 1
        }
        self.ticks = ticks
    }

    /// The multiplier and unit text for a format at a magnitude.
    static func scale(format: ValueFormat, maxAbs: Double) -> (Double, String) {
        switch format {
        case .percent: return (100, "%")
        case .seconds:
            if maxAbs < 1e-3 { return (1e6, "µs") }
            if maxAbs < 1 { return (1e3, "ms") }
            return (1, "s")
        case .plain(let unit):
            if maxAbs >= 1e6 { return (1e-6, unit.isEmpty ? "millions" : "M" + unit) }
            if maxAbs >= 1e4 { return (1e-3, unit.isEmpty ? "thousands" : "k" + unit) }
            return (1, unit)
        }
    }

    /// 1, 2, 2.5 or 5 times a power of ten, at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        let p = Decimal10.power(Decimal10.exponent(raw))
        let f = raw / p
        let m: Double = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10
        return m * p
    }

    static func mantissaHasHalf(_ step: Double) -> Bool {
        let p = Decimal10.power(Decimal10.exponent(step))
        let f = (step / p * 10).rounded()
        return f == 25
    }

    /// Maps a value to a y pixel in [top, bottom] (clamped a little beyond the plot).
    func y(_ v: Double, top: Double, bottom: Double) -> Double {
        let f = (v - lo) / (hi - lo)
        return bottom - min(1.02, max(-0.02, f)) * (bottom - top)
    }
}

/// The time axis: simulated seconds shown in s, min or h by span, ticks on round steps.
struct TimeAxis {
    var lo: Double
    var hi: Double
    var unit: String
    var ticks: [(value: Double, label: String)]

    init(lo: Double, hi: Double, maxTicks: Int = 10) {
        self.lo = lo
        self.hi = hi > lo ? hi : lo + 1
        let span = self.hi - lo
        let (factor, unit, steps): (Double, String, [Double]) =
            span <= 300 ? (1, "s", [1, 2, 5, 10, 15, 30, 60, 120]) :
            span <= 5 * 3600 ? (60, "min", [1, 2, 5, 10, 15, 20, 30, 60, 120]) :
            span <= 96 * 3600 ? (3600, "h", [1, 2, 3, 6, 12, 24, 48]) :
            (86_400, "d", [1, 2, 5, 7, 14, 30, 60, 90, 180, 365])
        self.unit = unit
        let stepUnits = steps.first { span / ($0 * factor) <= Double(maxTicks) } ?? (span / factor / Double(maxTicks)).rounded(.up)
        let step = stepUnits * factor
        var ticks: [(Double, String)] = []
        var k = (lo / step).rounded(.up)
        while k * step <= self.hi + 1e-9, ticks.count < 50 {
            ticks.append((k * step, NumberFormat.trimmed(k * stepUnits, 2)))
            k += 1
        }
        self.ticks = ticks
    }

    /// Maps a time (seconds) to an x pixel.
    func x(_ t: Double, left: Double, right: Double) -> Double {
        left + (t - lo) / (hi - lo) * (right - left)
    }
}
