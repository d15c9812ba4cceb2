/// What identifies a prompt's prefix: one hash per `blockTokens` tokens, each standing for the whole prompt up to
/// the end of its block (chained over the blocks before it), as vLLM's block hashes and Mooncake's `hash_ids` are.
/// Two prompts share their first k blocks exactly when their first k hashes are equal. The last block may be
/// partial: its hash then stands for the prompt's end.
public struct PrefixHashes: Sendable, Equatable, Hashable {
    /// Tokens per hashed block (512 in the Mooncake trace, 16 for vLLM's KV blocks).
    public var blockTokens: Int
    public var hashes: [UInt64]

    public init(blockTokens: Int, hashes: [UInt64]) {
        precondition(blockTokens > 0, "a prefix block holds at least one token")
        self.blockTokens = blockTokens
        self.hashes = hashes
    }

    /// The hash of block `index` of a cache with `size`-token blocks, or nil when that block is not wholly within
    /// the first `promptTokens` tokens or the hashes do not reach it.
    ///
    /// When the cache's blocks are finer than the hashed ones, a block is keyed by the hashed block holding its last
    /// token and its end offset there, so it matches exactly when that hashed block matches: a conservative reading
    /// (a prompt that shares only part of a hashed block shares none of it).
    /// - Complexity: O(1).
    @inlinable
    public func hash(ofBlock index: Int, size: Int, promptTokens: Int) -> UInt64? {
        let end = (index + 1) * size
        guard index >= 0, end <= promptTokens else { return nil }
        let coarse = (end - 1) / blockTokens
        guard coarse < hashes.count else { return nil }
        return Self.mix(hashes[coarse], UInt64(end - coarse * blockTokens))
    }

    /// Full blocks of `size` tokens of a `promptTokens`-token prompt that have a hash.
    @inlinable
    public func fullBlocks(size: Int, promptTokens: Int) -> Int {
        min(promptTokens, hashes.count * blockTokens) / size
    }

    /// SplitMix64's finaliser over a hash and an offset.
    @inlinable
    static func mix(_ hash: UInt64, _ offset: UInt64) -> UInt64 {
        var z = hash &+ offset &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
