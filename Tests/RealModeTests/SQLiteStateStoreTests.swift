import Foundation
import RealMode
import SimKernel
import XCTest

/// The real state store keeps what was written across a reopen (a process restart) and lists
/// keys in byte order, like the in-memory store it stands in for.
final class SQLiteStateStoreTests: XCTestCase {
    func testValuesSurviveReopenAndListInByteOrder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loomsim-store-\(getpid())-\(#line)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.sqlite").path

        do {
            let store = try SQLiteStateStore(path: path)
            try store.setValue([1, 2, 3], forKey: "saga/b")
            try store.setValue([9], forKey: "saga/a")
            try store.setValue([7], forKey: "job/1")
            try store.setValue([4, 4], forKey: "saga/b")
            try store.removeValue(forKey: "job/1")
            try store.removeValue(forKey: "never-there")
        }
        let reopened = try SQLiteStateStore(path: path)
        XCTAssertEqual(try reopened.value(forKey: "saga/b"), [4, 4])
        XCTAssertNil(try reopened.value(forKey: "job/1"))
        XCTAssertEqual(try reopened.keys(withPrefix: "saga/"), ["saga/a", "saga/b"])

        let memory = InMemoryStateStore()
        for key in ["saga/b", "saga/a", "sagaX", "saga/é"] {
            try memory.setValue([0], forKey: key)
            try reopened.setValue([0], forKey: key)
        }
        XCTAssertEqual(try memory.keys(withPrefix: "saga/"), try reopened.keys(withPrefix: "saga/"))
    }

    func testMediaLibrariesAreLinked() {
        XCTAssertTrue(MediaLibraries.versionLine.hasPrefix("avformat "), MediaLibraries.versionLine)
    }
}
