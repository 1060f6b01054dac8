import CFFmpeg
import Foundation

/// One NVIDIA GPU as real mode sees it: what it can do for the video pipeline.
///
/// Engines matter more than the model name: data-centre Hopper GPUs (H100, H200) have NVDEC
/// decoders but no NVENC encoders, so encode work must go to the CPU on them while decode can
/// use the GPU (shared/reference/swift-c-interop.md).
public struct GPUDevice: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var name: String
    public var memoryBytes: UInt64
    /// NVML's H.264 encoder capacity in percent, or nil when the device has no NVENC.
    public var encoderCapacityPercent: Int?
    /// Whether the device answers NVDEC (decoder) queries.
    public var hasDecoder: Bool

    public var hasEncoder: Bool { encoderCapacityPercent != nil }

    public var description: String {
        let gib = Double(memoryBytes) / Double(1 << 30)
        let enc = encoderCapacityPercent.map { "NVENC (H.264 capacity \($0)%)" } ?? "no NVENC"
        return "GPU \(index): \(name), \(String(format: "%.0f", gib)) GiB, \(enc), \(hasDecoder ? "NVDEC" : "no NVDEC")"
    }
}

/// Why no GPU can be used; the message is the one line real mode prints before taking the
/// CPU fallback for every job (seed §2.2.2's own fallback).
public enum GPUDiscoveryError: Error, Equatable, CustomStringConvertible {
    case driverNotFound(String)
    case symbolMissing(String)
    case initializationFailed(String)
    case noDevices

    public var description: String {
        switch self {
        case .driverNotFound(let lib):
            return "no NVIDIA GPU: \(lib) could not be loaded (no driver); every job takes the CPU fallback"
        case .symbolMissing(let s):
            return "no NVIDIA GPU: the NVML library lacks \(s); every job takes the CPU fallback"
        case .initializationFailed(let why):
            return "no NVIDIA GPU: NVML failed to initialize (\(why)); every job takes the CPU fallback"
        case .noDevices:
            return "no NVIDIA GPU: NVML found no devices; every job takes the CPU fallback"
        }
    }
}

/// The machine's GPUs and the FFmpeg hardware codecs this build can open on them.
public struct GPUInventory: Sendable, Equatable {
    public var devices: [GPUDevice]
    /// FFmpeg encoders by name that exist in this build (`h264_nvenc`, `hevc_nvenc`).
    public var ffmpegEncoders: [String]

    /// Asks NVML (loaded at run time) for the devices and libavcodec for NVENC encoders.
    public static func discover() -> Result<GPUInventory, GPUDiscoveryError> {
        let devices: [GPUDevice]
        do {
            devices = try NVML().devices()
        } catch {
            return .failure(error)
        }
        guard !devices.isEmpty else { return .failure(.noDevices) }
        let candidates: [String] = ["h264_nvenc", "hevc_nvenc"]
        let encoders = candidates.filter { avcodec_find_encoder_by_name($0) != nil }
        return .success(GPUInventory(devices: devices, ffmpegEncoders: encoders))
    }

    /// Devices that can take encode work (NVENC present and FFmpeg has an NVENC encoder).
    public var encodeDevices: [GPUDevice] { ffmpegEncoders.isEmpty ? [] : devices.filter(\.hasEncoder) }
    /// Devices that can take decode work.
    public var decodeDevices: [GPUDevice] { devices.filter(\.hasDecoder) }

    /// One line per device plus what the pipeline will do with them.
    public var summary: [String] {
        var lines = devices.map(\.description)
        if encodeDevices.isEmpty {
            lines.append("no device has NVENC: encoding runs on the CPU; \(decodeDevices.count) device(s) decode with NVDEC")
        } else {
            lines.append("encoding on \(encodeDevices.count) device(s) with \(ffmpegEncoders.joined(separator: ", "))")
        }
        return lines
    }
}
