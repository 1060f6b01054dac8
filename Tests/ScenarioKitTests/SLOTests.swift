import XCTest
@testable import ScenarioKit

final class SLOTests: XCTestCase {
    private func slos(_ yaml: String) -> [SLOAssertion] {
        TestSupport.load(TestSupport.minimal("slos:\n" + yaml))?.slos ?? []
    }

    private func errors(_ yaml: String) -> [String] {
        TestSupport.diagnostics(yaml: TestSupport.minimal("slos:\n" + yaml))
    }

    func testMappingAndStringFormsMeanTheSame() {
        let list = slos("""
          - {metric: video.queue_wait, stat: p99, below: 30s, on: upper95}
          - name: again
            metric: video.queue_wait
            stat: p99
            below: 30s
            on: upper95
          - "p50(video.queue_wait) < 30s on upper95"
          - {name: errors, metric: api.errors, stat: ratio, atMost: 0.1%}
          - "rate(recording.sessions) >= 100/s"
        """)
        XCTAssertEqual(list.map(\.name), [
            "p99(video.queue_wait) < 30s on upper95", "again", "p50(video.queue_wait) < 30s on upper95", "errors",
            "rate(recording.sessions) >= 100/s",
        ])
        XCTAssertEqual(list[0].query, MetricQuery(metric: "video.queue_wait", statistic: .p99, bound: .upper95))
        XCTAssertEqual(list[0].comparison, .below)
        XCTAssertEqual(list[0].threshold, Measure(30, .duration))
        XCTAssertEqual(list[0].query, list[1].query)
        XCTAssertEqual(list[3].threshold, Measure(0.001, .fraction))
        XCTAssertEqual(list[4].threshold, Measure(100, .rate))
        XCTAssertEqual(list[4].comparison, .atLeast)
        let fromString = slos("  - \"p99(video.queue_wait) < 30s on upper95\"\n")
        XCTAssertEqual(fromString.map(\.name), [list[0].name])
        XCTAssertEqual(fromString.first?.query, list[0].query)
        XCTAssertEqual(fromString.first?.comparison, list[0].comparison)
        XCTAssertEqual(fromString.first?.threshold, list[0].threshold)
    }

    func testSpecialAssertions() {
        let list = slos("""
          - nothingLost: true
          - maxReplicas: {service: recording, atMost: 80}
          - rto: {below: 5m}
          - {rpo: {atMost: 1m}, on: upper95}
          - {name: budget, cost: {below: $500}}
        """)
        XCTAssertEqual(list.map(\.name), ["nothingLost", "maxReplicas(recording) <= 80", "rto < 5m", "rpo <= 1m", "budget"])
        XCTAssertEqual(list.map(\.query), [
            MetricQuery(metric: "requests.lost", statistic: .count, bound: .max),
            MetricQuery(metric: "recording.replicas", statistic: .max, bound: .max),
            MetricQuery(metric: "dr.rto", statistic: .max, bound: .max),
            MetricQuery(metric: "dr.rpo", statistic: .max, bound: .upper95),
            MetricQuery(metric: "cost.total", statistic: .max, bound: .mean),
        ])
        XCTAssertEqual(list[4].threshold, Measure(500, .money))
        XCTAssertEqual(list[1].kind, .maxReplicas(service: "recording"))
    }

    func testEvaluation() {
        let list = slos("""
          - {metric: video.queue_wait, stat: p99, below: 30s, on: upper95}
          - nothingLost: true
          - maxReplicas: {service: recording, atMost: 80}
          - cost: {below: $500}
          - {metric: missing.metric, stat: mean, above: 1}
        """)
        let measured: [MetricQuery: Double] = [
            MetricQuery(metric: "video.queue_wait", statistic: .p99, bound: .upper95): 27.31,
            MetricQuery(metric: "requests.lost", statistic: .count, bound: .max): 2,
            MetricQuery(metric: "recording.replicas", statistic: .max, bound: .max): 80,
            MetricQuery(metric: "cost.total", statistic: .max, bound: .mean): 512.5,
        ]
        let results = list.map { $0.evaluate { measured[$0] } }
        XCTAssertEqual(results.map(\.passed), [true, false, true, false, false])
        XCTAssertEqual(results.map(\.description), [
            "PASS p99(video.queue_wait) < 30s on upper95: measured 27.31s, required < 30s",
            "FAIL nothingLost: measured 2, required <= 0",
            "PASS maxReplicas(recording) <= 80: measured 80, required <= 80",
            "FAIL cost < $500: measured $512.5, required < $500",
            "FAIL mean(missing.metric) > 1: measured no data, required > 1",
        ])
        XCTAssertEqual(results[0].measured, 27.31)
        XCTAssertEqual(results[0].thresholdText, "< 30s")
        XCTAssertFalse(list[0].evaluate { _ in .nan }.passed)
    }

