// MARK: - GPU faults: random hardware failures, `gpuLoss` and `regionOutage`

extension GPUFleet {
    func scheduleFailure(_ i: Int) {
        let mean = 3_600 / (specs[i].failuresPerGPUHour * Double(pools[i].provisioned))
        context.after(.saturatingSeconds(streams[i].exponential(mean: mean)), Self.failureKind, entity: UInt64(i)) { [unowned self] in
            let lost = self.pools[i].lose(1, stream: self.streams[i])
            if !lost.isEmpty {
                self.context.metrics.note("gpu.failed", subject: "\(self.pools[i].region)/\(self.pools[i].type.name)",
                                          detail: "gpu \(lost[0])", at: self.context.now)
                self.context.after(self.specs[i].repairTime, Self.repairKind, entity: UInt64(i)) { [unowned self] in
                    self.pools[i].restore(lost)
                }
            }
            self.scheduleFailure(i)
        }
    }

    /// A GPU loss names a pool by type (`a100`), by region and type (`us-east-1/a100`), or none
    /// (every pool); a region on the fault confines it to that region's pools.
    private func matches(_ fault: ActiveFault, _ pool: GPUPool) -> Bool {
        let target = fault.target
        let named = target == ActiveFault.everyPool || target == pool.type.name || target == "\(pool.region)/\(pool.type.name)"
        return named && fault.applies(toRegion: pool.region)
    }

    func observeFaults() {
        context.faults.observe(.gpuLoss, onStart: { [unowned self] fault in
            for (i, p) in self.pools.enumerated() where self.matches(fault, p) {
                let lost = p.lose(max(0, Int(fault.magnitude.rounded())), stream: self.streams[i])
                self.lostByFault.append((fault, i, lost))
                self.context.metrics.note("gpu.lost", subject: "\(p.region)/\(p.type.name)", detail: "\(lost.count) GPUs", at: self.context.now)
            }
        }, onEnd: { [unowned self] fault in self.restore(after: fault) })
        context.faults.observe(.regionOutage, onStart: { [unowned self] fault in
            for (i, p) in self.pools.enumerated() where p.region == fault.target {
                let lost = p.lose(p.healthyCount, stream: self.streams[i])
                self.lostByFault.append((fault, i, lost))
            }
        }, onEnd: { [unowned self] fault in self.restore(after: fault) })
    }

    private func restore(after fault: ActiveFault) {
        // Equal faults may overlap; each end restores what one start took (the first match).
        var seenPools: Set<Int> = []
        var keep: [(fault: ActiveFault, pool: Int, gpus: [Int])] = []
        var restoring: [(Int, [Int])] = []
        for entry in lostByFault {
            if entry.fault == fault, seenPools.insert(entry.pool).inserted {
                restoring.append((entry.pool, entry.gpus))
            } else {
                keep.append(entry)
            }
        }
        lostByFault = keep
        for (i, gpus) in restoring { pools[i].restore(gpus) }
    }
}
