import CFFmpeg
import Foundation
@testable import RealMode
import XCTest

/// The upload stage's SHA-256 against FIPS 180-4 / NIST vectors, against itself fed in odd
/// chunk sizes, against `sha256sum`, and against libavutil's `av_sha`.
final class SHA256Tests: XCTestCase {
    func testKnownVectors() {
        XCTAssertEqual(SHA256.hex(of: Array("".utf8)), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(of: Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(
            SHA256.hex(of: Array("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu".utf8)),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
        // 55, 56 and 64 bytes straddle the padding boundaries.
        XCTAssertEqual(SHA256.hex(of: [UInt8](repeating: 0x61, count: 55)), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        XCTAssertEqual(SHA256.hex(of: [UInt8](repeating: 0x61, count: 56)), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        XCTAssertEqual(SHA256.hex(of: [UInt8](repeating: 0x61, count: 64)), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    func testMillionAs() {
        var hasher = SHA256()
        let chunk = [UInt8](repeating: 0x61, count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        XCTAssertEqual(SHA256.hexString(hasher.finalize()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testChunkingDoesNotChangeTheDigest() {
        let data = pseudoRandomBytes(count: 10_007, seed: 7)
        let whole = SHA256.hex(of: data)
        for size in [1, 3, 63, 64, 65, 1000] {
            var hasher = SHA256()
            var offset = 0
            while offset < data.count {
                hasher.update(data[offset..<min(data.count, offset + size)])
                offset += size
            }
            XCTAssertEqual(SHA256.hexString(hasher.finalize()), whole, "chunk size \(size)")
        }
    }

    func testFileDigestMatchesSha256sumAndLibavutil() throws {
        let bytes = pseudoRandomBytes(count: 3 * (1 << 20) + 12_345, seed: 42)
        let path = try MediaFixtures.shared.file("random.bin", bytes: bytes)
        let ours = try SHA256.hex(ofFileAt: path)
        let tool = try runTool("/usr/bin/sha256sum", [path]).split(separator: " ").first.map(String.init)
        XCTAssertEqual(ours, tool)
        XCTAssertEqual(ours, libavutilSHA256(bytes))
    }

    /// `av_sha` from libavutil, a third, independent implementation.
    private func libavutilSHA256(_ bytes: [UInt8]) -> String? {
        guard let context = av_sha_alloc() else { return nil }
        defer { av_free(UnsafeMutableRawPointer(context)) }
        guard av_sha_init(context, 256) == 0 else { return nil }
        bytes.withUnsafeBufferPointer { av_sha_update(context, $0.baseAddress, $0.count) }
        var digest = [UInt8](repeating: 0, count: 32)
        digest.withUnsafeMutableBufferPointer { av_sha_final(context, $0.baseAddress) }
        return SHA256.hexString(digest)
    }
}
