/// The controller's decisions carried out: alerts, failback step timers, traffic changes that
/// take effect after the switch delay, and the RTO / RPO of each switch away from a failed region.
extension DisasterRecoveryController {
    /// Why the requested split changed.
    enum TrafficChangeCause {
        case failover(from: Int, to: Int)
        case revert(from: Int, to: Int)
        case step
        case restore
    }

    /// Carries out the controller's decisions made at `now`.
    func handle(_ decisions: [FailoverDecision], now: Instant) {
        let primary = configuration.failover.primaryRegion
        var cause = TrafficChangeCause.step
        for decision in decisions {
            switch decision {
            case .redirectAll, .splitTraffic:
                break  // the split requested is read from the controller's state below
            case .syncData(let to):
                context.metrics.note("failover.data_sync", subject: to, detail: "catching up from \(primary)", at: now)
            case .armStepTimer(let at):
                if let t = stepTimer { context.runtime.cancel(t) }
                stepTimer = context.at(at, Self.stepKind) { [unowned self] in self.failbackStepDue() }
            case let .failoverInitiated(from, to):
                let f = router.index(of: from) ?? 0
                cause = .failover(from: f, to: router.index(of: to) ?? 0)
                let since = downSince[f].map { " (down since \($0.seconds) s)" } ?? ""
                context.metrics.note("failover.started", subject: from, detail: "to \(to)\(since)", at: now)
            case .noHealthyBackup:
                context.metrics.note("failover.no_healthy_backup", subject: primary, detail: "primary unhealthy, no backup healthy", at: now)
            case .failbackStarted:
                let since = controller.state.failoverTime.map { " after \((now - $0).seconds) s in failover" } ?? ""
                context.metrics.note("failback.started", subject: primary, detail: "from \(controller.state.activeRegion)\(since)", at: now)
            case .failbackReverted(let share):
                cause = .revert(from: 0, to: router.index(of: controller.state.activeRegion) ?? 0)
                context.metrics.note("failback.reverted", subject: primary,
                                     detail: "primary unhealthy at \(Self.percent(share)) of traffic; all back to \(controller.state.activeRegion)", at: now)
            case .failbackCompleted:
                cause = .restore
                context.metrics.note("failback.completed", subject: primary, detail: "all traffic requested back on the primary", at: now)
            }
        }
        let split = controller.state.trafficSplit
        guard split != lastRequestedSplit else { return }
        lastRequestedSplit = split
        var downAt: Instant?
        switch cause {
        case .failover(let from, _), .revert(let from, _): downAt = downSince[from] ?? now
        case .step, .restore: break
        }
        context.after(configuration.trafficSwitchDelay, Self.switchKind) { [unowned self] in
            self.applyTraffic(split, cause: cause, downAt: downAt)
        }
    }

    /// The requested split reaches the clients (after the switch delay).
    func applyTraffic(_ split: TrafficSplit, cause: TrafficChangeCause, downAt: Instant?) {
        let now = context.now
        router.apply(split)
        let shares = regions.map { "\($0) \(Self.percent(router.share(of: $0)))" }.joined(separator: ", ")
        context.metrics.note("traffic.shifted", subject: "dr", detail: shares, at: now)
        context.metrics.add(context.metrics.registerCounter(Self.trafficChangeCounter(cause), unit: "changes"))
        switch cause {
        case let .failover(from, to):
            measure(.failover, failed: from, serving: to, downAt: downAt ?? now)
        case let .revert(from, to):
            measure(.failbackReverted, failed: from, serving: to, downAt: downAt ?? now)
        case .step:
            let primary = configuration.failover.primaryRegion
            context.metrics.note("failback.step", subject: primary, detail: "primary serves \(Self.percent(router.share(of: primary)))", at: now)
        case .restore:
            break
        }
    }

    /// Traffic left region `failed` for `serving`: the writes `failed` acknowledged that never
    /// crossed a cut link to `serving` are lost (the failed region's other outgoing backlogs
    /// diverge from the new history and are abandoned too); records RTO and RPO.
    private func measure(_ cause: DisasterRecoveryMeasurement.Cause, failed: Int, serving: Int, downAt: Instant) {
        let now = context.now
        let n = regions.count
        var lost = 0
        var rpo = TimeAmount.zero
        if let link = links[failed * n + serving] {
            let delivered = link.advance(to: now)
            if delivered > 0 { context.ledger.finish(Self.ledgerService, count: delivered, .completed, at: now) }
            // A link still up keeps delivering: the seed's SyncToRegion catches the backup up.
            if !link.isUp, let loss = link.discard() {
                lost = loss.count
                rpo = loss.newest - (link.newestDelivered ?? loss.oldest)
                context.ledger.finish(Self.ledgerService, count: loss.count, .dropped(reason: "lost-in-failover"), at: now)
                context.metrics.add(lostWrites, Double(loss.count))
                for t in 0..<n where t != failed && t != serving {
                    if let other = links[failed * n + t]?.discard() {
                        context.ledger.finish(Self.ledgerService, count: other.count, .dropped(reason: "diverged"), at: now)
                    }
                }
            }
        }
        let rto = now - downAt
        measurements.append(DisasterRecoveryMeasurement(
            cause: cause, failedRegion: regions[failed], servingRegion: regions[serving], downAt: downAt, servedAt: now,
            rto: rto, rpo: rpo, lostWrites: lost))
        context.metrics.note("failover.completed", subject: regions[failed],
                             detail: "\(cause.rawValue): traffic on \(regions[serving]); RTO \(rto.seconds) s, RPO \(rpo.seconds) s, \(lost) writes lost",
                             at: now)
    }

    func registerGauges() {
        let metrics = context.metrics
        for region in regions {
            metrics.registerGauge(metricKey("region.traffic_share", [("region", region)]), unit: "fraction") { [unowned self] in
                self.router.share(of: region)
            }
        }
        for cause in [TrafficChangeCause.failover(from: 0, to: 0), .revert(from: 0, to: 0), .step, .restore] {
            _ = metrics.registerCounter(Self.trafficChangeCounter(cause), unit: "changes")
        }
        metrics.registerGauge("dr.rto", unit: "s") { [unowned self] in self.lastRTO?.seconds ?? .nan }
        metrics.registerGauge("dr.rpo", unit: "s") { [unowned self] in self.lastRPO?.seconds ?? .nan }
        for case let link? in links {
            let key = metricKey("dr.replication_lag", [("from", regions[link.source]), ("to", regions[link.target])])
            metrics.registerGauge(key, unit: "s") { [unowned self, unowned link] in
                // Reads the lag in effect without resampling: sampling metrics must not draw.
                link.staleness(at: self.context.now, lag: self.lag(of: link, now: self.context.now, resample: false)).seconds
            }
        }
    }

    /// The counter of traffic changes of this cause that took effect: `dr.failovers`,
    /// `dr.failback_reverts`, `dr.failback_steps` (every failback step, the 100 % one included)
    /// and `dr.failbacks_completed` (an SLO can require that traffic came home).
    static func trafficChangeCounter(_ cause: TrafficChangeCause) -> String {
        switch cause {
        case .failover: return "dr.failovers"
        case .revert: return "dr.failback_reverts"
        case .step: return "dr.failback_steps"
        case .restore: return "dr.failbacks_completed"
        }
    }

    static func percent(_ share: Double) -> String { "\(Int((share * 100).rounded())) %" }
}
