import Foundation
import ScenarioKit

/// Set by the SIGINT handler; read between samples so a run stops cleanly with partial results.
nonisolated(unsafe) var interruptRequested: sig_atomic_t = 0

/// Installs a Ctrl-C handler that asks running simulations to stop at their next sample; a
/// second Ctrl-C exits at once.
func installInterruptHandler() {
    signal(SIGINT) { _ in
        if interruptRequested != 0 { _exit(130) }
        interruptRequested = 1
    }
}

/// Progress on standard error: a redrawn bar with simulated time and ETA on a terminal, plain
/// lines at every tenth otherwise (CI logs).
final class ProgressReporter: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Double
    private let label: String
    private let started = Date()
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private var reached: [Int: Double] = [:]
    private var lastTenth = -1
    private var lastDraw = Date.distantPast

    /// `total` is the simulated seconds of all replications together.
    init(label: String, totalSimulatedSeconds: Double) {
        self.label = label
        self.total = max(totalSimulatedSeconds, 1e-9)
    }

    func update(replication: Int, simulatedSeconds: Double) {
        lock.lock()
        defer { lock.unlock() }
        reached[replication] = simulatedSeconds
        let done = reached.values.reduce(0, +)
        let fraction = min(1, done / total)
        let elapsed = Date().timeIntervalSince(started)
        let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : .nan
        if isTerminal {
            guard Date().timeIntervalSince(lastDraw) > 0.1 || fraction >= 1 else { return }
            lastDraw = Date()
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(Int(fraction * 100))%  sim \(clock(done)) / \(clock(total))  ETA \(clock(eta))  ".utf8))
            if fraction >= 1 { FileHandle.standardError.write(Data("\n".utf8)) }
        } else {
            let tenth = Int(fraction * 10)
            guard tenth > lastTenth else { return }
            lastTenth = tenth
            printError("\(label): \(tenth * 10)% (simulated \(clock(done)) of \(clock(total)), elapsed \(clock(elapsed)))")
        }
    }

    func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// `1:02:03` or `4:05` for seconds; `--:--` when unknown.
func clock(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "--:--" }
    let s = Int(seconds.rounded())
    let (h, m, r) = (s / 3600, (s % 3600) / 60, s % 60)
    return h > 0 ? String(format: "%d:%02d:%02d", h, m, r) : String(format: "%d:%02d", m, r)
}

/// Prints scenario diagnostics to standard error (errors and warnings, sorted) and says whether
/// any is an error.
@discardableResult
func report(_ diagnostics: [ScenarioDiagnostic]) -> Bool {
    for d in diagnostics.sorted() { printError(d.description) }
    return diagnostics.contains(where: \.isError)
}
