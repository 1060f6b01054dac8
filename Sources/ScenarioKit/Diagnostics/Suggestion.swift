/// "Did you mean" suggestions for misspelt keys and enumeration values.
///
/// The distance is the optimal-string-alignment (restricted Damerau–Levenshtein) distance on
/// lowercased text, so a swapped pair (`rtae` → `rate`) or a wrong case (`warmup` → `warmUp`) is
/// one or zero edits, and a word that shares all but its last letter with the start of another
/// (`replicas`, `replications`) one edit.
/// A candidate is suggested when it is within 1 edit for words of up to 4
/// letters, 2 for up to 8 and 3 beyond; ties go to the first candidate in the given order, so
/// suggestions never depend on hashing.
public enum Suggestion {
    /// The closest of `candidates` to `word`, if close enough to be a plausible typo.
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let threshold = word.count <= 4 ? 1 : (word.count <= 8 ? 2 : 3)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates where candidate != word {
            let (w, c) = (word.lowercased(), candidate.lowercased())
            // A shortened or lengthened key (`replicas` for `replications`) counts as one edit.
            let shared = zip(w, c).prefix { $0 == $1 }.count
            let shortened = shared >= 4 && shared >= min(w.count, c.count) - 1
            let d = min(shortened ? 1 : .max, distance(w, c))
            if d <= threshold, d < (best?.distance ?? .max) { best = (candidate, d) }
        }
        return best?.candidate
    }

    /// The hint for an unknown word: `did you mean "x"?`, or the list of what is allowed.
    static func hint(for word: String, among candidates: [String]) -> String {
        if let match = closest(to: word, among: candidates) { return "did you mean \"\(match)\"?" }
        return "expected one of \(candidates.joined(separator: ", "))"
    }

    /// Optimal string alignment distance between `a` and `b`.
    static func distance(_ a: String, _ b: String) -> Int {
        let s = Array(a.unicodeScalars)
        let t = Array(b.unicodeScalars)
        if s.isEmpty { return t.count }
        if t.isEmpty { return s.count }
        var previous2 = [Int](repeating: 0, count: t.count + 1)
        var previous = Array(0...t.count)
        var current = [Int](repeating: 0, count: t.count + 1)
        for i in 1...s.count {
            current[0] = i
            for j in 1...t.count {
                let cost = s[i - 1] == t[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, s[i - 1] == t[j - 2], s[i - 2] == t[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[t.count]
    }
}
