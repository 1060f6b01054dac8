import Resilience
import XCTest

private func seconds(_ s: Int64) -> Instant { Instant.zero + .wholeSeconds(s) }

/// The seed's video-publication flavour of saga: three steps, each undoable.
private func threeSteps(retries: Int = 0, timeout: TimeAmount = .wholeSeconds(10)) -> [SagaStepDefinition] {
    ["reserve-storage", "transcode", "publish"].map { name in
        SagaStepDefinition(
            name: name, service: "svc-\(name)", action: "do", timeout: timeout, retries: retries,
            compensation: SagaCompensation(name: "undo-\(name)", service: "svc-\(name)", action: "undo"))
    }
}

final class SagaOrchestratorTests: XCTestCase {
    func testStepsRunInOrderAndTheSagaCompletes() throws {
        let saga = SagaOrchestrator(store: InMemoryStateStore())
        XCTAssertEqual(
            try saga.start(sagaID: "s1", steps: threeSteps(), now: seconds(0)),
            [.startStep(step: 0, name: "reserve-storage", attempt: 0), .armTimeout(step: 0, attempt: 0, at: seconds(10))])
        XCTAssertEqual(
            try saga.handle(.stepSucceeded(step: 0, attempt: 0), sagaID: "s1", now: seconds(1)),
            [.startStep(step: 1, name: "transcode", attempt: 0), .armTimeout(step: 1, attempt: 0, at: seconds(11))])
        _ = try saga.handle(.stepSucceeded(step: 1, attempt: 0), sagaID: "s1", now: seconds(2))
        XCTAssertEqual(try saga.handle(.stepSucceeded(step: 2, attempt: 0), sagaID: "s1", now: seconds(3)), [.completed])
        let state = try XCTUnwrap(try saga.state(of: "s1"))
        XCTAssertEqual(state.status, .completed)
        XCTAssertEqual(state.completedSteps, ["reserve-storage", "transcode", "publish"])
        XCTAssertEqual(state.startTime, seconds(0))
        XCTAssertEqual(state.endTime, seconds(3))
        XCTAssertEqual(try saga.resume().count, 0, "nothing to resume once completed")
    }

    func testFailureOfStepThreeCompensatesCompletedStepsInReverseOrder() throws {
        let saga = SagaOrchestrator(store: InMemoryStateStore())
        _ = try saga.start(sagaID: "s", steps: threeSteps(), now: seconds(0))
        _ = try saga.handle(.stepSucceeded(step: 0, attempt: 0), sagaID: "s", now: seconds(1))
        _ = try saga.handle(.stepSucceeded(step: 1, attempt: 0), sagaID: "s", now: seconds(2))
        XCTAssertEqual(
            try saga.handle(.stepFailed(step: 2, attempt: 0, retryable: false, reason: "CDN down"), sagaID: "s", now: seconds(3)),
            [.compensate(step: 1, name: "transcode")])
        XCTAssertEqual(try saga.state(of: "s")?.status, .compensating)
        XCTAssertEqual(
            try saga.handle(.compensationSucceeded(step: 1), sagaID: "s", now: seconds(4)),
            [.compensate(step: 0, name: "reserve-storage")])
        XCTAssertEqual(try saga.handle(.compensationSucceeded(step: 0), sagaID: "s", now: seconds(5)), [.compensated])
        let state = try XCTUnwrap(try saga.state(of: "s"))
        XCTAssertEqual(state.status, .compensated)
        XCTAssertEqual(state.error, "step publish failed after 1 attempt(s): CDN down")
    }

    func testStepsWithoutCompensationAreSkipped() throws {
        var steps = threeSteps()
        steps[1].compensation = nil
        let saga = SagaOrchestrator(store: InMemoryStateStore())
        _ = try saga.start(sagaID: "s", steps: steps, now: seconds(0))
        _ = try saga.handle(.stepSucceeded(step: 0, attempt: 0), sagaID: "s", now: seconds(1))
        _ = try saga.handle(.stepSucceeded(step: 1, attempt: 0), sagaID: "s", now: seconds(2))
        XCTAssertEqual(
            try saga.handle(.stepFailed(step: 2, attempt: 0, retryable: false, reason: "x"), sagaID: "s", now: seconds(3)),
            [.compensate(step: 0, name: "reserve-storage")])
    }

