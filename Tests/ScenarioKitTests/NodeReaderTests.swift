import XCTest
@testable import ScenarioKit

/// The toolkit later decoders use for `topology` and `policies`.
final class NodeReaderTests: XCTestCase {
    /// A decoder of the kind the services will write.
    private struct Service: Equatable {
        var name: String
        var replicas: Int
        var memory: ByteCount?
        var timeout: TimeAmount
    }

    private func decodeTopology(_ root: NodeReader, into services: inout [Service]) {
        guard let topology = root.child("topology") else { return }
        topology.checkKeys(["regions", "services"])
        _ = topology.sequence("regions", required: true).compactMap { $0.value(as: .identifier) }
        for (name, r) in topology.child("services")?.entries() ?? [] {
            r.checkKeys(["replicas", "memory", "timeout"])
            let replicas = r.optional("replicas", as: .integer(in: 1...1_000), default: 1)
            let memory = r.optional("memory", as: .size)
            let timeout = r.optional("timeout", as: .duration, default: .wholeSeconds(30))
            services.append(Service(name: name, replicas: replicas, memory: memory, timeout: timeout))
        }
    }

    func testASectionDecoderReportsTogetherWithTheCommonSchema() {
        let yaml = """
        name: t
        duration: 1x
        topology:
          regions: [us-east-1]
          services:
            recording: {replicas: 0, memory: 2Gi, timeuot: 5s}
            streaming: {memory: lots}
        """
        var services: [Service] = []
        let loader = ScenarioLoader(provider: InMemorySources(["s.yaml": yaml]), sectionChecks: [{ self.decodeTopology($0, into: &services) }])
        XCTAssertEqual(loader.validate(paths: ["s.yaml"]).map(\.description), [
            "s.yaml:2:11: error: duration: \"1x\" has an unknown unit \"x\" (use d, h, m, s, ms, us or ns); expected a duration like 90s, 5m or 1h30m",
            "s.yaml:6:27: error: topology.services.recording.replicas: 0 is out of range; expected an integer from 1 to 1000",
            "s.yaml:6:43: error: topology.services.recording.timeuot: unknown key; did you mean \"timeout\"?",
            "s.yaml:7:25: error: topology.services.streaming.memory: \"lots\" is not a size; expected a size like 512Mi, 2Gi or 1.5GB",
        ])
    }

    func testReadingSectionsAfterLoading() throws {
        let scenario = try XCTUnwrap(TestSupport.load(TestSupport.minimal("""
        topology:
          regions: [us-east-1, eu-west-1]
          services:
            recording: {replicas: 3, memory: 512Mi}
            streaming: {timeout: 2s}
        policies: {hpa: {minReplicas: 2}}
        """)))
        let sink = DiagnosticSink()
        var services: [Service] = []
        decodeTopology(NodeReader(scenario.document, sink: sink), into: &services)
        XCTAssertEqual(sink.diagnostics, [])
        XCTAssertEqual(services, [
            Service(name: "recording", replicas: 3, memory: ByteCount(bytes: 512 << 20), timeout: .wholeSeconds(30)),
            Service(name: "streaming", replicas: 1, memory: nil, timeout: .wholeSeconds(2)),
        ])
        let policies = try XCTUnwrap(scenario.sections.reader("policies", sink: sink))
        XCTAssertEqual(policies.child("hpa")?.required("minReplicas", as: .integer(in: 1...100)), 2)
        XCTAssertEqual(policies.child("hpa")?.path, "policies.hpa")
        XCTAssertEqual(policies.child("hpa")?.location, SourceLocation(file: "s.yaml", line: 8, column: 17))
    }

    func testCustomKindsAndHelpers() {
        let node = ScenarioNode(.mapping([
            .init(key: "a", keyLocation: SourceLocation(file: "x", line: 1, column: 1), value: .scalar("7", at: SourceLocation(file: "x", line: 1, column: 4))),
            .init(key: "b", keyLocation: SourceLocation(file: "x", line: 2, column: 1), value: .scalar("~", at: SourceLocation(file: "x", line: 2, column: 4))),
        ]), at: SourceLocation(file: "x", line: 1, column: 1))
        let sink = DiagnosticSink()
        let r = NodeReader(node, path: "p", sink: sink)
        let even = ValueKind<Int>.integer().checked(expected: "an even number") { $0 % 2 == 0 ? nil : "\($0) is odd" }
        XCTAssertNil(r.required("a", as: even))
        XCTAssertNil(r.optional("b", as: .string), "null reads as absent")
        XCTAssertFalse(r.has("b"))
        XCTAssertEqual(r.optional("c", as: .bool, default: true), true)
        XCTAssertNil(r.required("c", as: .bool))
        XCTAssertNil(r.required("c", as: .bool), "reported once")
        XCTAssertEqual(sink.diagnostics.map(\.description), [
            "x:1:1: error: p.c: required key is missing; expected true or false",
            "x:1:4: error: p.a: 7 is odd; expected an even number",
        ])
    }
}
