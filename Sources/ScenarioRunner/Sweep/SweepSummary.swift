import Foundation
import Reporting

/// The summary of a sweep, built from its results database (so a merged database gives the same
/// summary as the unsharded sweep): a table of points × SLO values with 95 % intervals, and the
/// response curve of every SLO along every swept parameter. Pure: points in, text out.
public struct SweepSummary: Sendable {
    public var points: [ResultsDatabase.StoredPoint]

    public init(points: [ResultsDatabase.StoredPoint]) { self.points = points }

    /// The swept keys, in the order of the first point's parameters.
    public var keys: [String] {
        var seen: [String] = []
        for p in points { for k in p.parameters.map(\.key) where !seen.contains(k) { seen.append(k) } }
        return seen
    }

    /// SLO names, in the first point's order.
    public var sloNames: [String] {
        var seen: [String] = []
        for p in points { for s in p.slos.map(\.name) where !seen.contains(s) { seen.append(s) } }
        return seen
    }

    /// One point of a response curve.
    public struct CurvePoint: Sendable, Codable, Equatable {
        public var point: Int
        public var x: Double
        public var value: Double?
        public var mean: Double?
        public var ciLow: Double?
        public var ciHigh: Double?
        public var passed: Bool
    }

    /// One line of a response curve: the SLO along `parameter`, the other parameters held at `fixed`.
    public struct Curve: Sendable, Codable, Equatable {
        public var parameter: String
        public var slo: String
        public var unit: String
        public var fixed: [String: String]
        public var points: [CurvePoint]
    }

    /// The leading number of a value ("24", "60s" → 60, "1.2/s" → 1.2); nil when there is none.
    static func number(_ text: String) -> Double? {
        var end = text.startIndex
        for i in text.indices {
            let c = text[i]
            if c.isNumber || c == "." || c == "-" || c == "+" || c == "e" || c == "E" { end = text.index(after: i) } else { break }
        }
        return Double(text[..<end])
    }

    /// Response curves: for every numeric swept parameter and every SLO, one line per combination
    /// of the other parameters' values, sorted by the parameter.
    public var curves: [Curve] {
        var out: [Curve] = []
        for key in keys {
            guard points.allSatisfy({ p in p.parameters.first { $0.key == key }.flatMap { Self.number($0.value) } != nil }) else { continue }
            for slo in sloNames {
                var groups: [[String: String]: [CurvePoint]] = [:]
                var order: [[String: String]] = []
                var unit = ""
                for p in points {
                    guard let s = p.slos.first(where: { $0.name == slo }),
                          let x = p.parameters.first(where: { $0.key == key }).flatMap({ Self.number($0.value) }) else { continue }
                    unit = s.unit
                    var fixed: [String: String] = [:]
                    for q in p.parameters where q.key != key { fixed[q.key] = q.value }
                    if groups[fixed] == nil { order.append(fixed) }
                    groups[fixed, default: []].append(CurvePoint(point: p.point, x: x, value: finite(s.value), mean: finite(s.mean),
                                                                  ciLow: finite(s.ciLow), ciHigh: finite(s.ciHigh), passed: s.passed))
                }
                for fixed in order {
                    let pts = groups[fixed]!.sorted { ($0.x, $0.point) < ($1.x, $1.point) }
                    out.append(Curve(parameter: key, slo: slo, unit: unit, fixed: fixed, points: pts))
                }
            }
        }
        return out
    }

    private func finite(_ v: Double?) -> Double? { v.flatMap { $0.isFinite ? $0 : nil } }

