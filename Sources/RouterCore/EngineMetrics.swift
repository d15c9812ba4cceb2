/// The load signals one engine publishes on `/metrics`, normalised across vLLM, SGLang and llama.cpp.
///
/// Counts are summed across series (an engine splits them by `model_name`, `engine` or rank labels); usage fractions
/// are averaged across series, because each series is one engine's share of its own equal-sized KV pool and a sum
/// could pass 1. See `EngineMetricNames` for the names read per kind and the sample files that prove them.
public struct EngineMetrics: Sendable, Equatable {
    /// The engine the metrics were read as.
    public var kind: EngineKind
    /// Requests queued in the engine and not yet scheduled.
    public var waiting: Int
    /// Requests in the engine's running batch.
    public var running: Int
    /// KV-cache usage in 0...1, or nil when the engine does not publish it (current llama.cpp).
    public var kvUsage: Double?
    /// KV tokens in use, when published (`sglang:num_used_tokens`, older `llamacpp:kv_cache_tokens`).
    public var kvUsedTokens: Int?
    /// Tokens per KV block, from `vllm:cache_config_info{block_size}`.
    public var kvBlockSize: Int?
    /// KV blocks on the accelerator, from `vllm:cache_config_info{num_gpu_blocks}`, summed across engines.
    public var numGPUBlocks: Int?
    /// KV capacity in tokens: `kvBlockSize × numGPUBlocks` for vLLM, `sglang:max_total_num_tokens` for SGLang.
    public var kvCapacityTokens: Int?
    /// Counter: prompt tokens processed since the engine started.
    public var promptTokensTotal: Double?
    /// Counter: tokens generated since the engine started.
    public var generationTokensTotal: Double?
    /// Counter: preemptions since the engine started (vLLM only).
    public var preemptionsTotal: Double?
    /// Counters: prompt tokens looked up in the prefix cache, and those found there (vLLM).
    public var prefixCacheQueriesTotal: Double? = nil
    public var prefixCacheHitsTotal: Double? = nil
    /// Gauge: the prefix cache's hit rate in 0...1, when the engine publishes it (SGLang's `cache_hit_rate`).
    public var prefixCacheHitRate: Double? = nil
    /// Counter: requests the engine finished (vLLM `request_success_total`, every finish reason).
    public var requestSuccessTotal: Double? = nil
    /// The engine's own latency histograms since it started: time to first token, the gap between tokens, and
    /// arrival to last token; nil when the engine publishes none (llama.cpp).
    public var ttftHistogram: HistogramCounts? = nil
    public var interTokenHistogram: HistogramCounts? = nil
    public var e2eHistogram: HistogramCounts? = nil

    /// The prefix cache's hit rate since the engine started: hits over queries (vLLM) or the engine's own rate
    /// (SGLang); nil when the engine publishes neither or has had no query.
    public var prefixHitRate: Double? {
        if let queries = prefixCacheQueriesTotal, let hits = prefixCacheHitsTotal, queries > 0 {
            return min(1, max(0, hits / queries))
        }
        return prefixCacheHitRate
    }

    public init(
        kind: EngineKind,
        waiting: Int,
        running: Int,
        kvUsage: Double? = nil,
        kvUsedTokens: Int? = nil,
        kvBlockSize: Int? = nil,
        numGPUBlocks: Int? = nil,
        kvCapacityTokens: Int? = nil,
        promptTokensTotal: Double? = nil,
        generationTokensTotal: Double? = nil,
        preemptionsTotal: Double? = nil
    ) {
        self.kind = kind
        self.waiting = waiting
        self.running = running
        self.kvUsage = kvUsage
        self.kvUsedTokens = kvUsedTokens
        self.kvBlockSize = kvBlockSize
        self.numGPUBlocks = numGPUBlocks
        self.kvCapacityTokens = kvCapacityTokens
        self.promptTokensTotal = promptTokensTotal
        self.generationTokensTotal = generationTokensTotal
        self.preemptionsTotal = preemptionsTotal
    }
}
