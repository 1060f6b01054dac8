/// The sessions one serving pod hosts and the load they put on it.
final class RecordingPodState {
    let pod: Pod
    var sessions: [RecordingSession] = []
    var sessionCores = 0.0
    var sessionMemory = 0.0
    /// `pod.busySeconds` at the last health reading.
    var busyAtLastHealth = 0.0

    init(pod: Pod) { self.pod = pod }

    var id: UInt64 { pod.id }
    var count: Int { sessions.count }

    func attach(_ session: RecordingSession, idleCores: Double, idleMemory: Double) {
        session.pod = self
        session.indexInPod = sessions.count
        sessions.append(session)
        sessionCores += session.cores
        sessionMemory += session.memoryBytes
        publish(idleCores: idleCores, idleMemory: idleMemory)
    }

    func detach(_ session: RecordingSession, idleCores: Double, idleMemory: Double) {
        let i = session.indexInPod
        precondition(i >= 0 && i < sessions.count && sessions[i] === session, "session \(session.id) is not on pod \(pod.name)")
        let last = sessions.removeLast()
        if i < sessions.count {
            sessions[i] = last
            last.indexInPod = i
        }
        session.pod = nil
        session.indexInPod = -1
        sessionCores -= session.cores
        sessionMemory -= session.memoryBytes
        if sessions.isEmpty { sessionCores = 0; sessionMemory = 0 }  // no float drift when empty
        publish(idleCores: idleCores, idleMemory: idleMemory)
    }

    /// What the metrics scraper reads (CPU rate apart from discrete work, memory, sessions).
    func publish(idleCores: Double, idleMemory: Double) {
        pod.baselineCores = idleCores + sessionCores
        pod.memoryBytes = idleMemory + sessionMemory
        pod.customMetrics[RecordingConfiguration.activeSessionsMetric] = Double(sessions.count)
    }
}
