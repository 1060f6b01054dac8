/// A metric key split into its parts. Keys follow `metricKey(_:_:)`, optionally followed by a
/// suffix that the recorder appends: `name{label=value,...}suffix`, e.g.
/// `gpu.preemptions{type=T4}.rate` → metric `gpu.preemptions.rate`, labels `[type: T4]`.
public struct SeriesKey: Sendable, Equatable {
    /// The key as written.
    public var key: String
    /// The name without labels, suffix included (`gpu.preemptions.rate`).
    public var metric: String
    /// Labels in the order written (sorted by name when made by `metricKey`).
    public var labels: [Label]

    /// One `name=value` pair of a key.
    public struct Label: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    public init(_ key: String) {
        self.key = key
        guard let open = key.firstIndex(of: "{"),
              let close = key[open...].firstIndex(of: "}") else {
            metric = key
            labels = []
            return
        }
        metric = String(key[..<open]) + String(key[key.index(after: close)...])
        labels = key[key.index(after: open)..<close].split(separator: ",").map { part in
            if let eq = part.firstIndex(of: "=") {
                return Label(name: String(part[..<eq]), value: String(part[part.index(after: eq)...]))
            }
            return Label(name: String(part), value: "")
        }
    }

    /// The value of label `name`, if present.
    public func label(_ name: String) -> String? { labels.first { $0.name == name }?.value }

    /// The labels as `a=1, b=2` (empty when there are none), for legends.
    public var labelText: String { labels.map { "\($0.name)=\($0.value)" }.joined(separator: ", ") }

    /// The labels' values joined by " · ", or the metric when there are no labels: a short legend name.
    public var shortLabel: String {
        labels.isEmpty ? metric : labels.map(\.value).joined(separator: " · ")
    }
}

/// A replication's series indexed by parsed key, in registration order, for the chart panels.
struct SeriesCatalog {
    struct Entry {
        var parsed: SeriesKey
        var series: TimeSeries
        var hasData: Bool
    }

    let entries: [Entry]
    let times: [Double]

    init(_ snapshot: MetricsSnapshot) {
        times = snapshot.times.map(\.seconds)
        entries = snapshot.series.map {
            Entry(parsed: SeriesKey($0.key), series: $0, hasData: $0.values.contains { $0.isFinite })
        }
    }

    /// Series with data whose metric is exactly `metric`, in registration order.
    func all(_ metric: String) -> [Entry] { entries.filter { $0.hasData && $0.parsed.metric == metric } }

    /// The unlabelled series `metric`, if it has data.
    func one(_ metric: String) -> Entry? { all(metric).first { $0.parsed.labels.isEmpty } ?? all(metric).first }

    /// Prefixes `p` such that a series `p + suffix` has data, in order of first appearance.
    func prefixes(endingWith suffix: String) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for e in entries where e.hasData && e.parsed.metric.hasSuffix(suffix) && e.parsed.metric.count > suffix.count {
            let p = String(e.parsed.metric.dropLast(suffix.count))
            if seen.insert(p).inserted { out.append(p) }
        }
        return out
    }

    /// Distinct values of `label` among `entries`, in order of first appearance.
    static func distinct(_ label: String, in entries: [Entry]) -> [String] {
        var seen = Set<String>()
        return entries.compactMap { $0.parsed.label(label) }.filter { seen.insert($0).inserted }
    }
}
