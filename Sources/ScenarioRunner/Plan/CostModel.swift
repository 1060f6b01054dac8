import LoomServices
import ScenarioKit

/// The prices a capacity plan is costed with: the scenario's `cost:` section (Scenarios/README.md,
/// "cost:"). It prices what the plan's decision variables move — pod-hours of each service's
/// Deployment (every service's pods have one size, so the service names the size), GPU-hours by
/// type, a multiplier per region, and GB of streaming egress — as on a cloud bill (seed §2.2.2's
/// GPU pools, §1.2.1's HPA-scaled pods, §4's edges). Fixed datastores (Postgres, Redis, the object
/// store) do not change with the variables and are left out of the plan's figure.
///
/// Every price not written keeps the platform's built-in price (the one behind the `cost.total`
/// series): a pod's `PodTemplate.costPerHour`, a GPU type's `GPUType.costPerHour` (AI/ML pools:
/// `costPerGPUHour`); egress defaults to $0.02/GB (the edges' built-in price); regions to ×1.
public struct CostModel: Sendable, Hashable {
    /// Dollars per pod-hour by service (`recording`, `video-processing` (its CPU workers),
    /// `analytics`, `user-management`).
    public var podHour: [String: Double] = [:]
    /// Dollars per pod-hour for a service not named in `podHour`; nil: the built-in price.
    public var defaultPodHour: Double?
    /// Dollars per GPU-hour by GPU type (`a100`, `rtx-4080`, `rtx-3060`, AI/ML's `a10g`, ...).
    public var gpuHour: [String: Double] = [:]
    /// Price multiplier by region (pods and GPUs of that region); default 1.
    public var regionMultiplier: [String: Double] = [:]
    /// Dollars per GB of streaming egress (all tiers).
    public var egressPerGB: Double = 0.02

    public init() {}

    /// The services whose Deployments are billed per pod-hour.
    public static let podServices = ["recording", "video-processing", "analytics", "user-management"]

    /// Reads the `cost:` section (nil section: every default); problems go into `sink` with
    /// their file:line:column, and the result is then nil.
    public static func parse(section node: ScenarioNode?, sink: DiagnosticSink) -> CostModel? {
        var model = CostModel()
        guard let node else { return model }
        let errorsBefore = sink.errorCount
        let r = NodeReader(node, path: "cost", sink: sink)
        guard r.checkKeys(["podHour", "gpuHour", "regions", "egressPerGB"]) else { return nil }
        if let pods = r.child("podHour") {
            for (key, price) in pods.entries(expected: "a mapping of services to prices like $0.34") {
                guard let p = price.value(as: .money) else { continue }
                if key == "default" {
                    model.defaultPodHour = p.dollars
                } else if podServices.contains(key) {
                    model.podHour[key] = p.dollars
                } else {
                    price.error("\"\(key)\" has no pods billed per hour",
                                expected: "default or one of \(podServices.joined(separator: ", "))")
                }
            }
        }
        if let gpus = r.child("gpuHour") {
            for (key, price) in gpus.entries(expected: "a mapping of GPU types to prices like $3.67") {
                if let p = price.value(as: .money) { model.gpuHour[key] = p.dollars }
            }
        }
        if let regions = r.child("regions") {
            for (key, m) in regions.entries(expected: "a mapping of regions to price multipliers like 1.1") {
                if let v = m.value(as: .positiveNumber) { model.regionMultiplier[key] = v }
            }
        }
        if let e = r.optional("egressPerGB", as: .money) { model.egressPerGB = e.dollars }
        return sink.errorCount == errorsBefore ? model : nil
    }

    /// One priced line of a configuration's bill.
    public struct Item: Sendable, Hashable, Codable {
        /// `pods.video-processing@us-east-1`, `gpu.rtx-3060@us-east-1`, `egress`.
        public var name: String
        /// Mean pods or GPUs held, or GB per hour of egress.
        public var quantity: Double
        public var unitPrice: Double
        public var dollarsPerHour: Double
    }

    /// The hourly bill of one replication over its measured window (after the warm-up): mean pods
    /// of each Deployment (from its `<service>.replicas{region=...}` series), the GPUs each pool
    /// provisions (constant over a run: faults take GPUs out of service, not off the bill), and
    /// the egress rate (from the `streaming.egress_gb` counters).
    public func bill(_ snapshot: MetricsSnapshot, runEnd: Instant, spec: PlatformSpec) -> [Item] {
        var items: [Item] = []
        let start = snapshot.times.firstIndex { $0 > snapshot.warmUpEnd } ?? snapshot.times.count
        let builtinPods = Self.builtinPodPrices(spec)
        for service in Self.podServices {
            let prefix = "\(service).replicas{"
            for s in snapshot.series where s.key.hasPrefix(prefix) {
                let values = s.values[start...].filter { !$0.isNaN }
                guard !values.isEmpty else { continue }
                let region = Self.label("region", in: s.key) ?? spec.region
                let mean = values.reduce(0, +) / Double(values.count)
                let price = (podHour[service] ?? defaultPodHour ?? builtinPods[service] ?? 0) * multiplier(region)
                items.append(Item(name: "pods.\(service)@\(region)", quantity: mean, unitPrice: price, dollarsPerHour: mean * price))
            }
        }
        for pool in spec.video?.gpuPools ?? [] {
            let price = (gpuHour[pool.type.name] ?? pool.type.costPerHour) * multiplier(pool.region)
            items.append(Item(name: "gpu.\(pool.type.name)@\(pool.region)", quantity: Double(pool.count), unitPrice: price,
                              dollarsPerHour: Double(pool.count) * price))
        }
        if let ai = spec.ai {
            for pool in ai.pools {
                let n = Double(pool.workers * pool.gpusPerWorker)
                let price = (gpuHour[pool.gpuType] ?? pool.costPerGPUHour) * multiplier(ai.region)
                items.append(Item(name: "gpu.\(pool.gpuType)@\(ai.region)", quantity: n, unitPrice: price, dollarsPerHour: n * price))
            }
        }
        let egress = snapshot.counters.filter { $0.key == "streaming.egress_gb" || $0.key.hasPrefix("streaming.egress_gb{") }
        if !egress.isEmpty {
            let hours = max((runEnd - snapshot.warmUpEnd).seconds, 1e-9) / 3_600
            let perHour = egress.reduce(0) { $0 + $1.total } / hours
            items.append(Item(name: "egress", quantity: perHour, unitPrice: egressPerGB, dollarsPerHour: perHour * egressPerGB))
        }
        return items
    }

    func multiplier(_ region: String) -> Double { regionMultiplier[region] ?? 1 }

    /// The built-in pod-hour price of each billed service the spec runs.
    static func builtinPodPrices(_ spec: PlatformSpec) -> [String: Double] {
        var out: [String: Double] = [:]
        if let c = spec.recording { out["recording"] = c.pod.costPerHour }
        if let c = spec.video { out["video-processing"] = c.cpuWorkers.template.costPerHour }
        if let c = spec.analytics { out["analytics"] = c.pod.costPerHour }
        if let c = spec.users { out["user-management"] = c.pod.costPerHour }
        return out
    }

    /// The value of label `name` in a metric key like `x{region=us-east-1,type=a}`.
    static func label(_ name: String, in key: String) -> String? {
        guard let open = key.firstIndex(of: "{"), key.hasSuffix("}") else { return nil }
        let body = key[key.index(after: open)..<key.index(before: key.endIndex)]
        for pair in body.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0] == name { return String(parts[1]) }
        }
        return nil
    }
}
