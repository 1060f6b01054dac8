import XCTest
@testable import LoomServices

/// Seed §5.3 sliding windows: exact against a brute-force recount of the events.
final class SlidingWindowTests: XCTestCase {
    struct Event {
        var type: Int
        var user: UInt64
        var timestamp: Instant
    }

    /// The window rule, recounted from the raw events: timestamps in the `B` newest buckets.
    func bruteForce(_ events: [Event], now: Instant, duration: TimeAmount, bucket: TimeAmount)
        -> (total: Int, byType: [Int: Int], users: Int) {
        let head = now.nanoseconds / bucket.nanoseconds
        let oldest = head - duration.nanoseconds / bucket.nanoseconds + 1
        let inside = events.filter { min($0.timestamp.nanoseconds / bucket.nanoseconds, head) >= oldest }
        return (inside.count, Dictionary(grouping: inside, by: \.type).mapValues(\.count), Set(inside.map(\.user)).count)
    }

    /// Events with random users, types and lateness (up to 2 minutes), checked at random
    /// instants over 3 hours in the seed's 1 m / 5 m / 1 h windows.
    func testWindowsMatchABruteForceRecount() throws {
        let bucket = TimeAmount.wholeSeconds(1)
        let agg = SlidingWindowAggregator(windows: SlidingWindowSpec.seed, bucketWidth: bucket)
        for _ in 0..<4 { _ = agg.addType() }
        var rng = AnalyticsTestRandom(state: 7)
        var events: [Event] = []
        var now = Instant.zero
        var checks = 0
        for step in 0..<20_000 {
            // Bursts and quiet spells: gaps from 0 to ~1.6 s, sometimes 10 minutes.
            now = now + .milliseconds(Int64(rng.below(1_600))) + (rng.below(500) == 0 ? .minutes(10) : .zero)
            let late = rng.below(4) == 0 ? TimeAmount.milliseconds(Int64(rng.below(120_000))) : .zero
            let e = Event(type: rng.below(4), user: UInt64(rng.below(rng.below(2) == 0 ? 50 : 5_000)),
                          timestamp: Instant(nanoseconds: max(0, (now - late).nanoseconds)))
            events.append(e)
            agg.record(type: e.type, user: e.user, at: e.timestamp, now: now)
            guard step % 97 == 0 else { continue }
            let queryAt = now + .milliseconds(Int64(rng.below(90_000)))
            agg.advance(to: queryAt)
            for (w, spec) in SlidingWindowSpec.seed.enumerated() {
                let expected = bruteForce(events, now: queryAt, duration: spec.duration, bucket: bucket)
                XCTAssertEqual(agg.events(in: w), expected.total, "\(spec.name) at \(queryAt)")
                XCTAssertEqual(agg.uniqueUsers(in: w), expected.users, "\(spec.name) users at \(queryAt)")
                for t in 0..<4 { XCTAssertEqual(agg.events(ofType: t, in: w), expected.byType[t] ?? 0) }
                XCTAssertEqual(agg.rate(in: w), Double(expected.total) / spec.duration.seconds)
            }
            now = queryAt
            checks += 1
        }
        XCTAssertGreaterThan(checks, 200)
        XCTAssertLessThan(agg.trackedUsers, 5_100, "users older than the longest window are forgotten")
    }

    /// As written, the §5.3 counters never decrease: a "1 m" window counts since start.
    func testAsWrittenWindowsNeverForget() {
        let agg = SlidingWindowAggregator(windows: SlidingWindowSpec.seed, bucketWidth: .wholeSeconds(1), accounting: .asWritten)
        let t = agg.addType()
        for i in 0..<100 { agg.record(type: t, user: UInt64(i), at: Instant.zero + .wholeSeconds(Int64(i)), now: Instant.zero + .wholeSeconds(Int64(i))) }
        agg.advance(to: Instant.zero + .minutes(30))
        XCTAssertEqual(agg.events(in: 0), 100)
        XCTAssertEqual(agg.rate(in: 0), 100.0 / 60)
        XCTAssertEqual(agg.uniqueUsers(in: 0), 0, "distinct users are always windowed")
    }

    /// Through the service: the gauges report the windows over every valid ingested event.
    func testServiceWindowGaugesCountIngestedEvents() throws {
        let h = try AnalyticsHarness()
        var rng = AnalyticsTestRandom(state: 3)
        var events: [Event] = []
        let types = ["video_view", "video_complete", "click"]
        let s = h.service
        h.every(0.25, until: 400) {
            let k = rng.below(3)
            let user = UInt64(rng.below(200))
            s.ingest(eventType: types[k], userID: user)
            events.append(Event(type: s.typeIndex(of: types[k]), user: user, timestamp: h.runtime.now))
        }
        try h.run(until: 400)
        let snapshot = h.context.metrics.snapshot()
        for (w, spec) in SlidingWindowSpec.seed.enumerated() {
            let expected = bruteForce(events, now: h.runtime.now, duration: spec.duration, bucket: .wholeSeconds(1))
            XCTAssertEqual(s.windows.events(in: w), expected.total)
            XCTAssertEqual(s.windows.uniqueUsers(in: w), expected.users)
            let last = snapshot.series(named: "analytics.window.events{window=\(spec.name)}")?.values.last
            XCTAssertEqual(last, Double(bruteForce(events.filter { $0.timestamp <= snapshot.times.last! }, now: snapshot.times.last!,
                                                    duration: spec.duration, bucket: .wholeSeconds(1)).total))
        }
        let views = snapshot.series(named: "analytics.window.events{type=video_view,window=1m}")?.values.last ?? -1
        let viewIndex = s.typeIndex(of: "video_view")
        let t = snapshot.times.last!
        XCTAssertEqual(views, Double(bruteForce(events.filter { $0.timestamp <= t }, now: t, duration: .minutes(1), bucket: .wholeSeconds(1)).byType[viewIndex] ?? 0))
    }
}
