import Foundation
import XCTest
@testable import ScenarioKit

/// Every way a file can be unusable gives one clear diagnostic, never a crash or a hang.
final class FileRobustnessTests: XCTestCase {
    private let content = "expected a YAML mapping of scenario keys (name, duration, load, ...)"

    private func diagnostics(bytes: [UInt8], file: String = "f.yaml") -> [String] {
        ScenarioLoader(provider: InMemorySources(files: [file: bytes])).validate(paths: [file]).map(\.description)
    }

    func testMissingFile() {
        XCTAssertEqual(TestSupport.diagnostics([:], "nope.yaml"), ["nope.yaml:1:1: error: file not found; expected a scenario file"])
        XCTAssertEqual(ScenarioLoader.validate(paths: ["/nonexistent/dir/x.yaml"]).map(\.description),
                       ["/nonexistent/dir/x.yaml:1:1: error: file not found; expected a scenario file"])
    }

    func testDirectory() throws {
        let dir = try TestSupport.temporaryDirectory(for: self)
        XCTAssertEqual(ScenarioLoader.validate(paths: [dir]).map(\.description),
                       ["\(dir):1:1: error: is a directory, not a file; expected a scenario file"])
        XCTAssertEqual(TestSupport.diagnostics(["d/a.yaml": "x: 1"], "d"), ["d:1:1: error: is a directory, not a file; expected a scenario file"])
    }

    func testEmptyFile() {
        XCTAssertEqual(diagnostics(bytes: []), ["f.yaml:1:1: error: the file is empty; \(content)"])
    }

    func testWhitespaceAndCommentsOnly() {
        let expected = ["f.yaml:1:1: error: the file holds no YAML content, only whitespace or comments; \(content)"]
        XCTAssertEqual(diagnostics(bytes: Array("   \n\n\t\n".utf8)), expected)
        XCTAssertEqual(diagnostics(bytes: Array("# just a comment\n  # another\n---\n".utf8)), expected)
    }

    func testBinaryData() {
        XCTAssertEqual(diagnostics(bytes: Array("name: a\n".utf8) + [0, 1, 2, 0xFF]),
                       ["f.yaml:2:1: error: the file contains a NUL byte (binary data?); expected a UTF-8 text file"])
        XCTAssertEqual(diagnostics(bytes: Array("name: a\u{1}b\n".utf8)),
                       ["f.yaml:1:8: error: the file contains the control character 0x01 (binary data?); expected a UTF-8 text file"])
    }

    func testInvalidUTF8() {
        XCTAssertEqual(diagnostics(bytes: Array("name: café\ndesc: caf".utf8) + [0xC3, 0x28]),
                       ["f.yaml:2:10: error: the file is not valid UTF-8 (byte 0xC3); expected a UTF-8 text file"])
        XCTAssertEqual(diagnostics(bytes: [0xFF, 0xFE, 0x6E, 0x00]),
                       ["f.yaml:1:1: error: the file is UTF-16 (it starts with a UTF-16 byte-order mark); expected a UTF-8 text file"])
        XCTAssertEqual(diagnostics(bytes: Array("a: ".utf8) + [0xE2, 0x82]),
                       ["f.yaml:1:4: error: the file is not valid UTF-8 (byte 0xE2); expected a UTF-8 text file"])
    }

    func testByteOrderMarkIsAccepted() {
        let yaml = "\u{FEFF}name: bom\nduration: 1m\n"
        XCTAssertEqual(TestSupport.load(yaml)?.name, "bom")
    }

