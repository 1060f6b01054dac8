/// Where scenario, base and trace files come from.
///
/// Parsing is a pure transform from bytes to values; the only code that touches the file system
/// is `ScenarioFileReader`. Tests (and tools that hold scenarios in memory) use `InMemorySources`.
public protocol ScenarioSourceProvider {
    /// The bytes of the file at `path`, refusing a file larger than `limit` bytes before reading it.
    func contents(of path: String, limit: Int) -> Result<[UInt8], SourceReadFailure>
}

/// Why a file could not be read.
public enum SourceReadFailure: Error, Sendable, Hashable {
    case notFound
    case isDirectory
    /// A device, socket or pipe: reading one could block or never end.
    case notRegularFile
    case tooLarge(bytes: Int, limit: Int)
    case unreadable(String)

    /// The problem, as the first half of a diagnostic.
    var problem: String {
        switch self {
        case .notFound: return "file not found"
        case .isDirectory: return "is a directory, not a file"
        case .notRegularFile: return "is not a regular file"
        case let .tooLarge(bytes, limit):
            return "the file is \(bytes) bytes, over the \(ByteCount(bytes: Int64(limit)).humanDescription) limit"
        case .unreadable(let why): return "the file cannot be read (\(why))"
        }
    }
}

/// Size limits applied before a file is read or parsed.
public enum ScenarioLimits {
    /// Scenario and base files larger than this (8 MiB) are refused before they are read.
    public static let maximumScenarioBytes = 8 << 20
    /// Trace CSV files larger than this (64 MiB) are refused before they are read.
    public static let maximumTraceBytes = 64 << 20
    /// A YAML document may expand to at most this many nodes, counting every use of an alias as a
    /// copy: this stops "billion laughs" documents, which are tiny on disk and enormous in memory.
    public static let maximumNodes = 250_000
    /// Flow collections (`[...]`, `{...}`) and block indentation together may nest at most this deep.
    public static let maximumNesting = 100
    /// At most this many files in one `extends:` chain.
    public static let maximumExtendsDepth = 16
}

/// Scenario files held in memory, keyed by path; a path that is a prefix of others (`dir` for
/// `dir/a.yaml`) reads as a directory.
public struct InMemorySources: ScenarioSourceProvider, Sendable {
    public var files: [String: [UInt8]]

    public init(files: [String: [UInt8]]) {
        self.files = files
    }

    /// Files given as UTF-8 text.
    public init(_ texts: [String: String]) {
        files = texts.mapValues { Array($0.utf8) }
    }

    public func contents(of path: String, limit: Int) -> Result<[UInt8], SourceReadFailure> {
        if let bytes = files[path] {
            return bytes.count > limit ? .failure(.tooLarge(bytes: bytes.count, limit: limit)) : .success(bytes)
        }
        let prefix = path.hasSuffix("/") ? path : path + "/"
        if files.keys.contains(where: { $0.hasPrefix(prefix) }) { return .failure(.isDirectory) }
        return .failure(.notFound)
    }
}

/// Pure path arithmetic for `extends:` and trace files: no file-system access, no symlink
/// resolution, so the same scenario names the same files everywhere.
enum ScenarioPaths {
    /// `relative` resolved against the directory of `file` (absolute paths are kept), normalised.
    static func resolve(_ relative: String, from file: String) -> String {
        if relative.hasPrefix("/") { return normalize(relative) }
        guard let slash = file.lastIndex(of: "/") else { return normalize(relative) }
        return normalize(String(file[...slash]) + relative)
    }

    /// Removes `.` segments, folds `dir/..` and duplicate slashes; keeps leading `..` of relative paths.
    static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            if part == "..", absolute { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
