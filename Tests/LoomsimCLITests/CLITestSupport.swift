import Foundation
import XCTest

/// Runs the built `loomsim` binary end to end, as a user would (after swift-argument-parser's
/// `AssertExecuteCommand`).
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum Loomsim {
    /// The debug binary next to the test bundle, or the release binary when the test script
    /// names one (long simulations are only practical in release).
    static func binary(release: Bool = false) throws -> URL {
        if release {
            guard let path = ProcessInfo.processInfo.environment["LOOMSIM_RELEASE_BINARY"] else {
                throw XCTSkip("LOOMSIM_RELEASE_BINARY is not set (scripts/test.sh sets it after a release build)")
            }
            return URL(fileURLWithPath: path)
        }
        #if os(macOS)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("loomsim")
        }
        fatalError("cannot find the products directory")
        #else
        return Bundle.main.bundleURL.appendingPathComponent("loomsim")
        #endif
    }

    static func run(_ arguments: [String], release: Bool = false, stdin: Data? = nil) throws -> CommandResult {
        let process = Process()
        process.executableURL = try binary(release: release)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        if let stdin {
            let input = Pipe()
            process.standardInput = input
            input.fileHandleForWriting.write(stdin)
            try input.fileHandleForWriting.close()
        }
        try process.run()
        // Read both pipes before waiting, so a full pipe cannot block the child.
        let errData = Thread.detachedRead(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData(), as: UTF8.self))
    }

    /// A fresh temporary directory, removed by the caller's `defer`.
    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("loomsim-cli-\(getpid())-\(UInt64.random(in: 0 ... .max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}

extension Thread {
    /// Reads a handle to its end on another thread; the returned closure waits for the data.
    static func detachedRead(_ handle: FileHandle) -> () -> Data {
        let box = DataBox()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            box.data = handle.readDataToEndOfFile()
            done.signal()
        }
        return {
            done.wait()
            return box.data
        }
    }
}

final class DataBox: @unchecked Sendable {
    var data = Data()
}
