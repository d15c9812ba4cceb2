/// Hashes a prompt into chained blocks, for the router's prefix index and the emulator's prefix cache: the same
/// prompt gives the same hashes in every process (FNV-1a, not Swift's per-process seeded `Hasher`), and two prompts
/// share their first k hashes exactly when they share their first k blocks.
///
/// Text is cut into blocks of 64 UTF-8 bytes, about 16 tokens, as llm-d's approximate prefix index does (16 tokens
/// of 4 characters); token-id prompts into blocks of 16 ids. The trailing partial block is hashed too.
public enum PromptBlockHasher {
    public static let bytesPerBlock = 64
    public static let tokensPerBlock = 16

    /// The chained block hashes of `text`, each block standing for about 16 tokens; nil for an empty text.
    public static func hashes(text: String) -> PrefixHashes? {
        let count = text.utf8.count
        guard count > 0 else { return nil }
        var hashes: [UInt64] = []
        hashes.reserveCapacity((count + bytesPerBlock - 1) / bytesPerBlock)
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for (index, byte) in text.utf8.enumerated() {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            if (index + 1) % bytesPerBlock == 0 || index + 1 == count { hashes.append(hash) }
        }
        return PrefixHashes(blockTokens: tokensPerBlock, hashes: hashes)
    }

    /// The chained block hashes of a token-id prompt, 16 ids per block; nil for no ids.
    public static func hashes(tokenIDs: [Int]) -> PrefixHashes? {
        guard !tokenIDs.isEmpty else { return nil }
        var hashes: [UInt64] = []
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for (index, id) in tokenIDs.enumerated() {
            var value = UInt64(bitPattern: Int64(id))
            for _ in 0..<8 {
                hash = (hash ^ (value & 0xFF)) &* 0x0000_0100_0000_01B3
                value >>= 8
            }
            if (index + 1) % tokensPerBlock == 0 || index + 1 == tokenIDs.count { hashes.append(hash) }
        }
        return PrefixHashes(blockTokens: tokensPerBlock, hashes: hashes)
    }
}
