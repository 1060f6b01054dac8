import LoomServices

extension VideoCalibration {
    /// Seconds of media of the clips the profile was measured on (nil: no measurements).
    public var measuredClipSeconds: Double? {
        guard let m = measurements.first(where: { $0.secondsPerMediaSecond > 0 }) else { return nil }
        return m.seconds / m.secondsPerMediaSecond
    }
}
