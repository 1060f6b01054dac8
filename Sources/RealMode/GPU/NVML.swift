#if canImport(Glibc)
import Glibc
#endif

/// NVIDIA's management library (NVML), loaded at run time with `dlopen`, so that loomsim builds
/// and runs on machines without the driver and finds the GPUs on machines that have one.
///
/// Only the handful of calls the GPU inventory needs are bound; their C signatures are those of
/// `nvml.h` (driver API v2 entry points).
struct NVML {
    typealias Device = OpaquePointer
    /// `nvmlMemory_t`.
    struct Memory { var total: UInt64 = 0; var free: UInt64 = 0; var used: UInt64 = 0 }

    private typealias InitFn = @convention(c) () -> Int32
    private typealias CountFn = @convention(c) (UnsafeMutablePointer<UInt32>) -> Int32
    private typealias HandleFn = @convention(c) (UInt32, UnsafeMutablePointer<Device?>) -> Int32
    private typealias NameFn = @convention(c) (Device, UnsafeMutablePointer<CChar>, UInt32) -> Int32
    private typealias MemoryFn = @convention(c) (Device, UnsafeMutableRawPointer) -> Int32
    private typealias EncoderCapacityFn = @convention(c) (Device, UInt32, UnsafeMutablePointer<UInt32>) -> Int32
    private typealias UtilizationFn = @convention(c) (Device, UnsafeMutablePointer<UInt32>, UnsafeMutablePointer<UInt32>) -> Int32
    private typealias ErrorStringFn = @convention(c) (Int32) -> UnsafePointer<CChar>?

    private let initialize: InitFn
    private let shutdownFn: InitFn
    private let count: CountFn
    private let handle: HandleFn
    private let name: NameFn
    private let memory: MemoryFn
    private let encoderCapacity: EncoderCapacityFn?
    private let decoderUtilization: UtilizationFn?
    private let errorString: ErrorStringFn?

    /// NVML_SUCCESS; NVML_ERROR_NOT_SUPPORTED.
    static let success: Int32 = 0
    static let notSupported: Int32 = 3
    /// `NVML_ENCODER_QUERY_H264`.
    static let encoderH264: UInt32 = 0

    /// Loads the library and resolves the calls; throws `GPUDiscoveryError` saying what is missing.
    init(libraryNames: [String] = ["libnvidia-ml.so.1", "libnvidia-ml.so"]) throws(GPUDiscoveryError) {
        var lib: UnsafeMutableRawPointer?
        for n in libraryNames {
            lib = dlopen(n, RTLD_NOW | RTLD_LOCAL)
            if lib != nil { break }
        }
        guard let lib else { throw .driverNotFound(libraryNames.first ?? "libnvidia-ml") }
        func symbol<T>(_ n: String, as: T.Type) -> T? {
            dlsym(lib, n).map { unsafeBitCast($0, to: T.self) }
        }
        guard let i = symbol("nvmlInit_v2", as: InitFn.self), let s = symbol("nvmlShutdown", as: InitFn.self),
              let c = symbol("nvmlDeviceGetCount_v2", as: CountFn.self),
              let h = symbol("nvmlDeviceGetHandleByIndex_v2", as: HandleFn.self),
              let n = symbol("nvmlDeviceGetName", as: NameFn.self),
              let m = symbol("nvmlDeviceGetMemoryInfo", as: MemoryFn.self)
        else { throw .symbolMissing("nvmlInit_v2 / nvmlDeviceGetCount_v2 / nvmlDeviceGetHandleByIndex_v2") }
        initialize = i; shutdownFn = s; count = c; handle = h; name = n; memory = m
        encoderCapacity = symbol("nvmlDeviceGetEncoderCapacity", as: EncoderCapacityFn.self)
        decoderUtilization = symbol("nvmlDeviceGetDecoderUtilization", as: UtilizationFn.self)
        errorString = symbol("nvmlErrorString", as: ErrorStringFn.self)
    }

    func message(_ code: Int32) -> String {
        errorString?(code).map { String(cString: $0) } ?? "NVML error \(code)"
    }

    /// Every device: name, memory, H.264 encoder capacity (nil: no NVENC) and whether NVDEC answers.
    func devices() throws(GPUDiscoveryError) -> [GPUDevice] {
        let r = initialize()
        guard r == Self.success else { throw .initializationFailed(message(r)) }
        defer { _ = shutdownFn() }
        var n: UInt32 = 0
        let rc = count(&n)
        guard rc == Self.success else { throw .initializationFailed(message(rc)) }
        var out: [GPUDevice] = []
        for index in 0..<n {
            var device: Device?
            guard handle(index, &device) == Self.success, let device else { continue }
            var buffer = [CChar](repeating: 0, count: 96)
            _ = name(device, &buffer, UInt32(buffer.count))
            var mem = Memory()
            _ = withUnsafeMutableBytes(of: &mem) { memory(device, $0.baseAddress!) }
            var capacity: UInt32 = 0
            let encoder = encoderCapacity.map { $0(device, Self.encoderH264, &capacity) }
            var utilization: UInt32 = 0, period: UInt32 = 0
            let decoder = decoderUtilization.map { $0(device, &utilization, &period) }
            out.append(GPUDevice(
                index: Int(index), name: String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self), memoryBytes: mem.total,
                encoderCapacityPercent: encoder == Self.success && capacity > 0 ? Int(capacity) : nil,
                hasDecoder: decoder == Self.success))
        }
        return out
    }
}
