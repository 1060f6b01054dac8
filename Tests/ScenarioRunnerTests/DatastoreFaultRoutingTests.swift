import Foundation
import LoomServices
import ScenarioKit
import XCTest
@testable import ScenarioRunner

/// Each store a scenario's `datastoreOutage` / `replicationLag` can name, driven through a
/// scenario on the real platform (`PlatformAssembly.factory`), with the effect the seed's design
/// gives it (§1.2.2 PgBouncer replica selection and fallback; Kafka buffering; object-store
/// uploads retried) and the conservation ledger balanced.
final class DatastoreFaultRoutingTests: XCTestCase {

    struct Run {
        let result: PlatformSimulation.Result
        let platform: LoomPlatform

        func counter(_ key: String) -> Double { result.snapshot.counter(named: key)?.total ?? 0 }
        func series(_ key: String) -> [Double] { result.snapshot.series(named: key)?.values ?? [] }
        func events(_ kind: String) -> [NotableEvent] { result.snapshot.events.filter { $0.kind == kind } }
        func flow(_ service: String) -> ConservationLedger.Flow? { result.conservation.first { $0.service == service } }
        /// Units of `service` that ended failed (any reason).
        func failed(_ service: String) -> Int { flow(service)?.count("failed") ?? 0 }
    }

    func run(_ yaml: String) throws -> Run {
        let loader = ScenarioLoader(provider: InMemorySources(["s.yaml": yaml]), sectionChecks: PlatformAssembly.sectionChecks)
        let (outcome, platform) = try LoomPlatformRun.replicate(try loader.load(path: "s.yaml"))
        return Run(result: outcome.result, platform: platform)
    }

    func assertConserved(_ r: Run, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(r.result.violations.isEmpty, "\(r.result.violations.prefix(3))", file: file, line: line)
        for flow in r.result.conservation { XCTAssertTrue(flow.isBalanced, "\(flow)", file: file, line: line) }
    }

    /// Recording sessions (4/s, 30 s each) on five fixed pods, in us-east-1.
    static func recording(faults: String) -> String {
        """
        name: datastores
        seed: 7
        duration: 6m
        replications: 1
        load:
          workloads:
            - name: sessions
              target: recording
              rate: 4/s
              mix:
                length: {constant: {value: 30s}}
        topology:
          region: us-east-1
          services:
            recording: {replicas: 5, autoscaling: false}
        faults:
        \(faults)
        """
    }

    // MARK: PostgreSQL

    func testPrimaryOutageFailsWritesUntilAReplicaIsPromotedWhileReplicasServeTheReads() throws {
        let down = try run(Self.recording(faults: "  - {kind: datastoreOutage, store: postgres-primary, at: 2m, duration: 2m}"))
        let up = try run(Self.recording(faults: "  []"))
        XCTAssertEqual(up.failed("recording"), 0)
        XCTAssertEqual(up.counter("recording.postgres.rejected{reason=unavailable}"), 0)
        // The primary dies at 2m; Patroni-style failover promotes a replica 30 s + 5 s later.
        let started = down.events("failover.started").filter { $0.subject == "recording.postgres" }
        let completed = down.events("failover.completed").filter { $0.subject == "recording.postgres" }
        XCTAssertEqual(started.map(\.time.seconds), [120])
        XCTAssertEqual(completed.map(\.time.seconds), [155])
        // Writes (session inserts, progress, finalization) are refused until the promotion only.
        XCTAssertGreaterThan(down.counter("recording.postgres.rejected{reason=unavailable}"), 100)
        let failed = down.failed("recording")
        XCTAssertGreaterThan(failed, 50, "sessions starting or ending in the 35 s without a primary fail")
        // Starts and finalizations of 35 s fail (≈ 2 × 4/s × 35 s); the 2-minute outage without
        // the promotion would fail about 960.
        XCTAssertLessThan(failed, 350, "after the promotion writes succeed although the old primary is still down")
        // Reads went to the replicas throughout: none fell back to the (dead) primary.
        XCTAssertEqual(down.counter("recording.postgres.primary_fallbacks"), 0)
        XCTAssertEqual(down.counter("recording.postgres.reads{backend=primary}"), 0)
        XCTAssertGreaterThan(down.counter("recording.postgres.reads{backend=replica}"), 1_000)
        assertConserved(down)
    }

