import XCTest
@testable import LoomServices

/// The recording saga of issue 4 item 8 (seed §6.2) on the real `SagaOrchestrator`.
final class RecordingSagaTests: XCTestCase {
    /// Participants whose steps take a fixed time and fail as told, logging every command.
    final class Participants {
        let context: PlatformContext
        var log: [String] = []
        var times: [String: [Double]] = [:]
        var durations: [String: Double] = [:]
        /// Steps that fail every attempt, and whether retryable.
        var failing: [String: Bool] = [:]
        /// Steps that never answer.
        var silent: Set<String> = []
        var failingCompensations: Set<String> = []
        var random: RandomStream?
        var failureProbability = 0.0
        var silenceProbability = 0.0

        init(context: PlatformContext) { self.context = context }

        var map: [String: SagaParticipant] {
            var m: [String: SagaParticipant] = [:]
            for step in RecordingSaga.steps {
                let name = step.name
                m[name] = SagaParticipant(
                    execute: { [unowned self] sagaID, attempt, completion in
                        self.log.append("\(name)#\(attempt)")
                        self.times[name, default: []].append(self.context.now.seconds)
                        var silent = self.silent.contains(name)
                        var fails = self.failing[name]
                        if let random = self.random {
                            let u = random.uniform()
                            if u < self.silenceProbability { silent = true } else if u < self.silenceProbability + self.failureProbability {
                                fails = random.uniform() < 0.5
                            }
                        }
                        if silent { return }
                        self.context.after(.saturatingSeconds(self.durations[name] ?? 1), EventKind("test.step")) {
                            if let retryable = fails {
                                completion(.failure(SagaStepFailure(reason: "injected", retryable: retryable)))
                            } else {
                                completion(.success(()))
                            }
                        }
                    },
                    compensate: step.compensation == nil ? nil : { [unowned self] sagaID, completion in
                        self.log.append("undo:\(name)")
                        let fails = self.failingCompensations.contains(name)
                        self.context.after(.wholeSeconds(1), EventKind("test.undo")) {
                            completion(fails ? .failure(SagaStepFailure(reason: "undo failed")) : .success(()))
                        }
                    })
            }
            return m
        }
    }

    func testTranscriptionFailureCompensatesCompletedStepsInReverseOrder() throws {
        let bench = CrossServiceBench()
        let p = Participants(context: bench.context)
        p.failing[RecordingSaga.transcription] = true
        let coordinator = try SagaCoordinator(configuration: SagaCoordinatorConfiguration(), participants: p.map, context: bench.context)
        var finished: [(String, SagaStatus)] = []
        coordinator.onSagaFinished = { finished.append(($0, $1)) }
        XCTAssertTrue(coordinator.finishRecording(recordingID: 7))
        XCTAssertFalse(coordinator.finishRecording(recordingID: 7), "a saga id is used once")
        bench.runtime.runUntilIdle()
        XCTAssertEqual(p.log, [
            "store-recording#0", "enqueue-processing#0", "transcription#0", "transcription#1",
            "undo:enqueue-processing", "undo:store-recording",
        ])
        // Attempt 0 starts at 2 s and fails at 3 s; attempt 1 waits the seed's 2^1 × 1 s backoff.
        XCTAssertEqual(p.times[RecordingSaga.transcription], [2, 5])
        XCTAssertEqual(finished.map(\.1), [.compensated])
        XCTAssertEqual(finished.first?.0, "recording-7")
        let flow = try XCTUnwrap(bench.flow("saga"))
        XCTAssertEqual(flow.entered, 1)
        XCTAssertEqual(flow.terminal, [.failed(reason: "compensated:transcription"): 1])
        XCTAssertTrue(bench.context.ledger.holds)
        XCTAssertEqual(try coordinator.orchestrator.sagaIDs(), [], "finished sagas leave the store")
    }

    func testAFailedCompensationLeavesTheSagaFailed() throws {
        let bench = CrossServiceBench()
        let p = Participants(context: bench.context)
        p.failing[RecordingSaga.notify] = false
        p.failingCompensations = [RecordingSaga.transcription]
        let coordinator = try SagaCoordinator(configuration: SagaCoordinatorConfiguration(), participants: p.map, context: bench.context)
        coordinator.finishRecording(recordingID: 1)
        bench.runtime.runUntilIdle()
        XCTAssertEqual(p.log.suffix(2), ["notify#0", "undo:transcription"], "not retryable: compensation at once, and it stops at the failure")
        XCTAssertEqual(bench.flow("saga")?.terminal, [.failed(reason: "compensation-failed:transcription"): 1])
        XCTAssertEqual(bench.events("saga.failed").count, 1)
    }

    func testASilentStepTimesOutAndIsRetriedThenCompensated() throws {
        let bench = CrossServiceBench()
        let p = Participants(context: bench.context)
        p.silent = [RecordingSaga.enqueueProcessing]
        let coordinator = try SagaCoordinator(configuration: SagaCoordinatorConfiguration(), participants: p.map, context: bench.context)
        coordinator.finishRecording(recordingID: 3)
        bench.runtime.runUntilIdle()
        // Store ends at 1 s; enqueue attempts of 10 s each with 2, 4 and 8 s backoffs between them.
        XCTAssertEqual(p.times[RecordingSaga.enqueueProcessing], [1, 13, 27, 45])
        XCTAssertEqual(p.log.last, "undo:store-recording")
        XCTAssertEqual(coordinator.compensatedCount, 1)
    }

