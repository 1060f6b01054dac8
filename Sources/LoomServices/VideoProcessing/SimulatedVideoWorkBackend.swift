/// The simulator's video-processing work: durations from the work model, scheduled as events
/// on the runtime, with failures drawn from named random streams (the default backend of
/// `VideoProcessingService`).
///
/// - validation takes `work.validationTime`, then rejects the source with probability
///   `invalidSourceProbability` (reason "invalid-source");
/// - a stay of device work takes the work model's duration on that device, or ends in a
///   processing error at a uniform point of it with probability `processingFailureProbability`;
/// - a recovering job finds its intermediates lost with probability
///   max(`intermediateLossProbability`, the object store's error rate), or always while the
///   store is in an outage;
/// - an upload is a PUT of the renditions' bytes to the object store model.
///
/// Streams `video.validation`, `video.failures` and `video.recovery` are drawn in exactly the
/// order the service drew them before backends existed, so traces and digests are unchanged.
public final class SimulatedVideoWorkBackend: VideoWorkBackend {
    public var name: String { "simulated" }

    private let configuration: VideoProcessingConfiguration
    private let context: PlatformContext
    private let objectStore: ObjectStore
    private let validationStream: RandomStream
    private let failureStream: RandomStream
    private let recoveryStream: RandomStream

    public init(configuration: VideoProcessingConfiguration, context: PlatformContext, objectStore: ObjectStore) {
        self.configuration = configuration
        self.context = context
        self.objectStore = objectStore
        validationStream = context.stream("video.validation")
        failureStream = context.stream("video.failures")
        recoveryStream = context.stream("video.recovery")
    }

    public func validate(_ job: VideoWorkItem, completion: @escaping (VideoValidationOutcome) -> Void) {
        let seconds = max(0, validationStream.sample(configuration.work.validationTime))
        context.after(.saturatingSeconds(seconds), VideoProcessingService.validatedKind, entity: job.jobID) { [unowned self] in
            guard !job.isFinished else { return }
            if self.validationStream.uniform() < self.configuration.invalidSourceProbability {
                completion(.rejected(reason: "invalid-source"))
            } else {
                completion(.valid)
            }
        }
    }

    public func startDeviceWork(_ job: VideoWorkItem, on device: VideoDevice, modelledSeconds total: Double,
                                completion: @escaping (VideoDeviceOutcome) -> Void) -> VideoWorkHandle {
        if failureStream.uniform() < configuration.processingFailureProbability {
            let at = total * failureStream.uniform()
            let event = context.after(.saturatingSeconds(at), VideoProcessingService.deviceFailedKind, entity: job.jobID) {
                completion(.failed(reason: "processing-error"))
            }
            return VideoWorkHandle(event: event)
        }
        let event = context.after(.saturatingSeconds(total), VideoProcessingService.deviceDoneKind, entity: job.jobID) {
            completion(.completed(deviceSeconds: total))
        }
        return VideoWorkHandle(event: event)
    }

    public func cancel(_ handle: VideoWorkHandle) {
        if let event = handle.event { context.runtime.cancel(event) }
    }

    public func intermediatesLost(_ job: VideoWorkItem, stage: VideoStage) -> Bool {
        let lossProbability = max(configuration.intermediateLossProbability, objectStore.errorRate)
        return recoveryStream.uniform() < lossProbability || objectStore.isUnavailable
    }

    public func upload(_ job: VideoWorkItem, bytes: Double, completion: @escaping (VideoUploadOutcome) -> Void) {
        objectStore.put(bytes: bytes, entity: job.jobID) { outcome in
            completion(outcome.isSuccess ? .stored : .failed(reason: "upload-failed"))
        }
    }
}
