import DequeModule

/// The cluster side of horizontal autoscaling: a metrics pipeline that scrapes the pods every
/// `scrapeInterval` and publishes each scrape after `metricsDelay` (metrics-server and an
/// adapter like prometheus-adapter lag the pods by tens of seconds), and the HPA controller
/// loop that reconciles every `syncPeriod` on the latest published scrape and scales the
/// deployment (Kubernetes `pkg/controller/podautoscaler`, seed §1.2.1).
///
/// The decisions themselves are the real `HorizontalPodAutoscaler` policy's.
public final class AutoscalerLoop {
    /// One scrape of every pod of the deployment.
    struct Scrape {
        var time: Instant
        var cpuMillis: [String: Int64]
        var memoryMillis: [String: Int64]
        var custom: [String: [String: Int64]]
        var objects: [String: Int64]
    }

    public private(set) var hpa: HorizontalPodAutoscaler
    public let deployment: Deployment
    public let scrapeInterval: TimeAmount
    public let metricsDelay: TimeAmount
    /// Object/External metrics by metric name (queue depth, lag), read at scrape time.
    public var objectMetrics: [String: () -> Double] = [:]
    /// The last decision, for reports and tests.
    public private(set) var lastDecision: HPADecision?

    private let context: PlatformContext
    private var published: Deque<Scrape> = []
    private var lastBusy: [UInt64: Double] = [:]
    private static let scrapeKind = EventKind("hpa.scrape")
    private static let syncKind = EventKind("hpa.sync")

    public init(hpa: HorizontalPodAutoscaler, deployment: Deployment, context: PlatformContext,
                scrapeInterval: TimeAmount = .wholeSeconds(15), metricsDelay: TimeAmount = .wholeSeconds(30)) {
        self.hpa = hpa
        self.deployment = deployment
        self.context = context
        self.scrapeInterval = scrapeInterval
        self.metricsDelay = metricsDelay
        context.metrics.registerGauge(metricKey("\(deployment.service).hpa_desired", [("region", deployment.region)]), unit: "pods") {
            [unowned self] in Double(self.lastDecision?.desiredReplicas ?? Int32(self.deployment.replicas))
        }
    }

    /// Starts scraping and reconciling.
    public func start() {
        context.every(scrapeInterval, Self.scrapeKind) { [unowned self] in self.scrape() }
        context.every(hpa.settings.syncPeriod, Self.syncKind, startingAfter: hpa.settings.syncPeriod) { [unowned self] in self.sync() }
    }

    private func scrape() {
        let now = context.now
        var s = Scrape(time: now, cpuMillis: [:], memoryMillis: [:], custom: [:], objects: [:])
        for pod in deployment.pods.values where pod.phase == .running {
            let busy = pod.busySeconds - (lastBusy[pod.id] ?? pod.busySeconds)
            lastBusy[pod.id] = pod.busySeconds
            let cores = pod.baselineCores + busy / max(scrapeInterval.seconds, 1e-9)
            s.cpuMillis[pod.name] = Int64((cores * 1_000).rounded())
            s.memoryMillis[pod.name] = Int64((pod.memoryBytes * 1_000).rounded())
            for (name, value) in pod.customMetrics { s.custom[name, default: [:]][pod.name] = Int64((value * 1_000).rounded()) }
        }
        for (name, read) in objectMetrics { s.objects[name] = Int64((read() * 1_000).rounded()) }
        // Forget pods that are gone, so the map does not grow with churn.
        if lastBusy.count > 2 * max(deployment.pods.count, 8) {
            lastBusy = lastBusy.filter { deployment.pods[$0.key] != nil }
        }
        published.append(s)
        while published.count > 1, let second = published.dropFirst().first, second.time <= now - metricsDelay {
            published.removeFirst()
        }
    }

    /// The newest scrape old enough to have passed through the pipeline.
    private var visibleScrape: Scrape? {
        let cutoff = context.now - metricsDelay
        return published.last { $0.time <= cutoff }
    }

    private func sync() {
        let now = context.now
        let scrape = visibleScrape
        let cpuRequest = Int64((deployment.template.cpuRequestCores * 1_000).rounded())
        let memRequest = Int64((deployment.template.memoryRequestBytes * 1_000).rounded())
        let pods = deployment.pods.values.map(\.observed)
        let window = scrapeInterval
        func reading(_ values: [String: Int64]?, requests: Int64?) -> MetricReading {
            guard let scrape, let values else { return .unavailable("no metrics published yet") }
            var samples: [String: PodMetricSample] = [:]
            var reqs: [String: Int64] = [:]
            for (pod, v) in values {
                samples[pod] = PodMetricSample(milliValue: v, timestamp: scrape.time, window: window)
                if let requests { reqs[pod] = requests }
            }
            return .pods(PodMetricReading(samples: samples, requests: reqs))
        }
        func resourceReading(_ name: String) -> MetricReading {
            switch name {
            case "cpu": return reading(scrape?.cpuMillis, requests: cpuRequest)
            case "memory": return reading(scrape?.memoryMillis, requests: memRequest)
            default: return .unavailable("resource \(name) is not modelled")
            }
        }
        let readings: [MetricReading] = hpa.spec.metrics.map { metric in
            switch metric {
            case .resource(let r):
                return resourceReading(r.name)
            case .containerResource(let r):
                // One container per pod here: a container's usage is the pod's.
                return resourceReading(r.name)
            case .pods(let p):
                return reading(scrape?.custom[p.metric.name] ?? (scrape == nil ? nil : [:]), requests: nil)
            case .object(let o):
                guard let v = scrape?.objects[o.metric.name] else { return .unavailable("object metric \(o.metric.name) not modelled") }
                return .object(milliValue: v)
            case .external(let e):
                guard let v = scrape?.objects[e.metric.name] else { return .unavailable("external metric \(e.metric.name) not modelled") }
                return .external(milliValues: [v])
            case .unrecognized(let type):
                return .unavailable("unrecognized metric type \(type)")
            }
        }
        let observation = HPAObservation(
            specReplicas: Int32(deployment.replicas), statusReplicas: Int32(deployment.pods.count),
            pods: pods, readings: readings)
        let decision = hpa.reconcile(observation, now: now)
        lastDecision = decision
        if decision.rescale && Int(decision.desiredReplicas) != deployment.replicas {
            context.metrics.note("hpa.rescale", subject: deployment.service,
                detail: "\(deployment.replicas) → \(decision.desiredReplicas)", at: now)
            deployment.scale(to: Int(decision.desiredReplicas))
        }
    }
}

