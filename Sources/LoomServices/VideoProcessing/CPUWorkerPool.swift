import OrderedCollections

/// The CPU fallback workers (seed §2.1 "CPU Pool Manager / Fallback Processing", §2.2.2
/// `fallbackCPU.Allocate`): pods of the `video-processing` Deployment, each running up to
/// `jobsPerPod` transcodes, scaled by the real HPA through the scrape pipeline.
///
/// A running job shows on its pod as busy cores and memory, which the HPA scrapes; a pod that
/// crashes, is lost or is scaled down interrupts its jobs (they resume from their checkpoints
/// elsewhere: the simulation does not model a termination grace period).
final class CPUWorkerPool {
    let deployment: Deployment
    let autoscaler: AutoscalerLoop?
    let rates: DeviceRates
    private let configuration: CPUWorkerConfiguration
    private let context: PlatformContext
    private let coresPerJob: Double
    /// Jobs running on each pod, by pod id.
    private var running: OrderedDictionary<UInt64, [UInt64]> = [:]
    private(set) var busySlots = 0
    /// A pod became ready: waiting jobs may start.
    var onSlotsAvailable: () -> Void = {}
    /// Jobs whose pod went away, with the reason.
    var onJobsInterrupted: (_ jobs: [UInt64], _ reason: String) -> Void = { _, _ in }

    init(configuration: CPUWorkerConfiguration, presetFactors: [String: Double], region: String,
         context: PlatformContext, backlog: @escaping () -> Double) throws {
        self.configuration = configuration
        self.context = context
        coresPerJob = configuration.template.cpuRequestCores / Double(configuration.jobsPerPod)
        rates = DeviceRates(encode: configuration.encode, presetFactors: presetFactors, speedFactors: configuration.speedFactors)
        deployment = Deployment(service: "video-processing", region: region, template: configuration.template,
                                replicas: configuration.initialReplicas, context: context)
        if let yaml = configuration.hpaManifestYAML {
            let loop = AutoscalerLoop(hpa: HorizontalPodAutoscaler(manifest: try HPAManifest(yaml: yaml)), deployment: deployment,
                                      context: context, scrapeInterval: configuration.scrapeInterval,
                                      metricsDelay: configuration.metricsDelay)
            loop.objectMetrics["video_processing_backlog"] = backlog
            autoscaler = loop
        } else {
            autoscaler = nil
        }
        deployment.onPodReady = { [unowned self] pod in
            self.running[pod.id] = self.running[pod.id] ?? []
            self.updateUsage(pod)
            self.onSlotsAvailable()
        }
        deployment.onPodLost = { [unowned self] pod, reason in
            guard let jobs = self.running.removeValue(forKey: pod.id) else { return }
            self.busySlots -= jobs.count
            self.updateUsage(pod)
            if !jobs.isEmpty { self.onJobsInterrupted(jobs, reason) }
        }
    }

    func start() {
        deployment.startWarm()
        autoscaler?.start()
    }

    /// Slots on serving pods.
    var capacity: Int { deployment.servingCount * configuration.jobsPerPod }
    var freeSlots: Int { max(0, capacity - busySlots) }
    /// The most pods the HPA may run (its maxReplicas), or the current replicas without an HPA.
    var maximumSlots: Int {
        Int(autoscaler?.hpa.spec.maxReplicas ?? Int32(deployment.replicas)) * configuration.jobsPerPod
    }

    /// Places `job` on the first serving pod with a free slot (creation order); nil when none.
    func acquire(job: UInt64) -> Pod? {
        guard freeSlots > 0 else { return nil }
        for pod in deployment.pods.values where pod.isServing {
            var jobs = running[pod.id] ?? []
            guard jobs.count < configuration.jobsPerPod else { continue }
            jobs.append(job)
            running[pod.id] = jobs
            busySlots += 1
            updateUsage(pod)
            return pod
        }
        return nil
    }

    /// Frees `job`'s slot on pod `podID` (nothing when the pod is already gone).
    func release(job: UInt64, pod podID: UInt64) {
        guard var jobs = running[podID], let i = jobs.firstIndex(of: job) else { return }
        jobs.remove(at: i)
        running[podID] = jobs
        busySlots -= 1
        if let pod = deployment.pods[podID] { updateUsage(pod) }
    }

    func podName(_ podID: UInt64) -> String { deployment.pods[podID]?.name ?? "pod-\(podID)" }

    private func updateUsage(_ pod: Pod) {
        let n = Double(running[pod.id]?.count ?? 0)
        pod.baselineCores = n * coresPerJob
        pod.memoryBytes = configuration.idleMemoryBytes + n * configuration.memoryPerJobBytes
    }

    /// CPU and memory in use over the serving pods' requests, percent (seed §2.4.1 `SystemLoad`).
    func loadPercent() -> (cpu: Double, memory: Double) {
        let serving = deployment.servingCount
        guard serving > 0 else { return (0, 0) }
        let cores = Double(busySlots) * coresPerJob
        let memory = Double(serving) * configuration.idleMemoryBytes + Double(busySlots) * configuration.memoryPerJobBytes
        return (100 * cores / (Double(serving) * configuration.template.cpuRequestCores),
                100 * memory / (Double(serving) * configuration.template.memoryRequestBytes))
    }
}