    func testHugeFileIsRefusedBeforeReading() throws {
        let dir = try TestSupport.temporaryDirectory(for: self)
        let path = dir + "/huge.yaml"
        let size = ScenarioLimits.maximumScenarioBytes + 1
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(size))
        try handle.close()
        XCTAssertEqual(ScenarioLoader.validate(paths: [path]).map(\.description),
                       ["\(path):1:1: error: the file is 8388609 bytes, over the 8 MiB limit; expected a scenario file"])
    }

    func testMalformedYAMLReportsYamsPosition() {
        XCTAssertEqual(TestSupport.diagnostics(yaml: "name: a\n  b: c: d\n"),
                       ["s.yaml:2:4: error: invalid YAML: mapping values are not allowed in this context; expected well-formed YAML"])
        XCTAssertEqual(TestSupport.diagnostics(yaml: "name: \"abc\nduration: 1h\n"),
                       ["s.yaml:3:1: error: invalid YAML: found unexpected end of stream (while scanning a quoted scalar at line 1, column 7); expected well-formed YAML"])
        XCTAssertEqual(TestSupport.diagnostics(yaml: "name: a\n\tduration: 1h\n"),
                       ["s.yaml:2:1: error: invalid YAML: found a tab character that violates indentation (while scanning a plain scalar at line 1, column 7); expected well-formed YAML"])
    }

    func testDuplicateKeysAndSeveralDocuments() {
        XCTAssertEqual(TestSupport.diagnostics(yaml: "name: a\nduration: 1h\nname: b\n"),
                       ["s.yaml:1:1: error: duplicate key \"name\" in a mapping; expected each key once"])
        XCTAssertEqual(TestSupport.diagnostics(yaml: "name: a\n---\nname: b\n"),
                       ["s.yaml:2:1: error: the file holds more than one YAML document; expected a single document (remove the \"---\" separator)"])
    }

    func testTopLevelThatIsNotAMapping() {
        XCTAssertEqual(TestSupport.diagnostics(yaml: "- name: a\n- name: b\n"), ["s.yaml:1:1: error: the top level is a list; \(content)"])
        XCTAssertEqual(TestSupport.diagnostics(yaml: "hello\n"), ["s.yaml:1:1: error: the top level is \"hello\"; \(content)"])
    }

    func testBillionLaughsIsRefusedQuickly() {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        var previous = "a"
        for level in 0..<9 {
            let name = "l\(level)"
            yaml += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = name
        }
        let start = DispatchTime.now().uptimeNanoseconds
        XCTAssertEqual(TestSupport.diagnostics(yaml: yaml),
                       ["s.yaml:1:1: error: the document expands to more than 250000 nodes (aliases nested in aliases, a \"billion laughs\"?); expected a scenario of ordinary size"])
        XCTAssertLessThan(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, 5)
    }

    func testAliasInsideAKeyIsRefusedBeforeYamsHashesIt() {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        var previous = "a"
        for level in 0..<9 {
            let name = "l\(level)"
            yaml += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = name
        }
        let expected = "error: an alias is used inside a mapping key; expected aliases (*name) only as values"
        XCTAssertEqual(TestSupport.diagnostics(yaml: yaml + "z: {*l8 : 1}\n"), ["s.yaml:11:5: \(expected)"])
        XCTAssertEqual(TestSupport.diagnostics(yaml: yaml + "[*l8]: 1\n"), ["s.yaml:11:2: \(expected)"])
        XCTAssertEqual(TestSupport.diagnostics(yaml: yaml + "*l8: 1\n"), ["s.yaml:11:1: \(expected)"])
        XCTAssertEqual(TestSupport.diagnostics(yaml: "? [a]\n: 1\n"),
                       ["s.yaml:1:1: error: explicit mapping keys (\"? \") are not supported; expected plain keys such as \"name:\""])
    }

    func testAliasesAsValuesAndMergeKeysAreFine() {
        let yaml = """
        name: anchors
        duration: &d 1h
        load:
          workloads:
            - &w {name: a, target: recording, rate: 5/s, mix: {size: {uniform: {low: *d, high: 2h}}}}
            - <<: *w
              name: b
        description: "*not: an alias"
        topology:
          note: |
            *also: not an alias
            ? nor an explicit key
        """
        let scenario = TestSupport.load(yaml)
        XCTAssertEqual(scenario?.workloads.map(\.name), ["a", "b"])
        XCTAssertEqual(scenario?.workloads.map(\.target), ["recording", "recording"])
    }

    func testDeepNestingIsRefused() {
        let deep = "a: " + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + "\n"
        XCTAssertEqual(TestSupport.diagnostics(yaml: deep),
                       ["s.yaml:1:104: error: the document nests deeper than 100 levels; expected a scenario of ordinary depth"])
        var block = ""
        for level in 0..<150 { block += String(repeating: " ", count: level) + "k\(level):\n" }
        XCTAssertEqual(TestSupport.diagnostics(yaml: block),
                       ["s.yaml:101:101: error: the document nests deeper than 100 levels; expected a scenario of ordinary depth"])
    }

    func testBaseFileProblemsAreReportedAtTheExtendsValue() {
        XCTAssertEqual(TestSupport.diagnostics(["s.yaml": "extends: base/missing.yaml\nname: x\n"]),
                       ["s.yaml:1:10: error: extends: base file \"base/missing.yaml\" (base/missing.yaml): file not found; expected a path to a scenario file, relative to this file's directory"])
        XCTAssertEqual(TestSupport.diagnostics(["s.yaml": "extends: b.yaml\n", "b.yaml": ""]),
                       ["b.yaml:1:1: error: the file is empty; \(content)"])
    }
}
