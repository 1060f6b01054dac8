import CFFmpeg

/// The libav libraries this binary is linked against, for `--version` output and bug reports.
public enum MediaLibraries {
    /// "avformat 59.27.100, avcodec 59.37.100, swscale 6.7.100, avutil 57.28.100".
    public static var versionLine: String {
        func v(_ n: UInt32) -> String { "\(n >> 16).\((n >> 8) & 0xff).\(n & 0xff)" }
        return "avformat \(v(avformat_version())), avcodec \(v(avcodec_version())), "
            + "swscale \(v(swscale_version())), avutil \(v(avutil_version()))"
    }
}
