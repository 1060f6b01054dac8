/// Every parameter of the video processing service (seed §2 and §7.2), with its unit and a
/// default taken from the seed where it gives one; where it gives none the default is a stated
/// assumption (see each field), sized for the seed's peak (issue 4: 10,000 concurrent
/// recordings, i.e. ≈40 finished recordings per second at a 4-minute mean).
public struct VideoProcessingConfiguration: Sendable {
    /// The region whose GPU pools and worker pods this service uses.
    public var region: String

    // MARK: Queue (§2.2.1)

    /// The multi-tier queue: capacities (seed: none; defaults 2,000 / 10,000 / 10,000 / 20,000
    /// jobs, a few minutes of peak arrivals each), the high tier's 100 ms wait, the 5-minute
    /// retry-after, 3 processing attempts before dead-lettering, and the cascade variant.
    public var queue: ProcessingJobQueue.Configuration
    /// How many times a client resubmits a rejected job, each after the retry-after, before it
    /// gives up (the job is then dropped with reason "backpressure"). Default 3.
    public var clientMaxRetries: Int
    /// Jobs that hold a processing worker at once (validating, waiting for or using a device,
    /// uploading); nil: `inFlightPerDevice` × (the region's GPUs + CPU worker slots at the HPA's
    /// maximum). The tiers fill, and backpressure begins, when this is reached.
    public var maxJobsInFlight: Int?
    /// Factor of the automatic in-flight limit (default 1.25: each device has one job running
    /// and a quarter more staged).
    public var inFlightPerDevice: Double

    // MARK: GPU resource manager (§2.2.2)

    /// The GPU pools of the run when the service creates its own fleet (ignored when one is
    /// passed in). Default: in `region`, 16 × a100, 200 × rtx-4080, 2,000 × rtx-3060: the
    /// peak's ≈40 jobs/s (4-minute mean) keep the 3060s ≈75 % busy (≈45 s of device time per
    /// ≤1440p job), as the peak-hour benchmark measures.
    public var gpuPools: [GPUPoolSpec]
    /// Job → GPU type (seed `determineGPURequirement`).
    public var mapping: GPUTypeMapping
    /// Intended, as-written or no preemption (seed `tryPreemption`; DESIGN.md §8).
    public var preemption: PreemptionVariant
    /// Tiers by which a job must be more urgent than its victim (seed: "significantly higher
    /// priority"; default 1: any more urgent tier).
    public var preemptionMinimumTierGap: Int
    /// How long a job may wait for its GPU before it falls back to a CPU worker; a job whose
    /// estimated wait already exceeds it falls back at once. 0 reproduces the seed, which falls
    /// back as soon as no GPU is free. Default 120 s (a 5-minute 1080p recording takes ≈40 s
    /// on a 3060 and ≈5 min on an 8-core worker, so waiting up to 2 minutes still wins).
    public var gpuWaitBudget: TimeAmount
    /// Job types that may run on CPU (seed `canFallbackToCPU`; default transcodes only).
    public var cpuFallbackJobTypes: [String]
    /// A GPU job's device time assumed by the wait estimate before any job has finished.
    public var initialHoldEstimate: TimeAmount
    /// The CPU fallback workers.
    public var cpuWorkers: CPUWorkerConfiguration

    // MARK: Work (§2.1, §2.4.1)

    public var work: VideoWorkModel
    /// The load-adaptive strategy (seed §2.4.1 thresholds 80/85/90 and 95/95; intended order).
    public var adaptive: AdaptiveProcessingPolicy
    /// How long a deferred job waits before it is queued again (seed: none; default 5 min).
    public var deferralDelay: TimeAmount
    /// Deferrals after which a job is processed whatever the load (fast settings); default 12.
    public var maxDeferrals: Int

    // MARK: Recovery (§2.3.1, §7.2)

