/// Turns a file's bytes into text, refusing what is not a text file with one clear diagnostic:
/// an empty file, UTF-16, binary data (a NUL or other control byte), or bytes that are not UTF-8.
/// A UTF-8 byte-order mark is dropped.
enum SourceText {
    /// The text of `bytes`, or nil after reporting why there is none. `content` names what the
    /// file should hold, for the hint of an empty file.
    static func decode(_ bytes: [UInt8], file: String, content: String, sink: DiagnosticSink) -> String? {
        guard !bytes.isEmpty else {
            sink.error(at: .start(of: file), path: "", "the file is empty", expected: content)
            return nil
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            sink.error(at: .start(of: file), path: "", "the file is UTF-16 (it starts with a UTF-16 byte-order mark)",
                       expected: "a UTF-8 text file")
            return nil
        }
        if let offset = bytes.firstIndex(of: 0) {
            sink.error(at: .of(byteOffset: offset, in: bytes, file: file), path: "",
                       "the file contains a NUL byte (binary data?)", expected: "a UTF-8 text file")
            return nil
        }
        if let offset = bytes.firstIndex(where: { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) || $0 == 0x7F }) {
            sink.error(at: .of(byteOffset: offset, in: bytes, file: file), path: "",
                       "the file contains the control character \(hex(bytes[offset])) (binary data?)",
                       expected: "a UTF-8 text file")
            return nil
        }
        if let offset = firstInvalidUTF8(bytes) {
            sink.error(at: .of(byteOffset: offset, in: bytes, file: file), path: "",
                       "the file is not valid UTF-8 (byte \(hex(bytes[offset])))", expected: "a UTF-8 text file")
            return nil
        }
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return text
    }

    /// The offset of the first byte that does not start a well-formed UTF-8 sequence.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0xF)])
    }

    /// True when `text` holds nothing but whitespace, comments and document markers.
    static func isBlank(_ text: String) -> Bool {
        text.split(whereSeparator: \.isNewline).allSatisfy { line in
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            return trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed == "---" || trimmed == "..."
                || trimmed.allSatisfy(\.isWhitespace)
        }
    }
}
