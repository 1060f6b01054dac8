import ArgumentParser
import Foundation

/// Writes a message to standard error (diagnostics never mix with results on stdout).
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Reads a user-named input file with a precise message for each way it can be wrong
/// (missing, a directory, unreadable, too large); exits with status 2.
func readInputFile(_ path: String, maxBytes: Int = 64 << 20) throws -> Data {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        printError("\(path): error: no such file")
        throw ExitCode.validationFailure
    }
    if isDirectory.boolValue {
        printError("\(path): error: is a directory; expected a file")
        throw ExitCode.validationFailure
    }
    let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    if size > maxBytes {
        printError("\(path): error: file is \(size) bytes; at most \(maxBytes) are read")
        throw ExitCode.validationFailure
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        printError("\(path): error: cannot be read (permissions?)")
        throw ExitCode.validationFailure
    }
    if data.isEmpty {
        printError("\(path): error: file is empty")
        throw ExitCode.validationFailure
    }
    return data
}
