/// Session admission, placement and life: start (§1.3.1 `StartRecording` behind §1.3.2
/// `handleRecordingRequest`), periodic progress, stop and finalization.
extension RecordingService {
    /// A recording client asks to start a session. `userTier` names the plan (its limits come
    /// from `configuration.tiers`), `length` is how long the user will record, `resolution` the
    /// requested vertical lines, `type` the kind of recording (drawn from the configured shares
    /// when nil). Returns the session's id; its fate is recorded in the ledger.
    @discardableResult
    public func startSession(userTier: String, length: TimeAmount, resolution: Int, type: RecordingType? = nil) -> UInt64 {
        precondition(started, "RecordingService.start() must be called before sessions arrive")
        let now = context.now
        nextSessionID += 1
        let id = nextSessionID
        arrivalsSinceLoadRead += 1
        statistics.requested += 1
        context.ledger.admit(Self.serviceName, id: id, at: now)

        let tier = configuration.tiers[userTier] ?? configuration.defaultTier
        let type = type ?? [RecordingType.screen, .camera, .screenAndCamera][Int(workloadStream.sample(typeDistribution))]
        var settings = RecordingSettings(qualityLines: min(max(1, resolution), tier.maxResolution),
                                         enableAI: tier.enableAI, enableRealTimeTranscription: tier.enableRealTimeTranscription)
        if configuration.degradationEnabled {
            switch configuration.degradation.admit(type, settings: settings, at: degradationLevel) {
            case .accepted(let reduced):
                settings = reduced
            case .rejected:
                statistics.rejectedDegraded += 1
                count("recording.rejections", reason: "degraded")
                context.ledger.finish(Self.serviceName, id: id, .failed(reason: "degraded-rejected"), at: now)
                return id
            }
        }
        var planned = max(.zero, length)
        if let limit = tier.maxLength { planned = min(planned, limit) }
        let bitrate = configuration.bitrateMbps(forLines: settings.qualityLines)
        let megabytesPerSecond = bitrate / 8
        let transcribing = settings.enableRealTimeTranscription
        let cores = configuration.coresPerSession + megabytesPerSecond * configuration.coreSecondsPerIngestedMegabyte
            + (transcribing ? configuration.realtimeTranscriptionCores : 0)
        let memory = configuration.memoryPerSessionBytes + megabytesPerSecond * 1e6 * configuration.ingestBufferSeconds
            + (transcribing ? configuration.realtimeTranscriptionMemoryBytes : 0)
        let session = RecordingSession(id: id, tier: userTier, type: type, settings: settings, requestedAt: now,
                                       length: planned, bitrateMbps: bitrate, cores: cores, memoryBytes: memory)
        guard let pod = selectPod() else {
            statistics.droppedNoCapacity += 1
            count("drops", reason: "no-capacity")
            context.ledger.finish(Self.serviceName, id: id, .dropped(reason: "no-capacity"), at: now)
            return id
        }
        sessions[id] = session
        attach(session, to: pod)
        pod.pod.busySeconds += configuration.sessionStartCoreSeconds
        if configuration.readUserSettingsAtStart {
            let generation = session.generation
            postgres.read(entity: id, client: pod.id) { [unowned self] _ in
                // A failed settings read falls back to the defaults; only the insert is essential.
                guard session.generation == generation, session.state == .starting else { return }
                self.insertSessionRow(session)
            }
        } else {
            insertSessionRow(session)
        }
        return id
    }

    /// The load balancer's placement of a new or reconnecting session.
    func selectPod() -> RecordingPodState? {
        let capacity = configuration.maxSessionsPerPod
        switch configuration.routing {
        case .leastSessions:
            var best: RecordingPodState?
            for pod in serving where pod.count < capacity && pod.count < (best?.count ?? .max) { best = pod }
            return best
        case .roundRobin:
            let n = serving.count
            for k in 0..<n {
                let pod = serving[(roundRobinCursor + k) % n]
                if pod.count < capacity {
                    roundRobinCursor = (roundRobinCursor + k + 1) % n
                    return pod
                }
            }
            return nil
        }
    }

    func attach(_ session: RecordingSession, to pod: RecordingPodState) {
        pod.attach(session, idleCores: configuration.podIdleCores, idleMemory: configuration.podIdleMemoryBytes)
    }

    func detach(_ session: RecordingSession) {
        guard let pod = session.pod else { return }
        pod.detach(session, idleCores: configuration.podIdleCores, idleMemory: configuration.podIdleMemoryBytes)
    }