    func testReplicaOutageSendsReadsToThePrimaryAndFailsNothing() throws {
        let r = try run(Self.recording(faults: "  - {kind: datastoreOutage, store: postgres-replica, at: 2m, duration: 2m}"))
        // About 4 session starts a second read their settings during the 2 minutes.
        XCTAssertEqual(r.counter("recording.postgres.primary_fallbacks"), r.counter("recording.postgres.reads{backend=primary}"))
        XCTAssertEqual(r.counter("recording.postgres.primary_fallbacks"), 480, accuracy: 60)
        for replica in ["replica-1", "replica-2"] {
            XCTAssertEqual(r.counter("recording.postgres.\(replica).rejected{reason=unavailable}"), 0,
                           "intended selection skips a dead replica")
        }
        XCTAssertEqual(r.failed("recording"), 0)
        XCTAssertTrue(r.events("failover.started").isEmpty)
        assertConserved(r)
    }

    func testReplicationLagBeyondTheLimitSendsReadsToThePrimary() throws {
        let r = try run(Self.recording(faults: "  - {kind: replicationLag, store: postgres-replica, lag: 30s, at: 2m, duration: 2m}"))
        let lag = r.series("recording.postgres.replica-1.lag")
        XCTAssertGreaterThanOrEqual(lag.max() ?? 0, 30, "the fault's lag adds to the replica's own")
        XCTAssertLessThan(lag.last ?? .infinity, 1, "and goes when the fault ends")
        XCTAssertEqual(r.counter("recording.postgres.primary_fallbacks"), 480, accuracy: 60)
        XCTAssertEqual(r.failed("recording"), 0)
        assertConserved(r)
    }

    // MARK: Region scope

    func testAStoreInAnotherRegionIsUnaffected() throws {
        let elsewhere = try run(Self.recording(faults: """
              - {kind: datastoreOutage, store: redis, region: eu-west-1, at: 2m, duration: 2m}
              - {kind: datastoreOutage, store: postgres-primary, region: eu-west-1, at: 2m, duration: 2m}
              - {kind: datastoreOutage, store: postgres-replica, region: eu-west-1, at: 2m, duration: 2m}
            """))
        XCTAssertEqual(elsewhere.series("recording.redis.available").min(), 1)
        XCTAssertTrue(elsewhere.events("failover.started").isEmpty)
        XCTAssertEqual(elsewhere.counter("recording.postgres.primary_fallbacks"), 0)
        XCTAssertEqual(elsewhere.failed("recording"), 0)
        assertConserved(elsewhere)

        let here = try run(Self.recording(faults: "  - {kind: datastoreOutage, store: redis, region: us-east-1, at: 2m, duration: 2m}"))
        let available = here.series("recording.redis.available")
        XCTAssertEqual(available.min(), 0, "the same fault in the service's region takes its Redis down")
        XCTAssertEqual(available.last, 1)
        XCTAssertTrue(here.result.snapshot.events.contains { $0.kind == "fault.started" && $0.subject == "redis@us-east-1" })
        assertConserved(here)
    }

    // MARK: Kafka

    static func analytics(faults: String) -> String {
        """
        name: kafka
        seed: 3
        duration: 6m
        replications: 1
        load:
          workloads:
            - name: events
              target: analytics
              rate: 200/s
        topology:
          region: us-east-1
          services:
            analytics: {replicas: 2}
        faults:
        \(faults)
        """
    }

