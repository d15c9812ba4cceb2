import SwitchyardCore

/// Hash functions that give the same value in every process, so hashed feature indices in a saved model stay valid.
///
/// Swift's `Hasher` is seeded randomly per process and would scatter a trained model's features differently on every
/// run; FNV-1a (Fowler, Noll and Vo) and the SplitMix64 finaliser are fixed functions of their input.
enum StableHash {
    /// The 64-bit FNV-1a offset basis.
    static let basis: UInt64 = 0xCBF2_9CE4_8422_2325
    /// The 64-bit FNV prime.
    static let prime: UInt64 = 0x0000_0100_0000_01B3

    /// One FNV-1a step: folds one byte into a running hash.
    @inline(__always)
    static func step(_ hash: UInt64, _ byte: UInt8) -> UInt64 { (hash ^ UInt64(byte)) &* prime }

    /// The FNV-1a hash of a byte sequence (for example a string's UTF-8 view).
    /// - Complexity: O(n) in the number of bytes.
    static func fnv1a<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hash = basis
        for byte in bytes { hash = step(hash, byte) }
        return hash
    }

    /// The SplitMix64 finaliser: spreads every input bit over the whole word, so the top bits make a fair index.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An ordered pair of hashes as one hash: `combine(a, b)` and `combine(b, a)` differ.
    @inline(__always)
    static func combine(_ first: UInt64, _ second: UInt64) -> UInt64 {
        mix(first &* 0x9E37_79B9_7F4A_7C15 &+ second)
    }

    /// A hash mapped to `0..<(1 << bits)`, after tagging it with a namespace so that, say, a word and a character
    /// n-gram with equal raw hashes land apart.
    @inline(__always)
    static func index(_ hash: UInt64, namespace: UInt64, bits: Int) -> Int {
        Int(truncatingIfNeeded: mix(hash ^ namespace) >> UInt64(64 - bits))
    }
}
