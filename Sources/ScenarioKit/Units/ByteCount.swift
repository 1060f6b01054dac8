/// An amount of memory or storage in bytes, written like a Kubernetes quantity: `512Mi`, `2Gi`,
/// `1G`, `500M`, `100k`, or with a byte suffix: `1.5GB`, `64KiB`, `100B`; a bare number is bytes.
///
/// Binary suffixes `Ki Mi Gi Ti Pi` (and `KiB`…) are powers of 1024; decimal suffixes `k` (or `K`,
/// `kB`, `KB`), `M`/`MB`, `G`/`GB`, `T`/`TB`, `P`/`PB` are powers of 1000. Kubernetes' `m` (milli) is
/// refused: a size is a whole number of bytes.
public struct ByteCount: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var bytes: Int64

    public init(bytes: Int64) {
        self.bytes = bytes
    }

    /// What a size looks like, for "expected ..." hints.
    public static let example = "a size like 512Mi, 2Gi or 1.5GB"

    static let suffixes: [(suffix: String, factor: Double)] = [
        ("", 1), ("B", 1),
        ("k", 1e3), ("K", 1e3), ("kB", 1e3), ("KB", 1e3), ("M", 1e6), ("MB", 1e6), ("G", 1e9), ("GB", 1e9),
        ("T", 1e12), ("TB", 1e12), ("P", 1e15), ("PB", 1e15),
        ("Ki", 1024), ("KiB", 1024), ("Mi", 1_048_576), ("MiB", 1_048_576),
        ("Gi", 1_073_741_824), ("GiB", 1_073_741_824), ("Ti", 1_099_511_627_776), ("TiB", 1_099_511_627_776),
        ("Pi", 1_125_899_906_842_624), ("PiB", 1_125_899_906_842_624),
    ]

    /// The size written in `text`.
    public static func parse(_ text: String) throws(UnitError) -> ByteCount {
        let trimmed = Substring(text.trimmingSpaces)
        guard !trimmed.isEmpty else { throw UnitError("the size is empty") }
        if trimmed.first == "-" { throw UnitError("\"\(text)\" is negative") }
        let (number, spacedSuffix) = NumberSyntax.splitNumber(trimmed)
        let suffix = spacedSuffix.drop { $0 == " " }
        guard let value = NumberSyntax.parse(String(number)) else { throw UnitError("\"\(text)\" is not a size") }
        guard let factor = suffixes.first(where: { $0.suffix == suffix })?.factor else {
            if suffix == "m" {
                throw UnitError("\"\(text)\" uses m (milli, 1/1000); write M for megabytes or Mi for mebibytes")
            }
            throw UnitError("\"\(text)\" has an unknown unit \"\(suffix)\" (use Ki, Mi, Gi, Ti, k, M, G, T, KB, MB or GB)")
        }
        let bytes = value * factor
        guard bytes < 9.2e18 else { throw UnitError("\"\(text)\" is too large") }
        guard NumberSyntax.isNearlyIntegral(bytes) else { throw UnitError("\"\(text)\" is not a whole number of bytes") }
        return ByteCount(bytes: Int64(bytes.rounded()))
    }

    /// Canonical text: the largest binary suffix that divides exactly, else the largest decimal
    /// one, else bytes (`2Gi`, `1500M`, `100`).
    public var description: String {
        if bytes == 0 { return "0" }
        for (suffix, factor) in [("Pi", 1 << 50), ("Ti", 1 << 40), ("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)] as [(String, Int64)]
        where bytes % factor == 0 {
            return "\(bytes / factor)\(suffix)"
        }
        for (suffix, factor) in [("P", 1_000_000_000_000_000), ("T", 1_000_000_000_000), ("G", 1_000_000_000), ("M", 1_000_000), ("k", 1_000)] as [(String, Int64)]
        where bytes % factor == 0 {
            return "\(bytes / factor)\(suffix)"
        }
        return "\(bytes)"
    }

    /// For messages: `9.5 MiB`, `512 B`.
    public var humanDescription: String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(bytes)
        var index = 0
        while value >= 1024, index < units.count - 1 {
            value /= 1024
            index += 1
        }
        return "\(NumberSyntax.format((value * 10).rounded() / 10)) \(units[index])"
    }

    public static func < (a: ByteCount, b: ByteCount) -> Bool { a.bytes < b.bytes }
}