    /// Seed `createSession`: the session row on the primary; the session is live once it is written.
    private func insertSessionRow(_ session: RecordingSession) {
        let generation = session.generation
        postgres.write(entity: session.id, client: session.pod?.id ?? 0) { [unowned self] result in
            guard session.generation == generation, session.state == .starting else { return }
            guard result.isSuccess else {
                self.statistics.failedDatabase += 1
                self.end(session, .failed(reason: "db-\(result.failure!.rawValue)"))
                return
            }
            self.activate(session)
        }
    }

    private func activate(_ session: RecordingSession) {
        let now = context.now
        session.state = .active
        session.startedAt = now
        session.plannedEnd = now + session.length
        session.lastWriteAt = now
        statistics.started += 1
        context.metrics.record(startLatency, now - session.requestedAt)
        if configuration.snapshots.enabled && configuration.snapshots.onStart { takeSnapshot(session) }
        if configuration.notifyVideoProcessingAtStart {
            // Seed §1.3.1: failures are logged and queued for retry; the session starts anyway.
            callDownstream(0, kind: "notify_video_processing", sessionID: session.id, recording: nil)
        }
        scheduleTick(session)
    }

    /// The next progress tick, or the stop if the recording ends first.
    func scheduleTick(_ session: RecordingSession) {
        let next = min(context.now + configuration.progressInterval, session.plannedEnd)
        let generation = session.generation
        session.timer = context.at(next, Self.tickKind, entity: session.id) { [unowned self] in
            guard session.generation == generation, session.state == .active else { return }
            session.timer = nil
            self.progress(session)
        }
    }

    /// One progress tick: the segment metadata write and, when due, a snapshot.
    private func progress(_ session: RecordingSession) {
        let now = context.now
        guard now < session.plannedEnd else {
            stopRecording(session)
            return
        }
        session.lastWriteAt = now
        postgres.write(entity: session.id, client: session.pod?.id ?? 0) { [unowned self] result in
            if !result.isSuccess {
                self.statistics.segmentWriteFailures += 1
                self.context.metrics.add(self.segmentWriteFailures)
            }
        }
        if configuration.snapshots.enabled {
            let since = now - (session.lastSnapshotAt ?? session.startedAt)
            if since >= configuration.snapshots.interval { takeSnapshot(session) }
        }
        scheduleTick(session)
    }

    func takeSnapshot(_ session: RecordingSession) {
        session.pod?.pod.busySeconds += configuration.snapshots.snapshotCoreSeconds
        if snapshots.create(for: session, now: context.now) { statistics.snapshotsTaken += 1 }
        statistics.snapshotFastWriteFailures = snapshots.fastWriteFailures
    }

    /// The user stops recording: the WebSocket closes and the final metadata is written.
    private func stopRecording(_ session: RecordingSession) {
        let now = context.now
        session.pod?.pod.busySeconds += configuration.sessionEndCoreSeconds
        let client = session.pod?.id ?? 0
        detach(session)
        session.state = .finalizing
        let generation = session.generation
        postgres.write(entity: session.id, client: client) { [unowned self] result in
            guard session.generation == generation, session.state == .finalizing else { return }
            self.context.metrics.record(self.finalizeLatency, self.context.now - now)
            guard result.isSuccess else {
                self.end(session, .failed(reason: "finalize-\(result.failure!.rawValue)"))
                return
            }
            self.finalized(session)
        }
        drainRestoreQueue()
    }

    private func finalized(_ session: RecordingSession) {
        let now = context.now
        let length = session.recorded(at: session.plannedEnd)
        let recording = FinishedRecording(
            sessionID: session.id, userTier: session.tier, type: session.type, settings: session.settings,
            length: length, sizeBytes: length.seconds * session.bitrateMbps * 125_000, dataLost: session.dataLost,
            finishedAt: now)
        statistics.completed += 1
        end(session, .completed)
        if let recordingFinished {
            recordingFinished(recording)
            return
        }
        callDownstream(0, kind: "process_recording", sessionID: session.id, recording: recording)
        callDownstream(1, kind: "notify_recording_ready", sessionID: session.id, recording: nil)
        callDownstream(2, kind: "track_recording_completed", sessionID: session.id, recording: nil)
    }

    /// The session leaves the service in `state`.
    func end(_ session: RecordingSession, _ state: TerminalState) {
        session.generation &+= 1
        if let timer = session.timer { context.runtime.cancel(timer) }
        if let deadline = session.restoreDeadline { context.runtime.cancel(deadline) }
        session.timer = nil
        session.restoreDeadline = nil
        let wasOnPod = session.pod != nil
        detach(session)
        session.state = .ended
        sessions[session.id] = nil
        context.ledger.finish(Self.serviceName, id: session.id, state, at: context.now)
        if wasOnPod { drainRestoreQueue() }
    }
}
