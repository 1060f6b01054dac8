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
        throw ExitCode.badInput
    }
    if isDirectory.boolValue {
        printError("\(path): error: is a directory; expected a file")
        throw ExitCode.badInput
    }
    let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    if size > maxBytes {
        printError("\(path): error: file is \(size) bytes; at most \(maxBytes) are read")
        throw ExitCode.badInput
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        printError("\(path): error: cannot be read (permissions?)")
        throw ExitCode.badInput
    }
    if data.isEmpty {
        printError("\(path): error: file is empty")
        throw ExitCode.badInput
    }
    return data
}

/// `transform` applied to every element on up to `jobs` threads, results in input order.
/// Used only across independent runs (DESIGN.md §3: never inside one simulation).
func parallelMap<Element: Sendable, Result: Sendable>(
    _ elements: [Element], jobs: Int, _ transform: @escaping @Sendable (Element) -> Result
) -> [Result] {
    let slots = ResultSlots<Result>(count: elements.count)
    let next = Counter()
    DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, elements.count))) { _ in
        while let i = next.take(below: elements.count) {
            slots.set(i, transform(elements[i]))
        }
    }
    return slots.values()
}

/// Hands out 0, 1, 2, ... to worker threads.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}

/// One slot per result, each written once by one worker.
private final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: Value) {
        lock.lock()
        slots[i] = value
        lock.unlock()
    }
    func values() -> [Value] { slots.map { $0! } }
}
