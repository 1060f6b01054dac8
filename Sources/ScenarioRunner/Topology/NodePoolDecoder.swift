import LoomServices
import ScenarioKit

/// `topology.nodePools`: the node pools the services' pods are scheduled on (Kubernetes node
/// pools with the cluster autoscaler; see `NodePool`). Without the key, pods run on assumed
/// capacity and are billed per pod.
enum NodePoolDecoder {
    static func decode(_ r: NodeReader, defaultRegion: String) -> [NodePool.Configuration] {
        var pools: [NodePool.Configuration] = []
        for (i, p) in r.elements().enumerated() {
            guard p.checkKeys(["name", "region", "services", "machine", "nodes", "provisioning", "scaleDownUnneededTime",
                               "costPerNodeHour"]) else { continue }
            var c = NodePool.Configuration(name: p.optional("name", as: .identifier) ?? "pool-\(i)",
                                           region: p.optional("region", as: .identifier) ?? defaultRegion, services: [])
            if pools.contains(where: { $0.name == c.name }) {
                p.child("name")?.error("node pool \"\(c.name)\" is declared twice", expected: "unique pool names")
            }
            if let services = p.child("services") {
                for s in services.elements() {
                    guard let name = s.value(as: .string) else { continue }
                    if PlatformSpec.serviceNames.contains(name) && name != "streaming" && name != "ai-ml" {
                        c.services.append(name)
                    } else {
                        s.error("\"\(name)\" has no pods to place", expected: "one of recording, video-processing, analytics, user-management")
                    }
                }
            } else {
                p.error("services: required key is missing", expected: "the services whose pods run on this pool, e.g. [recording]")
            }
            if let m = p.child("machine") {
                _ = m.checkKeys(["cpu", "memory"])
                if let v = m.optional("cpu", as: .number(in: 0.1...1_024)) { c.cpuCores = v }
                if let v = m.optional("memory", as: .size) { c.memoryBytes = Double(v.bytes) }
            }
            var countsOK = true
            if let n = p.child("nodes") {
                _ = n.checkKeys(["initial", "min", "max"])
                if let v = n.optional("max", as: .integer(in: 1...100_000)) { c.maxNodes = v }
                if let v = n.optional("min", as: .integer(in: 0...100_000)) { c.minNodes = v }
                c.initialNodes = n.optional("initial", as: .integer(in: 0...100_000)) ?? max(c.minNodes, min(c.initialNodes, c.maxNodes))
                if c.minNodes > c.maxNodes || !(c.minNodes...c.maxNodes).contains(c.initialNodes) {
                    n.error("need min ≤ initial ≤ max, got min \(c.minNodes), initial \(c.initialNodes), max \(c.maxNodes)",
                            expected: "node counts with min ≤ initial ≤ max")
                    countsOK = false
                }
            }
            if let v = p.optional("provisioning", as: .positiveDuration) {
                c.provisioningLatency = (try? .lognormal(mean: v.seconds, coefficientOfVariation: 0.25)) ?? c.provisioningLatency
            }
            if let v = p.optional("scaleDownUnneededTime", as: .positiveDuration) { c.scaleDownUnneededTime = v }
            if let v = p.optional("costPerNodeHour", as: .money) { c.costPerNodeHour = v.dollars }
            if countsOK, !c.services.isEmpty {
                do { try c.validate() } catch { p.error("\(error)", expected: "a buildable node pool") }
            }
            pools.append(c)
        }
        return pools
    }
}
