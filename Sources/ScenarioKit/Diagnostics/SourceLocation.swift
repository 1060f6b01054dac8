/// A position in a scenario, base or trace file: the file as the user named it (relative paths stay
/// relative, so diagnostics are short and identical on every machine) and a 1-based line and column
/// (columns count Unicode scalars, as libyaml does).
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// Line 1, column 1 of `file`: where problems with the file as a whole are reported.
    public static func start(of file: String) -> SourceLocation {
        SourceLocation(file: file, line: 1, column: 1)
    }

    /// Ordered by file name, then line, then column.
    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }

    /// `FILE:LINE:COLUMN`.
    public var description: String { "\(file):\(line):\(column)" }
}

extension SourceLocation {
    /// The line and column of the UTF-8 byte at `offset` in `bytes` (columns count scalars, so
    /// continuation bytes do not advance the column).
    static func of(byteOffset offset: Int, in bytes: [UInt8], file: String) -> SourceLocation {
        var line = 1
        var column = 1
        for byte in bytes[..<min(offset, bytes.count)] {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return SourceLocation(file: file, line: line, column: column)
    }

    /// The line and column of the character at `offset` (counted in Unicode scalars) in `text`.
    static func of(scalarOffset offset: Int, in text: String, file: String) -> SourceLocation {
        var line = 1
        var column = 1
        for scalar in text.unicodeScalars.prefix(offset) {
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return SourceLocation(file: file, line: line, column: column)
    }
}