    func testAFailedCompensationFailsTheSaga() throws {
        let saga = SagaOrchestrator(store: InMemoryStateStore())
        _ = try saga.start(sagaID: "s", steps: threeSteps(), now: seconds(0))
        _ = try saga.handle(.stepSucceeded(step: 0, attempt: 0), sagaID: "s", now: seconds(1))
        _ = try saga.handle(.stepFailed(step: 1, attempt: 0, retryable: false, reason: "x"), sagaID: "s", now: seconds(2))
        let reason = "compensation failed for step reserve-storage: storage API down"
        XCTAssertEqual(
            try saga.handle(.compensationFailed(step: 0, reason: "storage API down"), sagaID: "s", now: seconds(3)),
            [.failed(reason: reason)])
        XCTAssertEqual(try saga.state(of: "s")?.status, .failed)
        XCTAssertEqual(try saga.state(of: "s")?.error, reason)
    }

    func testRetryableFailuresBackOffExponentiallyThenCompensate() throws {
        let saga = SagaOrchestrator(store: InMemoryStateStore())
        _ = try saga.start(sagaID: "s", steps: threeSteps(retries: 2), now: seconds(0))
        _ = try saga.handle(.stepSucceeded(step: 0, attempt: 0), sagaID: "s", now: seconds(0))
        XCTAssertEqual(
            try saga.handle(.stepFailed(step: 1, attempt: 0, retryable: true, reason: "busy"), sagaID: "s", now: seconds(1)),
            [.waitBackoff(step: 1, attempt: 1, until: seconds(3))], "2^1 s")
        XCTAssertEqual(try saga.handle(.backoffElapsed(step: 1, attempt: 1), sagaID: "s", now: seconds(2)), [], "too early")
        XCTAssertEqual(
            try saga.handle(.backoffElapsed(step: 1, attempt: 1), sagaID: "s", now: seconds(3)),
            [.startStep(step: 1, name: "transcode", attempt: 1), .armTimeout(step: 1, attempt: 1, at: seconds(13))])
        XCTAssertEqual(
            try saga.handle(.stepFailed(step: 1, attempt: 1, retryable: true, reason: "busy"), sagaID: "s", now: seconds(4)),
            [.waitBackoff(step: 1, attempt: 2, until: seconds(8))], "2^2 s")
        _ = try saga.handle(.backoffElapsed(step: 1, attempt: 2), sagaID: "s", now: seconds(8))
        XCTAssertEqual(
            try saga.handle(.stepFailed(step: 1, attempt: 2, retryable: true, reason: "busy"), sagaID: "s", now: seconds(9)),
            [.compensate(step: 0, name: "reserve-storage")], "retries exhausted")
    }

    func testNonRetryableFailureSkipsRemainingRetries() throws {
        let saga = SagaOrchestrator(store: InMemoryStateStore())
        _ = try saga.start(sagaID: "s", steps: threeSteps(retries: 5), now: seconds(0))
        XCTAssertEqual(
            try saga.handle(.stepFailed(step: 0, attempt: 0, retryable: false, reason: "bad input"), sagaID: "s", now: seconds(1)),
            [.compensated], "nothing completed, nothing to undo")
    }

    func testPerAttemptTimeoutRetriesAndStaleTimersAreIgnored() throws {
        let saga = SagaOrchestrator(store: InMemoryStateStore())
        _ = try saga.start(sagaID: "s", steps: threeSteps(retries: 1), now: seconds(0))
        XCTAssertEqual(
            try saga.handle(.stepTimedOut(step: 0, attempt: 0), sagaID: "s", now: seconds(10)),
            [.waitBackoff(step: 0, attempt: 1, until: seconds(12))])
        _ = try saga.handle(.backoffElapsed(step: 0, attempt: 1), sagaID: "s", now: seconds(12))
        // A late reply to attempt 0 and attempt 0's timer again: both stale.
        XCTAssertEqual(try saga.handle(.stepSucceeded(step: 0, attempt: 0), sagaID: "s", now: seconds(13)), [])
        XCTAssertEqual(try saga.handle(.stepTimedOut(step: 0, attempt: 0), sagaID: "s", now: seconds(13)), [])
        XCTAssertEqual(
            try saga.handle(.stepSucceeded(step: 0, attempt: 1), sagaID: "s", now: seconds(14)).first,
            .startStep(step: 1, name: "transcode", attempt: 0))
    }

