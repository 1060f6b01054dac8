/// Colours for charts: the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"),
/// distinguishable under the common colour-vision deficiencies, ordered so that the first
/// colours contrast most on white. Yellow is left out: it disappears on a white page.
public enum Palette {
    /// Series colours, in assignment order.
    public static let series: [String] = [
        "#0072B2", // blue
        "#E69F00", // orange
        "#009E73", // bluish green
        "#D55E00", // vermillion
        "#CC79A7", // reddish purple
        "#56B4E9", // sky blue
        "#000000", // black
        "#8C6D31", // dark ochre (extends Okabe–Ito; distinct in lightness)
    ]

    /// The colour of the `i`-th series (cycling).
    public static func color(_ i: Int) -> String { series[((i % series.count) + series.count) % series.count] }

    /// Verdict and pass/fail colours (text on tinted backgrounds in the HTML tables).
    public static let pass = "#007A5A"
    public static let fail = "#C23B00"
    public static let warn = "#B07200"

    /// Colours of circuit-breaker states by gauge value (see README-conventions.md).
    public static let breakerStates: [(value: Int, label: String, color: String)] = [
        (0, "closed", "#CFE3EC"),
        (1, "half-open", "#E69F00"),
        (2, "open", "#D55E00"),
        (3, "forced open", "#CC79A7"),
        (4, "disabled", "#9A9A9A"),
        (5, "metrics only", "#56B4E9"),
    ]
}

/// Exact powers of ten and decimal exponents without `log10`, so tick choices cannot differ
/// between libm implementations.
enum Decimal10 {
    static let powers: [Double] = [
        1e-15, 1e-14, 1e-13, 1e-12, 1e-11, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1,
        1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ]
    static let offset = 15

    /// 10^k for -15 ≤ k ≤ 15 (clamped).
    static func power(_ k: Int) -> Double { powers[max(0, min(powers.count - 1, k + offset))] }

    /// ⌊log10 |x|⌋ for finite non-zero x, clamped to [-15, 15].
    static func exponent(_ x: Double) -> Int {
        let a = abs(x)
        var k = -offset
        while k < offset && power(k + 1) <= a { k += 1 }
        return k
    }
}
