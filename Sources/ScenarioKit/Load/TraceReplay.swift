/// A recorded arrival trace, replayed in order: each row's arrivals happen at its timestamp,
/// measured from the first row and divided by `speed` (2 replays twice as fast).
///
/// The CSV file (read at load time, relative to the scenario file that names it) has one row per
/// instant: `timestamp[,count]`. Timestamps are seconds (`12.5`, or epoch seconds) or ISO-8601
/// date-times (`2025-01-30T14:00:00.250Z`; without a zone they are UTC), all of one kind, in
/// non-decreasing order; `count` (default 1) is how many arrivals share the instant. Blank lines
/// and lines starting with `#` are skipped, a first line that is not a timestamp is a header, and
/// columns after the second are ignored. Arrivals at or after the run's end are dropped.
public struct TraceReplay: Sendable, Hashable {
    /// The CSV file, as resolved from the scenario's directory.
    public var file: String
    public var speed: Double
    /// Row offsets from the first row (the first is zero), non-decreasing.
    public var offsets: [TimeAmount]
    /// Arrivals per row.
    public var counts: [Int]

    public init(file: String, speed: Double, offsets: [TimeAmount], counts: [Int]) {
        self.file = file
        self.speed = speed
        self.offsets = offsets
        self.counts = counts
    }

    /// All arrivals in the trace, whatever the horizon.
    public var totalCount: Int { counts.reduce(0, +) }

    /// Reads a trace CSV; problems are reported at the CSV's own line and column, under the key
    /// path of the `trace:` entry that named it.
    static func parse(_ bytes: [UInt8], file: String, speed: Double, path: String, sink: DiagnosticSink) -> TraceReplay? {
        let content = "CSV rows of timestamp[,count]"
        guard let text = SourceText.decode(bytes, file: file, content: content, sink: sink) else { return nil }
        let before = sink.errorCount
        var stamps: [Int64] = []
        var counts: [Int] = []
        var sawISO: Bool?
        var lineNumber = 0
        var first = true
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let trimmed = String(line).trimmingSpaces
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            var column = 1
            var starts: [Int] = []
            for field in fields {
                starts.append(column)
                column += field.unicodeScalars.count + 1
            }
            let stampText = unquote(fields[0])
            let at = SourceLocation(file: file, line: lineNumber, column: starts[0])
            let parsed = timestamp(stampText)
            if first {
                first = false
                if parsed == nil, stampText.allSatisfy({ $0.isLetter || $0 == "_" || $0 == " " }) { continue }
            }
            guard let (nanoseconds, isISO) = parsed else {
                sink.error(at: at, path: path, "\"\(stampText)\" is not a timestamp",
                           expected: "seconds (12.5) or an ISO-8601 date-time (2025-01-30T14:00:00Z)")
                continue
            }
            if let sawISO, sawISO != isISO {
                sink.error(at: at, path: path, "\"\(stampText)\" mixes \(isISO ? "ISO-8601" : "numeric") with \(sawISO ? "ISO-8601" : "numeric") timestamps",
                           expected: "timestamps of one kind")
                continue
            }
            sawISO = isISO
            if let previous = stamps.last, nanoseconds < previous {
                sink.error(at: at, path: path, "\"\(stampText)\" is earlier than the row before it",
                           expected: "rows in non-decreasing time order")
                continue
            }
            var count = 1
            if fields.count > 1 {
                let countText = unquote(fields[1])
                if !countText.isEmpty {
                    guard let n = Int(countText), n >= 0 else {
                        sink.error(at: SourceLocation(file: file, line: lineNumber, column: starts[1]), path: path,
                                   "\"\(countText)\" is not a count", expected: "a whole number of arrivals of at least 0")
                        continue
                    }
                    count = n
                }
            }
            stamps.append(nanoseconds)
            counts.append(count)
        }
        guard sink.errorCount == before else { return nil }
        guard let origin = stamps.first else {
            sink.error(at: .start(of: file), path: path, "the trace has no rows", expected: content)
            return nil
        }
        return TraceReplay(file: file, speed: speed, offsets: stamps.map { TimeAmount(nanoseconds: $0 - origin) }, counts: counts)
    }

    private static func unquote(_ field: Substring) -> String {
        var text = String(field).trimmingSpaces
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = String(text.dropFirst().dropLast()) }
        return text
    }

    /// Nanoseconds since zero (numeric) or since 1970-01-01T00:00:00Z (ISO-8601), and which it was.
    static func timestamp(_ text: String) -> (Int64, Bool)? {
        if let seconds = NumberSyntax.parse(text) {
            guard seconds >= 0, seconds < 9.2e9 else { return nil }
            return (TimeAmount.saturatingSeconds(seconds).nanoseconds, false)
        }
        return ISO8601.nanoseconds(text).map { ($0, true) }
    }
}

/// ISO-8601 date-times (`YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]`, `T` or a space) to
/// nanoseconds since the Unix epoch, by calendar arithmetic (no clock, no time-zone database).
enum ISO8601 {
    static func nanoseconds(_ text: String) -> Int64? {
        let s = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= s.count, range.allSatisfy({ NumberSyntax.isDigit(s[$0]) }) else { return nil }
            return range.reduce(0) { $0 * 10 + Int(s[$1] - 0x30) }
        }
        guard s.count >= 19, s[4] == UInt8(ascii: "-"), s[7] == UInt8(ascii: "-"),
              s[10] == UInt8(ascii: "T") || s[10] == UInt8(ascii: " "), s[13] == UInt8(ascii: ":"), s[16] == UInt8(ascii: ":"),
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var i = 19
        var fraction: Int64 = 0
        if i < s.count, s[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < s.count, NumberSyntax.isDigit(s[i]) {
                if digits < 9 { fraction = fraction * 10 + Int64(s[i] - 0x30) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 9) { fraction *= 10 }
        }
        var offsetSeconds = 0
        if i < s.count {
            if s[i] == UInt8(ascii: "Z") {
                i += 1
            } else if s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
                let sign = s[i] == UInt8(ascii: "-") ? -1 : 1
                let colon = i + 3 < s.count && s[i + 3] == UInt8(ascii: ":")
                guard let h = number(i + 1..<i + 3), let m = number((colon ? i + 4 : i + 3)..<(colon ? i + 6 : i + 5)) else { return nil }
                offsetSeconds = sign * (h * 3600 + m * 60)
                i += colon ? 6 : 5
            }
        }
        guard i == s.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return nil }
        return ns + fraction
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
