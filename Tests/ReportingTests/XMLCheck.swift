import Foundation
import XCTest
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses XML with Foundation's `XMLDocument` (FoundationXML on Linux) to prove documents are
/// well-formed.
enum XMLCheck {
    static func parse(_ text: String) throws -> XMLDocument {
        try XMLDocument(data: Data(text.utf8), options: [])
    }

    static func assertWellFormed(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertNoThrow(try parse(text), "not well-formed XML", file: file, line: line)
    }
}
