/// Escaping for every text that reaches a document. All user-controlled strings (scenario names,
/// series keys, event details) pass through one of these before they are written.
public enum Escape {
    /// Text for HTML, SVG and XML content and attribute values: `& < > " '` become entities and
    /// characters XML 1.0 forbids (C0 controls other than tab, newline and carriage return,
    /// U+FFFE/U+FFFF and lone surrogates) become U+FFFD, so the result is always well-formed.
    public static func markup(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if isXMLChar(scalar) {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += "\u{FFFD}"
                }
            }
        }
        return out
    }

    /// Whether XML 1.0 allows the character in a document.
    static func isXMLChar(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x9, 0xA, 0xD: return true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// Text for one Markdown table cell: pipes and backslashes escaped, line breaks flattened,
    /// markup characters turned into entities so a name cannot inject HTML.
    public static func markdownCell(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "|": out += "\\|"
            case "\\": out += "\\\\"
            case "\n", "\r", "\t": out += " "
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "`", "*", "_", "[", "]":
                out += "\\"
                out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Text for inline Markdown code spans: backticks cannot close the span early.
    public static func markdownCode(_ s: String) -> String {
        let flat = s.replacingCharacters("\n", with: " ")
        let longest = flat.split(separator: "`", omittingEmptySubsequences: false).count > 1
            ? longestRun(of: "`", in: flat) : 0
        let fence = String(repeating: "`", count: longest + 1)
        let pad = flat.hasPrefix("`") || flat.hasSuffix("`") ? " " : ""
        return fence + pad + flat + pad + fence
    }

    static func longestRun(of c: Character, in s: String) -> Int {
        var best = 0, run = 0
        for ch in s {
            run = ch == c ? run + 1 : 0
            best = max(best, run)
        }
        return best
    }
}

extension String {
    /// Replaces every occurrence of a character (no Foundation needed).
    func replacingCharacters(_ c: Character, with replacement: String) -> String {
        var out = ""
        for ch in self {
            if ch == c { out += replacement } else { out.append(ch) }
        }
        return out
    }
}
