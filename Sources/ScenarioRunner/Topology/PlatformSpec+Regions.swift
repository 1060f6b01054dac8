import LoomServices
import ScenarioKit

/// The multi-region part of a scenario (seed §9.1): `topology.regions` names the primary and
/// its backups, `policies.failover` tunes the disaster-recovery controller. Both are documented
/// in Scenarios/README.md ("Regions and failover").
extension PlatformSpec {
    static let regionsKeys = ["primary", "backups", "backupScale"]
    static let failoverKeys = [
        "healthCheckInterval", "unhealthyChecks", "trafficSwitchDelay", "minimumServingFraction",
        "minimumFailoverDuration", "stableChecks", "failbackSteps", "failbackStepDuration", "variant",
        "replicationLag", "lagResampleInterval", "regionLatency",
    ]

    /// Every region the scenario runs in, the primary first (just `region` without `regions`).
    public var allRegions: [String] { disasterRecovery?.regions ?? [region] }

    /// Reads `topology.regions` (after `topology.region`, before the services, whose default
    /// configurations take the primary as their home region).
    mutating func decodeRegions(_ topology: NodeReader) {
        guard let r = topology.child("regions") else { return }
        _ = r.checkKeys(Self.regionsKeys)
        if let primary = r.optional("primary", as: .identifier) {
            if topology.has("region"), primary != region {
                r.child("primary")?.error("primary \"\(primary)\" differs from topology.region \"\(region)\"",
                                          expected: "the same region, or only one of the two keys")
                return
            }
            region = primary
        }
        if let v = r.optional("backupScale", as: ValueKind.fraction.checked { $0.value > 0 ? nil : "0% is not above 0%" }) {
            backupScale = v.value
        }
        let backupReaders = r.sequence("backups", required: true, expected: "a list of backup regions like [us-west-2, eu-west-1]")
        var backups: [String] = []
        for reader in backupReaders {
            guard let name = reader.value(as: .identifier) else { continue }
            if name == region || backups.contains(name) {
                reader.error("region \"\(name)\" is listed twice (or is the primary)", expected: "distinct backup regions")
                continue
            }
            backups.append(name)
        }
        guard !backups.isEmpty, backups.count == backupReaders.count else {
            if backupReaders.isEmpty && r.has("backups") { r.child("backups")?.error("the list is empty", expected: "at least one backup region") }
            return
        }
        disasterRecovery = DisasterRecoveryConfiguration(primaryRegion: region, backupRegions: backups)
    }

    /// Reads `policies.failover` on top of the seed's defaults; needs `topology.regions`.
    mutating func decodeFailover(_ policies: NodeReader) {
        guard let f = policies.child("failover") else { return }
        _ = f.checkKeys(Self.failoverKeys)
        guard var c = disasterRecovery else {
            // Keep reading, so every problem in the section is reported at once.
            var scratch = DisasterRecoveryConfiguration(primaryRegion: region, backupRegions: ["backup"])
            Self.read(f, into: &scratch)
            f.error("failover needs regions to fail over to", expected: "a valid topology.regions: {backups: [...]} as well")
            return
        }
        Self.read(f, into: &c)
        do {
            try c.validate()
            disasterRecovery = c
        } catch {
            f.error("\(error)", expected: "a valid failover policy")
        }
    }

    private static func read(_ f: NodeReader, into c: inout DisasterRecoveryConfiguration) {
        if let v = f.optional("healthCheckInterval", as: .positiveDuration) { c.failover.checkInterval = v }
        if let v = f.optional("unhealthyChecks", as: .integer(in: 1...1_000)) { c.unhealthyChecksRequired = v }
        if let v = f.optional("trafficSwitchDelay", as: .duration) { c.trafficSwitchDelay = v }
        if let v = f.optional("minimumServingFraction", as: .fraction) { c.minimumServingFraction = v.value }
        if let v = f.optional("minimumFailoverDuration", as: .duration) { c.failover.minimumFailoverDuration = v }
        if let v = f.optional("stableChecks", as: .integer(in: 1...1_000)) { c.failover.stableChecksRequired = v }
        if let v = f.optional("failbackStepDuration", as: .positiveDuration) { c.failover.stepDuration = v }
        if let v = f.optional("variant", as: .choice(FailbackVariant.self)) { c.failover.variant = v }
        if let v = f.optional("lagResampleInterval", as: .positiveDuration) { c.lagResampleInterval = v }
        if f.has("failbackSteps") {
            let steps = f.sequence("failbackSteps", expected: "a list of rising primary shares ending at 100%, like [10%, 50%, 100%]")
            let values = steps.compactMap { $0.value(as: .fraction)?.value }
            if values.count == steps.count {
                let rising = zip(values, values.dropFirst()).allSatisfy { $0 < $1 }
                if let first = values.first, first > 0, values.last == 1, rising {
                    c.failover.failbackSteps = values
                } else {
                    f.child("failbackSteps")?.error("the shares [\(values.map { "\(($0 * 100).formatted())%" }.joined(separator: ", "))] do not rise from above 0% to 100%",
                                                    expected: "rising primary shares ending at 100%, like [10%, 50%, 100%]")
                }
            }
        }
        if let lag = f.child("replicationLag"), let spec = lag.value(as: .distribution) {
            if spec.dimension == .duration || spec.dimension == .number {
                c.replicationLag = spec.distribution
            } else {
                lag.error("found a distribution of \(spec.dimension.rawValue)s", expected: "a distribution of durations, like {lognormal: {mean: 1s, cv: 0.5}}")
            }
        }
        if let latencies = f.child("regionLatency") {
            for (name, reader) in latencies.entries() {
                if let v = reader.value(as: .duration) { c.regionLatency[name] = v }
            }
        }
    }

    /// This platform as it runs in backup region `backup`: the same services (streaming aside,
    /// whose edges already span regions and which stays global) with `backup` as their home
    /// region, `backupScale` of the pods to start with (their own autoscalers scale them), and
    /// no regions of its own.
    func inBackupRegion(_ backup: String) -> PlatformSpec {
        func scaled(_ n: Int) -> Int { n == 0 ? 0 : max(1, Int((Double(n) * backupScale).rounded(.up))) }
        var spec = self
        spec.region = backup
        spec.disasterRecovery = nil
        spec.services = services.filter { $0 != "streaming" }
        spec.streaming = nil
        spec.recording?.region = backup
        if let n = spec.recording?.initialReplicas { spec.recording?.initialReplicas = scaled(n) }
        if let n = spec.users?.replicas { spec.users?.replicas = scaled(n) }
        if let n = spec.analytics?.replicas { spec.analytics?.replicas = scaled(n) }
        spec.users?.region = backup
        spec.ai?.region = backup
        spec.analytics?.region = backup
        if var video = spec.video {
            video.region = backup
            video.cpuWorkers.initialReplicas = scaled(video.cpuWorkers.initialReplicas)
            video.gpuPools = video.gpuPools.map { pool in
                var p = pool
                p.region = backup
                return p
            }
            spec.video = video
        }
        // The primary's node pools, same shapes, in the backup region (pools of other regions stay).
        spec.nodePools = nodePools.map { pool in
            var p = pool
            if p.region == region { p.region = backup }
            return p
        }
        return spec
    }
}

extension Double {
    /// The shortest decimal text of a share in percent (`12.5`, `10`).
    fileprivate func formatted() -> String {
        self == rounded() ? String(Int(self)) : String(self)
    }
}
