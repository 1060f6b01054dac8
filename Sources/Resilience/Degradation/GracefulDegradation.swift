/// How far the recording service has degraded itself to stay up (seed §1.3.2
/// `DegradationLevel`); ordered from full service to emergency mode.
public enum DegradationLevel: Int, CaseIterable, Comparable, Sendable, Codable, CustomStringConvertible {
    case fullService = 0
    case reducedFeatures = 1
    case coreOnly = 2
    case emergencyMode = 3

    public static func < (a: DegradationLevel, b: DegradationLevel) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .fullService: return "full-service"
        case .reducedFeatures: return "reduced-features"
        case .coreOnly: return "core-only"
        case .emergencyMode: return "emergency-mode"
        }
    }
}

/// The health metrics the degradation level is read from (seed §1.3.2: CPU, memory, DB latency).
public struct SystemHealthSample: Equatable, Sendable {
    /// CPU use, 0–100.
    public var cpuPercent: Double
    /// Memory use, 0–100.
    public var memoryPercent: Double
    /// Database latency.
    public var databaseLatency: TimeAmount

    public init(cpuPercent: Double, memoryPercent: Double, databaseLatency: TimeAmount) {
        self.cpuPercent = cpuPercent
        self.memoryPercent = memoryPercent
        self.databaseLatency = databaseLatency
    }
}

/// The limits above which one degradation level applies: a level is entered when *any*
/// metric is strictly above its limit (seed §1.3.2 `getDegradationLevel`).
public struct DegradationTrigger: Equatable, Sendable {
    public var cpuPercent: Double
    public var memoryPercent: Double
    public var databaseLatency: TimeAmount

    public init(cpuPercent: Double, memoryPercent: Double, databaseLatency: TimeAmount) {
        self.cpuPercent = cpuPercent
        self.memoryPercent = memoryPercent
        self.databaseLatency = databaseLatency
    }

    func isExceeded(by sample: SystemHealthSample) -> Bool {
        sample.cpuPercent > cpuPercent || sample.memoryPercent > memoryPercent
            || sample.databaseLatency > databaseLatency
    }
}

/// Which feature-shedding table the recording service applies (seed §1.3.2
/// `handleRecordingRequest`).
public enum DegradationFeatureVariant: String, CaseIterable, Sendable, Codable {
    /// Levels are cumulative, as their order says: emergency mode also sheds what core-only
    /// sheds (real-time transcription), and "force 480p" is a cap that never raises a lower
    /// requested quality.
    case intended
    /// The seed as written (§1.3.2): the emergency branch forgets to disable real-time
    /// transcription, so the most degraded level keeps a feature core-only turns off, and it
    /// sets quality to 480p even when the request asked for less.
    case asWritten
}

/// The kind of recording a client asks for.
public enum RecordingType: String, CaseIterable, Sendable, Codable {
    case screen
    case camera
    case screenAndCamera
}

/// The settings of a recording request the degradation policy may reduce.
public struct RecordingSettings: Equatable, Sendable {
    /// Vertical resolution in lines (480, 720, 1080, ...).
    public var qualityLines: Int
    public var enableAI: Bool
    public var enableRealTimeTranscription: Bool

    public init(qualityLines: Int, enableAI: Bool, enableRealTimeTranscription: Bool) {
        self.qualityLines = qualityLines
        self.enableAI = enableAI
        self.enableRealTimeTranscription = enableRealTimeTranscription
    }
}

/// The recording service's answer to a start-recording request under degradation.
public enum RecordingAdmission: Equatable, Sendable {
    /// Start the session with these (possibly reduced) settings.
    case accepted(RecordingSettings)
    /// Refused (seed: "service degraded: only screen recording available").
    case rejected(reason: String)
}

/// A configuration the degradation policy cannot honour.
public enum GracefulDegradationError: Error, Equatable, CustomStringConvertible {
    case triggersNotIncreasing(level: DegradationLevel)

    public var description: String {
        switch self {
        case let .triggersNotIncreasing(level):
            return "degradation: the \(level) limits must not be below the previous level's"
        }
    }
}

/// The recording service's graceful degradation (seed §1.3.2): reads a level from CPU,
/// memory and database latency, then sheds features of incoming recording requests.
public struct GracefulDegradationPolicy: Equatable, Sendable {
    /// Limits of reduced-features, core-only and emergency mode (seed: 70/70/200 ms,
    /// 80/80/500 ms, 90/90/1000 ms).
    public var reducedFeatures: DegradationTrigger
    public var coreOnly: DegradationTrigger
    public var emergencyMode: DegradationTrigger
    /// Quality emergency mode forces (seed: "480p").
    public var emergencyQualityLines: Int
    public var variant: DegradationFeatureVariant

    /// Throws `GracefulDegradationError` when a more severe level's limit is below a milder one's
    /// (the checks run from the most severe down, so such a level could never be reached).
    public init(
        reducedFeatures: DegradationTrigger = .init(cpuPercent: 70, memoryPercent: 70, databaseLatency: .milliseconds(200)),
        coreOnly: DegradationTrigger = .init(cpuPercent: 80, memoryPercent: 80, databaseLatency: .milliseconds(500)),
        emergencyMode: DegradationTrigger = .init(cpuPercent: 90, memoryPercent: 90, databaseLatency: .milliseconds(1000)),
        emergencyQualityLines: Int = 480,
        variant: DegradationFeatureVariant = .intended
    ) throws {
        func ordered(_ a: DegradationTrigger, _ b: DegradationTrigger) -> Bool {
            a.cpuPercent <= b.cpuPercent && a.memoryPercent <= b.memoryPercent && a.databaseLatency <= b.databaseLatency
        }
        guard ordered(reducedFeatures, coreOnly) else { throw GracefulDegradationError.triggersNotIncreasing(level: .coreOnly) }
        guard ordered(coreOnly, emergencyMode) else { throw GracefulDegradationError.triggersNotIncreasing(level: .emergencyMode) }
        self.reducedFeatures = reducedFeatures
        self.coreOnly = coreOnly
        self.emergencyMode = emergencyMode
        self.emergencyQualityLines = emergencyQualityLines
        self.variant = variant
    }

    /// The level for `sample`, most severe first (seed `getDegradationLevel`).
    public func level(for sample: SystemHealthSample) -> DegradationLevel {
        if emergencyMode.isExceeded(by: sample) { return .emergencyMode }
        if coreOnly.isExceeded(by: sample) { return .coreOnly }
        if reducedFeatures.isExceeded(by: sample) { return .reducedFeatures }
        return .fullService
    }

    /// What the service does with a request of `type` and `settings` at `level`
    /// (seed `handleRecordingRequest`).
    public func admit(_ type: RecordingType, settings: RecordingSettings, at level: DegradationLevel) -> RecordingAdmission {
        var settings = settings
        switch level {
        case .emergencyMode:
            guard type == .screen else {
                return .rejected(reason: "service degraded: only screen recording available")
            }
            switch variant {
            case .intended:
                settings.qualityLines = min(settings.qualityLines, emergencyQualityLines)
                settings.enableRealTimeTranscription = false
            case .asWritten:
                settings.qualityLines = emergencyQualityLines
            }
            settings.enableAI = false
        case .coreOnly:
            settings.enableAI = false
            settings.enableRealTimeTranscription = false
        case .reducedFeatures:
            settings.enableRealTimeTranscription = false
        case .fullService:
            break
        }
        return .accepted(settings)
    }
}
