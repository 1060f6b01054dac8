/// Encode throughput of one device by output height: frames per second of H.264 at the
/// balanced (medium / NVENC P4) preset, for one rendition at a time, all engines together.
///
/// Encoders scale roughly with pixels per frame, a little better at small sizes where
/// per-frame overhead dominates; a table per device lets a calibration run (real mode's
/// `TranscodeBenchmark`) replace the defaults measurement by measurement.
public struct EncodeThroughput: Sendable, Equatable {
    /// One tabulated rate.
    public struct Point: Sendable, Equatable {
        /// Output height in lines (1080 for 1920×1080).
        public var height: Int
        /// Frames encoded per second at that height.
        public var framesPerSecond: Double
        public init(height: Int, framesPerSecond: Double) {
            self.height = height
            self.framesPerSecond = framesPerSecond
        }
    }

    /// Ascending by height; empty for a device without an encoder (A100, H100: no NVENC).
    public let points: [Point]

    /// Throws a message when heights are not strictly ascending or a rate is not positive.
    public init(_ points: [Point]) throws {
        for (i, p) in points.enumerated() {
            guard p.height > 0, p.framesPerSecond.isFinite, p.framesPerSecond > 0 else {
                throw GPUFleetError("encode rate at \(p.height) lines must be a positive number of frames/s, got \(p.framesPerSecond)")
            }
            if i > 0, points[i - 1].height >= p.height {
                throw GPUFleetError("encode rates must be listed by strictly ascending height, \(points[i - 1].height) then \(p.height)")
            }
        }
        self.points = points
    }

    init(unchecked points: [(Int, Double)]) {
        self.points = points.map { Point(height: $0.0, framesPerSecond: $0.1) }
    }

    /// The device has no encoder: encode work must run elsewhere.
    public static let none = EncodeThroughput(unchecked: [])

    public var canEncode: Bool { !points.isEmpty }

    /// Frames per second at `height`: the rate of the smallest tabulated height at or above it;
    /// above the table, the tallest rate scaled down by the pixel ratio. 0 without an encoder.
    @inlinable public func framesPerSecond(height: Int) -> Double {
        for p in points where p.height >= height { return p.framesPerSecond }
        guard let top = points.last else { return 0 }
        let ratio = Double(top.height) / Double(max(height, 1))
        return top.framesPerSecond * ratio * ratio
    }

    /// A table derived from a 1080p rate by pixel count (sub-linear below 1080p: per-frame
    /// overhead), for the seed's catalog and for CPU encoders.
    public static func scaled(from fps1080: Double) -> EncodeThroughput {
        EncodeThroughput(unchecked: [(360, fps1080 * 6), (480, fps1080 * 4), (720, fps1080 * 2.1),
                                     (1080, fps1080), (1440, fps1080 * 0.56), (2160, fps1080 * 0.25)])
    }
}
