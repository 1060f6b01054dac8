/// Hashes that are the same on every process, machine and Swift version.
///
/// Swift's `Hasher` is seeded per process, so it must never decide a seed, a sample or an order
/// (DESIGN.md §3; EXAMPLES.md anti-pattern 4). These are FNV-1a 64 for bytes and SplitMix64's
/// finaliser for mixing words.
public enum StableHash {
    public static let fnvOffsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    public static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3

    /// FNV-1a 64 over the UTF-8 bytes of `text`, continuing from `seed`.
    @inlinable
    public static func fnv1a(_ text: String, seed: UInt64 = fnvOffsetBasis) -> UInt64 {
        var h = seed
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* fnvPrime
        }
        return h
    }

    /// FNV-1a 64 over the eight little-endian bytes of `value`, continuing from `seed`.
    @inlinable
    public static func fnv1a(_ value: UInt64, seed: UInt64 = fnvOffsetBasis) -> UInt64 {
        var h = seed
        var v = value
        for _ in 0..<8 {
            h ^= v & 0xff
            h = h &* fnvPrime
            v >>= 8
        }
        return h
    }

    /// SplitMix64's output function: a bijective mix with full avalanche.
    @inlinable
    public static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// The seed of the random stream `name` in a run seeded with `runSeed`: depends on both and
    /// on nothing else, so adding a stream never moves another stream's draws.
    public static func streamSeed(runSeed: UInt64, streamName: String) -> UInt64 {
        mix(fnv1a(streamName, seed: fnv1a(runSeed)))
    }
}
