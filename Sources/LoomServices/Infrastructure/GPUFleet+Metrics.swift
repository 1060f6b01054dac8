// MARK: - GPU gauges: `gpu.utilization`, `gpu.healthy`, `gpu.busy` by type

extension GPUFleet {
    func registerGauges() {
        var types: [String] = []
        for p in pools where !types.contains(p.type.name) { types.append(p.type.name) }
        for name in types {
            let members = pools.filter { $0.type.name == name }
            var last = (busy: 0.0, healthy: 0.0)
            context.metrics.registerGauge(metricKey("gpu.utilization", [("type", name)]), unit: "ratio") {
                var now = (busy: 0.0, healthy: 0.0)
                for p in members {
                    let i = p.integrals()
                    now.busy += i.busy
                    now.healthy += i.healthy
                }
                let d = (busy: now.busy - last.busy, healthy: now.healthy - last.healthy)
                last = now
                if d.healthy > 0 { return d.busy / d.healthy }
                let healthy = members.reduce(0) { $0 + $1.healthyCount }
                return healthy == 0 ? .nan : Double(members.reduce(0) { $0 + $1.busyCount }) / Double(healthy)
            }
            context.metrics.registerGauge(metricKey("gpu.healthy", [("type", name)]), unit: "GPUs") {
                Double(members.reduce(0) { $0 + $1.healthyCount })
            }
            context.metrics.registerGauge(metricKey("gpu.busy", [("type", name)]), unit: "GPUs") {
                Double(members.reduce(0) { $0 + $1.busyCount })
            }
        }
    }
}