    func testAsWrittenWholeStepTimeoutAlsoCoversBackoffs() throws {
        // Timeout 3 s, two retries: attempt 0 fails at 1 s, the 2 s backoff ends at 3 s,
        // exactly when the seed's single context expires.
        let steps = threeSteps(retries: 2, timeout: .wholeSeconds(3))
        let perAttempt = SagaOrchestrator(store: InMemoryStateStore())
        let wholeStep = SagaOrchestrator(store: InMemoryStateStore())
        _ = try perAttempt.start(sagaID: "s", steps: steps, configuration: .init(timeoutScope: .perAttempt), now: seconds(0))
        _ = try wholeStep.start(sagaID: "s", steps: steps, configuration: .init(timeoutScope: .wholeStep), now: seconds(0))
        let failure = SagaEvent.stepFailed(step: 0, attempt: 0, retryable: true, reason: "busy")
        XCTAssertEqual(try perAttempt.handle(failure, sagaID: "s", now: seconds(1)), [.waitBackoff(step: 0, attempt: 1, until: seconds(3))])
        XCTAssertEqual(try wholeStep.handle(failure, sagaID: "s", now: seconds(1)), [.waitBackoff(step: 0, attempt: 1, until: seconds(3))])
        // The armed timeout of attempt 0 fires at 3 s: stale per attempt, fatal for the whole step.
        XCTAssertEqual(try perAttempt.handle(.stepTimedOut(step: 0, attempt: 0), sagaID: "s", now: seconds(3)), [])
        XCTAssertEqual(try wholeStep.handle(.stepTimedOut(step: 0, attempt: 0), sagaID: "s", now: seconds(3)), [.compensated])
        XCTAssertEqual(
            try perAttempt.handle(.backoffElapsed(step: 0, attempt: 1), sagaID: "s", now: seconds(3)),
            [.startStep(step: 0, name: "reserve-storage", attempt: 1), .armTimeout(step: 0, attempt: 1, at: seconds(6))])
        XCTAssertEqual(try wholeStep.state(of: "s")?.error, "step reserve-storage timed out after 1 attempt(s)")
    }

    func testARestartedOrchestratorResumesFromTheStore() throws {
        let store = InMemoryStateStore()
        do {
            let first = SagaOrchestrator(store: store)
            _ = try first.start(sagaID: "a", steps: threeSteps(), now: seconds(0))
            _ = try first.handle(.stepSucceeded(step: 0, attempt: 0), sagaID: "a", now: seconds(2))
            _ = try first.start(sagaID: "b", steps: threeSteps(), now: seconds(0))
            _ = try first.handle(.stepSucceeded(step: 0, attempt: 0), sagaID: "b", now: seconds(1))
            _ = try first.handle(.stepFailed(step: 1, attempt: 0, retryable: false, reason: "x"), sagaID: "b", now: seconds(2))
        }  // the first orchestrator "crashes" here
        let restarted = SagaOrchestrator(store: store)
        let pending = try restarted.resume()
        XCTAssertEqual(pending.map(\.sagaID), ["a", "b"])
        XCTAssertEqual(
            pending[0].actions,
            [.startStep(step: 1, name: "transcode", attempt: 0), .armTimeout(step: 1, attempt: 0, at: seconds(12))],
            "the in-flight command is re-sent with its original deadline")
        XCTAssertEqual(pending[1].actions, [.compensate(step: 0, name: "reserve-storage")])
        _ = try restarted.handle(.stepSucceeded(step: 1, attempt: 0), sagaID: "a", now: seconds(20))
        XCTAssertEqual(try restarted.handle(.stepSucceeded(step: 2, attempt: 0), sagaID: "a", now: seconds(21)), [.completed])
        XCTAssertEqual(try restarted.handle(.compensationSucceeded(step: 0), sagaID: "b", now: seconds(21)), [.compensated])
        XCTAssertEqual(try store.keys(withPrefix: SagaOrchestrator.keyPrefix), ["saga/a", "saga/b"])
    }

    func testResumeDuringABackoffReArmsIt() throws {
        let store = InMemoryStateStore()
        _ = try SagaOrchestrator(store: store).start(sagaID: "s", steps: threeSteps(retries: 1), now: seconds(0))
        _ = try SagaOrchestrator(store: store).handle(
            .stepFailed(step: 0, attempt: 0, retryable: true, reason: "busy"), sagaID: "s", now: seconds(1))
        XCTAssertEqual(try SagaOrchestrator(store: store).resume().first?.actions, [.waitBackoff(step: 0, attempt: 1, until: seconds(3))])
    }

