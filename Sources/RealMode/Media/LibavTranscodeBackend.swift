import Foundation

/// The real-mode `TranscodeBackend`: seed §2.1's four stages done with libavformat,
/// libavcodec, libswscale and the file system. Stateless (a value), so one instance can
/// serve every worker queue; each call's libav objects live on the calling thread, and the
/// parallel profiles of one job each get a thread of their own.
public struct LibavTranscodeBackend: TranscodeBackend {
    public var name: String { "libav" }

    public init() {
        LibavLog.prepare()
    }

    public func validate(_ request: ValidationRequest) throws(MediaError) -> MediaInfo {
        try MediaProbe.validate(path: request.inputPath, depth: request.depth)
    }

    public func transcode(_ request: TranscodeRequest) throws(MediaError) -> TranscodeResult {
        let source = try MediaProbe.validate(path: request.inputPath, depth: .header)
        guard let video = source.video else {
            throw MediaError(kind: .notVideo, stage: .transcode, reason: "no video stream", path: request.inputPath)
        }
        let plan = try TranscodePlan.make(profiles: request.profiles, source: video, settings: request.settings)
        let choice = try EncoderSelection.videoEncoder(requested: request.settings.videoEncoder,
                                                       allowFallback: request.settings.allowEncoderFallback)
        try createDirectory(request.workDirectory, stage: .transcode)
        let jobs = plan.renditions.map { rendition in
            RenditionJob(inputPath: request.inputPath,
                         outputPath: (request.workDirectory as NSString).appendingPathComponent("\(rendition.profile.name).mp4"),
                         rendition: rendition, encoder: choice.encoder, settings: request.settings)
        }
        let results = ParallelRenditions.run(jobs, parallel: request.settings.parallelProfiles)
        var renditions: [Rendition] = []
        var firstFailure: MediaError?
        for result in results {
            switch result {
            case .success(let rendition): renditions.append(rendition)
            case .failure(let error): firstFailure = firstFailure ?? error
            }
        }
        if let firstFailure {
            // All or nothing: a job with a missing profile is a failed job, not a smaller one.
            for rendition in renditions { try? FileManager.default.removeItem(atPath: rendition.path) }
            throw firstFailure
        }
        var notices: [String] = []
        if let notice = choice.notice { notices.append(notice) }
        notices += plan.skipped.map { "profile '\($0.profile)' skipped: \($0.reason)" }
        return TranscodeResult(jobID: request.jobID, source: source, encoder: choice, renditions: renditions,
                               skipped: plan.skipped, notices: notices)
    }

    public func optimize(_ request: OptimizeRequest) throws(MediaError) -> OptimizationResult {
        // The poster comes from the tallest rendition: the best picture the job produced.
        guard let best = request.renditions.max(by: { $0.height < $1.height }) else {
            throw MediaError(kind: .invalidRequest, stage: .optimize, reason: "no renditions to optimize")
        }
        try createDirectory(request.workDirectory, stage: .optimize)
        let posterPath = (request.workDirectory as NSString)
            .appendingPathComponent("\(request.thumbnail.baseName).\(request.thumbnail.format.fileExtension)")
        let thumbnail = try Thumbnailer.make(from: best.path, to: posterPath, options: request.thumbnail)
        var indexes: [KeyframeIndexFile] = []
        for rendition in request.renditions {
            let index = try KeyframeIndex.scan(path: rendition.path)
            let path = (request.workDirectory as NSString).appendingPathComponent("\(rendition.profile).keyframes.json")
            try index.write(to: path)
            indexes.append(KeyframeIndexFile(profile: rendition.profile, path: path, keyframeCount: index.keyframes.count))
        }
        return OptimizationResult(jobID: request.jobID, thumbnail: thumbnail, keyframeIndexes: indexes)
    }

    public func upload(_ request: UploadRequest) throws(MediaError) -> OriginManifest {
        try OriginUploader.upload(request)
    }

    private func createDirectory(_ path: String, stage: MediaStage) throws(MediaError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw MediaError(kind: .io, stage: stage, reason: "cannot create directory: \(error)", path: path)
        }
    }
}