    /// Device time between periodic checkpoints (seed: none; default 30 s). Checkpoints are also
    /// taken when a rendition finishes and at every stage boundary.
    public var checkpointInterval: TimeAmount
    public var checkpointPersistence: CheckpointPersistence
    /// Probability that a recovering job finds its intermediate files missing or corrupt and
    /// restarts from an earlier stage (seed `restartFromEarlierStage`); default 0.01. An outage of
    /// the object store makes them unreadable (lost) and its error rate adds to this.
    public var intermediateLossProbability: Double
    /// Probability that validation rejects the source (corrupt upload): not retried.
    public var invalidSourceProbability: Double
    /// Whether a rejected source ends failed (default, the simulator's model) or dead-lettered
    /// with its reason (real mode: libav's).
    public var invalidSourceDisposition: InvalidSourceDisposition
    /// Probability that a stay on a device ends in a processing error (encoder crash, bad
    /// frame), at a uniform point of it; the attempt counts toward the queue's maximum.
    public var processingFailureProbability: Double
    /// Retries of the upload stage (Resilience4j retry semantics): default 3 attempts, 1 s
    /// exponential back-off ×2.
    public var uploadRetry: RetryConfig

    /// The object store (renditions and intermediates) when the service creates its own.
    public var objectStore: ObjectStore.Configuration

    // MARK: Calibration

    /// Service times measured on a real machine (`loomsim calibrate`); nil: the work model's
    /// defaults. When set, the service runs with `calibrated()`: CPU encode rates, CPU preset
    /// factors, validation and packaging times from the profile.
    public var calibration: VideoCalibration?

    public init(region: String = "us-east-1") {
        self.region = region
        queue = ProcessingJobQueue.Configuration(
            highCapacity: 2_000, normalCapacity: 10_000, lowCapacity: 10_000, batchCapacity: 20_000)
        clientMaxRetries = 3
        maxJobsInFlight = nil
        inFlightPerDevice = 1.25
        gpuPools = [
            GPUPoolSpec(region: region, type: .a100, count: 16),
            GPUPoolSpec(region: region, type: .rtx4080, count: 200),
            GPUPoolSpec(region: region, type: .rtx3060, count: 2_000),
        ]
        mapping = GPUTypeMapping()
        preemption = .intended
        preemptionMinimumTierGap = 1
        gpuWaitBudget = .wholeSeconds(120)
        cpuFallbackJobTypes = ["transcode"]
        initialHoldEstimate = .wholeSeconds(45)
        cpuWorkers = CPUWorkerConfiguration()
        work = VideoWorkModel()
        adaptive = try! AdaptiveProcessingPolicy()
        deferralDelay = .minutes(5)
        maxDeferrals = 12
        checkpointInterval = .wholeSeconds(30)
        checkpointPersistence = .modelled
        intermediateLossProbability = 0.01
        invalidSourceProbability = 0.001
        invalidSourceDisposition = .failed
        processingFailureProbability = 0.002
        uploadRetry = try! RetryConfig(maxAttempts: 3, intervalFunction: .exponentialBackoff(initial: .wholeSeconds(1), multiplier: 2))
        objectStore = ObjectStore.Configuration()
        calibration = nil
    }

