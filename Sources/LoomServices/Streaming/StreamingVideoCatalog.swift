#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Which videos viewers watch: a catalogue of `videoCount` videos whose popularity follows a
/// Zipf law (the video of rank k is watched in proportion to 1/k^s), the usual model of video
/// popularity (Breslau et al., "Web caching and Zipf-like distributions", INFOCOM 1999, found
/// s between 0.6 and 0.9; YouTube traces fit similar exponents). Draws are O(1) from GSL's alias
/// table. Load generators use it to pick the `video` of `StreamingService.startViewing`.
public struct StreamingVideoCatalog: Sendable {
    public let videoCount: Int
    public let zipfExponent: Double
    private let popularity: Distribution

    /// A catalogue of `videoCount` videos (ids 0..<videoCount, 0 the most popular).
    public init(videoCount: Int = 100_000, zipfExponent: Double = 0.8) throws(StreamingConfigurationError) {
        guard videoCount >= 1 else { throw StreamingConfigurationError(message: "videoCount must be at least 1, got \(videoCount)") }
        guard zipfExponent.isFinite && zipfExponent >= 0 else {
            throw StreamingConfigurationError(message: "zipfExponent must be ≥ 0, got \(zipfExponent)")
        }
        self.videoCount = videoCount
        self.zipfExponent = zipfExponent
        let weights = (1...videoCount).map { 1 / pow(Double($0), zipfExponent) }
        do {
            popularity = try Distribution.empirical(values: (0..<videoCount).map(Double.init), weights: weights)
        } catch {
            throw StreamingConfigurationError(message: "video catalogue: \(error)")
        }
    }

    /// A video id drawn by popularity from `stream`.
    public func drawVideo(from stream: RandomStream) -> UInt64 { UInt64(stream.sample(popularity)) }
}
