import SwitchyardCore

/// The scheduler limits and cost model of one instance.
public struct EngineConfig: Sendable, Equatable {
    /// Most requests in the running batch (vLLM `max_num_seqs`).
    public var maxBatchSize: Int
    /// Token budget of one iteration (vLLM `max_num_batched_tokens`). Without chunked prefill it bounds the
    /// prefill tokens of an iteration, though a single prompt larger than the budget is still admitted alone.
    public var maxBatchedTokens: Int
    public var blockSize: Int
    public var kvBlocks: Int
    public var maxModelLen: Int
    /// Split long prompts into chunks of the token budget, batched with the running decodes.
    public var chunkedPrefill: Bool
    /// Automatic prefix caching (on by default, as in vLLM V1); it applies to requests with prefix hashes.
    public var prefixCaching: Bool
    public var cost: CostModel

    public init(
        maxBatchSize: Int,
        maxBatchedTokens: Int,
        blockSize: Int = 16,
        kvBlocks: Int,
        maxModelLen: Int,
        chunkedPrefill: Bool = false,
        prefixCaching: Bool = true,
        cost: CostModel
    ) {
        precondition(maxBatchSize > 0 && maxBatchedTokens > 0 && blockSize > 0 && kvBlocks > 0 && maxModelLen > 1)
        self.maxBatchSize = maxBatchSize
        self.maxBatchedTokens = maxBatchedTokens
        self.blockSize = blockSize
        self.kvBlocks = kvBlocks
        self.maxModelLen = min(maxModelLen, kvBlocks * blockSize - 1)
        self.chunkedPrefill = chunkedPrefill
        self.prefixCaching = prefixCaching
        self.cost = cost
    }
}