    /// Throws `VideoProcessingConfigurationError` naming the first invalid parameter.
    public func validate() throws {
        func fail(_ m: String) -> VideoProcessingConfigurationError { VideoProcessingConfigurationError(message: m) }
        func probability(_ p: Double, _ name: String) throws {
            guard p.isFinite, p >= 0, p <= 1 else { throw fail("\(name) must be a probability in [0, 1], got \(p)") }
        }
        guard !region.isEmpty else { throw fail("region must not be empty") }
        do { _ = try ProcessingJobQueue(configuration: queue) } catch { throw fail("\(error)") }
        guard clientMaxRetries >= 0 else { throw fail("clientMaxRetries must be ≥ 0, got \(clientMaxRetries)") }
        if let m = maxJobsInFlight, m < 1 { throw fail("maxJobsInFlight must be ≥ 1, got \(m)") }
        guard inFlightPerDevice.isFinite, inFlightPerDevice >= 1 else { throw fail("inFlightPerDevice must be ≥ 1, got \(inFlightPerDevice)") }
        guard preemptionMinimumTierGap >= 1, preemptionMinimumTierGap <= 3 else {
            throw fail("preemptionMinimumTierGap must be 1, 2 or 3 tiers, got \(preemptionMinimumTierGap)")
        }
        guard gpuWaitBudget >= .zero else { throw fail("gpuWaitBudget must not be negative, got \(gpuWaitBudget)") }
        guard initialHoldEstimate > .zero else { throw fail("initialHoldEstimate must be positive") }
        try validateWork(fail)
        guard deferralDelay > .zero else { throw fail("deferralDelay must be positive") }
        guard maxDeferrals >= 0 else { throw fail("maxDeferrals must be ≥ 0, got \(maxDeferrals)") }
        guard checkpointInterval > .zero else { throw fail("checkpointInterval must be positive") }
        try probability(intermediateLossProbability, "intermediateLossProbability")
        try probability(invalidSourceProbability, "invalidSourceProbability")
        try probability(processingFailureProbability, "processingFailureProbability")
        do { try objectStore.validate() } catch { throw fail("\(error)") }
        try calibration?.validate()
    }

    private func validateWork(_ fail: (String) -> VideoProcessingConfigurationError) throws {
        let c = cpuWorkers
        guard c.initialReplicas >= 0 else { throw fail("cpuWorkers.initialReplicas must be ≥ 0, got \(c.initialReplicas)") }
        guard c.jobsPerPod >= 1 else { throw fail("cpuWorkers.jobsPerPod must be ≥ 1, got \(c.jobsPerPod)") }
        guard c.template.cpuRequestCores > 0 else { throw fail("cpuWorkers.template.cpuRequestCores must be positive") }
        guard c.memoryPerJobBytes >= 0, c.idleMemoryBytes >= 0 else { throw fail("cpuWorkers memory figures must be ≥ 0") }
        for (kind, v) in c.speedFactors.sorted(by: { $0.key < $1.key }) where !(v.isFinite && v > 0) {
            throw fail("cpuWorkers.speedFactors[\(kind)] must be positive, got \(v)")
        }
        if let yaml = c.hpaManifestYAML {
            do { _ = try HPAManifest(yaml: yaml) } catch { throw fail("cpuWorkers.hpaManifestYAML: \(error)") }
        }
        guard !work.ladder.isEmpty else { throw fail("work.ladder must list at least one rendition") }
        for r in work.ladder where !(r.height > 0 && r.bitsPerSecond.isFinite && r.bitsPerSecond > 0) {
            throw fail("work.ladder: rendition \(r.height) lines needs a positive height and bitrate")
        }
        for strategy in [ProcessingStrategy.optimal, .balanced, .fast] {
            let preset = AdaptiveProcessingPolicy.settings(for: strategy, cpuCount: 1)!.preset
            for (name, table) in [("gpuPresetWorkFactors", work.gpuPresetWorkFactors), ("cpuPresetWorkFactors", work.cpuPresetWorkFactors)] {
                guard let f = table[preset], f.isFinite, f > 0 else {
                    throw fail("work.\(name) needs a positive factor for preset \"\(preset)\" (strategy \(strategy.rawValue))")
                }
            }
        }
        guard work.packagingSeconds.isFinite, work.packagingSeconds >= 0 else { throw fail("work.packagingSeconds must be ≥ 0") }
        guard work.aiResultBytes.isFinite, work.aiResultBytes >= 0 else { throw fail("work.aiResultBytes must be ≥ 0") }
    }
}

/// A video-processing configuration that cannot be honoured, with the reason.
public struct VideoProcessingConfigurationError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { "video-processing: \(message)" }
}
