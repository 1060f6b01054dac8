import XCTest
@testable import ScenarioKit

final class FaultTimelineTests: XCTestCase {
    private func scenario(_ faults: String, duration: String = "1h") -> Scenario? {
        TestSupport.load("name: f\nduration: \(duration)\nfaults:\n" + faults)
    }

    private func errors(_ faults: String) -> [String] {
        TestSupport.diagnostics(yaml: "name: f\nduration: 1h\nfaults:\n" + faults)
    }

    func testEventsAreSortedWithEndsBeforeStartsAtTheSameInstant() throws {
        let s = try XCTUnwrap(scenario("""
          - {kind: regionOutage, region: us-east-1, at: 10m, duration: 15m}
          - {kind: dependencyLatency, dependency: redis, latency: 200ms, at: 5m, until: 10m}
          - {kind: podLoss, service: recording, count: 3, at: 25m}
          - {kind: networkPartition, between: [us-east-1, eu-west-1], at: 25m, until: 2h}
          - {kind: clockSkew, service: analytics, skew: -2s, at: 0s}
        """))
        let events = s.faults.events.map { "\(DurationSyntax.format(TimeAmount(nanoseconds: $0.at.nanoseconds))) \($0.transition.rawValue) \($0.fault.name)" }
        XCTAssertEqual(events, [
            "0s start clockSkew-4",
            "5m start dependencyLatency-1",
            "10m end dependencyLatency-1",
            "10m start regionOutage-0",
            "25m end regionOutage-0",
            "25m start podLoss-2",
            "25m start networkPartition-3",
        ], "the partition's end (2h) is past the run's end (1h) and left out")
        XCTAssertEqual(s.faults.active(at: Instant(nanoseconds: TimeAmount.minutes(12).nanoseconds)).map(\.name),
                       ["regionOutage-0", "clockSkew-4"])
        XCTAssertEqual(s.faults.active(on: "region:us-east-1", at: Instant(nanoseconds: TimeAmount.minutes(25).nanoseconds)), [])
        XCTAssertEqual(s.faults.faults[3].effect.target, "link:eu-west-1|us-east-1")
        XCTAssertEqual(s.faults.faults[4].effect, .clockSkew(service: "analytics", skew: .wholeSeconds(-2)))
        XCTAssertEqual(s.faults.faults[0].end, Instant(nanoseconds: TimeAmount.minutes(25).nanoseconds))
    }

    func testOverlappingFaultsOnTheSameTargetStayDistinct() throws {
        let s = try XCTUnwrap(scenario("""
          - {name: first, kind: dependencyErrors, dependency: transcoder, errorRate: 10%, at: 0s, until: 20m}
          - {name: second, kind: dependencyErrors, dependency: transcoder, errorRate: 20%, at: 10m, until: 30m}
        """))
        let at15 = Instant(nanoseconds: TimeAmount.minutes(15).nanoseconds)
        let active = s.faults.active(on: "dependency:*->transcoder", at: at15)
        XCTAssertEqual(active.map(\.name), ["first", "second"])
        let rates: [Fraction] = active.compactMap {
            if case .dependencyErrors(_, _, let rate) = $0.effect { return rate }
            return nil
        }
        XCTAssertEqual(FaultTimeline.combinedFailureRate(rates).value, 0.28, accuracy: 1e-12)
    }

    func testEveryKindDecodes() throws {
        let s = try XCTUnwrap(scenario("""
          - {kind: regionOutage, region: r1, at: 1m}
          - {kind: networkPartition, between: [r1, r2], at: 1m}
          - {kind: packetLoss, between: [r1, r2], rate: 2%, at: 1m}
          - {kind: nodeLoss, pool: gpu-a100, count: 2, region: r1, at: 1m, duration: 5m}
          - {kind: podLoss, service: recording, count: 1, at: 1m}
          - {kind: gpuLoss, count: 4, at: 1m}
          - {kind: dependencyErrors, dependency: auth, caller: recording, errorRate: 0.5, at: 1m}
          - {kind: dependencyLatency, dependency: auth, latency: 300ms, at: 1m}
          - {kind: datastoreOutage, store: postgres-primary, at: 1m}
          - {kind: replicationLag, store: redis, lag: 30s, region: r2, at: 1m}
          - {kind: modelLoadFailure, model: whisper-large, at: 1m}
          - {kind: cdnOutage, provider: cloudfront, at: 1m}
          - {kind: clockSkew, service: analytics, skew: 500ms, at: 1m}
        """))
        XCTAssertEqual(s.faults.faults.map(\.kind), FaultKind.allCases)
        XCTAssertEqual(s.faults.faults[10].effect, .modelLoadFailure(model: "whisper-large", failureRate: Fraction(1), region: nil))
        XCTAssertEqual(s.faults.faults[3].end, Instant(nanoseconds: TimeAmount.minutes(6).nanoseconds))
    }

