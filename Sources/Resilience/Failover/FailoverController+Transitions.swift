/// The failover and gradual-failback transitions (seed §9.1 `checkRegionHealth`,
/// `initiateFailover`, `considerFailback`, `startGradualFailback`), with the seed's sleeps
/// turned into step timers.
extension FailoverController {
    /// One periodic health check (seed `checkRegionHealth`, every `checkInterval`). `reports`
    /// must include the primary; a backup without a report is treated as unreachable.
    public mutating func checkRegionHealth(_ reports: [RegionHealthReport], now: Instant) throws -> [FailoverDecision] {
        let primary = configuration.primaryRegion
        guard let primaryHealth = reports.first(where: { $0.region == primary }) else {
            throw FailoverConfigurationError.missingPrimaryReport(primary)
        }
        state.consecutiveHealthyPrimaryChecks = primaryHealth.isHealthy ? state.consecutiveHealthyPrimaryChecks + 1 : 0

        if state.recoveryMode {
            switch configuration.variant {
            case .intended:
                return primaryHealth.isHealthy ? [] : revertFailback(now: now)
            case .asWritten:
                // The seed's ticker is blocked inside startGradualFailback's sleeps.
                return []
            }
        }
        if !primaryHealth.isHealthy && !isFailedOver {
            return initiateFailover(reports: reports, now: now)
        }
        if primaryHealth.isHealthy && isFailedOver {
            return considerFailback(now: now)
        }
        return []
    }

    /// A failback step's timer fired (the end of the seed's `time.Sleep(5 * time.Minute)`):
    /// with a healthy primary, moves to the next share or completes; otherwise reverts.
    /// A stale timer (no failback in progress, or before the step is due) does nothing.
    public mutating func failbackStepDue(primary: RegionHealthReport, now: Instant) -> [FailoverDecision] {
        guard state.recoveryMode, let step = state.failbackStep, let due = state.nextStepAt, now >= due else { return [] }
        guard primary.isHealthy else { return revertFailback(now: now) }
        let next = step + 1
        guard next < configuration.failbackSteps.count else {
            state.activeRegion = configuration.primaryRegion
            state.recoveryMode = false
            state.failbackStep = nil
            state.nextStepAt = nil
            state.trafficSplit = .all(to: configuration.primaryRegion)
            return [.failbackCompleted]
        }
        return applyFailbackStep(next, now: now)
    }

    /// Seed `initiateFailover`: all traffic to the best healthy backup, data sync, alert.
    private mutating func initiateFailover(reports: [RegionHealthReport], now: Instant) -> [FailoverDecision] {
        guard let best = BackupRegionSelector.best(configuration.backupRegions, reports: reports, weights: configuration.weights)
        else { return [.noHealthyBackup] }
        state.activeRegion = best
        state.failoverTime = now
        state.recoveryMode = false
        state.trafficSplit = .all(to: best)
        return [.redirectAll(to: best), .syncData(to: best), .failoverInitiated(from: configuration.primaryRegion, to: best)]
    }

    /// Seed `considerFailback`: only after the minimum time in failover and once the primary
    /// is stable.
    private mutating func considerFailback(now: Instant) -> [FailoverDecision] {
        if let since = state.failoverTime, now - since < configuration.minimumFailoverDuration { return [] }
        guard state.consecutiveHealthyPrimaryChecks >= configuration.stableChecksRequired else { return [] }
        state.recoveryMode = true
        return [.failbackStarted] + applyFailbackStep(0, now: now)
    }

    /// Puts `configuration.failbackSteps[index]` of traffic on the primary, the rest on the
    /// active backup, and arms the step's check.
    private mutating func applyFailbackStep(_ index: Int, now: Instant) -> [FailoverDecision] {
        let share = configuration.failbackSteps[index]
        let split = TrafficSplit([configuration.primaryRegion: share, state.activeRegion: 1.0 - share])
        let due = now + configuration.stepDuration
        state.failbackStep = index
        state.nextStepAt = due
        state.trafficSplit = split
        return [.splitTraffic(split), .armStepTimer(at: due)]
    }

    /// Seed: "Failback failed, revert to backup region".
    private mutating func revertFailback(now: Instant) -> [FailoverDecision] {
        let share = state.trafficSplit.share(of: configuration.primaryRegion)
        state.recoveryMode = false
        state.failbackStep = nil
        state.nextStepAt = nil
        state.trafficSplit = .all(to: state.activeRegion)
        if configuration.variant == .intended {
            state.failoverTime = now
        }
        return [.redirectAll(to: state.activeRegion), .failbackReverted(primaryShare: share)]
    }
}