    func testKafkaOutageBuffersTheEventsAndDrainsThemAfterwardsLosingNone() throws {
        for region in ["", ", region: us-east-1"] {
            let r = try run(Self.analytics(faults: "  - {kind: datastoreOutage, store: kafka\(region), at: 2m, duration: 1m}"))
            let backlog = r.series("analytics.in_flight")
            // 200 events/s held by the producers for a minute.
            XCTAssertGreaterThan(backlog.max() ?? 0, 10_000, region)
            XCTAssertLessThan(backlog.last ?? .infinity, 1_000, "the backlog drains after the outage\(region)")
            XCTAssertGreaterThan(r.series("kafka.consumer_lag{group=analytics,topic=analytics-events}").max() ?? 0, 5_000,
                                 "the buffered records land in the log at once and the consumers catch up")
            for reason in KafkaDropReason.allCases {
                XCTAssertEqual(r.counter("kafka.dropped{reason=\(reason.rawValue),topic=analytics-events}"), 0, reason.rawValue)
            }
            XCTAssertEqual(r.failed("analytics"), 0)
            assertConserved(r)
        }
        let elsewhere = try run(Self.analytics(faults: "  - {kind: datastoreOutage, store: kafka, region: eu-west-1, at: 2m, duration: 1m}"))
        XCTAssertLessThan(elsewhere.series("analytics.in_flight").max() ?? .infinity, 2_000)
    }

    // MARK: Object storage

    func testObjectStorageOutageFailsUploadsWhichAreRetried() throws {
        let yaml = """
            name: uploads
            seed: 9
            duration: 10m
            replications: 1
            load:
              workloads:
                - name: jobs
                  target: video-processing
                  rate: 1/s
                  mix:
                    duration: {constant: {value: 60s}}
            faults:
              - {kind: datastoreOutage, store: object-storage, at: 3m, duration: 2m}
            """
        let r = try run(yaml)
        let store = r.platform.video?.objectStore.configuration.name
        XCTAssertEqual(store, "object-store")
        XCTAssertGreaterThan(r.counter("object-store.rejected{reason=unavailable}"), 10, "uploads are refused during the outage")
        XCTAssertGreaterThan(r.counter("object-store.bytes_written"), 0)
        let video = try XCTUnwrap(r.flow("video-processing"))
        // Each refused upload is retried (3 tries with backoff), then the processing attempt
        // fails and the job restarts from its upload checkpoint; only jobs whose every attempt
        // fell in the outage are dead-lettered.
        XCTAssertGreaterThan(r.counter("video-processing.processing_failures"), 50)
        XCTAssertGreaterThan(r.counter("video-processing.restarts{from=upload}"), 50)
        let deadLettered = video.terminal.filter { "\($0.key)".contains("upload-failed") }.values.reduce(0, +)
        XCTAssertGreaterThan(deadLettered, 0)
        XCTAssertLessThan(deadLettered, 2 * 60, "at most the jobs of the 2-minute outage")
        XCTAssertGreaterThan(video.count("completed"), 300, "\(video)")
        assertConserved(r)
    }

    func testObjectStorageOutageFailsTheSagaStoreStep() throws {
        let yaml = """
            name: saga-store
            seed: 11
            duration: 12m
            replications: 1
            load:
              workloads:
                - name: recordings
                  target: recording
                  rate: 0.5/s
                  mix:
                    length: {constant: {value: 1m}}
            topology:
              services:
                recording: {replicas: 4, autoscaling: false}
                video-processing:
                  gpus: {a100: 2, rtx-4080: 8, rtx-3060: 24}
            policies:
              saga: {enabled: true, persistence: inMemory, timeoutScope: perAttempt, backoffUnit: 1s}
            faults:
              - {kind: datastoreOutage, store: object-storage, at: 4m, duration: 3m}
            """
        let r = try run(yaml)
        XCTAssertGreaterThan(r.counter("saga.step_failures{step=store-recording}"), 10)
        XCTAssertEqual(r.counter("saga.orphaned_effects"), 0)
        // Sagas whose store step kept failing were compensated; nothing else failed.
        let saga = try XCTUnwrap(r.flow("saga"))
        XCTAssertGreaterThan(saga.terminal[.failed(reason: "compensated:store-recording")] ?? 0, 10, "\(saga)")
        XCTAssertEqual(r.counter("saga.finished{status=compensated}"), Double(saga.terminal[.failed(reason: "compensated:store-recording")] ?? -1))
        XCTAssertEqual(r.counter("saga.finished{status=failed}"), 0)
        assertConserved(r)
    }

