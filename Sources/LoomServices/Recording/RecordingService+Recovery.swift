/// What happens to the sessions of a pod that goes away (seed §1.4.1 "restore after pod loss").
///
/// A pod removed by scale-down drains gracefully: each session is snapshotted before the pod
/// closes its sockets, so nothing is lost (a migration). A crashed or lost pod takes its sessions
/// with it: each client reconnects after its back-off, the load balancer places it on a pod with
/// room, and that pod restores the session from its last durable snapshot — losing what was
/// recorded since (the RPO). Without a usable snapshot the session fails; without a pod with
/// room within `restoreTimeout` of the loss it is dropped.
extension RecordingService {
    func podLost(_ pod: Pod, reason: String) {
        guard let state = podStates.removeValue(forKey: pod.id) else { return }
        serving.removeAll { $0 === state }
        postgres.releaseClient(pod.id)
        postgres.setClientPods(serving.count, for: Self.serviceName)
        let graceful = reason == "scale-down"
        let victims = state.sessions
        for session in victims {
            detach(session)
            sessionLostPod(session, graceful: graceful)
        }
        // A crashed pod is scraped while it restarts: it holds nothing now.
        pod.baselineCores = 0
        pod.memoryBytes = 0
        pod.customMetrics[RecordingConfiguration.activeSessionsMetric] = 0
        drainRestoreQueue()
    }

    private func sessionLostPod(_ session: RecordingSession, graceful: Bool) {
        let now = context.now
        session.generation &+= 1
        if let timer = session.timer { context.runtime.cancel(timer) }
        session.timer = nil
        switch session.state {
        case .starting:
            // No row and no snapshot yet: nothing to restore from.
            loseSession(session, cause: "no-snapshot")
            return
        case .active:
            session.lostAt = now
            session.snapshotCutoff = now
            session.gracefulMove = graceful
            if graceful && configuration.snapshots.enabled {
                // preStop drain: a final snapshot, and the pod waits for it to land.
                takeSnapshot(session)
                let landed = [session.fastCopies.current?.durableAt, session.persistentCopies.current?.durableAt]
                    .compactMap { $0 }.filter { $0 >= now }
                session.snapshotCutoff = landed.max() ?? now
            }
        case .restoring:
            // Its new pod died before the restore finished: start over from the same snapshot.
            break
        case .reconnecting, .waitingForPod, .finalizing, .ended:
            return
        }
        guard configuration.snapshots.enabled,
              session.fastCopies.readable(asOf: session.snapshotCutoff) != nil
                || session.persistentCopies.readable(asOf: session.snapshotCutoff) != nil
        else {
            loseSession(session, cause: "no-snapshot")
            return
        }
        session.state = .reconnecting
        let delay = TimeAmount.saturatingSeconds(max(0, recoveryStream.sample(configuration.snapshots.reconnectDelay)))
        let generation = session.generation
        session.timer = context.after(delay, Self.reconnectKind, entity: session.id) { [unowned self] in
            guard session.generation == generation, session.state == .reconnecting else { return }
            session.timer = nil
            self.reconnect(session)
        }
    }

    private func reconnect(_ session: RecordingSession) {
        if let pod = selectPod() {
            beginRestore(session, on: pod)
            return
        }
        let deadline = (session.lostAt ?? context.now) + configuration.snapshots.restoreTimeout
        guard context.now < deadline else {
            restoreTimedOut(session)
            return
        }
        session.state = .waitingForPod
        restoreQueue.append(session)
        let generation = session.generation
        session.restoreDeadline = context.at(deadline, Self.restoreTimeoutKind, entity: session.id) { [unowned self] in
            guard session.generation == generation, session.state == .waitingForPod else { return }
            session.restoreDeadline = nil
            if let i = self.restoreQueue.firstIndex(where: { $0 === session }) { self.restoreQueue.remove(at: i) }
            self.restoreTimedOut(session)
        }
    }

    private func restoreTimedOut(_ session: RecordingSession) {
        statistics.restoreTimeouts += 1
        count("drops", reason: "restore-timeout")
        end(session, .dropped(reason: "restore-timeout"))
    }

    /// Places waiting sessions on pods with room, in the order they reconnected.
    func drainRestoreQueue() {
        while let session = restoreQueue.first {
            guard session.state == .waitingForPod else {
                restoreQueue.removeFirst()
                continue
            }
            guard let pod = selectPod() else { return }
            restoreQueue.removeFirst()
            if let deadline = session.restoreDeadline { context.runtime.cancel(deadline) }
            session.restoreDeadline = nil
            beginRestore(session, on: pod)
        }
    }

    private func beginRestore(_ session: RecordingSession, on pod: RecordingPodState) {
        session.state = .restoring
        attach(session, to: pod)
        pod.pod.busySeconds += configuration.sessionStartCoreSeconds
        let generation = session.generation
        snapshots.restore(session, lostAt: session.snapshotCutoff) { [unowned self] result in
            guard session.generation == generation, session.state == .restoring else { return }
            switch result {
            case let .restored(copy, _):
                self.resumed(session, from: copy)
            case .failed(let cause):
                self.statistics.snapshotChecksumFailures = self.snapshots.checksumFailures
                self.loseSession(session, cause: cause)
            }
        }
    }

    private func resumed(_ session: RecordingSession, from copy: SessionSnapshotCopy) {
        let now = context.now
        let lostAt = session.lostAt ?? now
        let rpo = max(.zero, session.recorded(at: lostAt) - copy.recorded)
        session.dataLost = session.dataLost + rpo
        session.restores += 1
        session.lostAt = nil
        if session.gracefulMove { statistics.migrated += 1 } else { statistics.restored += 1 }
        session.gracefulMove = false
        context.metrics.record(restoreDuration, now - lostAt)
        context.metrics.record(restoreRPO, rpo)
        session.state = .active
        // If the user stopped while disconnected, the tick lands now and finalizes.
        scheduleTick(session)
    }

    private func loseSession(_ session: RecordingSession, cause: String) {
        statistics.lost += 1
        count("recording.sessions_lost", reason: cause)
        end(session, .failed(reason: "session-lost"))
    }
}
