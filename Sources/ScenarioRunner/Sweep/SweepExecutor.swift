import Foundation
import LoomServices
import ScenarioKit

/// Runs every (point, replication) of a sweep on up to `jobs` threads and hands each finished
/// point to `finished` — serially, in the order of `points` — so whatever it writes (database
/// rows, progress lines) comes out the same whatever the thread count or scheduling.
///
/// Parallelism is across independent replications only (DESIGN.md §3); each replication's seed
/// comes from its scenario's seed and its index, never from the thread that runs it.
public enum SweepExecutor {
    /// A point to run: its id, its scenario, and how many replications.
    public struct Job: Sendable {
        public var id: Int
        public var scenario: Scenario
        public init(id: Int, scenario: Scenario) {
            self.id = id
            self.scenario = scenario
        }
    }

    /// What a point produced: every replication's outcome in index order, or the first error.
    public struct PointResult: Sendable {
        public var id: Int
        public var scenario: Scenario
        public var outcomes: Result<[ReplicationRun.Outcome], PlatformError>
        /// Wall-clock seconds from the point's first replication start to its last end.
        public var wallSeconds: Double
        /// True when every replication ran to its end (false after an interruption).
        public var complete: Bool {
            guard case .success(let o) = outcomes else { return false }
            return o.count == scenario.replications && o.allSatisfy(\.result.complete)
        }
    }

    /// Runs `jobs` points; `wallClock` (seconds, from the caller: simulation-side code never reads
    /// the clock itself) times each point for the report's wall-clock table; `shouldContinue` is
    /// polled at every sample (false stops all runs:
    /// unstarted replications are skipped and points left partial are still handed over, marked
    /// incomplete). `finished` may throw to stop the sweep; the first error is rethrown.
    public static func run(_ points: [Job], jobs: Int, sampleInterval: TimeAmount, factory: @escaping PlatformFactory,
                           wallClock: @escaping @Sendable () -> Double,
                           shouldContinue: @escaping @Sendable () -> Bool = { true },
                           finished: @escaping @Sendable (PointResult) throws -> Void) throws {
        let tasks = points.enumerated().flatMap { i, p in (0..<p.scenario.replications).map { (slot: i, replication: $0) } }
        let state = State(points: points)
        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, tasks.count))) { _ in
            while let t = state.take(below: tasks.count) {
                let (slot, index) = tasks[t]
                let job = points[slot]
                let started = wallClock()
                let result: Result<ReplicationRun.Outcome, PlatformError>
                if !shouldContinue() {
                    result = .failure(PlatformError("interrupted"))
                } else {
                    do {
                        result = .success(try ReplicationRun(scenario: job.scenario, index: index, sampleInterval: sampleInterval)
                            .run(factory: factory) { _ in shouldContinue() })
                    } catch let e as PlatformError {
                        result = .failure(e)
                    } catch {
                        result = .failure(PlatformError("\(error)"))
                    }
                }
                state.store(slot: slot, replication: index, result, started: started, ended: wallClock())
                state.flush(finished)
            }
        }
        state.flush(finished)
        if let e = state.error { throw e }
    }

    /// Shared progress of a sweep: which replications are done, which points were handed over.
    private final class State: @unchecked Sendable {
        private let lock = NSLock()
        private let writer = NSLock()
        private let points: [Job]
        private var next = 0
        private var results: [[Result<ReplicationRun.Outcome, PlatformError>?]]
        private var remaining: [Int]
        private var started: [Double?]
        private var ended: [Double?]
        private var nextToHand = 0
        private(set) var error: (any Error)?

        init(points: [Job]) {
            self.points = points
            results = points.map { Array(repeating: nil, count: $0.scenario.replications) }
            remaining = points.map(\.scenario.replications)
            started = Array(repeating: nil, count: points.count)
            ended = Array(repeating: nil, count: points.count)
        }

        func take(below limit: Int) -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard error == nil, next < limit else { return nil }
            next += 1
            return next - 1
        }

        func store(slot: Int, replication: Int, _ r: Result<ReplicationRun.Outcome, PlatformError>, started s: Double, ended e: Double) {
            lock.lock()
            results[slot][replication] = r
            remaining[slot] -= 1
            started[slot] = min(started[slot] ?? s, s)
            ended[slot] = max(ended[slot] ?? e, e)
            lock.unlock()
        }

        /// Hands over every finished point at the head of the order, one writer at a time.
        func flush(_ finished: @Sendable (PointResult) throws -> Void) {
            writer.lock()
            defer { writer.unlock() }
            while true {
                lock.lock()
                guard nextToHand < points.count, remaining[nextToHand] == 0 else {
                    lock.unlock()
                    return
                }
                let slot = nextToHand
                nextToHand += 1
                let point = makeResult(slot)
                let failed = error != nil
                lock.unlock()
                if failed { continue }
                do { try finished(point) } catch {
                    lock.lock()
                    if self.error == nil { self.error = error }
                    lock.unlock()
                }
            }
        }

        /// Called with `lock` held.
        private func makeResult(_ slot: Int) -> PointResult {
            let rs = results[slot]
            var outcomes: [ReplicationRun.Outcome] = []
            var failure: PlatformError?
            for r in rs {
                switch r {
                case .success(let o)?: outcomes.append(o)
                case .failure(let e)?: if failure == nil, e.message != "interrupted" { failure = e }
                case nil: break
                }
            }
            let wall = (ended[slot] ?? 0) - (started[slot] ?? 0)
            return PointResult(id: points[slot].id, scenario: points[slot].scenario,
                               outcomes: failure.map { .failure($0) } ?? .success(outcomes), wallSeconds: max(0, wall))
        }
    }
}
