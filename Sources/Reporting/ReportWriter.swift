import Foundation

/// Writes a run's outputs into a directory: `report.html`, `summary.md`, `summary.json`,
/// `junit.xml` and `results.sqlite`. Rendering is pure (see `HTMLReport`, `MarkdownSummary`,
/// `SummaryJSON`, `JUnitReport`); this type and `ResultsDatabase` are the only ones that touch
/// the file system. Every file is written to a temporary name in the same directory and renamed
/// into place, so a crash never leaves a half-written report.
public enum ReportWriter {
    /// File names, in the order they are written.
    public static let htmlName = "report.html"
    public static let markdownName = "summary.md"
    public static let jsonName = "summary.json"
    public static let junitName = "junit.xml"
    public static let databaseName = "results.sqlite"

    /// Writes all five outputs (creating `directory` if needed). The database is built from
    /// scratch; callers that streamed replications into their own `ResultsDatabase` use
    /// `writeDocuments` instead.
    public static func write(_ report: RunReport, to directory: URL) throws {
        try writeDocuments(report, to: directory)
        try writeDatabase(report, to: directory.appendingPathComponent(databaseName))
    }

    /// The four text documents only.
    public static func writeDocuments(_ report: RunReport, to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in documents(report) {
            try AtomicFile.write(Data(text.utf8), to: directory.appendingPathComponent(name))
        }
    }

    /// The text documents as (file name, contents), in a fixed order: the pure part of `write`.
    public static func documents(_ report: RunReport) -> [(name: String, text: String)] {
        [
            (htmlName, HTMLReport.render(report)),
            (markdownName, MarkdownSummary.render(report)),
            (jsonName, SummaryJSON.render(report)),
            (junitName, JUnitReport.render(report)),
        ]
    }

    /// A fresh results database at `url` holding `report`, built under a temporary name and
    /// renamed into place.
    public static func writeDatabase(_ report: RunReport, to url: URL) throws {
        let temp = AtomicFile.temporaryURL(for: url)
        try AtomicFile.removeIfPresent(temp)
        try AtomicFile.removeIfPresent(URL(fileURLWithPath: temp.path + "-journal"))
        let db = try ResultsDatabase.open(temp.path)
        do {
            try db.record(report)
            try db.close()
        } catch {
            try? db.close()
            try? AtomicFile.removeIfPresent(temp)
            throw error
        }
        try AtomicFile.replace(url, with: temp)
    }
}

/// Whole-file writes that are never seen half-done: write a sibling temporary file, then
/// rename it over the target (rename is atomic within a directory on POSIX file systems).
enum AtomicFile {
    static func temporaryURL(for url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + ".partial")
    }

    static func write(_ data: Data, to url: URL) throws {
        let temp = temporaryURL(for: url)
        try data.write(to: temp)
        try replace(url, with: temp)
    }

    static func replace(_ url: URL, with temp: URL) throws {
        if rename(temp.path, url.path) != 0 {
            let code = errno
            try? removeIfPresent(temp)
            throw CocoaError(.fileWriteUnknown, userInfo: [
                NSFilePathErrorKey: url.path,
                NSLocalizedDescriptionKey: "cannot move \(temp.path) to \(url.path): errno \(code)",
            ])
        }
    }

    static func removeIfPresent(_ url: URL) throws {
        if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
    }
}
