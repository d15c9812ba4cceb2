import SwitchyardCore

/// A model × GPU latency and capacity profile: how long an iteration takes and how much KV cache there is.
///
/// Profiles are data files (`Profiles/*.json`) that state their source and derivation; see ``ProfileCatalog``.
public struct LatencyProfile: Sendable, Equatable, Codable {
    /// Kebab-case name, as typed on the command line (`llama2-7b-v100`).
    public var name: String
    public var summary: String
    /// Where the numbers come from.
    public var source: String
    /// How the coefficients were derived, step by step.
    public var derivation: [String]
    public var cost: CostModel
    public var maxBatchSize: Int
    /// Token budget of one iteration (vLLM's `max_num_batched_tokens`).
    public var maxBatchedTokens: Int
    public var blockSize: Int
    public var kvBlocks: Int
    /// Longest prompt + output the instance accepts; longer requests are clamped by the engine.
    public var maxModelLen: Int
    /// Chunk size when chunked prefill is on.
    public var chunkSize: Int

    enum CodingKeys: String, CodingKey {
        case name, summary, source, derivation, cost
        case maxBatchSize = "max_batch_size"
        case maxBatchedTokens = "max_batched_tokens"
        case blockSize = "block_size"
        case kvBlocks = "kv_blocks"
        case maxModelLen = "max_model_len"
        case chunkSize = "chunk_size"
    }

    public init(
        name: String,
        summary: String,
        source: String,
        derivation: [String],
        cost: CostModel,
        maxBatchSize: Int,
        maxBatchedTokens: Int,
        blockSize: Int,
        kvBlocks: Int,
        maxModelLen: Int,
        chunkSize: Int
    ) {
        self.name = name
        self.summary = summary
        self.source = source
        self.derivation = derivation
        self.cost = cost
        self.maxBatchSize = maxBatchSize
        self.maxBatchedTokens = maxBatchedTokens
        self.blockSize = blockSize
        self.kvBlocks = kvBlocks
        self.maxModelLen = maxModelLen
        self.chunkSize = chunkSize
    }

    /// KV capacity in tokens.
    public var kvCapacityTokens: Int { kvBlocks * blockSize }

    /// The engine configuration this profile implies.
    public func engineConfig(chunkedPrefill: Bool = false) -> EngineConfig {
        EngineConfig(
            maxBatchSize: maxBatchSize,
            maxBatchedTokens: chunkedPrefill ? chunkSize : maxBatchedTokens,
            blockSize: blockSize,
            kvBlocks: kvBlocks,
            maxModelLen: maxModelLen,
            chunkedPrefill: chunkedPrefill,
            cost: cost
        )
    }
}
