import Foundation
import QueueingValidation
import XCTest
@testable import SimKernel

/// The determinism contract (DESIGN.md §3) on the kernel benchmark's model.
final class DeterminismTests: XCTestCase {
    func mmc(seed: UInt64, customers: Int = 20_000) throws -> (digest: String, meanWait: Double) {
        let model = try QueueModel(arrivalRate: 9, service: .exponential(mean: 1), servers: 10)
        var tally = QueueTally()
        let run = QueueSimulator(model: model, seed: seed).run(batchSize: customers, departureLimit: customers) {
            tally = $0
            return false
        }
        return (run.digest.hex, tally.waitSum / Double(tally.departures))
    }

    func testSameSeedGivesSameDigestAndMean() throws {
        let a = try mmc(seed: 12_345)
        let b = try mmc(seed: 12_345)
        XCTAssertEqual(a.digest, b.digest)
        XCTAssertEqual(a.meanWait, b.meanWait)
    }

    func testAnotherSeedGivesAnotherDigest() throws {
        XCTAssertNotEqual(try mmc(seed: 1).digest, try mmc(seed: 2).digest)
    }

    /// A model that draws from an extra stream ("unrelated") must leave the digest of the
    /// events that depend on the other streams unchanged.
    func testAddingAnUnrelatedStreamLeavesTheDigestUnchanged() throws {
        func run(extraStream: Bool) throws -> String {
            let rt = SimulatedRuntime(seed: 77)
            let arrivals = rt.randomStream(named: "arrivals")
            let kind = EventKind("arrival")
            var n: UInt64 = 0
            func arrive() {
                n += 1
                if extraStream { _ = rt.randomStream(named: "unrelated").uniform() }
                if n < 5_000 { try! rt.schedule(after: .saturatingSeconds(arrivals.exponential(mean: 0.1)), kind, entity: n, arrive) }
            }
            try rt.schedule(after: .zero, kind, entity: 0, arrive)
            rt.runUntilIdle()
            return rt.digest.hex
        }
        XCTAssertEqual(try run(extraStream: false), try run(extraStream: true))
    }

    /// The digest printed by `loomsim bench kernel` (a release build) equals this debug build's.
    /// The test script exports LOOMSIM_RELEASE_BINARY after building the release binary.
    func testDigestIsTheSameInDebugAndReleaseBuilds() throws {
        guard let binary = ProcessInfo.processInfo.environment["LOOMSIM_RELEASE_BINARY"] else {
            throw XCTSkip("LOOMSIM_RELEASE_BINARY is not set (scripts/test.sh sets it after a release build)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["bench", "kernel", "--customers", "20000", "--seed", "12345"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let debug = try mmc(seed: 12_345)
        XCTAssertTrue(output.contains("digest=\(debug.digest)"), "release printed:\n\(output)\ndebug digest: \(debug.digest)")
        XCTAssertTrue(output.contains(String(format: "mean_wait=%.6f", debug.meanWait)), output)
    }
}