    func testPersistedStateIsByteIdenticalAcrossRuns() throws {
        func run() throws -> [UInt8]? {
            let store = InMemoryStateStore()
            let saga = SagaOrchestrator(store: store)
            _ = try saga.start(sagaID: "s", steps: threeSteps(retries: 1), now: seconds(0))
            _ = try saga.handle(.stepFailed(step: 0, attempt: 0, retryable: true, reason: "busy"), sagaID: "s", now: seconds(1))
            return try store.value(forKey: "saga/s")
        }
        let first = try XCTUnwrap(try run())
        XCTAssertEqual(first, try run())
        XCTAssertTrue(String(decoding: first, as: UTF8.self).contains("\"status\":\"running\""))
    }

    func testEventsAfterTheEndChangeNothing() throws {
        let store = InMemoryStateStore()
        let saga = SagaOrchestrator(store: store)
        _ = try saga.start(sagaID: "s", steps: threeSteps(), now: seconds(0))
        _ = try saga.handle(.stepFailed(step: 0, attempt: 0, retryable: false, reason: "x"), sagaID: "s", now: seconds(1))
        let before = try store.value(forKey: "saga/s")
        XCTAssertEqual(try saga.handle(.stepSucceeded(step: 0, attempt: 0), sagaID: "s", now: seconds(2)), [])
        XCTAssertEqual(try saga.handle(.compensationSucceeded(step: 0), sagaID: "s", now: seconds(2)), [])
        XCTAssertEqual(try store.value(forKey: "saga/s"), before)
    }

    func testAnEmptySagaCompletesAtOnce() throws {
        XCTAssertEqual(try SagaOrchestrator(store: InMemoryStateStore()).start(sagaID: "s", steps: [], now: .zero), [.completed])
    }

    func testInvalidSagasAndUnknownIdsThrowPreciseErrors() throws {
        let saga = SagaOrchestrator(store: InMemoryStateStore())
        var steps = threeSteps()
        steps[2].name = "transcode"
        XCTAssertThrowsError(try saga.start(sagaID: "s", steps: steps, now: .zero)) {
            XCTAssertEqual($0 as? SagaError, .duplicateStepName("transcode"))
        }
        steps = threeSteps()
        steps[0].timeout = .zero
        XCTAssertThrowsError(try saga.start(sagaID: "s", steps: steps, now: .zero)) {
            XCTAssertEqual($0 as? SagaError, .nonPositiveTimeout(step: "reserve-storage", timeout: .zero))
        }
        steps = threeSteps()
        steps[1].retries = -1
        XCTAssertThrowsError(try saga.start(sagaID: "s", steps: steps, now: .zero)) {
            XCTAssertEqual($0 as? SagaError, .negativeRetries(step: "transcode", retries: -1))
        }
        XCTAssertThrowsError(try saga.start(sagaID: "", steps: threeSteps(), now: .zero)) {
            XCTAssertEqual($0 as? SagaError, .emptySagaID)
        }
        _ = try saga.start(sagaID: "s", steps: threeSteps(), now: .zero)
        XCTAssertThrowsError(try saga.start(sagaID: "s", steps: threeSteps(), now: .zero)) {
            XCTAssertEqual($0 as? SagaError, .sagaAlreadyExists("s"))
        }
        XCTAssertThrowsError(try saga.handle(.stepSucceeded(step: 0, attempt: 0), sagaID: "nope", now: .zero)) {
            XCTAssertEqual($0 as? SagaError, .unknownSaga("nope"))
        }
        let store = InMemoryStateStore()
        try store.setValue(Array("not json".utf8), forKey: "saga/bad")
        XCTAssertThrowsError(try SagaOrchestrator(store: store).state(of: "bad")) {
            guard case .undecodableState(sagaID: "bad", _)? = $0 as? SagaError else { return XCTFail("\($0)") }
        }
    }

    func testBackoffSaturatesInsteadOfOverflowing() {
        let config = SagaConfiguration()
        XCTAssertEqual(config.backoff(beforeAttempt: 1), .wholeSeconds(2))
        XCTAssertEqual(config.backoff(beforeAttempt: 3), .wholeSeconds(8))
        XCTAssertEqual(config.backoff(beforeAttempt: 200), TimeAmount(nanoseconds: .max / 2))
    }
}