    static func fmt(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "–" }
        return String(format: "%.4g", v)
    }

    /// `summary.md`.
    public var markdown: String {
        let scenario = points.first?.scenario ?? "(no points)"
        var md = "# Sweep of \(scenario)\n\n"
        md += "\(points.count) point(s); seed \(points.first.map { String($0.seed) } ?? "–"), "
        md += "\(points.first?.replications ?? 0) replication(s) per point. Values are the SLO's measured value; "
        md += "`mean [low, high]` is the mean over replications with its 95 % confidence interval.\n\n"
        let slos = sloNames
        md += "| point | " + keys.joined(separator: " | ") + " | " + slos.map { "\($0)" }.joined(separator: " | ") + " | verdict |\n"
        md += "|---|" + String(repeating: "---|", count: keys.count + slos.count + 1) + "\n"
        for p in points {
            var cells = [String(p.point)]
            for k in keys { cells.append(p.parameters.first { $0.key == k }?.value ?? "–") }
            for name in slos {
                guard let s = p.slos.first(where: { $0.name == name }) else { cells.append("–"); continue }
                var cell = "\(s.passed ? "✓" : "✗") \(Self.fmt(s.value))\(s.unit)"
                if s.hasInterval { cell += " (\(Self.fmt(s.mean)) [\(Self.fmt(s.ciLow)), \(Self.fmt(s.ciHigh))])" }
                cells.append(cell)
            }
            cells.append(p.verdict)
            md += "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n"
        }
        let cs = curves
        if !cs.isEmpty { md += "\n## Response curves\n" }
        for c in cs {
            let others = c.fixed.keys.sorted().map { "\($0)=\(c.fixed[$0]!)" }.joined(separator: ", ")
            md += "\n### \(c.slo) vs \(c.parameter)\(others.isEmpty ? "" : " (\(others))")\n\n"
            md += "| \(c.parameter) | value | mean | 95 % CI | SLO |\n|---|---|---|---|---|\n"
            for p in c.points {
                md += "| \(Self.fmt(p.x)) | \(Self.fmt(p.value))\(c.unit) | \(Self.fmt(p.mean)) | [\(Self.fmt(p.ciLow)), \(Self.fmt(p.ciHigh))] | \(p.passed ? "pass" : "fail") |\n"
            }
        }
        return md
    }

    private struct JSONPoint: Codable {
        var point: Int
        var parameters: [String: String]
        var digest: String
        var verdict: String
        var slos: [JSONSLO]
    }

    private struct JSONSLO: Codable {
        var name: String
        var metric: String
        var threshold: String
        var unit: String
        var value: Double?
        var mean: Double?
        var ciLow: Double?
        var ciHigh: Double?
        var passed: Bool
    }

    private struct JSONSummary: Codable {
        var scenario: String
        var seed: String
        var replications: Int
        var parameters: [String]
        var points: [JSONPoint]
        var curves: [Curve]
    }

    /// `summary.json` (keys sorted, so the bytes are deterministic).
    public var json: String {
        let doc = JSONSummary(
            scenario: points.first?.scenario ?? "", seed: points.first.map { String($0.seed) } ?? "",
            replications: points.first?.replications ?? 0, parameters: keys,
            points: points.map { p in
                JSONPoint(point: p.point, parameters: Dictionary(p.parameters.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }),
                          digest: p.digest, verdict: p.verdict,
                          slos: p.slos.map { s in
                              JSONSLO(name: s.name, metric: s.metric, threshold: s.threshold, unit: s.unit, value: finite(s.value),
                                      mean: finite(s.mean), ciLow: finite(s.ciLow), ciHigh: finite(s.ciHigh), passed: s.passed)
                          })
            },
            curves: curves)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(doc)) ?? Data("{}".utf8), as: UTF8.self) + "\n"
    }

    /// `sweep.html`: the table and every response curve as inline SVG (mean with its 95 % interval
    /// as error bars); opens offline.
    public var html: String {
        var h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sweep of \(Self.escape(points.first?.scenario ?? ""))</title>\n"
        h += "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px}figure{display:inline-block;margin:1em}</style></head><body>\n"
        h += "<h1>Sweep of \(Self.escape(points.first?.scenario ?? ""))</h1>\n<table><tr><th>point</th>"
        for k in keys { h += "<th>\(Self.escape(k))</th>" }
        for s in sloNames { h += "<th>\(Self.escape(s))</th>" }
        h += "<th>verdict</th></tr>\n"
        for p in points {
            h += "<tr><td>\(p.point)</td>"
            for k in keys { h += "<td>\(Self.escape(p.parameters.first { $0.key == k }?.value ?? "–"))</td>" }
            for name in sloNames {
                let s = p.slos.first { $0.name == name }
                h += "<td>\(s.map { "\($0.passed ? "✓" : "✗") \(Self.fmt($0.value))\(Self.escape($0.unit))" + ($0.hasInterval ? " [\(Self.fmt($0.ciLow)), \(Self.fmt($0.ciHigh))]" : "") } ?? "–")</td>"
            }
            h += "<td>\(Self.escape(p.verdict))</td></tr>\n"
        }
        h += "</table>\n<h2>Response curves</h2>\n"
        for c in curves { h += "<figure>" + Self.svg(c) + "</figure>\n" }
        return h + "</body></html>\n"
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// A small line chart with error bars.
    static func svg(_ c: Curve) -> String {
        let w = 420.0, hgt = 260.0, l = 60.0, r = 15.0, t = 40.0, b = 40.0
        let xs = c.points.map(\.x)
        let ys = c.points.flatMap { [$0.mean ?? $0.value, $0.ciLow, $0.ciHigh, $0.value].compactMap { $0 } }
        let x0 = xs.min() ?? 0, x1 = max(xs.max() ?? 1, x0 + 1e-9)
        let y0 = min(0, ys.min() ?? 0), y1 = max(ys.max() ?? 1, y0 + 1e-9) * 1.05
        func px(_ x: Double) -> Double { xs.count == 1 ? (l + w - r) / 2 : l + (x - x0) / (x1 - x0) * (w - l - r) }
        func py(_ y: Double) -> Double { hgt - b - (y - y0) / (y1 - y0) * (hgt - t - b) }
        func n(_ v: Double) -> String { String(format: "%.1f", v) }
        let others = c.fixed.keys.sorted().map { "\($0)=\(c.fixed[$0]!)" }.joined(separator: ", ")
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(hgt))\" viewBox=\"0 0 \(Int(w)) \(Int(hgt))\" font-size=\"11\">"
        s += "<title>\(escape(c.slo)) vs \(escape(c.parameter))</title>"
        s += "<text x=\"\(n(l))\" y=\"14\" font-weight=\"bold\">\(escape(c.slo))</text>"
        s += "<text x=\"\(n(l))\" y=\"28\">vs \(escape(c.parameter))\(others.isEmpty ? "" : " (" + escape(others) + ")")</text>"
        s += "<line x1=\"\(n(l))\" y1=\"\(n(hgt - b))\" x2=\"\(n(w - r))\" y2=\"\(n(hgt - b))\" stroke=\"#444\"/>"
        s += "<line x1=\"\(n(l))\" y1=\"\(n(t))\" x2=\"\(n(l))\" y2=\"\(n(hgt - b))\" stroke=\"#444\"/>"
        for i in 0...4 {
            let y = y0 + Double(i) / 4 * (y1 - y0)
            s += "<text x=\"\(n(l - 4))\" y=\"\(n(py(y) + 4))\" text-anchor=\"end\">\(fmt(y))\(escape(c.unit))</text>"
        }
        for p in c.points {
            s += "<text x=\"\(n(px(p.x)))\" y=\"\(n(hgt - b + 14))\" text-anchor=\"middle\">\(fmt(p.x))</text>"
        }
        let line = c.points.compactMap { p in (p.mean ?? p.value).map { "\(n(px(p.x))),\(n(py($0)))" } }
        s += "<polyline fill=\"none\" stroke=\"\(Palette.color(0))\" stroke-width=\"1.8\" points=\"\(line.joined(separator: " "))\"/>"
        for p in c.points {
            if let lo = p.ciLow, let hi = p.ciHigh {
                s += "<line x1=\"\(n(px(p.x)))\" y1=\"\(n(py(lo)))\" x2=\"\(n(px(p.x)))\" y2=\"\(n(py(hi)))\" stroke=\"\(Palette.color(0))\"/>"
            }
            if let v = p.mean ?? p.value {
                s += "<circle cx=\"\(n(px(p.x)))\" cy=\"\(n(py(v)))\" r=\"3\" fill=\"\(p.passed ? "#2a7" : "#c33")\"><title>\(escape(c.parameter))=\(fmt(p.x)): \(fmt(v))\(escape(c.unit))</title></circle>"
            }
        }
        s += "<text x=\"\(n((l + w - r) / 2))\" y=\"\(n(hgt - 6))\" text-anchor=\"middle\">\(escape(c.parameter))</text>"
        return s + "</svg>"
    }
}