    func testFaultErrors() {
        XCTAssertEqual(errors("  - {kind: regionOutage, region: r1, at: 10m, until: 10m}\n"),
                       ["s.yaml:4:54: error: faults[0].until: until 10m is the same as at 10m; expected a fault that ends after it starts"])
        XCTAssertEqual(errors("  - {kind: regionOutage, region: r1, at: 10m, duration: 5m, until: 20m}\n"),
                       ["s.yaml:4:61: error: faults[0].until: until cannot be combined with duration; expected only one of duration, until as the end of a fault"])
        XCTAssertEqual(errors("  - {kind: regionOutage, region: r1, at: 2h}\n"),
                       ["s.yaml:4:42: error: faults[0].at: 2h is not before the end of the run (1h); expected a start within the run's duration"])
        XCTAssertEqual(errors("  - {kind: regionOutrage, region: r1, at: 1m}\n"),
                       ["s.yaml:4:12: error: faults[0].kind: \"regionOutrage\" is not a known value; did you mean \"regionOutage\"?"])
        XCTAssertEqual(errors("  - {kind: regionOutage, latency: 5s, at: 1m}\n"), [
            "s.yaml:4:5: error: faults[0].region: required key is missing; expected a name of lowercase letters, digits and dashes, like peak-hour",
            "s.yaml:4:26: error: faults[0].latency: latency does not apply to a regionOutage fault; expected its parameters: region",
        ])
        XCTAssertEqual(errors("  - {kind: podLoss, service: recording, count: 2, at: 1m, duration: 5m}\n"),
                       ["s.yaml:4:59: error: faults[0].duration: a podLoss fault is instantaneous; expected no duration or until"])
        XCTAssertEqual(errors("  - {kind: networkPartition, between: [r1, r1], at: 1m}\n"),
                       ["s.yaml:4:39: error: faults[0].between: names the same region twice; expected two different regions, like [us-east-1, eu-west-1]"])
        XCTAssertEqual(errors("  - {kind: datastoreOutage, store: mysql, at: 1m}\n"),
                       ["s.yaml:4:36: error: faults[0].store: \"mysql\" is not a known value; expected one of redis, postgres-primary, postgres-replica, kafka, object-storage"])
        XCTAssertEqual(errors("  - {kind: nodeLoss, pool: p, count: 0, at: 1m}\n"),
                       ["s.yaml:4:38: error: faults[0].count: 0 is out of range; expected an integer from 1 to 1000000"])
        XCTAssertEqual(errors("  - {kind: clockSkew, service: s, skew: 0s, at: 1m}\n"),
                       ["s.yaml:4:41: error: faults[0].skew: a skew of 0s changes nothing; expected a duration like 2s or -500ms"])
        XCTAssertEqual(errors("  - {kind: cdnOutage, provider: a, at: 1m, durration: 5m}\n"),
                       ["s.yaml:4:44: error: faults[0].durration: unknown key; did you mean \"duration\"?"])
        XCTAssertEqual(errors("  - {name: x, kind: cdnOutage, provider: a, at: 1m}\n  - {name: x, kind: cdnOutage, provider: b, at: 2m}\n"),
                       ["s.yaml:5:12: error: faults[1].name: fault \"x\" is already defined at s.yaml:4:5; expected a unique fault name"])
    }

    func testTimelineWithoutHorizonKeepsEverything() {
        let f = Fault(name: "a", effect: .regionOutage(region: "r"), start: Instant(nanoseconds: 5), end: Instant(nanoseconds: 10), location: .start(of: "x"))
        let g = Fault(name: "b", effect: .regionOutage(region: "r"), start: Instant(nanoseconds: 10), end: nil, location: .start(of: "x"))
        let timeline = FaultTimeline(faults: [g, f])
        XCTAssertEqual(timeline.events.map { "\($0.at.nanoseconds)\($0.transition.rawValue)\($0.faultIndex)" }, ["5start1", "10end1", "10start0"])
        XCTAssertEqual(FaultTimeline(faults: [g, f], horizon: .nanoseconds(10)).events.count, 1)
    }
}
