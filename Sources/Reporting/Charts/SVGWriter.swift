/// Builds one SVG element as text. Every string argument is escaped here; coordinates are
/// printed with one decimal (`SVGWriter.n`), which keeps files small and output deterministic.
/// Styling comes from CSS classes defined in the report's stylesheet (`HTMLStyle`), with
/// presentation attributes only for per-series colours.
struct SVGWriter {
    private(set) var text: String

    init(width: Double, height: Double, title: String) {
        text = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(SVGWriter.n(width)) \(SVGWriter.n(height))\""
            + " width=\"\(SVGWriter.n(width))\" height=\"\(SVGWriter.n(height))\" role=\"img\" aria-label=\"\(Escape.markup(title))\">"
        text += "<title>\(Escape.markup(title))</title>"
    }

    /// A coordinate with at most one decimal.
    static func n(_ x: Double) -> String { NumberFormat.trimmed(x, 1) }

    mutating func raw(_ s: String) { text += s }

    mutating func text(_ s: String, x: Double, y: Double, cls: String, anchor: String? = nil,
                       rotate: Double? = nil, fill: String? = nil) {
        text += "<text class=\"\(cls)\" x=\"\(SVGWriter.n(x))\" y=\"\(SVGWriter.n(y))\""
        if let a = anchor { text += " text-anchor=\"\(a)\"" }
        if let r = rotate { text += " transform=\"rotate(\(SVGWriter.n(r)) \(SVGWriter.n(x)) \(SVGWriter.n(y)))\"" }
        if let f = fill { text += " fill=\"\(Escape.markup(f))\"" }
        text += ">\(Escape.markup(s))</text>"
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, cls: String) {
        text += "<line class=\"\(cls)\" x1=\"\(SVGWriter.n(x1))\" y1=\"\(SVGWriter.n(y1))\" x2=\"\(SVGWriter.n(x2))\" y2=\"\(SVGWriter.n(y2))\"/>"
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, cls: String? = nil,
                       fill: String? = nil, tooltip: String? = nil) {
        text += "<rect"
        if let c = cls { text += " class=\"\(c)\"" }
        text += " x=\"\(SVGWriter.n(x))\" y=\"\(SVGWriter.n(y))\" width=\"\(SVGWriter.n(max(0, w)))\" height=\"\(SVGWriter.n(max(0, h)))\""
        if let f = fill { text += " fill=\"\(Escape.markup(f))\"" }
        if let t = tooltip {
            text += "><title>\(Escape.markup(t))</title></rect>"
        } else {
            text += "/>"
        }
    }

    /// A path; `d` must already be built from numbers (it is not escaped).
    mutating func path(_ d: String, cls: String, stroke: String? = nil, fill: String? = nil,
                       dash: String? = nil, strokeWidth: Double? = nil, tooltip: String? = nil) {
        text += "<path class=\"\(cls)\" d=\"\(d)\""
        if let s = stroke { text += " stroke=\"\(Escape.markup(s))\"" }
        if let f = fill { text += " fill=\"\(Escape.markup(f))\"" }
        if let d = dash { text += " stroke-dasharray=\"\(d)\"" }
        if let w = strokeWidth { text += " stroke-width=\"\(SVGWriter.n(w))\"" }
        if let t = tooltip {
            text += "><title>\(Escape.markup(t))</title></path>"
        } else {
            text += "/>"
        }
    }

    /// The finished element.
    func finished() -> String { text + "</svg>" }
}

/// How a legend entry is drawn.
enum LegendStyle: Equatable {
    case line, dashed, dotted, swatch
}

/// One legend entry.
struct LegendItem {
    var label: String
    var color: String
    var style: LegendStyle
}

/// A vertical marker on a time chart (a failover, a fault injection).
public struct ChartMarker: Sendable, Equatable {
    public var time: Double
    public var label: String

    public init(time: Double, label: String) {
        self.time = time
        self.label = label
    }
}

/// Text metrics for layout without a font engine: an average glyph width for the report's
/// 12 px sans-serif, generous enough that labels do not overlap.
enum TextMetrics {
    static func width(_ s: String, size: Double = 12) -> Double { Double(s.count) * size * 0.56 }

    /// `s` cut to at most `max` characters with an ellipsis.
    static func clip(_ s: String, _ max: Int) -> String {
        s.count <= max ? s : String(s.prefix(max - 1)) + "…"
    }
}

/// Stroke dash patterns by legend style.
extension LegendStyle {
    var dash: String? {
        switch self {
        case .dashed: return "6 4"
        case .dotted: return "2 3"
        case .line, .swatch: return nil
        }
    }
}
