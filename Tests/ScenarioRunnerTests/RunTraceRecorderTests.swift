import Foundation
import LoomServices
import Reporting
import ScenarioKit
import XCTest
@testable import ScenarioRunner

/// The `--trace` export: a traced run is the same run, the trace is deterministic, holds only
/// the window, is well-formed Chrome trace-event JSON, and stops at the event budget.
final class RunTraceRecorderTests: XCTestCase {
    func scenario() throws -> Scenario { try ScenarioLoader.load(yaml: ScenarioRunTests.yaml) }

    func run(_ scenario: Scenario, trace: RunTraceRecorder?) throws -> ReplicationRun.Outcome {
        try ReplicationRun(scenario: scenario, index: 0).run(factory: { _, simulation in try EchoPlatform(simulation: simulation) },
                                                            trace: trace)
    }

    func traced(_ options: RunTraceOptions) throws -> (outcome: ReplicationRun.Outcome, recorder: RunTraceRecorder, text: String) {
        let s = try scenario()
        let recorder = RunTraceRecorder(options: options)
        let outcome = try run(s, trace: recorder)
        return (outcome, recorder, recorder.document(scenario: s.name, seed: s.seed).render())
    }

    func events(_ text: String) throws -> [[String: Any]] {
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return try XCTUnwrap(json["traceEvents"] as? [[String: Any]])
    }

    func testTracedRunIsTheSameRunAndTheTraceIsDeterministic() throws {
        let window = try RunTraceOptions.parseWindow("4m..6m")
        let plain = try run(try scenario(), trace: nil)
        let first = try traced(RunTraceOptions(window: window))
        let second = try traced(RunTraceOptions(window: window))
        XCTAssertEqual(first.outcome.result.digest, plain.result.digest, "tracing must not change the run")
        XCTAssertEqual(first.text, second.text, "same seed, same trace bytes")
        XCTAssertNil(first.recorder.truncatedAt)
    }

    func testWindowAndEventFields() throws {
        let (_, recorder, text) = try traced(RunTraceOptions(window: try RunTraceOptions.parseWindow("4m..6m")))
        let all = try events(text)
        let timed = all.filter { $0["ph"] as? String != "M" }
        XCTAssertEqual(timed.count, recorder.recorded)
        XCTAssertGreaterThan(timed.count, 500, "2 minutes of 5 requests/s")
        let (low, high) = (240_000_000.0, 360_000_000.0)
        for e in all {
            XCTAssertNotNil(e["pid"] as? Int, "\(e)")
            XCTAssertNotNil(e["tid"] as? Int, "\(e)")
            XCTAssertNotNil(e["name"] as? String, "\(e)")
            let ph = try XCTUnwrap(e["ph"] as? String)
            XCTAssertTrue(["M", "i", "X", "C"].contains(ph), "unexpected phase \(ph)")
            guard ph != "M" else { continue }
            let ts = try XCTUnwrap(e["ts"] as? Double, "\(e)")
            XCTAssertTrue(ts >= low && ts <= high, "\(e) outside the window")
            if ph == "X" { XCTAssertLessThanOrEqual(ts + (try XCTUnwrap(e["dur"] as? Double)), high, "\(e)") }
        }
        // Executed events carry their EventKind and service; the fault window's start is in it.
        let arrivals = timed.filter { $0["name"] as? String == "workload.arrival" }
        XCTAssertGreaterThan(arrivals.count, 400)
        XCTAssertTrue(arrivals.allSatisfy { $0["cat"] as? String == "workload" && $0["ph"] as? String == "i" })
        XCTAssertEqual(timed.filter { $0["name"] as? String == "fault.start" }.count, 1, "the outage starts at 5m")
        XCTAssertEqual(timed.filter { $0["name"] as? String == "fault.started" && $0["cat"] as? String == "notable" }.count, 1)
        // Requests' lives are spans; dropped ones during the outage among them; lanes never overlap.
        let spans = timed.filter { $0["ph"] as? String == "X" }
        XCTAssertGreaterThan(spans.count, 400)
        XCTAssertTrue(spans.contains { ($0["name"] as? String)?.hasPrefix("dropped") == true })
        XCTAssertTrue(spans.contains { ($0["args"] as? [String: String])?["clipped"] == "true" }, "spans cut at the window")
        var lanes: [[Int]: [(Double, Double)]] = [:]
        for s in spans { lanes[[s["pid"] as! Int, s["tid"] as! Int], default: []].append((s["ts"] as! Double, s["dur"] as! Double)) }
        for (_, list) in lanes {
            for (a, b) in zip(list, list.dropFirst()) { XCTAssertLessThanOrEqual(a.0 + a.1, b.0, "spans on one lane overlap") }
        }
        // Queue depth as a counter, sampled every 10 s: 13 samples in 4m..6m (both ends).
        let depth = timed.filter { $0["ph"] as? String == "C" && $0["name"] as? String == "object-storage.queue_depth" }
        XCTAssertEqual(depth.count, 13)
        XCTAssertNotNil((depth.first?["args"] as? [String: Any])?["value"] as? Double)
    }

    func testWholeRunKeepsUnitsInFlightAtTheEnd() throws {
        let (outcome, _, text) = try traced(RunTraceOptions())
        let inFlight = try events(text).filter { $0["name"] as? String == "in flight" }
        let flow = try XCTUnwrap(outcome.result.conservation.first { $0.service == "echo" })
        XCTAssertEqual(inFlight.count, flow.inFlight)
    }

    func testEventBudgetTruncatesWithANote() throws {
        let (outcome, recorder, text) = try traced(RunTraceOptions(maxEvents: 300))
        XCTAssertEqual(recorder.recorded, 300)
        let stopped = try XCTUnwrap(recorder.truncatedAt)
        XCTAssertLessThan(stopped, outcome.result.endTime)
        XCTAssertEqual(try events(text).filter { $0["ph"] as? String != "M" }.count, 300)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let note = try XCTUnwrap((json["otherData"] as? [String: String])?["truncated"])
        XCTAssertTrue(note.contains("event budget reached"), note)
    }

    func testWindowSyntax() throws {
        let w = try RunTraceOptions.parseWindow("10m..15m")
        XCTAssertEqual(w.start.nanoseconds, 600_000_000_000)
        XCTAssertEqual(w.end.nanoseconds, 900_000_000_000)
        XCTAssertEqual(try RunTraceOptions.parseWindow("30m..").end, .distantFuture)
        XCTAssertEqual(try RunTraceOptions.parseWindow(" ..1h30m").start, .zero)
        for bad in ["10m", "15m..10m", "ten..15m", "10m..15m..20m", "5m..5m"] {
            XCTAssertThrowsError(try RunTraceOptions.parseWindow(bad), bad)
        }
    }
}
