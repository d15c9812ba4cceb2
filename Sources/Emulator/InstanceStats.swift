/// What `/metrics` publishes for one instance.
public struct InstanceStats: Sendable, Equatable {
    /// Requests in the running batch (`vllm:num_requests_running`).
    public var running: Int
    /// Requests in the waiting queue (`vllm:num_requests_waiting`).
    public var waiting: Int
    /// KV-cache usage in 0...1 (`vllm:kv_cache_usage_perc`).
    public var kvUsage: Double
    public var kvBlocks: Int
    public var blockSize: Int
    public var preemptions: Int
    /// Prompt tokens prefilled (each request counted once, at its first token).
    public var promptTokens: Int
    public var generationTokens: Int
    public var finishedByReason: [Generation.FinishReason: Int]
    /// Prompt tokens looked up in the prefix cache, and those found (`vllm:prefix_cache_queries_total`,
    /// `vllm:prefix_cache_hits_total`).
    public var prefixCacheQueries = 0
    public var prefixCacheHits = 0
    /// vLLM's request and iteration histograms.
    public var histograms = VLLMHistograms()
    /// Prompt and generation tokens per second over the last 5-second interval (vLLM V0's
    /// `vllm:avg_prompt_throughput_toks_per_s` and `vllm:avg_generation_throughput_toks_per_s`).
    public var promptThroughput = 0.0
    public var generationThroughput = 0.0
    /// When the instance started, in seconds since 1970 (the value of the `_created` series).
    public var startedAt = 0.0
}
