/// A small, fast, seedable random number generator: SplitMix64 (Steele, Lea and Flood, "Fast splittable
/// pseudorandom number generators", OOPSLA 2014).
///
/// The same seed gives the same sequence on every platform and every run, so a simulation that draws from it is
/// reproducible from its `--seed`. It is not cryptographically secure. The constants are the published ones (also
/// used by `apple/swift-argument-parser: Examples/roll/SplitMix64.swift`).
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable {
    /// The generator's whole state; it advances by the golden-ratio increment on each draw.
    public private(set) var state: UInt64

    /// Creates a generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// Returns the next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A generator for an independent sub-stream, derived from this one's seed and a stream number.
    ///
    /// Use it to give parts of a run (for example the two halves of a mixed workload) their own sequences, so that
    /// drawing more from one part does not shift the other.
    /// - Parameter stream: the sub-stream's number; different numbers give unrelated sequences.
    /// - Returns: a new generator; `self` is not advanced.
    public func derived(stream: UInt64) -> SeededGenerator {
        var mixer = SeededGenerator(seed: state ^ (stream &* 0xD1B5_4A32_D192_ED03))
        return SeededGenerator(seed: mixer.next())
    }
}
