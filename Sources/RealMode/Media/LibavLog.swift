import CFFmpeg
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libav's process-wide logging set-up and error text, in one place.
///
/// Models the error-reporting half of FFmpeg's `libavutil/log.h` and `libavutil/error.h`:
/// `av_log_set_level(AV_LOG_ERROR)` (libx264 prints statistics at INFO; the interop notes ask
/// for ERROR), a capture callback (`av_log_set_callback`) and `av_strerror` for error codes.
///
/// Why capture: libav reports most failures as a bare code (AVERROR_INVALIDDATA: "Invalid
/// data found when processing input") and says *why* only in a log line ("moov atom not
/// found", "partial file", "Cannot load libcuda.so.1"). The callback keeps the last line at
/// AV_LOG_ERROR or worse per thread, so a `MediaError` can carry both, and prints nothing:
/// the message reaches the user through the error instead of as stderr noise. Each pipeline
/// runs on one thread, so the line it reads is its own.
///
/// The per-thread buffer lives here, behind a pthread key, not as a C `_Thread_local` in
/// `shim.h`: Swift does not emit definitions of global variables declared in an imported
/// header, and an undefined weak TLS symbol resolves to offset 0 of the thread block,
/// corrupting the Swift runtime's own thread-locals (measured: a crash in
/// `swift_task_create_common`). The C callback in `shim.h` formats the va_list (which a Swift
/// `@convention(c)` closure cannot take on Linux) and calls `loom_log_store_line` below.
public enum LibavLog {
    /// Installing the callback once; a `static let` initializer runs exactly once, thread-safely.
    private static let installed: Bool = {
        _ = logKey
        loom_log_install_forwarding()
        return true
    }()

    static let lineCapacity = 512

    /// Sets libav's log level to errors only and installs the per-thread error capture. Cheap
    /// after the first call.
    public static func prepare() {
        _ = installed
    }

    /// `av_strerror(code)`: libav's text for an error code ("Invalid data found when processing input").
    public static func errorText(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let status = buffer.withUnsafeMutableBufferPointer { raw -> Int32 in
            guard let base = raw.baseAddress else { return -1 }
            return av_strerror(code, base, raw.count)
        }
        guard status >= 0 else { return "libav error \(code)" }
        return Self.string(from: buffer)
    }

    /// The last line libav logged at error level on this thread, trimmed, or nil.
    static func lastErrorLine() -> String? {
        guard let buffer = threadBuffer(create: false) else { return nil }
        let line = String(cString: buffer).trimmingWhitespace()
        return line.isEmpty ? nil : line
    }

    /// Forgets the last logged line, so a later `lastErrorLine()` only reports fresh failures.
    static func clear() {
        threadBuffer(create: false)?.pointee = 0
    }

    /// This thread's line buffer (`lineCapacity` bytes, zeroed), created on first use and freed
    /// by the key's destructor when the thread exits.
    static func threadBuffer(create: Bool) -> UnsafeMutablePointer<CChar>? {
        if let existing = pthread_getspecific(logKey) { return existing.assumingMemoryBound(to: CChar.self) }
        guard create, let fresh = calloc(lineCapacity, 1) else { return nil }
        guard pthread_setspecific(logKey, fresh) == 0 else {
            free(fresh)
            return nil
        }
        return fresh.assumingMemoryBound(to: CChar.self)
    }

    static func string(from buffer: [CChar]) -> String {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The pthread key of the per-thread error-line buffer.
private let logKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { buffer in free(buffer) }
    return key
}()

/// Called by `shim.h`'s `av_log` callback with each formatted line at AV_LOG_ERROR or worse,
/// on the thread that logged it. A line may arrive in pieces; a piece that follows a finished
/// line ("…\n") starts a new one.
@_cdecl("loom_log_store_line")
func loomLogStoreLine(_ level: Int32, _ line: UnsafePointer<CChar>?) {
    guard let line, let buffer = LibavLog.threadBuffer(create: true) else { return }
    let capacity = LibavLog.lineCapacity
    var used = strlen(buffer)
    // A finished line, or a full buffer, is replaced rather than extended.
    if used > 0 && (buffer[used - 1] == 0x0A || used >= capacity - 1) { used = 0 }
    let room = capacity - 1 - used
    let length = min(strlen(line), room)
    (buffer + used).update(from: line, count: length)
    buffer[used + length] = 0
}

extension String {
    /// Drops leading and trailing spaces and newlines (libav lines end with "\n").
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }),
              let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}

/// Small helpers over C strings and rationals that libav hands back.
enum LibavText {
    /// A Swift string from a possibly-null C string.
    static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    /// A codec's short name for an id ("h264", "aac"), from `avcodec_get_name`.
    static func codecName(_ id: AVCodecID) -> String {
        string(avcodec_get_name(id)) ?? "unknown"
    }

    /// A pixel format's name ("yuv420p"), from `av_get_pix_fmt_name`.
    static func pixelFormatName(_ format: Int32) -> String {
        string(av_get_pix_fmt_name(AVPixelFormat(rawValue: format))) ?? "none"
    }

    /// A sample format's name ("fltp"), from `av_get_sample_fmt_name`.
    static func sampleFormatName(_ format: Int32) -> String {
        string(av_get_sample_fmt_name(AVSampleFormat(rawValue: format))) ?? "none"
    }
}
