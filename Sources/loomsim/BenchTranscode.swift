import ArgumentParser
import Foundation
import RealMode

/// `loomsim bench transcode`: one transcode through the libav backend, timed, for the side-by-side
/// comparison with the ffmpeg command line (bench/ffmpeg-compare.sh).
struct BenchTranscode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcode",
        abstract: "Transcode one file through loomsim's libav backend and print frames per second.",
        discussion: """
            Decodes INPUT, scales it to --height (never up), encodes H.264 (--encoder, --preset, --crf) \
            and AAC audio into an MP4 with faststart, --runs times; the fastest run counts. The last \
            line reads: frames=<n> seconds=<t> fps=<r> width=<w> height=<h> encoder=<name> bytes=<size>. \
            bench/ffmpeg-compare.sh runs the same work through the ffmpeg command line and prints the ratio.
            """)

    @Option(name: .long, help: ArgumentHelp("The video to transcode.", valueName: "file")) var input: String
    @Option(name: .long, help: ArgumentHelp("Where to write the MP4.", valueName: "file")) var output: String
    @Option(name: .long, help: "libavcodec video encoder.") var encoder: String = "libx264"
    @Option(name: .long, help: "Encoder preset.") var preset: String = "veryfast"
    @Option(name: .long, help: "Constant rate factor (0–51).") var crf: Int = 23
    @Option(name: .long, help: "Output height in pixels (default: the input's).") var height: Int?
    @Option(name: .long, help: "Encoder threads, 0 = automatic.") var threads: Int = 0
    @Option(name: .customLong("gop-seconds"), help: "Key-frame interval in seconds.") var gopSeconds: Double = 2
    @Flag(name: .customLong("no-audio"), help: "Drop audio.") var noAudio = false
    @Option(name: .long, help: "Runs; the fastest counts.") var runs: Int = 1

    func validate() throws {
        guard (0...51).contains(crf) else { throw ValidationError("--crf must be 0–51, got \(crf)") }
        guard runs >= 1 else { throw ValidationError("--runs must be ≥ 1, got \(runs)") }
        guard threads >= 0 else { throw ValidationError("--threads must be ≥ 0, got \(threads)") }
        if let height, height < 16 { throw ValidationError("--height must be ≥ 16, got \(height)") }
        guard gopSeconds > 0, gopSeconds.isFinite else { throw ValidationError("--gop-seconds must be positive") }
    }

    func run() throws {
        _ = try readInputFile(input, maxBytes: Int.max)
        let options = TranscodeBenchmarkOptions(
            inputPath: input, outputPath: output, encoder: encoder, preset: preset, crf: crf, height: height,
            threads: threads, keyframeIntervalSeconds: gopSeconds, includeAudio: !noAudio, runs: runs)
        do {
            let report = try TranscodeBenchmark.run(options)
            print(report.summaryLine)
        } catch {
            printError("\(input): error: \(error)")
            switch error.kind {
            case .empty, .unreadable, .truncated, .corrupt, .notVideo, .unsupported, .invalidRequest:
                throw ExitCode.badInput
            default:
                throw ExitCode.failure
            }
        }
    }
}