    /// A coordinator that crashes mid-saga is replaced by a new one over the same state store,
    /// which re-sends the command in flight (same attempt) and finishes the saga exactly once.
    func testANewCoordinatorOverTheSameStoreResumesAfterACrash() throws {
        for persistence in SagaPersistence.allCases {
            let bench = CrossServiceBench()
            let p = Participants(context: bench.context)
            p.durations[RecordingSaga.transcription] = 60
            var config = SagaCoordinatorConfiguration()
            config.persistence = persistence
            let first = try SagaCoordinator(configuration: config, participants: p.map, context: bench.context)
            first.finishRecording(recordingID: 11)
            first.finishRecording(recordingID: 12)
            try bench.run(until: 30)
            let second = try SagaCoordinator(configuration: config, participants: p.map, context: bench.context, takingOverFrom: first)
            XCTAssertFalse(first.isRunning)
            let store = bench.context.runtime.backends.stateStore
            XCTAssertEqual(try store.keys(withPrefix: "saga/"), ["saga/recording-11", "saga/recording-12"],
                           "\(persistence): at the crash both sagas are in the runtime's state store")
            let stored = try XCTUnwrap(try second.orchestrator.state(of: "recording-11"))
            XCTAssertEqual(stored.completedSteps, [RecordingSaga.storeRecording, RecordingSaga.enqueueProcessing])
            XCTAssertEqual(stored.phase, .awaitingStep)
            XCTAssertEqual(try second.resume(), 2)
            bench.runtime.runUntilIdle()
            XCTAssertEqual(p.log.filter { $0.hasPrefix("transcription") }, Array(repeating: "transcription#0", count: 4),
                           "\(persistence): each saga's transcription was sent again with the same attempt")
            XCTAssertEqual(p.log.filter { $0 == "notify#0" }.count, 2, "the crashed coordinator's late replies were ignored")
            XCTAssertEqual(p.times[RecordingSaga.notify], [90, 90], "the resent transcription answered at 30 + 60 s")
            XCTAssertEqual(second.completedCount, 2)
            XCTAssertEqual(second.inFlight, 0)
            XCTAssertEqual(bench.flow("saga")?.terminal, [.completed: 2])
            XCTAssertTrue(bench.context.ledger.holds)
            XCTAssertEqual(try store.keys(withPrefix: "saga/"), [], "\(persistence): finished sagas leave the store")
            XCTAssertEqual(bench.events("saga.resumed").count, 1)
        }
    }

    /// Hundreds of sagas with random failures, silences and failed compensations, in both
    /// timeout scopes: each ends completed, compensated or failed, exactly once.
    func testEverySagaReachesATerminalState() throws {
        var outcomes: [SagaPersistence: [String]] = [:]
        for scope in SagaTimeoutScope.allCases {
          for persistence in SagaPersistence.allCases {
            let bench = CrossServiceBench(seed: 5)
            let p = Participants(context: bench.context)
            p.random = bench.context.stream("test.saga-faults")
            p.failureProbability = 0.15
            p.silenceProbability = 0.05
            p.failingCompensations = [RecordingSaga.enqueueProcessing]
            var config = SagaCoordinatorConfiguration()
            config.saga.timeoutScope = scope
            config.persistence = persistence
            let coordinator = try SagaCoordinator(configuration: config, participants: p.map, context: bench.context)
            for id in 0..<300 { bench.at(Double(id) * 0.5) { coordinator.finishRecording(recordingID: UInt64(id)) } }
            bench.runtime.runUntilIdle()
            let flow = try XCTUnwrap(bench.flow("saga"))
            XCTAssertEqual(flow.entered, 300, "\(scope)")
            XCTAssertEqual(flow.inFlight, 0, "\(scope)")
            XCTAssertEqual(coordinator.completedCount + coordinator.compensatedCount + coordinator.failedCount, 300)
            XCTAssertGreaterThan(coordinator.completedCount, 0)
            XCTAssertGreaterThan(coordinator.compensatedCount, 0)
            XCTAssertGreaterThan(coordinator.failedCount, 0)
            XCTAssertTrue(bench.context.ledger.holds, "\(bench.context.ledger.violations)")
            XCTAssertEqual(try coordinator.orchestrator.sagaIDs(), [])
            outcomes[persistence] = p.log
          }
          XCTAssertEqual(outcomes[.inMemory], outcomes[.writeThrough], "\(scope): both persistence modes run the same sagas")
        }
    }

    func testTheStateFactoryBuildsTheOrchestratorsInitialState() throws {
        for scope in SagaTimeoutScope.allCases {
            let config = SagaConfiguration(timeoutScope: scope, backoffUnit: .wholeSeconds(1))
            let factory = try SagaStateFactory(steps: RecordingSaga.steps, configuration: config)
            XCTAssertFalse(factory.usesScratchOrchestrator, "\(scope): the tree path was established")
            let orchestrator = SagaOrchestrator(store: InMemoryStateStore())
            let now = Instant(nanoseconds: 123_456_789)
            let actions = try orchestrator.start(sagaID: "recording-5", steps: RecordingSaga.steps, configuration: config, now: now)
            let made = try factory.make(id: "recording-5", now: now)
            XCTAssertEqual(made.0, try orchestrator.state(of: "recording-5"))
            XCTAssertEqual(made.1, actions)
        }
    }

    func testAStepWithoutAParticipantIsRefused() throws {
        let bench = CrossServiceBench()
        var map = Participants(context: bench.context).map
        map[RecordingSaga.notify] = nil
        XCTAssertThrowsError(try SagaCoordinator(configuration: SagaCoordinatorConfiguration(), participants: map, context: bench.context)) {
            XCTAssertEqual(($0 as? CrossServiceConfigurationError)?.message, "saga: step 'notify' has no participant")
        }
    }
}