    // MARK: Validation

    func testReplicationLagOnAStoreWithoutReplicasIsRefused() {
        let yaml = Self.recording(faults: "  - {kind: replicationLag, store: kafka, lag: 5s, at: 1m}")
        let loader = ScenarioLoader(provider: InMemorySources(["s.yaml": yaml]), sectionChecks: PlatformAssembly.sectionChecks)
        XCTAssertThrowsError(try loader.load(path: "s.yaml")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("s.yaml:17:35:"), text)
            XCTAssertTrue(text.contains("faults[0].store"), text)
            XCTAssertTrue(text.contains("replicationLag on kafka is not modelled"), text)
        }
    }

    func testEveryStoreReachesEachRunningServicesParts() throws {
        let r = try run("""
            name: all
            seed: 1
            duration: 10s
            replications: 1
            load:
              workloads:
                - {name: logins, target: user-management, rate: 1/s}
            topology:
              region: eu-west-1
              services: {recording: {}, video-processing: {}, streaming: {}, analytics: {}, user-management: {}}
            faults: []
            """)
        let routes = r.platform.datastoreFaultRoutes
        func targets(_ kind: LoomServices.FaultKind, _ store: DatastoreKind, _ region: String? = nil) -> [String] {
            routes.targets(of: kind, store: store, region: region)
        }
        XCTAssertEqual(targets(.datastoreOutage, .redis), ["recording.redis", "user-management.redis"])
        XCTAssertEqual(targets(.datastoreOutage, .postgresPrimary), ["recording.postgres.primary", "user-management.postgres.primary"])
        XCTAssertEqual(targets(.datastoreOutage, .postgresReplica), [
            "recording.postgres.replica-1", "recording.postgres.replica-2",
            "user-management.postgres.replica-1", "user-management.postgres.replica-2"])
        XCTAssertEqual(targets(.replicationLag, .postgresPrimary), targets(.datastoreOutage, .postgresReplica))
        XCTAssertEqual(targets(.replicationLag, .postgresReplica), targets(.datastoreOutage, .postgresReplica))
        XCTAssertEqual(targets(.datastoreOutage, .kafka), ["kafka"])
        XCTAssertEqual(targets(.datastoreOutage, .objectStorage), [
            "recording.snapshot-storage", "object-store", "streaming-origin", "user-management.snapshot-storage"])
        // The services run in eu-west-1; the streaming origin stays in us-east-1.
        XCTAssertEqual(targets(.datastoreOutage, .objectStorage, "us-east-1"), ["streaming-origin"])
        XCTAssertEqual(targets(.datastoreOutage, .redis, "us-east-1"), [])
        for store in [DatastoreKind.redis, .kafka, .objectStorage] { XCTAssertEqual(targets(.replicationLag, store), []) }
    }

    func testTheRoutingTableNamesEveryModelledPart() {
        var routes = DatastoreFaultRoutes()
        routes.add(.datastoreOutage, .redis, region: "a", target: "x.redis")
        routes.add(.datastoreOutage, .redis, region: "b", target: "y.redis")
        XCTAssertEqual(routes.targets(of: .datastoreOutage, store: .redis, region: nil), ["x.redis", "y.redis"])
        XCTAssertEqual(routes.targets(of: .datastoreOutage, store: .redis, region: "b"), ["y.redis"])
        XCTAssertEqual(routes.targets(of: .replicationLag, store: .redis, region: nil), [])
        XCTAssertEqual(DatastoreFaultRoutes.scenarioTarget(store: .postgresPrimary, region: "eu-west-1"), "postgres-primary@eu-west-1")
        XCTAssertEqual(DatastoreFaultRoutes.parse("postgres-primary@eu-west-1")?.store, .postgresPrimary)
        XCTAssertEqual(DatastoreFaultRoutes.parse("postgres-primary@eu-west-1")?.region, "eu-west-1")
        XCTAssertNil(DatastoreFaultRoutes.parse("recording.postgres")?.store)
        XCTAssertNil(DatastoreFaultRoutes.parse("kafka")?.region)
    }
}
