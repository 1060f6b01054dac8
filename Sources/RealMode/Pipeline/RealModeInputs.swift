import Foundation
import LoomServices

/// Where a real-mode run's videos come from.
public enum RealModeInputSource: Sendable, Equatable {
    /// Every regular file in a folder (not descending), by name; whatever they contain (bad
    /// files are dead-lettered with libav's reason).
    case directory(String)
    /// `count` clips synthesized with libav (`TestClipGenerator`: moving pattern and tone) into
    /// the work folder's `inputs/`, sizes and durations drawn from `heights` and `durations`
    /// by a stream seeded with `seed`: the same clips for the same arguments.
    case generate(count: Int, seed: UInt64, heights: [Int] = RealModeInputSource.defaultHeights,
                  durations: [Double] = RealModeInputSource.defaultDurations)
    /// These files (tests; a mix of generated and crafted inputs).
    case files([String])

    /// 360p to 2160p (16:9).
    public static let defaultHeights = [360, 480, 720, 1080, 2160]
    public static let defaultDurations: [Double] = [1, 2, 3]
}

/// How one input is submitted: the request attributes that decide its priority.
public struct RealModeJobProfile: Sendable, Equatable {
    public var userTier: String
    public var isLiveRecording: Bool
    /// An explicit priority (e.g. `.batch`); nil: the seed's rules decide.
    public var priority: JobPriority?

    public init(userTier: String = "free", isLiveRecording: Bool = false, priority: JobPriority? = nil) {
        self.userTier = userTier
        self.isLiveRecording = isLiveRecording
        self.priority = priority
    }
}

/// Resolving inputs: listing a folder, or generating clips deterministically.
public enum RealModeInputs {
    /// The input files, sorted by name, generating them first for `.generate` (a clip already
    /// there is kept; clips are written under a temporary name and renamed, so a killed run
    /// never leaves a half-written clip behind).
    public static func resolve(_ source: RealModeInputSource, layout: RealModeLayout,
                               progress: (String) -> Void = { _ in }) throws -> [String] {
        switch source {
        case .files(let paths):
            return paths
        case .directory(let dir):
            let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
            return names.filter { !$0.hasPrefix(".") }.map { (dir as NSString).appendingPathComponent($0) }.filter {
                var isDir: ObjCBool = false
                return FileManager.default.fileExists(atPath: $0, isDirectory: &isDir) && !isDir.boolValue
            }
        case let .generate(count, seed, heights, durations):
            return try generate(clipSpecs(count: count, seed: seed, heights: heights, durations: durations),
                                into: layout.generatedInputs, progress: progress)
        }
    }

    /// `count` clip specs drawn from `heights` and `durations` by the stream "real.generate"
    /// of `seed` (16:9, 30 fps, H.264 + AAC, ultrafast so generation stays cheap).
    public static func clipSpecs(count: Int, seed: UInt64, heights: [Int] = RealModeInputSource.defaultHeights,
                                 durations: [Double] = RealModeInputSource.defaultDurations) -> [(name: String, spec: TestClipSpec)] {
        let stream = RandomStreams(runSeed: seed).stream(named: "real.generate")
        return (0..<max(0, count)).map { i in
            let height = heights.isEmpty ? 360 : heights[Int(stream.integer(below: UInt(heights.count)))]
            let seconds = durations.isEmpty ? 2 : durations[Int(stream.integer(below: UInt(durations.count)))]
            var spec = TestClipSpec.widescreen(height: height, durationSeconds: seconds)
            spec.audio = ToneSpec(frequency: 220 + 20 * Double(stream.integer(below: 20)))
            let name = String(format: "clip-%03d-%dp-%gs.mp4", i, height, seconds)
            return (name, spec)
        }
    }

    /// Writes the clips that are not there yet; returns their paths in order.
    public static func generate(_ clips: [(name: String, spec: TestClipSpec)], into dir: String,
                                progress: (String) -> Void = { _ in }) throws -> [String] {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var paths: [String] = []
        for (name, spec) in clips {
            let path = (dir as NSString).appendingPathComponent(name)
            if !FileManager.default.fileExists(atPath: path) {
                let temporary = (dir as NSString).appendingPathComponent(".\(name).partial")
                try? FileManager.default.removeItem(atPath: temporary)
                var s = spec
                s.container = s.container ?? "mp4"
                _ = try TestClipGenerator.generate(to: temporary, spec: s)
                try FileManager.default.moveItem(atPath: temporary, toPath: path)
                progress("generated \(name) (\(spec.width)x\(spec.height), \(spec.durationSeconds) s)")
            }
            paths.append(path)
        }
        return paths
    }

    /// Job keys for input paths: the file name made safe (letters, digits, '-', '_', '.'),
    /// numbered on a clash; stable for the same list.
    public static func keys(for paths: [String]) -> [String] {
        var used: Set<String> = []
        return paths.map { path in
            let name = (path as NSString).lastPathComponent
            var safe = String(name.unicodeScalars.map { s -> Character in
                (s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s))) || s == "-" || s == "_" || s == "."
                    ? Character(s) : "_"
            })
            while safe.hasPrefix(".") { safe.removeFirst() }
            if safe.isEmpty { safe = "input" }
            safe = String(safe.prefix(56))
            var key = safe
            var n = 2
            while used.contains(key) {
                key = "\(safe)-\(n)"
                n += 1
            }
            used.insert(key)
            return key
        }
    }

    /// The request for an input: its duration, height, frame rate and size from a header
    /// probe (zeros when the file cannot be probed: validation will reject it).
    static func request(path: String, key: String, profile: RealModeJobProfile) -> VideoJobRequest {
        let info = try? MediaProbe.probe(path: path)
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
        let rate = info?.video?.frameRate.value ?? 0
        return VideoJobRequest(
            userTier: profile.userTier, durationSeconds: info?.durationSeconds ?? info?.video?.durationSeconds ?? 0,
            sourceHeight: info?.video?.height ?? 0, fileSizeBytes: size, isLiveRecording: profile.isLiveRecording,
            frameRate: rate > 0 ? rate : 30, priority: profile.priority, mediaReference: key)
    }
}

/// When jobs arrive, in seconds from the start of the run (before the speed-up).
public enum RealModeArrivalSchedule: Sendable, Equatable {
    /// Every job at the start.
    case allAtOnce
    /// One job every `seconds`.
    case interval(seconds: Double)
    /// A Poisson process of `ratePerSecond`, drawn from the stream "real.arrivals" of the run's seed.
    case poisson(ratePerSecond: Double)
    /// Explicit offsets, one per job (the last one repeats when there are more jobs).
    case offsets([Double])

    /// The offsets of `count` jobs, divided by `speedup` (arrivals only: work is never sped up).
    public func offsets(count: Int, seed: UInt64, speedup: Double = 1) -> [Double] {
        let factor = speedup > 0 && speedup.isFinite ? 1 / speedup : 1
        var out: [Double] = []
        switch self {
        case .allAtOnce:
            out = Array(repeating: 0, count: count)
        case .interval(let s):
            out = (0..<count).map { Double($0) * max(0, s) }
        case .poisson(let rate):
            let stream = RandomStreams(runSeed: seed).stream(named: "real.arrivals")
            var t = 0.0
            for _ in 0..<count {
                out.append(t)
                t += rate > 0 ? stream.exponential(mean: 1 / rate) : 0
            }
        case .offsets(let list):
            out = (0..<count).map { list.isEmpty ? 0 : list[min($0, list.count - 1)] }
        }
        return out.map { max(0, $0) * factor }
    }
}
