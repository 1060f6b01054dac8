import ArgumentParser
import Foundation
import ScenarioKit
import ScenarioRunner

/// `loomsim bench scale`: one simulated peak hour of the whole platform at the seed's scale.
struct BenchScale: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "Simulate one peak hour of the whole platform at a fraction of the seed's scale.",
        discussion: """
            At --scale 1: 10,000 concurrent recording sessions (33 new per second, 5-minute mean), \
            100,000 concurrent viewers (555 new per second, 3-minute mean, a segment every 4 s), \
            1,000,000 analytics events, the processing and transcription jobs the recordings \
            create, and JWT validations for session starts. One replication on one core. Prints \
            events executed, events/s, wall time, peak RSS and the digest; run it at 0.25, 0.5 and 1 \
            to see how wall time grows.
            """)

    @Option(name: .long, help: "Fraction of the seed's scale (0 < s ≤ 4).") var scale: Double = 1
    @Option(name: .long, help: "Run seed.") var seed: UInt64 = 2026

    func validate() throws {
        guard scale > 0, scale <= 4 else { throw ValidationError("--scale must be in (0, 4], got \(scale)") }
    }

    static func yaml(scale s: Double, seed: UInt64) -> String {
        func r(_ perSecond: Double) -> String { String(format: "%.4f/s", perSecond * s) }
        return """
            name: bench-scale
            seed: \(seed)
            duration: 1h
            load:
              workloads:
                - name: sessions
                  target: recording
                  rate: \(r(33.3))
                  mix:
                    tier: {categorical: {free: 40%, business: 45%, enterprise: 15%}}
                    length: {lognormal: {mean: 5m, cv: 1.0}}
                    resolution: {empirical: {values: [720, 1080, 2160], weights: [3, 6, 1]}}
                - name: viewers
                  target: streaming
                  rate: \(r(555.6))
                  mix:
                    region: {categorical: {us-east-1: 40%, us-west-2: 20%, eu-west-1: 30%, ap-southeast-1: 10%}}
                    duration: {lognormal: {mean: 3m, cv: 1.0}}
                - name: events
                  target: analytics
                  rate: \(r(277.8))
                - name: logins
                  target: user-management
                  rate: \(r(33.3))
            topology:
              services:
                recording:
                  replicas: \(max(2, Int(10 * s)))
                video-processing:
                  gpus: {a100: \(max(1, Int(16 * s))), rtx-4080: \(max(1, Int(200 * s))), rtx-3060: \(max(1, Int(2000 * s)))}
                ai-ml:
                  transcriptionWorkers: \(max(1, Int(4200 * s)))
            slos:
              - nothingLost: true
            """
    }

    func run() throws {
        let scenario: Scenario
        do {
            scenario = try ScenarioLoader.load(yaml: Self.yaml(scale: scale, seed: seed), file: "bench-scale.yaml")
        } catch {
            printError("internal scenario is invalid: \(error)")
            throw ExitCode.failure
        }
        let started = Date()
        let outcome = try ReplicationRun(scenario: scenario, index: 0).run(factory: PlatformAssembly.factory)
        let wall = Date().timeIntervalSince(started)
        let r = outcome.result
        for flow in r.conservation {
            print("\(flow.service): entered \(flow.entered), completed \(flow.count("completed")), in flight \(flow.inFlight)\(flow.isBalanced ? "" : " UNBALANCED")")
        }
        print(String(format: "scale=%.2f events=%llu wall_s=%.2f events_per_s=%.0f peak_rss_mib=%.0f digest=%@ conservation=%@",
                     scale, outcome.events, wall, Double(outcome.events) / max(wall, 1e-9), peakResidentMiB(),
                     r.digest.hex, r.violations.isEmpty && r.conservation.allSatisfy(\.isBalanced) ? "holds" : "BROKEN"))
    }
}
