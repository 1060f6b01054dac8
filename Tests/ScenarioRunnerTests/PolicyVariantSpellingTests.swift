import LoomServices
import ScenarioKit
import XCTest
@testable import ScenarioRunner

/// Policy variants are spelt `asWritten`; the keys that first took `as-written` (streaming's
/// `edgeFallback`, AI/ML's `cacheAccounting` and `memoryAccounting`) still accept it, and both
/// spellings decode to the same configuration (Scenarios/README.md "Policy variants").
final class PolicyVariantSpellingTests: XCTestCase {
    private func scenario(_ spelling: String) -> String {
        """
        name: spelling
        duration: 1m
        topology:
          services:
            streaming: {edgeFallback: \(spelling)}
            ai-ml: {cacheAccounting: \(spelling), memoryAccounting: \(spelling)}

        """
    }

    private func decode(_ yaml: String) throws -> (spec: PlatformSpec, errors: [String]) {
        let sink = DiagnosticSink()
        let root = try ScenarioLoader(provider: InMemorySources(["s.yaml": yaml])).load(path: "s.yaml").document
        let spec = PlatformSpec.decode(root: NodeReader(root, sink: sink))
        return (spec, sink.diagnostics.filter(\.isError).map(\.description))
    }

    func testCanonicalAndAliasSpellingsDecodeToTheSameConfiguration() throws {
        let canonical = try decode(scenario("asWritten"))
        let alias = try decode(scenario("as-written"))
        XCTAssertEqual(canonical.errors, [])
        XCTAssertEqual(alias.errors, [])
        for spec in [canonical.spec, alias.spec] {
            XCTAssertEqual(spec.streaming?.edgeFallback, .asWritten)
            XCTAssertEqual(spec.ai?.cacheAccounting, .asWritten)
            XCTAssertEqual(spec.ai?.memoryAccounting, .asWritten)
        }
        // Everything else is equal too: the two specs print alike.
        XCTAssertEqual(canonical.spec.services, alias.spec.services)
        XCTAssertEqual(String(describing: canonical.spec.streaming!.edges), String(describing: alias.spec.streaming!.edges))
        XCTAssertEqual(canonical.spec.ai!.pools, alias.spec.ai!.pools)
    }

    func testTheDefaultIsIntendedAndUnknownSpellingsListOnlyTheCanonicalOnes() throws {
        let defaults = try decode(scenario("intended"))
        XCTAssertEqual(defaults.errors, [])
        XCTAssertEqual(defaults.spec.streaming?.edgeFallback, .intended)
        XCTAssertEqual(defaults.spec.ai?.memoryAccounting, .intended)

        // A near miss is pointed at the canonical spelling, never at the alias.
        let nearMiss = try decode(scenario("as_written"))
        XCTAssertEqual(nearMiss.errors.count, 3, nearMiss.errors.joined(separator: "\n"))
        for error in nearMiss.errors {
            XCTAssertTrue(error.hasSuffix("\"as_written\" is not a known value; did you mean \"asWritten\"?"), error)
        }
        XCTAssertTrue(nearMiss.errors[0].hasPrefix("s.yaml:5:31: error: topology.services.streaming.edgeFallback"), nearMiss.errors[0])
        // A value far from any lists the canonical choices only.
        let unknown = try decode(scenario("sometimes"))
        XCTAssertEqual(unknown.errors.count, 3, unknown.errors.joined(separator: "\n"))
        for error in unknown.errors {
            XCTAssertTrue(error.contains("intended, asWritten"), error)
            XCTAssertFalse(error.contains("as-written"), error)
        }
    }
}
