/// A lexical pass over a YAML text, before Yams sees it, that refuses the constructs that could
/// make composing it hang or overflow the stack.
///
/// Yams composes aliases by sharing storage, so a "billion laughs" document composes in
/// microseconds and is caught later by the node budget while it is copied. But Yams checks mapping
/// keys for duplicates by hashing them, and hashing a key that holds aliases walks the whole
/// expansion: `{*lol9: x}` never returns. Scenario keys are plain strings, so this scan refuses any
/// alias inside a mapping key and explicit `? ` keys altogether. It also bounds nesting depth
/// (flow brackets plus block indentation), which Yams composes recursively.
///
/// The scan skips comments, quoted strings and block scalars (`|`, `>`). Implicit keys are always
/// on one line (YAML 1.2 §7.4), so an alias is inside a key exactly when a key indicator (`: `)
/// follows it on the same line at the same or an outer flow level before a `,` ends its entry.
enum YAMLSafetyScan {
    struct Finding: Equatable {
        var offset: Int
        var problem: String
        var hint: String
    }

    static func scan(_ b: [UInt8], maximumNesting: Int = ScenarioLimits.maximumNesting) -> Finding? {
        let n = b.count
        var i = 0
        var flowDepth = 0
        var blockStack: [Int] = []
        var blockScalarParent: Int?

        func isBlankChar(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D }
        func isBreakOrEnd(_ k: Int) -> Bool { k >= n || b[k] == 0x0A || isBlankChar(b[k]) }
        // libyaml's anchor names: ASCII letters, digits, `-` and `_`.
        func isAnchorChar(_ c: UInt8) -> Bool {
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F
        }
        func isFlowIndicator(_ c: UInt8) -> Bool { c == UInt8(ascii: ",") || c == UInt8(ascii: "[") || c == UInt8(ascii: "]") || c == UInt8(ascii: "{") || c == UInt8(ascii: "}") }

        while i < n {
            // Start of a line: indentation, block-scalar content, blank and comment lines.
            let lineStart = i
            var indent = 0
            while i < n, b[i] == 0x20 { indent += 1; i += 1 }
            var k = i
            while k < n, isBlankChar(b[k]) { k += 1 }
            let blank = k >= n || b[k] == 0x0A
            if let parent = blockScalarParent {
                if blank || indent > parent {
                    i = nextLine(b, from: lineStart)
                    continue
                }
                blockScalarParent = nil
            }
            if blank || b[k] == UInt8(ascii: "#") {
                i = nextLine(b, from: lineStart)
                continue
            }
            if flowDepth == 0 {
                while let top = blockStack.last, top > indent { blockStack.removeLast() }
                if blockStack.last.map({ $0 < indent }) ?? true { blockStack.append(indent) }
            }
            var dashes = 0
            var pendingAlias: (offset: Int, depth: Int)?
            var atTokenStart = true
            var nextLineIndex: Int?

            while i < n, b[i] != 0x0A {
                let c = b[i]
                if isBlankChar(c) { atTokenStart = true; i += 1; continue }
                if blockStack.count + dashes + flowDepth > maximumNesting {
                    return Finding(offset: i, problem: "the document nests deeper than \(maximumNesting) levels",
                                   hint: "expected a scenario of ordinary depth")
                }
                if atTokenStart {
                    switch c {
                    case UInt8(ascii: "#"):
                        while i < n, b[i] != 0x0A { i += 1 }
                        continue
                    case UInt8(ascii: "\""), UInt8(ascii: "'"):
                        i = skipQuoted(b, from: i)
                        atTokenStart = false
                        continue
                    case UInt8(ascii: "*"):
                        pendingAlias = (i, flowDepth)
                        i += 1
                        while i < n, isAnchorChar(b[i]) { i += 1 }
                        atTokenStart = false
                        continue
                    case UInt8(ascii: "?") where isBreakOrEnd(i + 1):
                        return Finding(offset: i, problem: "explicit mapping keys (\"? \") are not supported",
                                       hint: "expected plain keys such as \"name:\"")
                    case UInt8(ascii: "-") where flowDepth == 0 && isBreakOrEnd(i + 1):
                        dashes += 1
                        i += 1
                        continue
                    case UInt8(ascii: "|"), UInt8(ascii: ">"):
                        if flowDepth == 0, let end = blockScalarHeaderEnd(b, from: i) {
                            blockScalarParent = indent + 2 * dashes
                            nextLineIndex = end
                        }
                    default: break
                    }
                    if nextLineIndex != nil { break }
                }
                atTokenStart = false
                switch c {
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    flowDepth += 1
                    atTokenStart = true
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    flowDepth = max(0, flowDepth - 1)
                    if let alias = pendingAlias, alias.depth > flowDepth { pendingAlias = (alias.offset, flowDepth) }
                case UInt8(ascii: ",") where flowDepth > 0:
                    if let alias = pendingAlias, alias.depth == flowDepth { pendingAlias = nil }
                    atTokenStart = true
                case UInt8(ascii: ":") where isBreakOrEnd(i + 1) || (flowDepth > 0 && (i + 1 >= n || isFlowIndicator(b[i + 1]))):
                    if let alias = pendingAlias, alias.depth >= flowDepth {
                        return Finding(offset: alias.offset, problem: "an alias is used inside a mapping key",
                                       hint: "expected aliases (*name) only as values")
                    }
                    atTokenStart = true
                default: break
                }
                i += 1
            }
            if let next = nextLineIndex { i = next } else if i < n { i += 1 }
        }
        return nil
    }

    /// The index after the line break of the line holding `offset`.
    private static func nextLine(_ b: [UInt8], from offset: Int) -> Int {
        var i = offset
        while i < b.count, b[i] != 0x0A { i += 1 }
        return i + 1
    }

    /// The index after a quoted scalar starting at `start` (which may span lines).
    private static func skipQuoted(_ b: [UInt8], from start: Int) -> Int {
        let quote = b[start]
        var i = start + 1
        while i < b.count {
            if quote == UInt8(ascii: "\""), b[i] == UInt8(ascii: "\\") { i += 2; continue }
            if b[i] == quote {
                if quote == UInt8(ascii: "'"), i + 1 < b.count, b[i + 1] == quote { i += 2; continue }
                return i + 1
            }
            i += 1
        }
        return i
    }

    /// When `start` begins a block scalar header (`|`, `>-`, `|2+`, then spaces or a comment), the
    /// index of the next line; otherwise nil.
    private static func blockScalarHeaderEnd(_ b: [UInt8], from start: Int) -> Int? {
        var i = start + 1
        while i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") || (b[i] >= 0x30 && b[i] <= 0x39) { i += 1 }
        while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0D { i += 1 }
        if i < b.count, b[i] == UInt8(ascii: "#") {
            while i < b.count, b[i] != 0x0A { i += 1 }
        }
        guard i >= b.count || b[i] == 0x0A else { return nil }
        return i + 1
    }
}