    func testSLOErrors() {
        XCTAssertEqual(errors("  - {metric: video.queue_wait, stat: p98, below: 30s}\n"),
                       ["s.yaml:4:38: error: slos[0].stat: \"p98\" is not a known value; did you mean \"p90\"?"])
        XCTAssertEqual(errors("  - {metric: video.queue_wait, stat: p99}\n"),
                       ["s.yaml:4:5: error: slos[0]: a comparison is missing; expected one of below, atMost, above, atLeast"])
        XCTAssertEqual(errors("  - {metric: video.queue_wait, stat: p99, below: 30s, above: 1s}\n"),
                       ["s.yaml:4:55: error: slos[0].above: above cannot be combined with below; expected only one of below, atMost, above, atLeast as a comparison"])
        XCTAssertEqual(errors("  - {metric: a.b, stat: count, below: 1.5}\n"),
                       ["s.yaml:4:39: error: slos[0].below: 1.5 is not a count; expected a whole number for the count statistic"])
        XCTAssertEqual(errors("  - {metric: a.b, stat: rate, below: 100}\n"),
                       ["s.yaml:4:38: error: slos[0].below: 100 is not a rate; expected a rate like 100/s for the rate statistic"])
        XCTAssertEqual(errors("  - \"p99(video.queue_wait) 30s\"\n"),
                       ["s.yaml:4:5: error: slos[0]: \"p99(video.queue_wait) 30s\" has no comparison; expected one of <, <=, >, >= after the metric"])
        XCTAssertEqual(errors("  - \"p99(video.queue_wait) < 30s on upper99\"\n"),
                       ["s.yaml:4:5: error: slos[0]: \"upper99\" is not a replication bound; did you mean \"upper95\"?"])
        XCTAssertEqual(errors("  - \"p99 video.queue_wait < 30s\"\n"),
                       ["s.yaml:4:5: error: slos[0]: \"p99 video.queue_wait < 30s\" is not an assertion; expected an assertion like \"p99(video.queue_wait) < 30s\" or \"p99(video.queue_wait) < 30s on upper95\""])
        XCTAssertEqual(errors("  - nothingLost: false\n"),
                       ["s.yaml:4:18: error: slos[0].nothingLost: nothingLost: false asserts nothing; expected true (or remove the assertion)"])
        XCTAssertEqual(errors("  - {rto: {below: 5m}, rpo: {below: 1m}}\n"),
                       ["s.yaml:4:24: error: slos[0].rpo: rpo cannot be combined with rto in one assertion; expected one assertion per list entry"])
        XCTAssertEqual(errors("  - cost: {below: 500}\n"),
                       ["s.yaml:4:19: error: slos[0].cost.below: \"500\" has no currency sign (write $500); expected an amount like $0.12 or $500"])
        XCTAssertEqual(errors("  - {stat: p99, below: 1s}\n"),
                       ["s.yaml:4:5: error: slos[0].metric: required key is missing; expected a dotted metric name like video.queue_wait"])
        XCTAssertEqual(errors("  - {metric: a, stat: p99, below: 1s}\n  - {metric: a, stat: p99, below: 1s}\n"),
                       ["s.yaml:5:5: error: slos[1]: SLO \"p99(a) < 1s\" is already defined at s.yaml:4:5; expected a unique name for each assertion"])
    }
}
