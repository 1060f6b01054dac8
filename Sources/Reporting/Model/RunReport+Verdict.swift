/// The one-word outcome of a run, shown in every report's header.
public enum Verdict: String, Sendable, Equatable {
    /// Complete, every SLO met, nothing lost.
    case pass
    /// Complete, and an SLO failed or conservation did not hold.
    case fail
    /// Interrupted: the numbers describe only part of the planned run.
    case incomplete

    /// "PASS", "FAIL" or "INCOMPLETE".
    public var label: String { rawValue.uppercased() }
}

/// One service's flow counts summed over replications.
public struct ConservationRow: Sendable, Equatable {
    public var service: String
    public var entered: Int
    public var completed: Int
    public var failed: Int
    public var deadLettered: Int
    public var dropped: Int
    public var inFlight: Int
    /// Balanced in every replication that reported the service.
    public var balanced: Bool

    /// The row of one replication's flow.
    public init(_ flow: ConservationLedger.Flow) {
        service = flow.service
        entered = flow.entered
        completed = flow.count("completed")
        failed = flow.count("failed")
        deadLettered = flow.count("dead_lettered")
        dropped = flow.count("dropped")
        inFlight = flow.inFlight
        balanced = flow.isBalanced
    }

    mutating func add(_ other: ConservationRow) {
        entered += other.entered
        completed += other.completed
        failed += other.failed
        deadLettered += other.deadLettered
        dropped += other.dropped
        inFlight += other.inFlight
        balanced = balanced && other.balanced
    }
}

extension RunReport {
    /// True when every planned replication was recorded and ran to its end.
    public var complete: Bool {
        interruption == nil && !replications.isEmpty
            && replications.count >= plannedReplications && replications.allSatisfy(\.complete)
    }

    /// Whether conservation held in every replication.
    public var conservationHolds: Bool { replications.allSatisfy(\.conservationHolds) }

    /// Pass, fail or incomplete (incompleteness wins: a partial run proves nothing).
    public var verdict: Verdict {
        if !complete { return .incomplete }
        return slos.allSatisfy(\.passed) && conservationHolds ? .pass : .fail
    }

    /// Whether the run has more than one replication (SLO tables then show CI columns).
    public var isReplicated: Bool { replications.count > 1 || slos.contains { $0.hasInterval } }

    /// Per-service counts summed over replications, services in order of first appearance.
    public var conservationRows: [ConservationRow] {
        var rows: [ConservationRow] = []
        var position: [String: Int] = [:]
        for replication in replications {
            for flow in replication.conservation {
                let row = ConservationRow(flow)
                if let i = position[flow.service] {
                    rows[i].add(row)
                } else {
                    position[flow.service] = rows.count
                    rows.append(row)
                }
            }
        }
        return rows
    }

    /// Every conservation violation, prefixed with its replication when replicated.
    public var conservationViolations: [String] {
        replications.flatMap { r in
            r.conservationViolations.map { replications.count > 1 ? "replication \(r.index + 1): \($0)" : $0 }
        }
    }

    /// The replication the charts and per-replication tables show: the first one.
    public var chartedReplication: ReplicationResult? { replications.first }

    /// The longest simulated end time over replications, in seconds.
    public var simulatedSeconds: Double { replications.map(\.endSeconds).max() ?? 0 }
}
