import Foundation
import XCTest
@testable import ScenarioKit

final class ResolvedTextTests: XCTestCase {
    func testResolvedTextIsCanonicalAndReloadsToTheSameText() throws {
        let scenario = try ScenarioLoader.load(path: TestSupport.fixtures + "/valid-peak-hour.yaml")
        let text = scenario.resolvedText
        let body = text.split(separator: "\n", maxSplits: 1)[1]
        XCTAssertTrue(text.hasPrefix("# Resolved scenario from \(TestSupport.fixtures)/valid-peak-hour.yaml (extends \(TestSupport.fixtures)/base/platform.yaml)\n"))
        XCTAssertEqual(String(body), """
        name: peak-hour-failover
        description: Evening peak with us-east-1 going dark for 15 minutes.
        seed: 42
        duration: 1h
        warmUp: 5m
        replications: 3
        mode: simulated
        load:
          workloads:
            - name: recordings
              target: recording
              diurnal:
                base: 10/s
                peak: 40/s
                peakAt: 30m
                period: 1d
              spikes:
                - at: 20m
                  duration: 5m
                  multiplier: 3
              mix:
                tier:
                  categorical:
                    free: 70%
                    business: 25%
                    enterprise: 5%
                resolution:
                  empirical:
                    values:
                      - 720
                      - 1080
                      - 2160
                    weights:
                      - 5
                      - 4
                      - 1
            - name: replays
              target: streaming
              trace:
                file: \(TestSupport.fixtures)/traces/replays.csv
                speed: 2
        faults:
          - name: regionOutage-0
            kind: regionOutage
            at: 10m
            until: 25m
            region: us-east-1
          - name: dependencyErrors-1
            kind: dependencyErrors
            at: 12m
            until: 20m
            dependency: transcoder
            errorRate: 5%
        slos:
          - name: nothingLost
            metric: requests.lost
            stat: count
            atMost: 0
            on: max
          - name: p99(video.queue_wait) < 30s on upper95
            metric: video.queue_wait
            stat: p99
            below: 30s
            on: upper95
          - name: p50(recording.latency) < 250ms
            metric: recording.latency
            stat: p50
            below: 250ms
            on: mean
          - name: rto < 5m
            metric: dr.rto
            stat: max
            below: 5m
            on: max
        topology:
          regions:
            - us-east-1
            - eu-west-1
          services:
            recording:
              replicas: 6

        """)
        // The resolved text is itself a valid scenario that resolves to the same text.
        let copy = try TestSupport.temporaryDirectory(for: self) + "/resolved.yaml"
        try text.write(toFile: copy, atomically: true, encoding: .utf8)
        let again = try ScenarioLoader.load(path: copy)
        XCTAssertEqual(again.resolvedText.split(separator: "\n", maxSplits: 1)[1], body)
        XCTAssertEqual(again.resolvedJSON, scenario.resolvedJSON)
    }

    func testJSONAndQuoting() throws {
        let scenario = try XCTUnwrap(TestSupport.load("""
        name: q
        duration: 90s
        description: "yes: it's #1\\n"
        topology: {flag: "true", count: 3, on: "null", ratio: 0.5, list: [], map: {}}
        """))
        XCTAssertEqual(scenario.resolvedText, """
        # Resolved scenario from s.yaml
        name: q
        description: "yes: it's #1\\n"
        seed: 1
        duration: 1m30s
        warmUp: 0s
        replications: 1
        mode: simulated
        topology:
          flag: "true"
          count: 3
          on: "null"
          ratio: 0.5
          list: []
          map: {}

        """)
        XCTAssertEqual(scenario.resolvedJSON, """
        {
          "name": "q",
          "description": "yes: it's #1\\n",
          "seed": 1,
          "duration": "1m30s",
          "warmUp": "0s",
          "replications": 1,
          "mode": "simulated",
          "topology": {
            "flag": "true",
            "count": 3,
            "on": "null",
            "ratio": 0.5,
            "list": [],
            "map": {}
          }
        }

        """)
    }
}
