import ArgumentParser
import Foundation
import LoomServices
import RealMode
import Reporting
import ScenarioKit
import ScenarioRunner

/// `loomsim run --real`: the scenario on the wall clock — video processing with libav, the other
/// services with their modelled service times.
struct RealRunOptions: ParsableArguments {
    @Flag(name: .long, help: "Run for real: wall clock, libav transcoding, the machine's GPUs (video processing).")
    var real = false
    @Option(name: .long, help: ArgumentHelp("Real mode: transcode the video files in this directory.", valueName: "dir"))
    var inputs: String?
    @Option(name: .long, help: "Real mode: synthesize N test clips with libav (default 6 when --inputs is absent).")
    var generate: Int?
    @Option(name: .customLong("clip-heights"), parsing: .upToNextOption,
            help: ArgumentHelp("Real mode: heights the generated clips are drawn from (default 360 480 720 1080 2160).", valueName: "lines"))
    var clipHeights: [Int] = []
    @Option(name: .long, help: "Real mode: speed-up factor for arrivals only.") var speedup: Double = 1
    @Option(name: .long, help: ArgumentHelp("Real mode: work directory (origin, jobs, state database).", valueName: "dir"))
    var work: String?
    @Option(name: .long, help: "Real mode: worker slots (default: half the cores).") var concurrency: Int?
    @Flag(name: .customLong("no-gpu"), help: "Real mode: do not use NVIDIA GPUs even if present.") var noGPU = false
}

/// Runs a scenario in real mode and writes the same report as a simulated run.
func runReal(_ scenario: Scenario, file: String, options o: RealRunOptions, out: URL) throws -> Bool {
    guard o.speedup > 0, o.speedup.isFinite else {
        printError("error: --speedup must be positive")
        throw ExitCode.badInput
    }
    let sink = DiagnosticSink()
    let spec = PlatformSpec.decode(root: NodeReader(scenario.document, sink: sink))
    let workDirectory = o.work ?? "Reports/\(scenario.name)/real-work"
    // The first workload that targets video processing gives the arrivals, played in real time.
    var offsets: [Double] = []
    if let workload = scenario.workloads.first(where: { $0.target == "video-processing" }) {
        let stream = RandomStream(name: workload.streamName, seed: StableHash.streamSeed(runSeed: scenario.seed, streamName: workload.streamName))
        offsets = workload.arrivals(horizon: scenario.duration, using: stream).map(\.seconds)
    }
    let source: RealModeInputSource
    if let directory = o.inputs {
        source = .directory(directory)
    } else {
        // One arrival per generated clip: the workload's first N arrivals.
        let count = o.generate ?? max(1, min(offsets.count, 6))
        guard count >= 1, count <= 1_000 else {
            printError("error: --generate must be between 1 and 1000, got \(count)")
            throw ExitCode.badInput
        }
        offsets = Array(offsets.prefix(count))
        if let bad = o.clipHeights.first(where: { $0 < 64 || $0 > 4320 || $0 % 2 != 0 }) {
            printError("error: --clip-heights: \(bad) is not a usable clip height; expected even numbers of lines from 64 to 4320")
            throw ExitCode.badInput
        }
        source = .generate(count: count, seed: scenario.seed,
                           heights: o.clipHeights.isEmpty ? RealModeInputSource.defaultHeights : o.clipHeights)
    }
    var options = RealModeOptions(
        inputs: source, workDirectory: workDirectory, concurrency: o.concurrency,
        arrivals: offsets.isEmpty ? .interval(seconds: 1) : .offsets(offsets), speedup: o.speedup, seed: scenario.seed,
        configuration: spec.video ?? VideoProcessingConfiguration(region: spec.region), useGPUs: !o.noGPU)
    options.companion = companion(for: scenario, spec: spec)
    options.timeoutSeconds = scenario.duration.seconds / o.speedup + 600
    installInterruptHandler()
    let result: RealModeRunResult
    do {
        result = try RealModeRun.run(options, progress: { printError("real: \($0)") }, shouldStop: { interruptRequested != 0 })
    } catch {
        printError("\(file): error: real run failed: \(error)")
        throw ExitCode.failure
    }
    for line in result.summaryLines { print(line) }
    // The same SLO evaluation and report as a simulated run: the real run is one replication.
    let outcome = ReplicationRun.Outcome(
        index: 0, seed: scenario.seed,
        result: PlatformSimulation.Result(
            snapshot: result.snapshot, conservation: result.conservation, violations: result.violations,
            digest: result.digest, endTime: result.snapshot.times.last ?? .zero, complete: result.complete),
        provenance: result.provenance, events: result.digest.eventCount)
    let run = ScenarioRun(scenario: scenario, outcomes: [outcome], plannedReplications: 1)
    let report = run.report(
        rerunCommand: "loomsim run --real \(file)", interruption: result.interruption,
        wallClock: result.wallClock.map { WallClockTiming(label: $0.label, seconds: $0.seconds, text: $0.text) })
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    try ReportWriter.write(report, to: out)
    print("report: \(out.appendingPathComponent("report.html").path)")
    if result.interruption != nil { throw ExitCode(130) }
    return run.complete && run.passed
}

/// The scenario's services other than video processing, modelled on the wall clock next to the
/// real video service and fed their own workloads and the fault timeline (nil when the
/// scenario has neither).
func companion(for scenario: Scenario, spec: PlatformSpec) -> RealModeCompanion? {
    var rest = spec
    rest.video = nil
    rest.services.removeAll { $0 == "video-processing" }
    let workloads = scenario.workloads.filter { $0.target != "video-processing" }
    guard !workloads.isEmpty || !scenario.faults.events.isEmpty else { return nil }
    let companionSpec = rest
    return RealModeCompanion { host, speedup in
        let platform = try LoomPlatform(spec: companionSpec, host: host)
        let driver = ScenarioDriver(scenario: scenario, speedup: speedup)
        driver.schedule(workloads: workloads, on: platform, context: host.context)
        driver.scheduleFaults(context: host.context)
        return .init(arrivalsEnd: workloads.isEmpty ? .zero : driver.arrivalsEnd,
                     provenance: platform.provenance.map { ($0.component, false, "modelled service times on the wall clock") },
                     platform: platform)
    }
}
