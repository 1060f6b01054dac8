import ArgumentParser
import Foundation
import QueueingValidation
import SimKernel

/// `loomsim bench kernel`: the kernel's event rate on the M/M/c reference model.
struct BenchKernel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel",
        abstract: "Run M/M/c (λ=9, μ=1, c=10, FIFO) to the N-th departure and print the event rate.",
        discussion: """
            The same model, stop rule and output line as the plain C event loop in \
            shared/anchors/mmc.c; scripts/bench-kernel.sh runs it beside that loop and SimPy and \
            prints the ratios. An event is one arrival or one departure; wall_s times the event \
            loop only. The last line is:
              events=<n> wall_s=<t> events_per_s=<r> mean_wait=<w> digest=<hex>
            """)

    @Option(name: .long, help: "Stop at this departure.")
    var customers: Int = 1_000_000

    @Option(name: .long, help: "Run seed.")
    var seed: UInt64 = 12_345

    @Option(name: .long, help: "Arrival rate λ (per second).")
    var lam: Double = 9

    @Option(name: .long, help: "Service rate μ per server (per second).")
    var mu: Double = 1

    @Option(name: .customLong("c"), help: "Number of servers.")
    var servers: Int = 10

    func validate() throws {
        guard customers >= 1 else { throw ValidationError("--customers must be ≥ 1, got \(customers)") }
        guard mu.isFinite, mu > 0 else { throw ValidationError("--mu must be a positive number, got \(mu)") }
    }

    func run() throws {
        let model: QueueModel
        do {
            model = try QueueModel(arrivalRate: lam, service: try .exponential(mean: 1 / mu), servers: servers)
        } catch {
            printError("error: \(error)")
            throw ExitCode.badInput
        }
        var tally = QueueTally()
        let simulator = QueueSimulator(model: model, seed: seed)
        let start = DispatchTime.now().uptimeNanoseconds
        let result = simulator.run(batchSize: customers, departureLimit: customers) { tally = $0; return false }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let meanWait = tally.waitSum / Double(max(tally.departures, 1))
        print("model=M/M/\(servers) lam=\(lam) mu=\(mu) seed=\(seed) sim_time=\(String(format: "%.2f", result.endTime.seconds)) "
            + "max_waiting=\(result.maxWaiting) peak_rss_mib=\(String(format: "%.1f", peakResidentMiB()))")
        print("events=\(result.events) wall_s=\(String(format: "%.4f", wall)) "
            + "events_per_s=\(String(format: "%.0f", Double(result.events) / wall)) "
            + "mean_wait=\(String(format: "%.6f", meanWait)) digest=\(result.digest.hex)")
    }
}

/// Peak resident set size of this process in MiB (Linux reports ru_maxrss in KiB).
func peakResidentMiB() -> Double {
    var usage = rusage()
    #if os(Linux)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
    #else
    getrusage(RUSAGE_SELF, &usage)
    return Double(usage.ru_maxrss) / (1024 * 1024)
    #endif
}
