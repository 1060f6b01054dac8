/// A finished recording handed to video processing (the platform wires
/// `RecordingService.videoProcessingHandoff` to the video-processing service).
public struct FinishedRecording: Sendable, Equatable {
    public var sessionID: UInt64
    public var userTier: String
    public var type: RecordingType
    /// The settings after degradation (AI and transcription may have been shed).
    public var settings: RecordingSettings
    /// Length recorded.
    public var length: TimeAmount
    /// Media size, bytes (length × bitrate).
    public var sizeBytes: Double
    /// Recorded state lost to pod failures (the sum of restore RPOs).
    public var dataLost: TimeAmount
    public var finishedAt: Instant
}

/// Running totals of what happened to sessions, for tests and reports.
public struct RecordingStatistics: Sendable, Equatable {
    public var requested = 0
    public var started = 0
    public var completed = 0
    public var rejectedDegraded = 0
    public var droppedNoCapacity = 0
    public var failedDatabase = 0
    /// Sessions brought back from a snapshot on another pod.
    public var restored = 0
    /// Sessions whose pod went away without a usable snapshot.
    public var lost = 0
    public var restoreTimeouts = 0
    /// Sessions moved off a pod removed by scale-down (snapshotted first: nothing lost).
    public var migrated = 0
    public var snapshotsTaken = 0
    public var snapshotFastWriteFailures = 0
    public var snapshotChecksumFailures = 0
    public var segmentWriteFailures = 0
    public var downstreamDeadLettered = 0
    public var handedToVideoProcessing = 0
}
