import Foundation
import LoomServices
@testable import RealMode
import XCTest

/// One service code path, two backends: the same small scenario on the wall clock with libav
/// and on the simulated runtime with the work model must get the same decisions for every job
/// (admitted, priority, strategy, device kind, terminal state), and real mode's outputs must
/// play (re-opened and decoded in full).
final class DecisionParityTests: XCTestCase {
    func testSameJobDecisionsOnTheSimulatedAndTheRealBackend() throws {
        let work = PipelineFixtures.folder(self, "parity")
        let inputs = try PipelineFixtures.clips([
            ("a-free.mp4", PipelineFixtures.small),
            ("b-premium.mp4", PipelineFixtures.wide),
            ("c-live.mp4", PipelineFixtures.small),
            ("d-batch.mp4", PipelineFixtures.wide),
        ], in: (work as NSString).appendingPathComponent("in"))
        var lines: [String] = []
        let real = try RealModeRun.run(RealModeOptions(
            inputs: .files(inputs), workDirectory: work, concurrency: 8, threadsPerJob: 1,
            arrivals: .interval(seconds: 0.2), ladder: [360, 240],
            jobProfiles: [RealModeJobProfile(userTier: "free"), RealModeJobProfile(userTier: "premium"),
                          RealModeJobProfile(userTier: "free", isLiveRecording: true),
                          RealModeJobProfile(userTier: "free", priority: .batch)]), progress: { lines.append($0) })

        XCTAssertTrue(real.complete, lines.joined(separator: "\n"))
        XCTAssertTrue(real.violations.isEmpty, "\(real.violations)")
        XCTAssertEqual(real.countsByState, ["completed": 4])
        let flow = try XCTUnwrap(real.conservation.first)
        XCTAssertTrue(flow.isBalanced)
        XCTAssertEqual(flow.entered, 4)
        if real.gpu.pools.isEmpty {
            // No GPU here: one line, and every job fell back to a CPU worker.
            XCTAssertEqual(real.gpu.lines.count, 1)
            XCTAssertTrue(real.gpu.lines[0].hasPrefix("no NVIDIA GPU"), real.gpu.lines[0])
        }

        let twin = try SimulatedTwin.run(configuration: real.configuration, submissions: SimulatedTwin.submissions(of: real), seed: 1)
        XCTAssertEqual(twin.decisions.count, 4)
        XCTAssertEqual(real.decisions.count, 4)
        let simByKey = Dictionary(uniqueKeysWithValues: twin.decisions.map { ($0.mediaReference!, $0) })
        for decision in real.decisions {
            let key = try XCTUnwrap(decision.mediaReference)
            let sim = try XCTUnwrap(simByKey[key], key)
            XCTAssertEqual(decision.priority, sim.priority, key)
            XCTAssertEqual(decision.strategy, sim.strategy, key)
            XCTAssertEqual(decision.devices.map(Self.kind), sim.devices.map(Self.kind), key)
            XCTAssertEqual(decision.attempts, 1, key)
        }
        XCTAssertEqual(twin.timings.map { $0.state?.category }, real.timings.map { $0.state?.category })
        let priorities = Dictionary(uniqueKeysWithValues: real.decisions.map { ($0.mediaReference!, $0.priority!) })
        XCTAssertEqual(priorities["a-free.mp4"], .normal)
        XCTAssertEqual(priorities["b-premium.mp4"], .high)
        XCTAssertEqual(priorities["c-live.mp4"], .high)
        XCTAssertEqual(priorities["d-batch.mp4"], .batch)
        let strategies = Dictionary(uniqueKeysWithValues: real.decisions.map { ($0.mediaReference!, $0.strategy!) })
        XCTAssertEqual(strategies["b-premium.mp4"], .optimal)
        XCTAssertEqual(strategies["a-free.mp4"], .balanced)

        // Outputs play: every rendition decodes completely at the planned size.
        for key in priorities.keys.sorted() {
            let outputs = try PipelineFixtures.decodeOutputs(of: key, origin: real.layout.originDirectory)
            XCTAssertFalse(outputs.isEmpty, key)
            for (name, report) in outputs {
                XCTAssertEqual(report.videoCodec, "h264", "\(key)/\(name)")
                XCTAssertEqual(report.videoFrames, 25, "\(key)/\(name)")
                XCTAssertGreaterThan(report.audioSamples, 0, "\(key)/\(name)")
                XCTAssertTrue([240, 360].contains(report.height), "\(key)/\(name): \(report.height)")
            }
            let manifest = (real.layout.originDirectory as NSString).appendingPathComponent("\(key)/manifest.json")
            XCTAssertTrue(FileManager.default.fileExists(atPath: manifest), key)
        }
        // 640×360 sources get both rungs; 320×240 ones their own height only.
        XCTAssertEqual(try PipelineFixtures.decodeOutputs(of: "b-premium.mp4", origin: real.layout.originDirectory).map(\.0),
                       ["240p.mp4", "360p.mp4"])
        XCTAssertEqual(try PipelineFixtures.decodeOutputs(of: "a-free.mp4", origin: real.layout.originDirectory).map(\.0),
                       ["240p.mp4"])
        // The report's raw material is there: metrics, provenance, wall-clock timings.
        XCTAssertEqual(real.snapshot.counter(named: "video-processing.completed")?.total, 4)
        XCTAssertNotNil(real.snapshot.latency(named: "real.stage_seconds{stage=transcoding}"))
        XCTAssertTrue(real.provenance.contains { $0.real && $0.component.contains("transcoding") })
        XCTAssertTrue(real.provenance.contains { !$0.real && $0.component.contains("CPU worker") })
        XCTAssertEqual(Set(real.decisions.compactMap(\.encoder)), ["libx264"])
    }

    static func kind(_ device: VideoDevice) -> String {
        switch device {
        case .none: return "none"
        case .gpu(let type, _): return "gpu:\(type)"
        case .cpu: return "cpu"
        }
    }
}
