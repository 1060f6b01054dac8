import Foundation
import XCTest
@testable import ScenarioKit

/// Deterministic mutations of a valid scenario: every one must give diagnostics or a scenario,
/// never a crash or a hang.
final class FuzzTests: XCTestCase {
    func testMutatedScenariosNeverCrash() throws {
        let base = try String(contentsOfFile: TestSupport.fixtures + "/valid-peak-hour.yaml", encoding: .utf8)
        let baseFile = try String(contentsOfFile: TestSupport.fixtures + "/base/platform.yaml", encoding: .utf8)
        let csv = try String(contentsOfFile: TestSupport.fixtures + "/traces/replays.csv", encoding: .utf8)
        let alphabet: [String] = [":", " ", "[", "]", "{", "}", "*a", "&a ", "? ", "-", "#", "\"", "'", "\t", "\n", "|", ">", "<<: ", "%", "0", "\u{0}", "é", "x"]
        var state: UInt64 = 0x5eed
        func next(_ n: Int) -> Int {
            state = StableHash.mix(state)
            return Int(state % UInt64(n))
        }
        let start = DispatchTime.now().uptimeNanoseconds
        var loaded = 0
        for _ in 0..<400 {
            var scalars = Array(base.unicodeScalars)
            for _ in 0..<(1 + next(4)) {
                let at = next(scalars.count)
                switch next(3) {
                case 0: scalars.remove(at: at)
                case 1: scalars.insert(contentsOf: alphabet[next(alphabet.count)].unicodeScalars, at: at)
                default: scalars[at] = alphabet[next(alphabet.count)].unicodeScalars.first!
                }
            }
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars)
            let files = ["s.yaml": text, "base/platform.yaml": baseFile, "traces/replays.csv": csv]
            let loader = ScenarioLoader(provider: InMemorySources(files))
            let diagnostics = loader.validate(paths: ["s.yaml"])
            if diagnostics.allSatisfy({ !$0.isError }) {
                loaded += 1
                XCTAssertNoThrow(try loader.load(path: "s.yaml"))
            }
            for d in diagnostics { XCTAssertFalse(d.description.isEmpty) }
        }
        XCTAssertGreaterThan(loaded, 0)
        XCTAssertLessThan(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, 60)
    }
}
